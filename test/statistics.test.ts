import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compactRollups } from '../src/db/rollups.js';
import type { SqlExecutor } from '../src/db/sql-driver.js';
import { createRandom } from '../src/db/seed/random.js';
import { createTestApp, type TestApp } from './helpers/app.js';

/** A call's columns as stored, read with plain SQL; every measure below is computed from them in JavaScript. */
interface CallFacts {
  status: string;
  direction: string | null;
  hangup_disposition: string | null;
  answered_by: string | null;
  did_number: string | null;
  start_ms: number | null;
  answer_ms: number | null;
  end_ms: number | null;
  duration: number | null;
  connect_duration: number | null;
  price: string | null;
  currency: string | null;
  is_leg: boolean;
  recorded: boolean;
}

const FACTS = `SELECT status::text, direction::text, hangup_disposition::text, answered_by::text, did_number,
    (extract(epoch FROM start_time) * 1000)::float8 AS start_ms, (extract(epoch FROM answer_time) * 1000)::float8 AS answer_ms,
    (extract(epoch FROM end_time) * 1000)::float8 AS end_ms, duration, connect_duration, price::text, currency,
    (parent_id IS NOT NULL OR parent_external_id IS NOT NULL) AS is_leg,
    EXISTS (SELECT 1 FROM recordings r WHERE r.call_id = c.id) AS recorded
  FROM calls c WHERE account_id = 'acme'`;

const answeredCall = (c: CallFacts) => c.answer_ms !== null || c.status === 'COMPLETED' || c.status === 'IN_PROGRESS';
const attemptedCall = (c: CallFacts) => answeredCall(c) || (c.start_ms !== null && c.status !== 'QUEUED');
const conversationOf = (c: CallFacts) =>
  !answeredCall(c) ? null : c.answer_ms !== null && c.end_ms !== null && c.end_ms >= c.answer_ms ? (c.end_ms - c.answer_ms) / 1000 : c.connect_duration;
/** The histogram bin's lower edge, computed with plain arithmetic. */
function edgeOf(seconds: number): number {
  const whole = Math.floor(seconds);
  if (whole < 32) return whole;
  const step = 2 ** (Math.floor(Math.log2(whole)) - 4);
  return whole - (whole % step);
}
/** Nearest-rank percentile (PostgreSQL percentile_disc). */
const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]! : null);

function countsOf(calls: CallFacts[], key: keyof CallFacts) {
  const counts = new Map<unknown, number>();
  for (const call of calls) counts.set(call[key], (counts.get(call[key]) ?? 0) + 1);
  return [...counts].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || (a.value === null ? 1 : b.value === null ? -1 : String(a.value) < String(b.value) ? -1 : 1));
}

/** E.164 numbers start with a digit from 1 to 9: a call has no number when it starts with none. */
const noNumber = (field: string) => `{ NOT: { OR: [${[1, 2, 3, 4, 5, 6, 7, 8, 9].map((d) => `{ ${field}: { startsWith: "${d}" } }`).join(', ')}] } }`;

const micro = (price: string) => Math.round(Number(price) * 1e6);

/** Every measure of a set of calls, the plain way. */
function measuresOf(calls: CallFacts[]) {
  const answered = calls.filter(answeredCall);
  const attempted = calls.filter(attemptedCall);
  const reached = attempted.filter((c) => answeredCall(c) || c.status === 'BUSY' || c.status === 'NO_ANSWER');
  const conversations = answered.map(conversationOf).filter((s): s is number => s !== null);
  const conversationSeconds = Math.round(conversations.reduce((a, b) => a + b, 0) * 1000) / 1000;
  const billable = answered.reduce((sum, c) => sum + (c.connect_duration ?? c.duration ?? 0), 0);
  const edges = conversations.map(edgeOf).sort((a, b) => a - b);
  const currencies = [...new Set(calls.filter((c) => c.price !== null).map((c) => c.currency))].sort((a, b) => (a === null ? 1 : b === null ? -1 : a < b ? -1 : 1));
  return {
    total: calls.length,
    attempted: attempted.length,
    answered: answered.length,
    reached: reached.length,
    answerSeizureRatio: attempted.length ? answered.length / attempted.length : null,
    networkEffectivenessRatio: attempted.length ? reached.length / attempted.length : null,
    conversationCalls: conversations.length,
    conversationSeconds,
    averageAnsweredDuration: conversations.length ? conversationSeconds / conversations.length : null,
    billableSeconds: billable,
    averageBillableSeconds: answered.length ? billable / answered.length : null,
    withRecording: calls.filter((c) => c.recorded).length,
    prices: currencies.map((currency) => ({
      currency,
      amount: (calls.filter((c) => c.currency === currency && c.price !== null).reduce((sum, c) => sum + micro(c.price!), 0) / 1e6).toFixed(6),
    })),
    byStatus: countsOf(calls, 'status'),
    byAnsweredBy: countsOf(calls, 'answered_by'),
    conversationPercentiles: { p50: percentile(edges, 0.5), p90: percentile(edges, 0.9), p95: percentile(edges, 0.95), p99: percentile(edges, 0.99) },
  };
}

const MEASURES = `total attempted answered reached answerSeizureRatio networkEffectivenessRatio conversationCalls conversationSeconds
  averageAnsweredDuration billableSeconds averageBillableSeconds withRecording prices { currency amount } byStatus { value count }
  byAnsweredBy { value count } conversationPercentiles { p50 p90 p95 p99 }`;
