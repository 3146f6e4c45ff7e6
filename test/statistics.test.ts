import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.js';

interface CallFacts {
  status: string;
  direction: string | null;
  hangup_disposition: string | null;
  did_number: string | null;
  answered: boolean;
  duration: number | null;
  billable: number | null;
  price: string | null;
  currency: string | null;
  recorded: boolean;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** The measures computed the plain way, in JavaScript, over rows fetched one by one. */
function measuresOf(calls: CallFacts[]) {
  const answered = calls.filter((c) => c.answered);
  const durations = answered.map((c) => c.duration).filter((d): d is number => d !== null);
  const billable = answered.map((c) => c.billable).filter((d): d is number => d !== null);
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  return {
    total: calls.length,
    answered: answered.length,
    answerSeizureRatio: calls.length ? Math.round((answered.length / calls.length) * 10_000) / 10_000 : null,
    averageAnsweredDuration: durations.length ? round1(sum(durations) / durations.length) : null,
    billableSeconds: sum(billable),
    averageBillableSeconds: billable.length ? round1(sum(billable) / billable.length) : null,
    withRecording: calls.filter((c) => c.recorded).length,
  };
}

function countsOf(calls: CallFacts[], key: 'status' | 'direction' | 'hangup_disposition') {
  const counts = new Map<string | null, number>();
  for (const call of calls) counts.set(call[key], (counts.get(call[key]) ?? 0) + 1);
  return [...counts].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || String(a.value).localeCompare(String(b.value)));
}

const MEASURES = 'total answered answerSeizureRatio averageAnsweredDuration billableSeconds averageBillableSeconds withRecording';

