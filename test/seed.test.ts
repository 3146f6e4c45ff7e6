import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCalls, type FormatName } from '../src/importers/import.js';
import { generateSeed, seedAccounts } from '../src/db/seed/generator.js';
import { SEED_DAYS, SEED_UNTIL, seedDatabase } from '../src/db/seed/index.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';

describe('demo seed', () => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabase();
  });
  afterAll(() => test.drop());

  const values = async (column: string, table = 'calls') =>
    (await test.db.sql.query<{ v: string }>(`SELECT DISTINCT ${column}::text AS v FROM ${table} WHERE ${column} IS NOT NULL ORDER BY 1`)).map(
      (row) => row.v,
    );
  const enumValues = async (type: string) =>
    (await test.db.sql.query<{ v: string }>(`SELECT unnest(enum_range(NULL::"${type}"))::text AS v ORDER BY 1`)).map((row) => row.v);

  it('loads two accounts and a few hundred calls', async () => {
    const [counts] = await test.db.sql.query<{ accounts: number; calls: number }>(
      'SELECT (SELECT count(*)::int FROM accounts) AS accounts, (SELECT count(*)::int FROM calls) AS calls',
    );
    expect(counts).toEqual({ accounts: 2, calls: 400 });
    expect(await values('account_id')).toEqual(['acme', 'globex']);
  });

  it('covers every source, status, direction, answering machine result and hangup disposition', async () => {
    expect(await values('source')).toEqual((await enumValues('CallSource')).filter((v) => v !== 'NATIVE'));
    // UNKNOWN only stands for vendor statuses cdrql does not recognise; the demo uses known ones.
    expect(await values('status')).toEqual((await enumValues('CallStatus')).filter((v) => v !== 'UNKNOWN'));
    expect(await values('direction')).toEqual(await enumValues('CallDirection'));
    expect(await values('answered_by')).toEqual(await enumValues('AnsweredBy'));
    expect(await values('hangup_disposition')).toEqual(await enumValues('HangupDisposition'));
    expect(await values('pbx_result')).toEqual(await enumValues('PbxResult'));
    expect(await values('callfire_state')).toEqual(await enumValues('CallFireState'));
    expect(await values('callfire_final_result')).toEqual(
      (await enumValues('CallFireResult')).filter((v) => v !== 'SENT' && v !== 'OTHER'),
    );
  });

  it('has parents with one, two and three legs, linked by the vendor parent id', async () => {
    const legs = await test.db.sql.query<{ legs: number }>(
      'SELECT DISTINCT count(*)::int AS legs FROM calls WHERE parent_id IS NOT NULL GROUP BY parent_id ORDER BY 1',
    );
    expect(legs.map((row) => row.legs)).toEqual([1, 2, 3]);
    const [mislinked] = await test.db.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM calls c JOIN calls p ON p.id = c.parent_id
        WHERE c.parent_external_id <> p.external_id OR c.account_id <> p.account_id OR c.source <> p.source`,
    );
    expect(mislinked!.n).toBe(0);
  });

  // No vendor format carries recordings of a call itself (FreeClimb and Restcomm link to them), so
  // an import, and the seed, writes recordings of attempts only.
  it('has multi-attempt call records with IVR answers, and recordings on attempts', async () => {
    const [records] = await test.db.sql.query<{ multi: number; ivr: number; onAttempt: number; onCall: number }>(
      `SELECT (SELECT count(*)::int FROM (SELECT call_id FROM call_records GROUP BY call_id HAVING count(*) > 1) m) AS multi,
              (SELECT count(*)::int FROM call_records WHERE jsonb_array_length(question_responses) > 0) AS ivr,
              (SELECT count(*)::int FROM recordings WHERE call_record_id IS NOT NULL) AS "onAttempt",
              (SELECT count(*)::int FROM recordings WHERE call_record_id IS NULL) AS "onCall"`,
    );
    expect(records!.multi).toBeGreaterThan(5);
    expect(records!.ivr).toBeGreaterThan(5);
    expect(records!.onAttempt).toBeGreaterThan(5);
    expect(records!.onCall).toBe(0);
  });

  it('stores for each call exactly what an import of its payload stores', async () => {
    await test.db.sql.query(`INSERT INTO accounts (id, name) VALUES ('reimported', 'Reimported')`);
    const sources = await values('source');
    for (const source of sources) {
      const [{ list }] = (await test.db.sql.query<{ list: string }>(
        `SELECT '[' || string_agg(payload::text, ',' ORDER BY id) || ']' AS list FROM calls WHERE account_id IN ('acme', 'globex') AND source = $1::"CallSource"`,
        [source],
      )) as [{ list: string }];
      const summary = await importCalls(test.db.sql, Readable.from([list]), { format: source.toLowerCase() as FormatName, accountId: 'reimported', defaultRegion: 'US' });
      expect(summary).toMatchObject({ rejected: 0, stale: 0, fault: null });
    }
    const rows = (accounts: string[]) =>
      test.db.sql.query(
        `SELECT to_jsonb(c) - 'id' - 'account_id' - 'created_at' - 'updated_at' - 'parent_id' AS call,
                (SELECT p.external_id FROM calls p WHERE p.id = c.parent_id) AS parent,
                (SELECT jsonb_agg(to_jsonb(r) - 'id' - 'call_id' - 'account_id' ORDER BY r.attempt) FROM call_records r WHERE r.call_id = c.id) AS attempts,
                (SELECT jsonb_agg(to_jsonb(g) - 'id' - 'call_id' - 'call_record_id' - 'account_id' ORDER BY g.external_id) FROM recordings g WHERE g.call_id = c.id) AS recordings
           FROM calls c WHERE c.account_id = ANY($1::text[]) ORDER BY c.source, c.external_id`,
        [accounts],
      );
    const seeded = await rows(['acme', 'globex']);
    expect(seeded).toHaveLength(400);
    expect(await rows(['reimported'])).toEqual(seeded);
    await test.db.sql.query(`DELETE FROM accounts WHERE id = 'reimported'`);
  });

  it('mixes every vendor in each account: legs, attempts with recordings, and DIDs side by side', async () => {
    const mixes = await test.db.sql.query(
      `SELECT account_id, count(DISTINCT source)::int AS sources, count(*) FILTER (WHERE parent_id IS NOT NULL)::int > 0 AS legs,
              count(*) FILTER (WHERE did_number IS NOT NULL)::int > 0 AS dids,
              bool_or(EXISTS (SELECT 1 FROM recordings r WHERE r.call_id = c.id)) AS recordings
         FROM calls c GROUP BY account_id ORDER BY account_id`,
    );
    expect(mixes).toEqual(['acme', 'globex'].map((account_id) => ({ account_id, sources: 5, legs: true, dids: true, recordings: true })));
  });

  it('generates the same rows every time', () => {
    const options = {
      accounts: seedAccounts(2),
      calls: 300,
      until: SEED_UNTIL,
      days: SEED_DAYS,
      seed: 7,
    };
    expect(JSON.stringify([...generateSeed(options)])).toBe(JSON.stringify([...generateSeed(options)]));
  });

  it('replaces the seed accounts’ data when run again, leaving other accounts alone', async () => {
    await test.db.sql.query(`INSERT INTO accounts (id, name) VALUES ('other', 'Other')`);
    const report = await seedDatabase(test.db.sql, { calls: 50 });
    expect(report).toMatchObject({ accounts: 2, calls: 50 });
    const [counts] = await test.db.sql.query<{ calls: number; accounts: number }>(
      'SELECT (SELECT count(*)::int FROM calls) AS calls, (SELECT count(*)::int FROM accounts) AS accounts',
    );
    expect(counts).toEqual({ calls: 50, accounts: 3 });
    const [next] = await test.db.sql.query<{ id: string }>(
      `INSERT INTO calls (account_id, source, external_id, status, payload) VALUES ('other', 'NATIVE', 'x', 'QUEUED', '{}') RETURNING id::text`,
    );
    const [max] = await test.db.sql.query<{ id: string }>('SELECT max(id)::text AS id FROM calls');
    expect(next!.id).toBe(max!.id);
  });
});
