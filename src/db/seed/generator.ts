import type { FormatName } from '../../importers/import.js';
import { createRandom, type Random } from './random.js';
import { vendorProfiles, type GeneratedCall } from './vendors.js';

export interface SeedAccount {
  id: string;
  name: string;
}

export interface GeneratorOptions {
  accounts: SeedAccount[];
  /** Total calls to generate, legs included. */
  calls: number;
  /** Calls end before this instant and start up to `days` days before it. */
  until: Date;
  days: number;
  seed: number;
}

/** One vendor record of one account, in the format that reads it. */
export interface SeedRecord {
  accountId: string;
  format: FormatName;
  record: Record<string, unknown>;
}

const DEMO_NAMES = ['Acme Telecom', 'Globex Support'];

export function seedAccounts(count: number): SeedAccount[] {
  return Array.from({ length: count }, (_, index) =>
    index === 0
      ? { id: 'acme', name: DEMO_NAMES[0]! }
      : index === 1
        ? { id: 'globex', name: DEMO_NAMES[1]! }
        : { id: `tenant-${String(index + 1).padStart(3, '0')}`, name: `Tenant ${index + 1}` },
  );
}

/** Busier in office hours, as real traffic is. */
const HOUR_WEIGHTS = [1, 1, 1, 1, 1, 2, 4, 8, 12, 14, 14, 13, 11, 12, 13, 13, 12, 10, 7, 5, 4, 3, 2, 1];
const HOUR_TOTAL = HOUR_WEIGHTS.reduce((sum, weight) => sum + weight, 0);

function randomStart(random: Random, until: Date, days: number): Date {
  const day = random.int(0, days - 1);
  let pick = random.int(0, HOUR_TOTAL - 1);
  let hour = 0;
  while (pick >= HOUR_WEIGHTS[hour]!) pick -= HOUR_WEIGHTS[hour++]!;
  const midnight = Date.UTC(until.getUTCFullYear(), until.getUTCMonth(), until.getUTCDate()) - (day + 1) * 86_400_000;
  return new Date(midnight + hour * 3_600_000 + random.int(0, 3_599_999));
}

/**
 * Deterministic vendor records for every account: the same options always give the same records.
 * Every account gets every vendor's calls in turn (a dashboard account mixes legs, attempts with
 * recordings and DIDs), and the first calls of each vendor walk through its whole vocabulary
 * (statuses, directions, answering machine results, hangup dispositions), so even a small demo
 * covers every enum value. A parent's legs follow it.
 */
export function* generateSeed(options: GeneratorOptions, batchSize = 2000): Generator<SeedRecord[]> {
  const random = createRandom(options.seed);
  // Counted per account and vendor: every account walks every vendor's vocabulary.
  const perVendorIndex = new Map<string, number>();
  let batch: SeedRecord[] = [];
  let made = 0;
  let parentNumber = 0;
  const accounts = options.accounts.length;

  while (made < options.calls) {
    const account = options.accounts[parentNumber % accounts]!;
    // Skewed by the round of accounts, so that each account sees every vendor whatever their counts.
    const profile = vendorProfiles[(parentNumber + Math.floor(parentNumber / accounts)) % vendorProfiles.length]!;
    parentNumber += 1;
    const key = `${account.id}:${profile.format}`;
    const index = perVendorIndex.get(key) ?? 0;
    perVendorIndex.set(key, index + 1);
    const legCount = profile.legs && index % 5 === 1 ? Math.min(options.calls - made - 1, 1 + (index % 3)) : 0;

    const start = randomStart(random, options.until, options.days);
    const parent: GeneratedCall = profile.call({ random, index, accountId: account.id, serial: made, start, parent: undefined });
    const family = [parent];
    for (let leg = 0; leg < legCount; leg += 1) {
      const legStart = new Date(start.getTime() + 1000 * (2 + leg * 5 + random.int(0, 4)));
      family.push(profile.call({ random, index: index + leg + 1, accountId: account.id, serial: made + leg + 1, start: legStart, parent }));
    }
    for (const call of family) batch.push({ accountId: account.id, format: profile.format, record: call.record });
    made += family.length;
    if (batch.length >= batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
