import type { SqlDriver, SqlExecutor } from '../sql-driver.js';
import { insertDemoKeys } from './demo-keys.js';
import { generateSeed, seedAccounts, type Row } from './generator.js';

export interface SeedOptions {
  /** Calls to generate, legs included. @default 400 */
  calls?: number;
  /** @default 2 */
  accounts?: number;
  /** @default 1 */
  seed?: number;
}

export interface SeedReport {
  accounts: number;
  calls: number;
  callRecords: number;
  recordings: number;
  seconds: number;
  rowsPerSecond: number;
}

/** The demo data ends here, so every run of the seed produces the same rows. */
export const SEED_UNTIL = new Date('2026-11-01T00:00:00Z');
export const SEED_DAYS = 90;

// json_populate_recordset turns one JSON parameter into typed rows: a bulk insert that works the
// same on PGlite and on PostgreSQL, without one bind parameter per value.
async function insertRows(tx: SqlExecutor, table: string, rows: Row[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(`INSERT INTO ${table} SELECT * FROM json_populate_recordset(NULL::${table}, $1::json)`, [
    JSON.stringify(rows),
  ]);
}

async function nextId(tx: SqlExecutor, table: string): Promise<number> {
  const [row] = await tx.query<{ next: string | number }>(`SELECT COALESCE(MAX(id), 0) + 1 AS next FROM ${table}`);
  return Number(row!.next);
}

/**
 * Replaces the seed accounts' data with freshly generated calls, in one transaction. Other
 * accounts are left alone.
 */
export async function seedDatabase(sql: SqlDriver, options: SeedOptions = {}): Promise<SeedReport> {
  const started = performance.now();
  const accounts = seedAccounts(options.accounts ?? 2);
  const totals = { calls: 0, callRecords: 0, recordings: 0 };
  await sql.transaction(async (tx) => {
    // A large seed's bulk statements may outrun the server's statement_timeout, meant for requests.
    await tx.exec('SET LOCAL statement_timeout = 0');
    await tx.query('DELETE FROM accounts WHERE id = ANY($1::text[])', [accounts.map((account) => account.id)]);
    await insertRows(tx, 'accounts', accounts.map((account) => ({ ...account, created_at: SEED_UNTIL.toISOString() })));
    await insertDemoKeys(tx, accounts.map((account) => account.id));
    const firstIds = {
      call: await nextId(tx, 'calls'),
      callRecord: await nextId(tx, 'call_records'),
      recording: await nextId(tx, 'recordings'),
    };
    const batches = generateSeed({
      accounts,
      calls: options.calls ?? 400,
      until: SEED_UNTIL,
      days: SEED_DAYS,
      firstIds,
      seed: options.seed ?? 1,
    });
    // The next batch is generated while the database stores the current one.
    let writing = Promise.resolve();
    for (const batch of batches) {
      await writing;
      writing = (async () => {
        await insertRows(tx, 'calls', batch.calls);
        await insertRows(tx, 'call_records', batch.callRecords);
        await insertRows(tx, 'recordings', batch.recordings);
      })();
      totals.calls += batch.calls.length;
      totals.callRecords += batch.callRecords.length;
      totals.recordings += batch.recordings.length;
    }
    await writing;
    for (const table of ['calls', 'call_records', 'recordings']) {
      await tx.query(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), (SELECT COALESCE(MAX(id), 0) + 1 FROM ${table}), false)`);
    }
  });
  await sql.exec('ANALYZE accounts, calls, call_records, recordings');
  const seconds = (performance.now() - started) / 1000;
  const rows = accounts.length + totals.calls + totals.callRecords + totals.recordings;
  return { accounts: accounts.length, ...totals, seconds, rowsPerSecond: Math.round(rows / seconds) };
}

export async function isEmpty(sql: SqlDriver): Promise<boolean> {
  const rows = await sql.query('SELECT 1 FROM accounts LIMIT 1');
  return rows.length === 0;
}
