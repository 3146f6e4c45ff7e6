/**
 * CPU time the server spends refusing each hostile request of issue 26 (bench/hostile-shapes.ts),
 * each at the body limit: `npm run bench:hostile [-- --runs 5]`. Runs in-process on an embedded
 * database (the refusals run no statement but the key's check, remembered after the first).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createApiKey } from '../src/auth/api-keys.js';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/client.js';
import { migrate } from '../src/db/migrator.js';
import { seedDatabase } from '../src/db/seed/index.js';
import { createLogger } from '../src/logger.js';
import { createApp } from '../src/server/app.js';
import { hostileShapes } from './hostile-shapes.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Number(values.runs);

// A persisted operations file, for the hashes that named Object.prototype's members.
const dir = mkdtempSync(join(tmpdir(), 'cdrql-bench-hostile-'));
writeFileSync(join(dir, 'operations.json'), JSON.stringify({ known: '{ calls(first: 1) { totalCount } }' }));
const config = loadConfig({
  NODE_ENV: 'production',
  PGLITE_DIR: 'memory://',
  PERSISTED_OPERATIONS_FILE: join(dir, 'operations.json'),
  RATE_LIMIT_REQUESTS: '1000000',
  RATE_LIMIT_ACCOUNT_REQUESTS: '1000000',
});
const db = await openDatabase(config.database);
await migrate(db.sql);
await seedDatabase(db.sql, { calls: 20 });
const app = createApp({ config, db, logger: createLogger('silent') });
const { key } = await createApiKey(db.prisma, { accountId: 'acme', name: 'bench', scopes: ['READ'] }, 'cli');

const send = async (body: string) => {
  const response = await app.fetch('http://bench/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, 'content-length': String(Buffer.byteLength(body)) },
    body,
  });
  return { status: response.status, body: (await response.json()) as { errors?: Array<{ extensions?: Record<string, unknown> }> } };
};

/**
 * The body with a comment of its own at the document's start: yoga caches parsed documents and
 * parse errors by their text, and each run must pay for the whole refusal.
 */
const fresh = (body: string, run: string) => body.replace('{"query":"', `{"query":"# ${run}\\n`);

const median = (numbers: number[]) => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)]!;

console.log(`| shape | bytes | answer | visited | CPU ms (median of ${runs}) | wall ms (median) |`);
console.log('| --- | ---: | --- | ---: | ---: | ---: |');
const persisted = (hash: string) => ({
  name: `persisted operation hash "${hash}"`,
  body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } } }),
  code: 'PERSISTED_QUERY_NOT_IN_LIST',
});
for (const shape of [...hostileShapes(config.limits.maxBodyBytes), persisted('__proto__'), persisted('constructor')]) {
  const cpu: number[] = [];
  const wall: number[] = [];
  let answer = '';
  let visited: unknown;
  // One run first, not counted: it warms the key's cache and the code paths.
  await send(fresh(shape.body, 'warm-up'));
  for (let i = 0; i < runs; i += 1) {
    const request = fresh(shape.body, `run ${i}`);
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const { status, body } = await send(request);
    wall.push(performance.now() - started);
    const used = process.cpuUsage(cpuBefore);
    cpu.push((used.user + used.system) / 1000);
    answer = `${status} ${String(body.errors?.[0]?.extensions?.['code'])}`;
    visited = body.errors?.[0]?.extensions?.['visited'];
  }
  console.log(`| ${shape.name} | ${Buffer.byteLength(shape.body)} | ${answer} | ${visited ?? ''} | ${median(cpu).toFixed(1)} | ${median(wall).toFixed(1)} |`);
}
await app.dispose();
await db.close();
rmSync(dir, { recursive: true, force: true });
