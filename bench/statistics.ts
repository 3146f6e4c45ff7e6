/**
 * Dashboard statistics through the real GraphQL app:
 * - on the benchmark database, for one account: a 30-day daily series, a top-10 DID breakdown,
 *   the statistics of 30 days, and the same series and statistics made to read the calls (a
 *   filter field the rollups do not hold), so the rollups' gain is on the same lines;
 * - on a database of its own beside it (`<database>_million`, made and seeded on first use, never
 *   by the demo seed): one tenant with 1,000,000 calls in 30 days, its 30-day daily series
 *   (target: under 50 ms p50) and statistics.
 *   DATABASE_URL=… npm run bench:statistics [-- --account acme --runs 30 --million-runs 30]
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openDatabase } from '../src/db/client.js';
import { migrate } from '../src/db/migrator.js';
import { benchApp } from './harness.js';
import { compactRollups } from '../src/db/rollups.js';

const { values } = parseArgs({
  options: {
    account: { type: 'string', default: 'acme' },
    runs: { type: 'string', default: '30' },
    'million-runs': { type: 'string', default: '30' },
  },
});
if (!process.env.DATABASE_URL) throw new Error('Set DATABASE_URL to the benchmark database.');

const SERIES = (filter: string) => `{ callSeries(interval: DAY, timeZone: "America/New_York", from: "2026-10-02T04:00:00Z", to: "2026-11-01T04:00:00Z"${filter}) {
      start measures { total answered answerSeizureRatio averageAnsweredDuration billableSeconds } } }`;
const STATISTICS = (filter: string) => `{ callStatistics(filter: { startTime: { gte: "2026-10-02T04:00:00Z", lt: "2026-11-01T04:00:00Z" }${filter} }) {
      measures { total answered answerSeizureRatio averageAnsweredDuration billableSeconds conversationPercentiles { p50 p90 p95 p99 } prices { currency amount } byStatus { value count } } } }`;
/** Selects every call, through a field the rollups do not hold: the statement reads the calls. */
const READ_CALLS = 'externalId: { startsWith: "" }';

const WORKLOADS = {
  '30-day daily series': SERIES(''),
  '30-day daily series, read from the calls': SERIES(`, filter: { ${READ_CALLS} }`),
  'top-10 DID breakdown (30 days)': `{ callBreakdown(by: DID_NUMBER, top: 10, filter: { startTime: { gte: "2026-10-02T04:00:00Z", lt: "2026-11-01T04:00:00Z" } }) {
      rows { key measures { total answered answerSeizureRatio averageAnsweredDuration } } other { groups measures { total } } } }`,
  'statistics (30 days) with percentiles': STATISTICS(''),
  'statistics (30 days) with percentiles, read from the calls': STATISTICS(`, ${READ_CALLS}`),
};

const MILLION = 'million';
const MILLION_CALLS = 1_000_000;

/**
 * The million tenant: calls spread evenly over the 30 local days of the series, in the shapes of
 * a busy contact centre (ten DIDs, six statuses, two directions, AMD outcomes, USD prices),
 * written in batches so the rollup triggers keep up as they would for an import.
 */
async function millionDatabase(): Promise<string> {
  const url = new URL(process.env.DATABASE_URL!);
  const name = `${url.pathname.slice(1)}_million`;
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  url.pathname = `/${name}`;
  const db = await openDatabase({ url: url.toString(), poolSize: 1, preparedStatements: 0, pgliteDir: 'memory://', statementTimeoutMs: 0 });
  try {
    await migrate(db.sql);
    const [have] = await db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM calls WHERE account_id = $1`, [MILLION]);
    if (have!.n < MILLION_CALLS) {
      const started = performance.now();
      await db.sql.query(`DELETE FROM calls WHERE account_id = $1`, [MILLION]);
      await db.sql.query(`INSERT INTO accounts (id, name) VALUES ($1, 'A million calls in 30 days') ON CONFLICT DO NOTHING`, [MILLION]);
      const BATCH = 50_000;
      for (let first = 1; first <= MILLION_CALLS; first += BATCH) {
        await db.sql.query(
          `INSERT INTO calls (account_id, source, external_id, status, direction, answered_by, did_number, from_number, to_number,
                              start_time, answer_time, end_time, duration, price, currency, payload)
           SELECT $1, 'RESTCOMM', 'm' || n, s.status::"CallStatus", CASE WHEN n % 3 = 0 THEN 'OUTBOUND_API' ELSE 'INBOUND' END::"CallDirection",
                  CASE WHEN s.status = 'COMPLETED' AND n % 4 = 0 THEN 'MACHINE' WHEN s.status = 'COMPLETED' THEN 'HUMAN' END::"AnsweredBy",
                  '+1800555' || lpad((n % 10)::text, 4, '0'), '+1415' || lpad((n::bigint * 7919 % 10000000)::text, 7, '0'), '+1800555' || lpad((n % 10)::text, 4, '0'),
                  t.start, CASE WHEN s.status = 'COMPLETED' THEN t.start + interval '6 seconds' END,
                  t.start + make_interval(secs => (6 + (n::bigint * 7919) % 900)::int), 6 + (n::bigint * 7919) % 900,
                  -0.0085 * (1 + (n::bigint * 7919) % 900 / 60), 'USD', '{}'
             FROM generate_series($2::int, $3::int) AS n,
                  LATERAL (SELECT (ARRAY['COMPLETED', 'COMPLETED', 'COMPLETED', 'COMPLETED', 'COMPLETED', 'NO_ANSWER', 'BUSY', 'FAILED', 'CANCELED', 'COMPLETED'])[n % 10 + 1] AS status) s,
                  LATERAL (SELECT timestamptz '2026-10-02T04:00:00Z' + (n::float8 / $4) * interval '30 days' AS start) t`,
          [MILLION, first, Math.min(first + BATCH - 1, MILLION_CALLS), MILLION_CALLS + 1],
        );
      }
      await compactRollups(db.sql);
      await db.sql.query('VACUUM ANALYZE calls');
      await db.sql.query('VACUUM ANALYZE call_quarter_totals');
      await db.sql.query('VACUUM ANALYZE call_quarter_rollups');
      await db.sql.query('VACUUM ANALYZE call_quarter_durations');
      process.stdout.write(`seeded ${MILLION_CALLS} calls of "${MILLION}" in ${name} in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
    }
  } finally {
    await db.close();
  }
  return url.toString();
}

const row = (name: string, m: { p50: string; p95: string; statements: number }) => process.stdout.write(`| ${name} | ${m.p50} | ${m.p95} | ${m.statements} |\n`);

process.stdout.write('| query | p50 ms | p95 ms | SQL statements |\n| --- | --- | --- | --- |\n');
const bench = await benchApp(values.account!, 'bench:statistics');
for (const [name, query] of Object.entries(WORKLOADS)) row(name, await bench.measure(() => bench.post(query), Number(values.runs)));
await bench.close();

const million = await benchApp(MILLION, 'bench:statistics', await millionDatabase());
const runs = Number(values['million-runs']);
row(`${MILLION}: 30-day daily series (1,000,000 calls)`, await million.measure(() => million.post(SERIES('')), runs));
row(`${MILLION}: statistics (30 days) with percentiles`, await million.measure(() => million.post(STATISTICS('')), runs));
row(`${MILLION}: 30-day daily series, read from the calls`, await million.measure(() => million.post(SERIES(`, filter: { ${READ_CALLS} }`)), 3));
await million.close();
