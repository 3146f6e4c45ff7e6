import { FORMATS } from '../../importers/import.js';
import type { NormalizeOptions } from '../../importers/normalize.js';
import { statisticsKeeper } from '../../importers/statistics.js';
import { linkBatch, staged, writeBatch, type BatchItem } from '../../importers/writer.js';
import { compactRollups } from '../rollups.js';
import type { SqlDriver } from '../sql-driver.js';
import { insertDemoKeys } from './demo-keys.js';
import { generateSeed, seedAccounts } from './generator.js';

/** The demo's numbers are North American; those written without a country code are read as such. */
const SEED_REGION: NormalizeOptions = { defaultRegion: 'US' };

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

/** Calls written per transaction, per account: as an import's batches. */
const WRITE_BATCH = 2000;

/**
 * Replaces the seed accounts' data with freshly generated calls. The calls are vendor records,
 * written through the importers' normalisation and writer, in batches of one account's calls on
 * two connections at once, each batch's legs linked once it is committed (as an import does):
 * a seeded row is what importing its record stores. Other accounts are left alone.
 */
export async function seedDatabase(sql: SqlDriver, options: SeedOptions = {}): Promise<SeedReport> {
  const started = performance.now();
  const accounts = seedAccounts(options.accounts ?? 2);
  const accountIds = accounts.map((account) => account.id);
  await sql.transaction(async (tx) => {
    await tx.query('DELETE FROM accounts WHERE id = ANY($1::text[])', [accountIds]);
    for (const account of accounts) {
      await tx.query('INSERT INTO accounts (id, name, created_at) VALUES ($1, $2, $3)', [account.id, account.name, SEED_UNTIL.toISOString()]);
    }
    await insertDemoKeys(tx, accountIds);
  });

  const pending = new Map<string, BatchItem[]>(accountIds.map((id) => [id, []]));
  const inFlight = new Set<Promise<void>>();
  // As in an import: the planner must learn that calls grows, or linking legs scans the table.
  const statistics = await statisticsKeeper(sql);
  let linked = Promise.resolve();
  let position = 0;
  let written = 0;
  const write = async (accountId: string, items: BatchItem[]) => {
    while (inFlight.size >= 2) await Promise.race(inFlight);
    const done = writeBatch(sql, accountId, items, true).then(
      () =>
        (linked = linked.then(async () => {
          await linkBatch(sql, accountId, items);
          statistics.inserted((written += items.length));
        })),
    );
    inFlight.add(done);
    done.then(
      () => inFlight.delete(done),
      () => inFlight.delete(done),
    );
  };
  for (const batch of generateSeed({ accounts, calls: options.calls ?? 400, until: SEED_UNTIL, days: SEED_DAYS, seed: options.seed ?? 1 })) {
    for (const { accountId, format, record } of batch) {
      const items = pending.get(accountId)!;
      items.push(staged((position += 1), FORMATS[format].normalize(record, SEED_REGION)));
      if (items.length >= WRITE_BATCH) {
        pending.set(accountId, []);
        await write(accountId, items);
      }
    }
  }
  for (const [accountId, items] of pending) if (items.length > 0) await write(accountId, items);
  await Promise.all(inFlight);
  await linked;
  await statistics.settled();
  // As after `npm run import`: the deltas the batches appended folded into the rollups.
  await compactRollups(sql);
  await sql.exec('ANALYZE accounts, calls, call_records, recordings');
  const [totals] = await sql.query<{ calls: number; callRecords: number; recordings: number }>(
    `SELECT (SELECT count(*)::int FROM calls WHERE account_id = ANY($1::text[])) AS calls,
            (SELECT count(*)::int FROM call_records WHERE account_id = ANY($1::text[])) AS "callRecords",
            (SELECT count(*)::int FROM recordings WHERE account_id = ANY($1::text[])) AS recordings`,
    [accountIds],
  );
  const seconds = (performance.now() - started) / 1000;
  const rows = accounts.length + totals!.calls + totals!.callRecords + totals!.recordings;
  return { accounts: accounts.length, ...totals!, seconds, rowsPerSecond: Math.round(rows / seconds) };
}

export async function isEmpty(sql: SqlDriver): Promise<boolean> {
  const rows = await sql.query('SELECT 1 FROM accounts LIMIT 1');
  return rows.length === 0;
}
