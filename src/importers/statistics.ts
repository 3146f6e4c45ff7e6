import type { SqlExecutor } from '../db/sql-driver.js';

/**
 * Keeps the planner's statistics of the tables an import grows in step with them. Autovacuum
 * would, but it may be off (it is on our CI server), behind, or absent (PGlite has none); then a
 * plan made while calls was nearly empty scans the whole table for every batch's leg links once
 * it is not: a 1,000,000-record import wrote 79,000 records in 15 minutes. So an import analyzes
 * the tables each time it has inserted as many calls as they held when last analyzed (and at
 * least 10,000): a few times per import, each a sample of 30,000 rows.
 */
export async function statisticsKeeper(sql: SqlExecutor): Promise<(inserted: number) => Promise<void>> {
  const [estimate] = await sql.query<{ rows: number }>(`SELECT greatest(reltuples, 0)::float8 AS rows FROM pg_class WHERE oid = 'calls'::regclass`);
  let analyzed = estimate!.rows;
  let insertedThen = 0;
  return async (inserted) => {
    const grown = inserted - insertedThen;
    if (grown < Math.max(10_000, analyzed)) return;
    analyzed += grown;
    insertedThen = inserted;
    await sql.exec('ANALYZE calls, call_records, recordings');
  };
}
