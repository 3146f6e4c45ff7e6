import type { SqlExecutor } from '../db/sql-driver.js';

export interface StatisticsKeeper {
  /** Told the calls inserted so far; starts an ANALYZE when they are due and none is running. */
  inserted(count: number): void;
  /** Waits for the ANALYZE in progress, if any (its failure is the import's). */
  settled(): Promise<void>;
}

/** The columns linkLegs, the upsert and the replacing of attempts and recordings find rows by. */
const ANALYZE = `ANALYZE calls (account_id, source, external_id, parent_external_id, parent_id),
  call_records (call_id), recordings (call_id)`;

/**
 * Keeps the planner's statistics of the tables an import grows in step with them. Autovacuum
 * would, but it may be off (it is on our CI server), behind, or absent (PGlite has none); then a
 * plan made while calls was nearly empty scans the whole table for every batch's leg links once
 * it is not: a 1,000,000-record import wrote 79,000 records in 15 minutes. Once the planner knows
 * the table is large, growth only makes index lookups the better plan, so an import analyzes the
 * tables when calls has grown eightfold since they were last analyzed (and by at least 10,000):
 * three times in a 1,000,000-record import into an empty table. It runs beside the import, on a
 * connection of its own, rather than holding up the batches behind it.
 *
 * Only the columns the import's own statements look rows up by are analyzed (every ANALYZE
 * counts the table's rows and pages): a whole-table ANALYZE reads each of calls' 69 columns of
 * 30,000 sampled rows, one after the other, and was a twelfth of PostgreSQL's time in an import.
 * The other columns' statistics are autovacuum's to keep, as for any other write.
 */
export async function statisticsKeeper(sql: SqlExecutor): Promise<StatisticsKeeper> {
  const [estimate] = await sql.query<{ rows: number }>(`SELECT greatest(reltuples, 0)::float8 AS rows FROM pg_class WHERE oid = 'calls'::regclass`);
  let analyzed = estimate!.rows;
  let insertedThen = 0;
  let running: Promise<void> | undefined;
  return {
    inserted(count) {
      const grown = count - insertedThen;
      if (running || grown < Math.max(10_000, 7 * analyzed)) return;
      analyzed += grown;
      insertedThen = count;
      running = sql.exec(ANALYZE).finally(() => {
        running = undefined;
      });
      // Its failure is reported by settled(); until then it must not go unhandled.
      running.catch(() => {});
    },
    settled: async () => {
      await running;
    },
  };
}
