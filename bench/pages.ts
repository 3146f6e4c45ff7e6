/**
 * First page against a page 10,000 rows deep, through the real GraphQL app on DATABASE_URL (the
 * 1,000,000-call seed): p50 / p95 latency and SQL statements per request.
 *   DATABASE_URL=… npm run bench:pages [-- --account acme --runs 50]
 */
import { parseArgs } from 'node:util';
import { createApiKey, revokeApiKey } from '../src/auth/api-keys.js';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/client.js';
import { migrate } from '../src/db/migrator.js';
import { createLogger } from '../src/logger.js';
import { createApp } from '../src/server/app.js';
import { encodeCursor } from '../src/graphql/connection.js';

const { values } = parseArgs({ options: { account: { type: 'string', default: 'acme' }, runs: { type: 'string', default: '50' }, depth: { type: 'string', default: '10000' } } });
const runs = Number(values.runs);
const config = loadConfig();
if (!config.database.url) throw new Error('Set DATABASE_URL to the benchmark database (npm run db:seed -- --calls 1000000 --accounts 20).');
const db = await openDatabase(config.database, { logQueries: true });
await migrate(db.sql);
const app = createApp({ config, db, logger: createLogger('warn') });
const { key, apiKey } = await createApiKey(db.prisma, { accountId: values.account!, name: 'bench:pages', scopes: ['READ'] }, 'cli');
let statements = 0;
db.prisma.$on('query' as never, () => statements++);

const QUERY = `query Page($after: String) {
  calls(first: 50, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id externalId fromNumber toNumber status direction startTime duration
      parent { id externalId } legs(first: 5) { nodes { id externalId status } } records { attempt result recordings { id url } } } }
  }
}`;

const [deep] = await db.sql.query<{ id: string; start: string }>(
  `SELECT id::text, to_char(start_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS start FROM calls
    WHERE account_id = $1 ORDER BY start_time DESC, id DESC OFFSET $2 LIMIT 1`,
  [values.account, Number(values.depth)],
);
const deepCursor = encodeCursor('calls', 'START_TIME_DESC', { id: deep!.id, _cursor: deep!.start });

async function measure(after: string | undefined) {
  const times: number[] = [];
  let perRequest = 0;
  for (let i = 0; i < runs + 5; i += 1) {
    statements = 0;
    const started = performance.now();
    const response = await app.fetch('http://bench/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ query: QUERY, variables: { after } }) });
    const body = (await response.json()) as { errors?: unknown; data: { calls: { edges: unknown[] } } };
    if (body.errors || body.data.calls.edges.length !== 50) throw new Error(JSON.stringify(body.errors ?? 'short page'));
    if (i >= 5) times.push(performance.now() - started);
    perRequest = statements;
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(1);
  return { p50: at(0.5), p95: at(0.95), statements: perRequest };
}

const first = await measure(undefined);
const deepPage = await measure(deepCursor);
process.stdout.write(`| page | p50 ms | p95 ms | SQL statements |\n| --- | --- | --- | --- |\n`);
process.stdout.write(`| first 50 | ${first.p50} | ${first.p95} | ${first.statements} |\n`);
process.stdout.write(`| 50 after row ${values.depth} | ${deepPage.p50} | ${deepPage.p95} | ${deepPage.statements} |\n`);
await revokeApiKey(db.prisma, null, apiKey.id, 'cli');
await app.dispose();
await db.close();