/** The same without withRecording, which only the calls can answer. */
const ROLLUP_MEASURES = MEASURES.replace('withRecording', '');

/** Floats summed in another order differ in the last bits: compare ratios and seconds to 1e-9. */
function expectMeasures(actual: Record<string, unknown>, expected: Record<string, unknown>) {
  for (const [name, value] of Object.entries(expected)) {
    if (!(name in actual)) continue;
    if (typeof value === 'number' && !Number.isInteger(value)) expect(actual[name], name).toBeCloseTo(value, 6);
    else expect(actual[name], name).toEqual(value);
  }
}

/** A filter that selects every call yet holds a field the rollups do not: it makes a statement read the calls. */
const READ_CALLS = '{ externalId: { startsWith: "" } }';

describe('dashboard statistics', () => {
  let test: TestApp;
  let calls: CallFacts[];
  const reload = async () => {
    calls = await test.db.sql.query<CallFacts>(FACTS);
  };
  beforeAll(async () => {
    // The comparisons below send several hundred operations a minute with one key.
    test = await createTestApp({ env: { RATE_LIMIT_REQUESTS: '100000', RATE_LIMIT_ACCOUNT_REQUESTS: '100000' } });
    // Three calls around the end of daylight saving time in New York (2026-11-01 02:00 EDT → 01:00 EST).
    await test.db.sql.query(
      `INSERT INTO calls (account_id, source, external_id, status, start_time, answer_time, end_time, duration, payload) VALUES
         ('acme', 'NATIVE', 'dst-edt', 'COMPLETED', '2026-11-01T05:30:00Z', '2026-11-01T05:30:07.250Z', '2026-11-01T05:31:00Z', 60, '{}'),
         ('acme', 'NATIVE', 'dst-est', 'BUSY', '2026-11-01T06:30:00Z', NULL, NULL, NULL, '{}'),
         ('acme', 'NATIVE', 'dst-late', 'COMPLETED', '2026-11-02T04:30:00Z', NULL, NULL, 30, '{}')`,
    );
    await reload();
    await test.gql('{ __typename }'); // the key is verified once, then remembered
  });
  afterAll(() => test.drop());

  const top = (facts: CallFacts[]) => facts.filter((c) => !c.is_leg);

  it('computes every measure of the account, legs left out, as a plain computation does', async () => {
    const { result, queries } = await test.recordQueries(() => test.gql(`{ callStatistics { measures { ${MEASURES} } byDirection { value count } } }`));
    expect(queries).toHaveLength(1);
    expect(result.errors).toBeUndefined();
    expectMeasures(result.data!.callStatistics.measures, measuresOf(top(calls)));
    expect(result.data!.callStatistics.byDirection).toEqual(countsOf(top(calls), 'direction'));
    const legs = await test.gql(`{ callStatistics(countLegs: true) { measures { total answered } } }`);
    expect(legs.data!.callStatistics.measures).toEqual({ total: calls.length, answered: calls.filter(answeredCall).length });
    expect(calls.some((c) => c.is_leg)).toBe(true);
  });

  /** Every rollup-read statistic, series and breakdown against the same read from the calls, and against plain computation. */
  const compare = async () => {
    await reload();
    for (const filter of ['{}', '{ direction: { in: [INBOUND] }, status: { notIn: [BUSY] } }', '{ isLeg: true }', '{ startTime: { gte: "2026-10-01T00:00:00Z", lt: "2026-11-01T00:15:00Z" } }']) {
      const fromRollups = await test.recordQueries(() => test.gql(`{ callStatistics(filter: ${filter}, countLegs: true) { measures { ${ROLLUP_MEASURES} byDirection { value count } byHangupDisposition { value count } } } }`));
      expect(fromRollups.queries.join()).toContain('call_quarter_rollups');
      const fromCalls = await test.gql(`{ callStatistics(filter: { AND: [${filter}, ${READ_CALLS}] }, countLegs: true) { measures { ${ROLLUP_MEASURES} byDirection { value count } byHangupDisposition { value count } } } }`);
      expect(fromRollups.result.data!.callStatistics).toEqual(fromCalls.data!.callStatistics);
    }
    expectMeasures(
      (await test.gql(`{ callStatistics(countLegs: true) { measures { ${ROLLUP_MEASURES} } } }`)).data!.callStatistics.measures,
      measuresOf(calls),
    );
    const series = `(interval: DAY, timeZone: "Asia/Kathmandu", from: "2026-08-01T00:00:00Z", to: "2026-11-03T00:00:00Z", countLegs: true, splitBy: STATUS, top: 3)`;
    const seriesFields = `start lengthSeconds measures { ${ROLLUP_MEASURES} } splits { key measures { total answered prices { currency amount } } } other { total conversationPercentiles { p50 p99 } }`;
    const fromRollups = await test.recordQueries(() => test.gql(`{ callSeries${series} { ${seriesFields} } }`));
    expect(fromRollups.queries.join()).toContain('call_quarter_rollups');
    const fromCalls = await test.gql(`{ callSeries(filter: ${READ_CALLS}, ${series.slice(1, -1)}) { ${seriesFields} } }`);
    expect(fromRollups.result.errors).toBeUndefined();
    expect(fromRollups.result.data!.callSeries).toEqual(fromCalls.data!.callSeries);
    const breakdown = await test.gql(`{ a: callBreakdown(by: DID_NUMBER, top: 3) { rows { key measures { ${ROLLUP_MEASURES} } } other { groups measures { total } } }
      b: callBreakdown(by: DID_NUMBER, top: 3, filter: ${READ_CALLS}) { rows { key measures { ${ROLLUP_MEASURES} } } other { groups measures { total } } } }`);
    expect(breakdown.data!.a).toEqual(breakdown.data!.b);
    // The narrower tables: per DID, and totals.
    const plain = 'total attempted answered reached answerSeizureRatio averageAnsweredDuration billableSeconds conversationPercentiles { p50 p95 }';
    for (const [table, field] of [
      ['call_quarter_dids', `callBreakdown(by: DID_NUMBER, top: 2, countLegs: true%s) { rows { key measures { ${plain} } } other { groups measures { ${plain} } } }`],
      ['call_quarter_totals', `callSeries(interval: WEEK, timeZone: "Asia/Kolkata", from: "2026-08-03T00:00:00Z", to: "2026-11-09T00:00:00Z"%s) { start measures { ${plain} } }`],
    ] as const) {
      const narrow = await test.recordQueries(() => test.gql(`{ ${field.replace('%s', '')} }`));
      expect(narrow.queries.join(), table).toContain(table);
      expect(narrow.result.data, table).toEqual((await test.gql(`{ ${field.replace('%s', `, filter: ${READ_CALLS}`)} }`)).data);
    }
  };

  const ROLLUP_TABLES = ['call_quarter_totals', 'call_quarter_dids', 'call_quarter_rollups', 'call_quarter_durations'];
  const ROLLUP_MEASURES_COLUMNS = new Set(['calls', 'attempted', 'answered', 'reached', 'conversation_calls', 'conversation_seconds', 'billable_seconds', 'priced_calls', 'price']);
  /** A rollup table's groups (every other column) with their summed measures, as readers see them: groups with calls only. */
  const groupSums = async (table: string) => {
    const rows = await test.db.sql.query<{ row: Record<string, unknown> }>(`SELECT to_jsonb(r) - 'id' AS row FROM ${table} r`);
    const groups = new Map<string, Record<string, unknown>>();
    for (const { row } of rows) {
      const key = JSON.stringify(Object.entries(row).filter(([name]) => !ROLLUP_MEASURES_COLUMNS.has(name)).sort());
      const group = groups.get(key) ?? Object.fromEntries(Object.entries(row).map(([name, value]) => [name, ROLLUP_MEASURES_COLUMNS.has(name) ? 0 : value]));
      // Prices in micro-units and seconds in milliseconds: exact sums of the decimals.
      for (const name of ROLLUP_MEASURES_COLUMNS) if (name in row) group[name] = Math.round((Number(group[name]) + Number(row[name])) * 1e6) / 1e6;
      groups.set(key, group);
    }
    return [...groups.entries()].filter(([, group]) => Number(group.calls) > 0).sort(([a], [b]) => (a < b ? -1 : 1)).map(([, group]) => group);
  };
  /** The quarter-hours with deltas the compaction has yet to fold into the rollup tables. */
  const pending = async () => (await test.db.sql.query<{ n: number }>('SELECT count(DISTINCT (account_id, quarter))::int AS n FROM call_rollup_deltas'))[0]!.n;
  /** The most rows any group has in any rollup table. */
  const rowsPerGroup = async () => {
    const [row] = await test.db.sql.query<{ n: number }>(`SELECT max(n)::int AS n FROM (
      SELECT count(*) AS n FROM call_quarter_totals GROUP BY account_id, quarter, is_leg
      UNION ALL SELECT count(*) FROM call_quarter_dids GROUP BY account_id, quarter, is_leg, did_number
      UNION ALL SELECT count(*) FROM call_quarter_rollups GROUP BY account_id, quarter, is_leg, source, status, direction, hangup_disposition, answered_by, currency, did_number
      UNION ALL SELECT count(*) FROM call_quarter_durations GROUP BY account_id, quarter, is_leg, source, status, direction, hangup_disposition, answered_by, currency, did_number, edge) t`);
    return row!.n;
  };

  it('gives the same statistics from the rollups as from the calls, after imports, revisions and deletes', async () => {
    await compare();
    // A revision that moves calls between quarter-hours, statuses and currencies.
    await test.db.sql.query(
      `UPDATE calls SET start_time = start_time + interval '7 hours', status = 'NO_ANSWER', currency = 'EUR' WHERE account_id = 'acme' AND id % 7 = 0`,
    );
    await compare();
    await test.db.sql.query(`DELETE FROM calls WHERE account_id = 'acme' AND id % 5 = 0`);
    await compare();
    // Through the importer: a new call and its leg, then a revision that moves the call to another quarter-hour and currency.
    const upsert = (calls: unknown[]) => test.gql(`mutation($calls: [CallInput!]!) { upsertCalls(calls: $calls) { inserted updated } }`, { calls });
    const call = { externalId: 'rollup-new', status: 'COMPLETED', startTime: '2026-10-20T10:00:00Z', endTime: '2026-10-20T10:01:30Z', price: { amount: '0.25', currency: 'GBP' } };
    expect((await upsert([call, { externalId: 'rollup-leg', parentExternalId: 'rollup-new', status: 'BUSY', startTime: '2026-10-20T10:00:05Z' }])).data!.upsertCalls).toEqual({ inserted: 2, updated: 0 });
    await compare();
    expect((await upsert([{ ...call, startTime: '2026-10-20T11:20:00Z', price: { amount: '0.5', currency: 'eur' } }])).data!.upsertCalls).toEqual({ inserted: 0, updated: 1 });
    await compare();
    // Writes append their deltas in their own transaction: the reads above added them to the rollup rows.
    expect(await pending()).toBeGreaterThan(0);
    expect((await test.recordQueries(() => test.gql('{ callStatistics { measures { total } } }'))).queries.join()).toContain('call_rollup_deltas');
    await compactRollups(test.db.sql);
    expect(await pending()).toBe(0);
    expect(await rowsPerGroup()).toBe(1);
    await compare();
    // The rebuild command's function empties the rollups and appends a delta per call: reads stay
    // exact meanwhile, and the compaction then writes the groups it folded from the writes' deltas.
    const compacted = await Promise.all(ROLLUP_TABLES.map(groupSums));
    await test.db.sql.query(`SELECT call_rollups_rebuild(NULL)`);
    expect(await Promise.all(ROLLUP_TABLES.map(groupSums))).toEqual(ROLLUP_TABLES.map(() => []));
    await compare();
    await compactRollups(test.db.sql);
    expect(await Promise.all(ROLLUP_TABLES.map(groupSums))).toEqual(compacted);
    expect(compacted.every((rows) => rows.length > 0)).toBe(true);
    expect(await rowsPerGroup()).toBe(1);
    await compare();
  });

  it('reads what the calls give before, during and after compaction: generated writes, updates across quarter-hours, deletes, calls without a start', async () => {
    const random = createRandom(24);
    const day = Date.UTC(2026, 9, 12);
    const at = (ms: number) => new Date(ms).toISOString();
    const STATUSES = ['COMPLETED', 'BUSY', 'NO_ANSWER', 'FAILED', 'QUEUED', 'IN_PROGRESS'];
    let serial = 0;
    // Calls over two days, a few per quarter-hour, so that groups repeat across statements.
    const insert = async (n: number) => {
      const rows = Array.from({ length: n }, () => {
        const start = day + random.int(0, 2 * 96 - 1) * 900_000 + random.int(0, 899_999);
        const answered = random.chance(0.6);
        const answer = answered ? start + random.int(0, 30_000) : null;
        return [
          `gen-${serial++}`, random.pick(STATUSES), random.chance(0.05) ? null : at(start), answer === null ? null : at(answer),
          answer === null ? null : at(answer + random.int(0, 4000) * 1000), random.pick(['INBOUND', 'OUTBOUND_API', null]),
          random.pick(['+15550000001', '+15550000002', null]), random.chance(0.7) ? (random.int(1, 90_000) / 1e4).toFixed(4) : null, random.pick(['USD', 'EUR']),
        ];
      });
      await test.db.sql.query(
        `INSERT INTO calls (account_id, source, external_id, status, start_time, answer_time, end_time, direction, did_number, price, currency, payload)
         SELECT 'acme', 'NATIVE', r->>0, (r->>1)::"CallStatus", (r->>2)::timestamptz, (r->>3)::timestamptz, (r->>4)::timestamptz,
                (r->>5)::"CallDirection", r->>6, (r->>7)::numeric, r->>8, '{}' FROM jsonb_array_elements($1::jsonb) r`,
        [JSON.stringify(rows)],
      );
    };
    const write = async () => {
      await insert(60);
      // Revisions that move calls between quarter-hours, statuses, currencies and conversation times.
      await test.db.sql.query(
        `UPDATE calls SET start_time = start_time + make_interval(mins => $1::int), status = $2::"CallStatus", currency = $3,
                end_time = end_time + make_interval(secs => $4::int)
          WHERE account_id = 'acme' AND external_id LIKE 'gen-%' AND id % 5 = $5::int`,
        [random.int(-90, 90), random.pick(STATUSES), random.pick(['USD', 'EUR', 'GBP']), random.int(0, 600), random.int(0, 4)],
      );
      await test.db.sql.query(`DELETE FROM calls WHERE account_id = 'acme' AND external_id LIKE 'gen-%' AND id % 11 = $1::int`, [random.int(0, 10)]);
      // Calls that lose their start time, and calls without one that get one.
      await test.db.sql.query(
        `UPDATE calls SET start_time = CASE WHEN start_time IS NULL THEN $1::timestamptz END
          WHERE account_id = 'acme' AND external_id LIKE 'gen-%' AND id % 13 = $2::int`,
        [at(day + random.int(0, 2 * 86_400_000 - 1)), random.int(0, 12)],
      );
    };
    for (let round = 0; round < 6; round += 1) await write();
    // The same reads, from the rollups (and the deltas not yet folded), or from the calls alone.
    const reads = (filter = '') => `{
      s: callStatistics(countLegs: true${filter}) { measures { ${ROLLUP_MEASURES} byDirection { value count } } }
      d: callSeries(interval: HOUR, timeZone: "Asia/Kolkata", from: "2026-10-12T00:00:00Z", to: "2026-10-14T12:00:00Z", splitBy: CURRENCY, top: 2${filter}) {
        start measures { ${ROLLUP_MEASURES} } splits { key measures { total prices { currency amount } conversationPercentiles { p50 p90 } } } other { total } }
      t: callSeries(interval: FIFTEEN_MINUTES, from: "2026-10-12T00:00:00Z", to: "2026-10-14T12:00:00Z"${filter}) { start measures { total answered conversationSeconds conversationPercentiles { p50 p99 } } }
      b: callBreakdown(by: DID_NUMBER, top: 5, countLegs: true${filter}) { rows { key measures { total billableSeconds conversationPercentiles { p50 } } } other { groups } }
      r: callBreakdown(by: STATUS, top: 10${filter}) { rows { key measures { ${ROLLUP_MEASURES} } } }
    }`;
    /** The reads from the rollups, checked against the reads from the calls. */
    const exact = async () => {
      const fromRollups = await test.recordQueries(() => test.gql(reads()));
      expect(fromRollups.result.errors).toBeUndefined();
      expect(fromRollups.queries.join()).not.toContain('FROM calls c');
      expect(fromRollups.result.data).toEqual((await test.gql(reads(`, filter: ${READ_CALLS}`))).data);
      return fromRollups.result.data;
    };
    const undated = async () => (await test.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM calls WHERE account_id = 'acme' AND start_time IS NULL`))[0]!.n;
    expect(await undated()).toBeGreaterThan(0);
    expect(await pending()).toBeGreaterThan(20);
    const before = await exact();
    // Partial compaction: a few rounds of 20 quarter-hours (the first the calls without a start time).
    for (let round = 0; round < 3; round += 1) expect((await test.db.sql.query<{ n: number }>('SELECT call_rollups_compact(20) AS n'))[0]!.n).toBeGreaterThan(0);
    expect(await pending()).toBeGreaterThan(0);
    expect(await exact()).toEqual(before);
    // Writes into quarter-hours already folded and into pending ones, then the rest in rounds of 20.
    await write();
    const written = await exact();
    expect(written).not.toEqual(before);
    expect(await compactRollups(test.db.sql, 20)).toBeGreaterThan(5);
    expect(await pending()).toBe(0);
    expect(await rowsPerGroup()).toBe(1);
    expect(await exact()).toEqual(written);
    // The groups the compaction wrote are those a rebuild writes.
    const compacted = await Promise.all(ROLLUP_TABLES.map(groupSums));
    await test.db.sql.query(`SELECT call_rollups_rebuild('acme')`);
    await compactRollups(test.db.sql);
    expect(await Promise.all(ROLLUP_TABLES.map(groupSums))).toEqual(compacted);
    await compare();
  });

  it('ends a compaction pass with the deltas it began with, while writes go on appending deltas', async () => {
    const sql = test.db.sql;
    // A price always changes the rollups (priced calls or the amount).
    const touch = () => sql.query(`UPDATE calls SET price = COALESCE(price, 0) + 1 WHERE id = (SELECT min(id) FROM calls WHERE account_id = 'acme')`);
    // A write after every statement of the pass, as a stream of webhooks would make.
    let rounds = 0;
    const writing: SqlExecutor = {
      query: async <Row>(text: string, params?: unknown[]) => {
        const rows = await sql.query<Row>(text, params);
        if (text.includes('call_rollups_compact')) {
          rounds += 1;
          if (rounds > 20) throw new Error('the compaction pass did not end');
          await touch();
        }
        return rows;
      },
      exec: (script) => sql.exec(script),
      copyFrom: (target, chunks) => sql.copyFrom(target, chunks),
    };
    await compactRollups(sql);
    await touch();
    expect(await pending()).toBe(1);
    expect(await compactRollups(writing)).toBe(1);
    expect(rounds).toBe(1);
    // What was written during the pass stays pending for the next one, and reads stay exact.
    expect(await pending()).toBe(1);
    await compare();
    await compactRollups(sql);
    expect(await pending()).toBe(0);
  });

  it('keeps the rollups in the transaction of the write: an update they do not see appends nothing, a rollback nothing', async () => {
    const sql = test.db.sql;
    await compactRollups(sql);
    const deltas = async () => (await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM call_rollup_deltas'))[0]!.n;
    // Every call of the account rewritten, nothing the rollups hold changed: each call's delta cancels its old version's.
    await sql.query(`UPDATE calls SET from_number = from_number, duration = duration WHERE account_id = 'acme'`);
    expect(await deltas()).toBe(0);
    await expect(
      sql.transaction(async (tx) => {
        await tx.query(`DELETE FROM calls WHERE account_id = 'acme' AND id % 2 = 0`);
        expect((await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM call_rollup_deltas'))[0]!.n).toBeGreaterThan(0);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await deltas()).toBe(0);
    await compare();
  });

  it('buckets by local day with empty days as zeros, and a 25-hour day when clocks go back', async () => {
    const { data } = await test.gql(
      `{ callSeries(interval: DAY, timeZone: "America/New_York", from: "2026-10-30T04:00:00Z", to: "2026-11-04T05:00:00Z") { start lengthSeconds measures { total } } }`,
    );
    expect(data!.callSeries.map((b: any) => [b.start, b.lengthSeconds])).toEqual([
      ['2026-10-30T04:00:00.000Z', 86400],
      ['2026-10-31T04:00:00.000Z', 86400],
      ['2026-11-01T04:00:00.000Z', 90000],
      ['2026-11-02T05:00:00.000Z', 86400],
      ['2026-11-03T05:00:00.000Z', 86400],
    ]);
  });

  it('keeps the repeated hour as two buckets, and Lord Howe’s skipped half hour as a 30-minute bucket', async () => {
    const { data } = await test.gql(
      `{ callSeries(interval: HOUR, timeZone: "America/New_York", from: "2026-11-01T04:00:00Z", to: "2026-11-01T08:00:00Z") { start lengthSeconds } }`,
    );
    expect(data!.callSeries.map((b: any) => [b.start, b.lengthSeconds])).toEqual([
      ['2026-11-01T04:00:00.000Z', 3600],
      ['2026-11-01T05:00:00.000Z', 3600],
      ['2026-11-01T06:00:00.000Z', 3600],
      ['2026-11-01T07:00:00.000Z', 3600],
    ]);
    // 2026-10-04 02:00 LHST (+10:30) becomes 02:30 LHDT (+11), at 2026-10-03T15:30Z.
    const lordHowe = await test.gql(
      `{ callSeries(interval: HOUR, timeZone: "Australia/Lord_Howe", from: "2026-10-03T13:30:00Z", to: "2026-10-03T17:00:00Z") { start lengthSeconds } }`,
    );
    expect(lordHowe.data!.callSeries.map((b: any) => [b.start, b.lengthSeconds])).toEqual([
      ['2026-10-03T13:30:00.000Z', 3600],
      ['2026-10-03T14:30:00.000Z', 3600],
      ['2026-10-03T15:30:00.000Z', 1800],
      ['2026-10-03T16:00:00.000Z', 3600],
    ]);
  });

  it('drops no call: random zones, intervals and ranges, checked bucket by bucket against Intl', async () => {
    const random = createRandom(24);
    const zones = ['Australia/Lord_Howe', 'Asia/Kathmandu', 'Pacific/Chatham', 'Australia/Eucla', 'America/New_York', 'America/Santiago', 'Asia/Kolkata', 'Europe/London', 'UTC'];
    const all = Intl.supportedValuesOf('timeZone');
    const intervals = [
      ['MINUTE', 60_000, 200],
      ['FIVE_MINUTES', 300_000, 200],
      ['FIFTEEN_MINUTES', 900_000, 200],
      ['HOUR', 3_600_000, 200],
      ['DAY', 86_400_000, 120],
      ['WEEK', 604_800_000, 60],
      ['MONTH', 28 * 86_400_000, 30],
    ] as const;
    // Local wall-clock parts and offset of an instant, from Intl alone.
    const partsOf = (zone: string, ms: number) => {
      const parts = Object.fromEntries(
        new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
          .formatToParts(new Date(ms))
          .map((p) => [p.type, Number(p.value)]),
      ) as Record<string, number>;
      const local = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
      return { ...parts, offset: local - Math.floor(ms / 1000) * 1000, local } as Record<string, number>;
    };
    const keyOf = (zone: string, interval: string, ms: number) => {
      const p = partsOf(zone, ms);
      const minuteOfDay = p.hour! * 60 + p.minute!;
      const day = `${p.year}-${p.month}-${p.day}`;
      switch (interval) {
        case 'MINUTE': return `${day} ${minuteOfDay} ${p.offset}`;
        case 'FIVE_MINUTES': return `${day} ${Math.floor(minuteOfDay / 5)} ${p.offset}`;
        case 'FIFTEEN_MINUTES': return `${day} ${Math.floor(minuteOfDay / 15)} ${p.offset}`;
        case 'HOUR': return `${day} ${p.hour} ${p.offset}`;
        case 'DAY': return day;
        case 'WEEK': {
          const date = new Date(Date.UTC(p.year!, p.month! - 1, p.day!));
          date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
          return date.toISOString().slice(0, 10);
        }
        default: return `${p.year}-${p.month}`;
      }
    };
    const account = 'zones';
    await test.db.sql.query(`INSERT INTO accounts (id, name) VALUES ('zones', 'Zones') ON CONFLICT DO NOTHING`);
    const zonesApp = await createTestApp({ database: test, accountId: account });
    try {
      for (let round = 0; round < 14; round += 1) {
        const zone = round < zones.length ? zones[round]! : all[random.int(0, all.length - 1)]!;
        const [interval, width, most] = intervals[round % intervals.length]!;
        const span = width * random.int(3, most);
        const from = Date.UTC(2015 + random.int(0, 6), random.int(0, 11), random.int(1, 28)) + random.int(0, 86_399) * 1000 + random.int(0, 999);
        const to = from + span;
        await test.db.sql.query(`DELETE FROM calls WHERE account_id = 'zones'`);
        const starts = Array.from({ length: 150 }, () => from - width + random.int(0, span + 2 * width));
        await test.db.sql.query(
          `INSERT INTO calls (account_id, source, external_id, status, start_time, payload)
           SELECT 'zones', 'NATIVE', 'z' || n, 'COMPLETED', to_timestamp(ms / 1000.0), '{}' FROM unnest($1::float8[]) WITH ORDINALITY AS u(ms, n)`,
          [starts],
        );
        const { data, errors } = await zonesApp.gql(
          `{ callSeries(interval: ${interval}, timeZone: "${zone}", from: "${new Date(from).toISOString()}", to: "${new Date(to).toISOString()}") { start lengthSeconds measures { total } } }`,
        );
        expect(errors, `${zone} ${interval}`).toBeUndefined();
        const buckets = (data!.callSeries as Array<{ start: string; lengthSeconds: number; measures: { total: number } }>).map((b) => ({
          start: Date.parse(b.start),
          end: Date.parse(b.start) + b.lengthSeconds * 1000,
          total: b.measures.total,
        }));
        const inRange = starts.map((ms) => Math.floor(ms)).filter((ms) => ms >= from && ms < to);
        const where = `${zone} ${interval} ${new Date(from).toISOString()}`;
        expect(buckets.reduce((sum, b) => sum + b.total, 0), where).toBe(inRange.length);
        expect(buckets[0]!.start, where).toBeLessThanOrEqual(from);
        expect(buckets.at(-1)!.end, where).toBeGreaterThanOrEqual(to);
        buckets.forEach((bucket, index) => {
          if (index > 0) expect(bucket.start, where).toBe(buckets[index - 1]!.end);
          // A bucket is one local unit: the same key at both ends, another just before it.
          expect(keyOf(zone, interval, bucket.end - 1), where).toBe(keyOf(zone, interval, bucket.start));
          expect(keyOf(zone, interval, bucket.start - 1), where).not.toBe(keyOf(zone, interval, bucket.start));
          expect(bucket.total, where).toBe(inRange.filter((ms) => ms >= bucket.start && ms < bucket.end).length);
        });
      }
    } finally {
      await zonesApp.drop();
    }
  });

  it('refuses too many buckets, unknown time zones and empty ranges', async () => {
    const minutes = await test.gql(`{ callSeries(interval: MINUTE, from: "2026-01-01T00:00:00Z", to: "2027-01-01T00:00:00Z") { start } }`);
    expect(minutes.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', maxBuckets: 1000 } });
    const zone = await test.gql(`{ callSeries(interval: DAY, timeZone: "Mars/Olympus", from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z") { start } }`);
    expect(zone.errors?.[0]).toMatchObject({
      message: 'timeZone: "Mars/Olympus" is not a time zone PostgreSQL knows, such as Europe/Paris.',
      extensions: { code: 'BAD_USER_INPUT' },
    });
    // ICU (Intl) still knows it; PostgreSQL's tz database dropped it.
    const icuOnly = await test.gql(`{ callSeries(interval: DAY, timeZone: "US/Pacific-New", from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z") { start } }`);
    expect(icuOnly.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    const anyCase = await test.gql(`{ callSeries(interval: DAY, timeZone: "europe/paris", from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z") { start } }`);
    expect(anyCase.errors).toBeUndefined();
    const yearOne = await test.gql(`{ callSeries(interval: MONTH, timeZone: "America/New_York", from: "0001-01-01T00:00:00Z", to: "0001-03-01T00:00:00Z") { start } }`);
    expect(yearOne.errors).toBeUndefined();
    for (const bucket of yearOne.data!.callSeries) expect(bucket.start).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
    const empty = await test.gql(`{ callSeries(interval: DAY, from: "2026-01-02T00:00:00Z", to: "2026-01-01T00:00:00Z") { start } }`);
    expect(empty.errors?.[0]?.message).toBe('to must be after from.');
  });

  it('breaks down by every dimension into keys that drill down to the same counts, the null group included', async () => {
    await reload();
    const nullFilter: Record<string, string> = Object.fromEntries(
      Object.entries({
        DIRECTION: 'direction', HANGUP_DISPOSITION: 'hangupDisposition', ANSWERED_BY: 'answeredBy', CURRENCY: 'currency', DID_NUMBER: 'didNumber',
        FROM_NUMBER: 'fromNumber', TO_NUMBER: 'toNumber', FROM_ADDRESS: 'fromAddress', TO_ADDRESS: 'toAddress', EXTENSION: 'extensionId',
      }).map(([dimension, field]) => [dimension, `{ ${field}: { isNull: true } }`]),
    );
    const keyFilter: Record<string, (key: string) => string> = {
      DIRECTION: (k) => `{ direction: { in: [${k}] } }`,
      STATUS: (k) => `{ status: { in: [${k}] } }`,
      SOURCE: (k) => `{ source: { in: [${k}] } }`,
      HANGUP_DISPOSITION: (k) => `{ hangupDisposition: { in: [${k}] } }`,
      ANSWERED_BY: (k) => `{ answeredBy: { in: [${k}] } }`,
      CURRENCY: (k) => `{ currency: { eq: ${JSON.stringify(k)} } }`,
      DID_NUMBER: (k) => `{ didNumber: { eq: ${JSON.stringify(k)} } }`,
      FROM_NUMBER: (k) => `{ fromNumber: { eq: ${JSON.stringify(k)} } }`,
      TO_NUMBER: (k) => `{ toNumber: { eq: ${JSON.stringify(k)} } }`,
      FROM_ADDRESS: (k) => `{ fromAddress: { eq: ${JSON.stringify(k)} } }`,
      TO_ADDRESS: (k) => `{ toAddress: { eq: ${JSON.stringify(k)} } }`,
      EXTENSION: (k) => `{ extensionId: { eq: ${JSON.stringify(k)} } }`,
    };
    let nullRows = 0;
    for (const dimension of Object.keys(keyFilter)) {
      const { data, errors } = await test.gql(`{ callBreakdown(by: ${dimension}, top: 100, countLegs: true) { rows { key measures { total } } other { groups measures { total } } } }`);
      expect(errors, dimension).toBeUndefined();
      const rows = data!.callBreakdown.rows as Array<{ key: string | null; measures: { total: number } }>;
      expect(rows.reduce((sum, row) => sum + row.measures.total, data!.callBreakdown.other?.measures.total ?? 0), dimension).toBe(calls.length);
      for (const row of rows) {
        const filter = row.key === null ? nullFilter[dimension] : keyFilter[dimension]!(row.key);
        expect(filter, `${dimension} ${row.key}`).toBeDefined();
        if (row.key === null) nullRows += 1;
        const drilled = await test.gql(`{ callStatistics(filter: ${filter}, countLegs: true) { measures { total } } }`);
        expect(drilled.errors, `${dimension} ${row.key}`).toBeUndefined();
        expect(drilled.data!.callStatistics.measures.total, `${dimension} ${row.key}`).toBe(row.measures.total);
      }
    }
    expect(nullRows).toBeGreaterThan(3);
  });

  it('splits a series by the top values of a dimension, and the rest, adding up to each bucket', async () => {
    const { data, errors } = await test.gql(
      `{ callSeries(interval: WEEK, timeZone: "Europe/Paris", from: "2026-08-03T00:00:00Z", to: "2026-11-03T00:00:00Z", splitBy: FROM_ADDRESS, top: 3) {
          measures { total answered } splits { key measures { total answered } } other { total answered } } }`,
    );
    expect(errors).toBeUndefined();
    const keys = data!.callSeries[0].splits.map((s: any) => s.key);
    expect(keys).toHaveLength(3);
    for (const bucket of data!.callSeries) {
      expect(bucket.splits.map((s: any) => s.key)).toEqual(keys);
      const parts = [...bucket.splits.map((s: any) => s.measures), bucket.other ?? { total: 0, answered: 0 }];
      expect(parts.reduce((sum: number, m: any) => sum + m.total, 0)).toBe(bucket.measures.total);
      expect(parts.reduce((sum: number, m: any) => sum + m.answered, 0)).toBe(bucket.measures.answered);
    }
  });

  it('answers a series and a breakdown of the same calls in one statement, from the rollups or the calls', async () => {
    for (const filter of ['', READ_CALLS.slice(1, -1)]) {
      const days = 'startTime: { gte: "2026-08-02T04:00:00Z", lt: "2026-11-01T04:00:00Z" }';
      const operation = `{
        callSeries(interval: DAY, timeZone: "America/New_York", from: "2026-08-02T04:00:00Z", to: "2026-11-01T04:00:00Z"${filter ? `, filter: { ${filter} }` : ''}) {
          start measures { total answered averageAnsweredDuration billableSeconds } }
        callBreakdown(by: STATUS, top: 3, filter: { ${days}${filter ? `, ${filter}` : ''} }) {
          rows { key measures { total answered } } other { groups measures { total } } }
        callStatistics(filter: { ${days}${filter ? `, ${filter}` : ''} }) { measures { total answerSeizureRatio } } }`;
      const { result, queries } = await test.recordQueries(() => test.gql(operation));
      expect(result.errors).toBeUndefined();
      expect(queries).toHaveLength(1);
      expect(queries[0]).toContain(filter ? 'FROM calls c' : 'call_quarter_rollups');
      const { callSeries, callBreakdown, callStatistics } = result.data!;
      const seriesTotal = callSeries.reduce((sum: number, b: any) => sum + b.measures.total, 0);
      const brokenTotal = callBreakdown.rows.reduce((sum: number, r: any) => sum + r.measures.total, callBreakdown.other?.measures.total ?? 0);
      expect(seriesTotal).toBe(callStatistics.measures.total);
      expect(brokenTotal).toBe(callStatistics.measures.total);
      // Each field alone gives what it gave in the shared statement.
      const alone = await test.gql(operation.replace(/callBreakdown[\s\S]*$/, '}'));
      expect(alone.data!.callSeries).toEqual(callSeries);
    }
  });

  it('reads recordings only when the operation asks how many calls have one', async () => {
    const series = (measures: string) => `{ callSeries(interval: DAY, from: "2026-10-01T00:00:00Z", to: "2026-10-08T00:00:00Z") { measures { ${measures} } } }`;
    const without = await test.recordQueries(() => test.gql(series('total answered')));
    const withRecordings = await test.recordQueries(() => test.gql(series('total withRecording')));
    expect(without.queries.join()).not.toContain('recordings');
    expect(withRecordings.queries.join()).toContain('recordings');
    expect(without.result.data!.callSeries.map((b: any) => b.measures.total)).toEqual(withRecordings.result.data!.callSeries.map((b: any) => b.measures.total));
  });

  it('sees only the caller’s account', async () => {
    const globex = await createTestApp({ database: test, accountId: 'globex' });
    try {
      const [count] = await test.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM calls WHERE account_id = 'globex'`);
      const { data } = await globex.gql('{ callStatistics(countLegs: true) { measures { total } } callBreakdown(by: STATUS, countLegs: true) { rows { measures { total } } other { measures { total } } } }');
      expect(data!.callStatistics.measures.total).toBe(count!.n);
      const broken = data!.callBreakdown.rows.reduce((sum: number, row: any) => sum + row.measures.total, data!.callBreakdown.other?.measures.total ?? 0);
      expect(broken).toBe(count!.n);
    } finally {
      await globex.drop();
    }
  });
});
