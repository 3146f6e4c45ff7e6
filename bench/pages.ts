/**
 * First page against a page 10,000 rows deep, through the real GraphQL app on DATABASE_URL (the
 * 1,000,000-call seed): p50 / p95 latency and SQL statements per request.
 *   DATABASE_URL=… npm run bench:pages [-- --account acme --runs 50 --depth 10000]
 */
import { parseArgs } from 'node:util';
import { callsCursor } from './workloads.js';
import { benchApp } from './harness.js';

const { values } = parseArgs({ options: { account: { type: 'string', default: 'acme' }, runs: { type: 'string', default: '50' }, depth: { type: 'string', default: '10000' } } });
const bench = await benchApp(values.account!, 'bench:pages');

const QUERY = `query Page($after: String) {
  calls(first: 50, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id externalId fromNumber toNumber status direction startTime duration
      parent { id externalId } legs(first: 5) { nodes { id externalId status } } records { attempt result recordings { id url } } } }
  }
}`;

const [deep] = await bench.db.sql.query<{ id: string; start: string }>(
  `SELECT id::text, to_char(start_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS start FROM calls
    WHERE account_id = $1 ORDER BY start_time DESC, id DESC OFFSET $2 LIMIT 1`,
  [values.account, Number(values.depth)],
);
const deepCursor = await callsCursor(bench.db.sql, deep!.id);

const page = (after: string | undefined) => async () => {
  const { data } = await bench.post(QUERY, { after });
  if (data.calls.edges.length !== 50) throw new Error('short page');
};

const first = await bench.measure(page(undefined), Number(values.runs));
const deepPage = await bench.measure(page(deepCursor), Number(values.runs));
process.stdout.write(`| page | p50 ms | p95 ms | SQL statements |\n| --- | --- | --- | --- |\n`);
process.stdout.write(`| first 50 | ${first.p50} | ${first.p95} | ${first.statements} |\n`);
process.stdout.write(`| 50 after row ${values.depth} | ${deepPage.p50} | ${deepPage.p95} | ${deepPage.statements} |\n`);
await bench.close();
