import { createRandom, type Random } from './random.js';
import { vendorProfiles, type GeneratedCall, type VendorProfile } from './vendors.js';

/** Rows keyed by SQL column name, ready for json_populate_recordset. */
export type Row = Record<string, unknown>;

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
  /** First ids to use, so generated rows never collide with rows already stored. */
  firstIds: { call: number; callRecord: number; recording: number };
  seed: number;
}

export interface Batch {
  calls: Row[];
  callRecords: Row[];
  recordings: Row[];
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
 * Deterministic calls for every account: the same options always give the same rows. The first
 * calls of each vendor walk through its whole vocabulary (statuses, directions, answering machine
 * results, hangup dispositions), so even a small demo covers every enum value.
 */
export function* generateSeed(options: GeneratorOptions, batchSize = 2000): Generator<Batch> {
  const random = createRandom(options.seed);
  const ids = { ...options.firstIds };
  const perVendorIndex = new Map<VendorProfile, number>();
  let batch: Batch = { calls: [], callRecords: [], recordings: [] };
  let made = 0;
  let parentNumber = 0;

  while (made < options.calls) {
    const account = options.accounts[parentNumber % options.accounts.length]!;
    const profile = vendorProfiles[parentNumber % vendorProfiles.length]!;
    parentNumber += 1;
    const index = perVendorIndex.get(profile) ?? 0;
    perVendorIndex.set(profile, index + 1);
    const legCount = profile.legs && index % 5 === 1 ? Math.min(options.calls - made - 1, 1 + (index % 3)) : 0;

    const start = randomStart(random, options.until, options.days);
    const parent: GeneratedCall = profile.call({ random, index, accountId: account.id, serial: made, start, parent: undefined });
    const family = [parent];
    for (let leg = 0; leg < legCount; leg += 1) {
      const legStart = new Date(start.getTime() + 1000 * (2 + leg * 5 + random.int(0, 4)));
      family.push(profile.call({ random, index: index + leg + 1, accountId: account.id, serial: made + leg + 1, start: legStart, parent }));
    }

    let parentId: number | null = null;
    for (const call of family) {
      const callId = ids.call++;
      batch.calls.push({ ...call.row, id: callId, account_id: account.id, parent_id: parentId });
      parentId ??= callId;
      for (const attempt of call.attempts) {
        const recordId = ids.callRecord++;
        batch.callRecords.push({ ...attempt.row, id: recordId, call_id: callId, account_id: account.id });
        for (const recording of attempt.recordings) {
          batch.recordings.push({ ...recording, id: ids.recording++, call_id: callId, call_record_id: recordId, account_id: account.id });
        }
      }
      for (const recording of call.recordings) {
        batch.recordings.push({ ...recording, id: ids.recording++, call_id: callId, call_record_id: null, account_id: account.id });
      }
    }
    made += family.length;
    if (batch.calls.length >= batchSize) {
      yield batch;
      batch = { calls: [], callRecords: [], recordings: [] };
    }
  }
  if (batch.calls.length > 0) yield batch;
}