describe('dashboard statistics', () => {
  let test: TestApp;
  let calls: CallFacts[];
  beforeAll(async () => {
    test = await createTestApp();
    // Three calls around the end of daylight saving time in New York (2026-11-01 02:00 EDT → 01:00 EST).
    await test.db.sql.query(
      `INSERT INTO calls (account_id, source, external_id, status, start_time, duration, payload) VALUES
         ('acme', 'NATIVE', 'dst-edt', 'COMPLETED', '2026-11-01T05:30:00Z', 60, '{}'),
         ('acme', 'NATIVE', 'dst-est', 'BUSY', '2026-11-01T06:30:00Z', NULL, '{}'),
         ('acme', 'NATIVE', 'dst-late', 'COMPLETED', '2026-11-02T04:30:00Z', 30, '{}')`,
    );
    calls = await test.db.sql.query<CallFacts>(
      `SELECT status::text, direction::text, hangup_disposition::text, did_number, duration,
              (answer_time IS NOT NULL OR status IN ('COMPLETED', 'IN_PROGRESS')) AS answered,
              COALESCE(connect_duration, duration) AS billable, price::text, currency,
              EXISTS (SELECT 1 FROM recordings r WHERE r.call_id = c.id) AS recorded
         FROM calls c WHERE account_id = 'acme'`,
    );
    await test.gql('{ __typename }'); // the key is verified once, then remembered
  });
  afterAll(() => test.drop());

  it('computes the statistics of the account in one statement, as a plain computation does', async () => {
    const { result, queries } = await test.recordQueries(() =>
      test.gql(`{ callStatistics { measures { ${MEASURES} } prices { currency amount } byStatus { value count } byDirection { value count } byHangupDisposition { value count } } }`),
    );
    expect(queries).toHaveLength(1);
    const statistics = result.data!.callStatistics;
    expect(statistics.measures).toEqual(measuresOf(calls));
    expect(statistics.byStatus).toEqual(countsOf(calls, 'status'));
    expect(statistics.byDirection).toEqual(countsOf(calls, 'direction'));
    expect(statistics.byHangupDisposition).toEqual(countsOf(calls, 'hangup_disposition'));
    const usd = calls.filter((c) => c.currency === 'USD' && c.price !== null).reduce((sum, c) => sum + Math.round(Number(c.price) * 1e6), 0);
    expect(statistics.prices).toEqual([{ currency: 'USD', amount: (usd / 1e6).toFixed(6) }]);
  });

  it('measures any slice the calls filter describes', async () => {
    const { data } = await test.gql(`{ callStatistics(filter: { direction: { in: [INBOUND] }, status: { notIn: [BUSY] } }) { measures { ${MEASURES} } } }`);
    expect(data!.callStatistics.measures).toEqual(measuresOf(calls.filter((c) => c.direction === 'INBOUND' && c.status !== 'BUSY')));
  });

  it('buckets by local day with empty days as zeros, and a 25-hour day when clocks go back', async () => {
    const { result, queries } = await test.recordQueries(() =>
      test.gql(`{ callSeries(interval: DAY, timeZone: "America/New_York", from: "2026-10-30T04:00:00Z", to: "2026-11-04T05:00:00Z") { start measures { total answered } } }`),
    );
    expect(queries).toHaveLength(1);
    const series = result.data!.callSeries;
    expect(series.map((b: any) => b.start)).toEqual([
      '2026-10-30T04:00:00.000Z',
      '2026-10-31T04:00:00.000Z',
      '2026-11-01T04:00:00.000Z',
      '2026-11-02T05:00:00.000Z',
      '2026-11-03T05:00:00.000Z',
    ]);
    expect(series[2].measures).toEqual({ total: 3, answered: 2 });
    expect(series.slice(3).map((b: any) => b.measures)).toEqual([
      { total: 0, answered: 0 },
      { total: 0, answered: 0 },
    ]);
    const [inRange] = await test.db.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM calls WHERE account_id = 'acme' AND start_time >= '2026-10-30T04:00:00Z' AND start_time < '2026-11-04T05:00:00Z'`,
    );
    expect(series.reduce((sum: number, b: any) => sum + b.measures.total, 0)).toBe(inRange!.n);
  });

  it('keeps the repeated hour as two buckets when clocks go back', async () => {
    const { data } = await test.gql(
      `{ callSeries(interval: HOUR, timeZone: "America/New_York", from: "2026-11-01T04:00:00Z", to: "2026-11-01T08:00:00Z") { start measures { total } } }`,
    );
    expect(data!.callSeries).toEqual([
      { start: '2026-11-01T04:00:00.000Z', measures: { total: 0 } },
      { start: '2026-11-01T05:00:00.000Z', measures: { total: 1 } },
      { start: '2026-11-01T06:00:00.000Z', measures: { total: 1 } },
      { start: '2026-11-01T07:00:00.000Z', measures: { total: 0 } },
    ]);
  });

  it('refuses too many buckets, unknown time zones and empty ranges', async () => {
    const minutes = await test.gql(`{ callSeries(interval: MINUTE, from: "2026-01-01T00:00:00Z", to: "2027-01-01T00:00:00Z") { start } }`);
    expect(minutes.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', maxBuckets: 1000 } });
    expect(minutes.errors?.[0]?.message).toContain('buckets; the limit is 1000');
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

  it('breaks down by DID: top N in a stable order, the rest as other, adding up to the whole', async () => {
    const { result, queries } = await test.recordQueries(() =>
      test.gql(`{ callBreakdown(by: DID_NUMBER, top: 3) { rows { key measures { ${MEASURES} } } other { groups measures { total answered } } } }`),
    );
    expect(queries).toHaveLength(1);
    const groups = new Map<string | null, CallFacts[]>();
    for (const call of calls) groups.set(call.did_number, [...(groups.get(call.did_number) ?? []), call]);
    const ranked = [...groups].sort(([ka, a], [kb, b]) => b.length - a.length || (ka === null ? 1 : kb === null ? -1 : ka.localeCompare(kb)));
    const { rows, other } = result.data!.callBreakdown;
    expect(rows).toEqual(ranked.slice(0, 3).map(([key, group]) => ({ key, measures: measuresOf(group) })));
    const rest = ranked.slice(3).flatMap(([, group]) => group);
    expect(other).toEqual({ groups: ranked.length - 3, measures: { total: rest.length, answered: rest.filter((c) => c.answered).length } });
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
      const { data } = await globex.gql('{ callStatistics { measures { total } } callBreakdown(by: STATUS) { rows { measures { total } } other { measures { total } } } }');
      expect(data!.callStatistics.measures.total).toBe(count!.n);
      const broken = data!.callBreakdown.rows.reduce((sum: number, row: any) => sum + row.measures.total, data!.callBreakdown.other?.measures.total ?? 0);
      expect(broken).toBe(count!.n);
    } finally {
      await globex.drop();
    }
  });
});
