/**
 * Dashboard statistics on the benchmark database: a 30-day daily series, a top-10 DID breakdown
 * and the statistics of 30 days for one account, through the real GraphQL app.
 *   DATABASE_URL=… npm run bench:statistics [-- --account acme --runs 30]
 */
import { parseArgs } from 'node:util';
import { benchApp } from './harness.js';

const { values } = parseArgs({ options: { account: { type: 'string', default: 'acme' }, runs: { type: 'string', default: '30' } } });
const bench = await benchApp(values.account!, 'bench:statistics');

const WORKLOADS = {
  '30-day daily series': `{ callSeries(interval: DAY, timeZone: "America/New_York", from: "2026-10-02T04:00:00Z", to: "2026-11-01T04:00:00Z") {
      start measures { total answered answerSeizureRatio averageAnsweredDuration billableSeconds } } }`,
  'top-10 DID breakdown (30 days)': `{ callBreakdown(by: DID_NUMBER, top: 10, filter: { startTime: { gte: "2026-10-02T04:00:00Z", lt: "2026-11-01T04:00:00Z" } }) {
      rows { key measures { total answered answerSeizureRatio averageAnsweredDuration } } other { groups measures { total } } } }`,
  'statistics (30 days)': `{ callStatistics(filter: { startTime: { gte: "2026-10-02T04:00:00Z", lt: "2026-11-01T04:00:00Z" } }) {
      measures { total answered answerSeizureRatio averageAnsweredDuration billableSeconds } prices { currency amount } byStatus { value count } } }`,
};

process.stdout.write('| query | p50 ms | p95 ms | SQL statements |\n| --- | --- | --- | --- |\n');
for (const [name, query] of Object.entries(WORKLOADS)) {
  const { p50, p95, statements } = await bench.measure(() => bench.post(query), Number(values.runs));
  process.stdout.write(`| ${name} | ${p50} | ${p95} | ${statements} |\n`);
}
await bench.close();
