/**
 * Dashboard statistics on the benchmark database: a 30-day daily series and a top-10 DID
 * breakdown for one account, through the real GraphQL app; p50 / p95 latency and statements.
 *   DATABASE_URL=… npm run bench:statistics [-- --account acme --runs 30]
 */
import { parseArgs } from 'node:util';
import { createApiKey, revokeApiKey } from '../src/auth/api-keys.js';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/client.js';
import { migrate } from '../src/db/migrator.js';
import { createLogger } from '../src/logger.js';
import { createApp } from '../src/server/app.js';

const { values } = parseArgs({ options: { account: { type: 'string', default: 'acme' }, runs: { type: 'string', default: '30' } } });
const config = loadConfig();
if (!config.database.url) throw new Error('Set DATABASE_URL to the benchmark database (npm run db:seed -- --calls 1000000 --accounts 20).');
const db = await openDatabase(config.database, { logQueries: true });
await migrate(db.sql);
const app = createApp({ config, db, logger: createLogger('warn') });
const { key, apiKey } = await createApiKey(db.prisma, { accountId: values.account!, name: 'bench:statistics', scopes: ['READ'] }, 'cli');
let statements = 0;
db.prisma.$on('query' as never, () => statements++);

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
  const times: number[] = [];
  let perRequest = 0;
  for (let i = 0; i < Number(values.runs) + 3; i += 1) {
    statements = 0;
    const started = performance.now();
    const response = await app.fetch('http://bench/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ query }) });
    const body = (await response.json()) as { errors?: unknown };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    if (i >= 3) times.push(performance.now() - started);
    perRequest = statements;
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(1);
  process.stdout.write(`| ${name} | ${at(0.5)} | ${at(0.95)} | ${perRequest} |\n`);
}
await revokeApiKey(db.prisma, null, apiKey.id, 'cli');
await app.dispose();
await db.close();
