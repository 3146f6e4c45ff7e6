/**
 * The performance benchmark: cdrql beside a hand-written SQL floor (bench/floor.ts) on the
 * 1,000,000-call seed. Both run as servers of their own, started as a user would (cdrql with
 * NODE_ENV=production and its default logging); autocannon drives them from this process after
 * a warm-up, each workload at each connection count, in slices that alternate cdrql and floor.
 * Writes the measured part of bench/RESULTS.md, then measures the embedded database's cold start.
 *   DATABASE_URL=… npm run bench [-- --account acme --duration 16 --warmup 3 --connections 8,32 --only W1,W4]
 */
import { deepStrictEqual } from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { compactRollups } from '../src/db/rollups.js';
import { DEMO_KEYS } from '../src/db/seed/demo-keys.js';
import { benchApp } from './harness.js';
import { cpuMsOf, databaseCpu, nodeEntry, ROOT, sampleRss, startProcess, type ServerProcess } from './processes.js';
import { loadWorkloads, type Workload } from './workloads.js';

const { values } = parseArgs({
  options: {
    account: { type: 'string', default: 'acme' },
    duration: { type: 'string', default: '16' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '8,32' },
    only: { type: 'string' },
    'skip-cold-start': { type: 'boolean', default: false },
    output: { type: 'string', default: join(ROOT, 'bench/RESULTS.md') },
  },
});
const duration = Number(values.duration);
const warmup = Number(values.warmup);
const connectionCounts = values.connections!.split(',').map(Number);

interface Server {
  name: 'cdrql' | 'floor';
  url: string;
  process: ServerProcess;
  /** SQL statements one request of a workload runs. */
  statements(workload: Workload): Promise<number>;
}

interface Run {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  /** Mean latency: autocannon's percentiles are whole milliseconds, too coarse to compare pages of a few ms. */
  mean: number;
  errors: number;
  peakRss: number;
  /** Mean RSS of the run's last third over that of its first third. */
  rssGrowth: number;
  /** CPU milliseconds per request of the server process and of its PostgreSQL backends. */
  serverCpu: number;
  databaseCpu: number;
}

const bench = await benchApp(values.account!, 'bench');
// Measured on a compacted and vacuumed database, as a running server and autovacuum keep one in
// production. A migration may have left a rollup delta per call to be folded (reads add every
// delta to the rollup rows); the seed's leg linking and the compaction leave dead rows behind,
// and a server with autovacuum off (this machine's) keeps them: the rollups' reads then visit
// every dead row, and no index-only scan skips the heap.
await compactRollups(bench.db.sql);
await bench.db.sql.exec('VACUUM ANALYZE');
const headers = { 'content-type': 'application/json', authorization: `Bearer ${bench.key}` };
const bodyOf = (workload: Workload) => JSON.stringify({ query: workload.query, operationName: workload.operationName, variables: workload.variables });

async function post(url: string, workload: Workload): Promise<string> {
  const response = await fetch(url, { method: 'POST', headers, body: bodyOf(workload) });
  const text = await response.text();
  if (!response.ok || text.includes('"errors"')) throw new Error(`${url} ${workload.name}: ${response.status} ${text.slice(0, 500)}`);
  return text;
}

const workloads = (await loadWorkloads(bench.db.sql, values.account!)).filter(
  (workload) => !values.only || values.only.split(',').some((prefix) => workload.name.startsWith(prefix)),
);

const databaseUrl = process.env.DATABASE_URL!;
const databaseName = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
const cdrqlProcess = await startProcess(
  // What `npm start` runs, by Node itself, so that the pid is the server's own.
  [process.execPath, 'scripts/start.mjs'],
  // A dashboard's refreshes are many requests per key: the operator raises the per-key limit.
  { NODE_ENV: 'production', DATABASE_URL: databaseUrl, HOST: '127.0.0.1', PORT: '0', RATE_LIMIT_REQUESTS: '1000000000', RATE_LIMIT_ACCOUNT_REQUESTS: '1000000000' },
  /GraphQL at (http:\/\/\S+)\/graphql/,
);
const floorProcess = await startProcess(nodeEntry('bench/floor.ts', '--port', '0', '--account', values.account!), { DATABASE_URL: databaseUrl }, /listening at (http:\/\/\S+)/);
const floorUrl = floorProcess.match[1]!;
const servers: Server[] = [
  {
    name: 'cdrql',
    url: `${cdrqlProcess.match[1]}/graphql`,
    process: cdrqlProcess,
    // Counted from Prisma's query events in an app of the same code in this process.
    statements: async (workload) => (await bench.measure(() => bench.post(workload.query, workload.variables, workload.operationName), 3)).statements,
  },
  {
    name: 'floor',
    url: `${floorUrl}/graphql`,
    process: floorProcess,
    statements: async (workload) => {
      const count = async () => Number(await (await fetch(`${floorUrl}/statements`)).text());
      const before = await count();
      await post(`${floorUrl}/graphql`, workload);
      return (await count()) - before;
    },
  },
];

/** Both servers must give the same answer, or the comparison means nothing. */
async function checkSameAnswers(workload: Workload): Promise<Record<Server['name'], string>> {
  const [cdrql, floor] = await Promise.all(servers.map((server) => post(server.url, workload)));
  deepStrictEqual(JSON.parse(floor!), JSON.parse(cdrql!), `${workload.name}: the floor's answer differs from cdrql's`);
  return { cdrql: cdrql!, floor: floor! };
}

/** autocannon's own merge of raw results (exported, missing from its type definitions): percentiles over every slice's latencies. */
const aggregateResults = (autocannon as unknown as { aggregateResult(results: unknown[], options: object): autocannon.Result }).aggregateResult;

/**
 * The measured time of a row is cut into slices that alternate between the servers: cdrql, floor,
 * floor, cdrql, cdrql, floor… (ABBA). A shared machine's speed drifts over minutes, and
 * back-to-back runs put all of a drift on one side of the ratio. Workloads compared with each
 * other (W2's first and deep pages) are measured in the same alternation, for the same reason. It
 * also slows for a few seconds at a time (PostgreSQL's CPU for the same statement rises in one
 * slice and not the next): many short slices spread such a burst over both sides where a few long
 * ones put it on one. bench/RESULTS.md has the measurements.
 */
const SLICES = 8;

interface Measured {
  results: unknown[];
  completed: number;
  seconds: number;
  serverCpuMs: number;
  databaseCpuMs: number;
  rss: number[];
}

async function measureSlice(server: Server, options: autocannon.Options, seconds: number, into: Measured): Promise<void> {
  const pid = server.process.child.pid!;
  const sampler = sampleRss(pid);
  const serverCpuBefore = cpuMsOf(pid);
  const backends = databaseCpu(databaseName);
  const result = (await autocannon({ ...options, duration: seconds, skipAggregateResult: true })) as unknown as { totalCompletedRequests: number; duration: number };
  into.serverCpuMs += cpuMsOf(pid) - serverCpuBefore;
  into.databaseCpuMs += backends.stop();
  into.rss.push(...sampler.stop());
  into.results.push(result);
  into.completed += result.totalCompletedRequests;
  into.seconds += result.duration;
}

/** A workload on a server, and what the runs measured of it. */
interface Arm {
  workload: Workload;
  server: Server;
  options: autocannon.Options;
  measured: Measured;
}

/** Measures `group`'s workloads on both servers at `connections`, every pair in the same alternation. */
async function measureGroup(group: Workload[], connections: number): Promise<Map<Workload, Record<Server['name'], Run>>> {
  const arms: Arm[] = group.flatMap((workload) =>
    servers.map((server) => ({
      workload,
      server,
      options: { url: server.url, method: 'POST', headers, body: bodyOf(workload), connections, expectBody: answers.get(workload)![server.name] },
      measured: { results: [], completed: 0, seconds: 0, serverCpuMs: 0, databaseCpuMs: 0, rss: [] },
    })),
  );
  for (const arm of arms) await autocannon({ ...arm.options, duration: warmup });
  for (let slice = 0; slice < SLICES; slice += 1) {
    for (const arm of slice % 2 === 0 ? arms : [...arms].reverse()) await measureSlice(arm.server, arm.options, duration / SLICES, arm.measured);
  }
  const runs = new Map<Workload, Record<Server['name'], Run>>();
  for (const { workload, server, options, measured } of arms) {
    const { results, completed, seconds, serverCpuMs, databaseCpuMs, rss } = measured;
    const result = aggregateResults(results, options);
    const third = Math.max(1, Math.floor(rss.length / 3));
    const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
    const byServer = runs.get(workload) ?? ({} as Record<Server['name'], Run>);
    byServer[server.name] = {
      requestsPerSecond: completed / seconds,
      p50: result.latency.p50,
      p99: result.latency.p99,
      mean: result.latency.average,
      errors: result.errors + result.timeouts + result.non2xx + result.mismatches,
      peakRss: Math.max(...rss),
      rssGrowth: mean(rss.slice(-third)) / mean(rss.slice(0, third)),
      serverCpu: serverCpuMs / completed,
      databaseCpu: databaseCpuMs / completed,
    };
    runs.set(workload, byServer);
  }
  return runs;
}

interface Row {
  workload: Workload;
  connections: number;
  statements: Record<Server['name'], number>;
  runs: Record<Server['name'], Run>;
}

// Every workload once through each server before anything is measured, so the first rows do not
// carry the servers' start-up (JIT compilation, caches, the heap growing to its working size).
const answers = new Map<Workload, Record<Server['name'], string>>();
for (const workload of workloads) {
  answers.set(workload, await checkSameAnswers(workload));
  for (const server of servers) {
    await autocannon({ url: server.url, method: 'POST', headers, body: bodyOf(workload), connections: connectionCounts[0], duration: warmup });
  }
}

const rows: Row[] = [];
const statementsFor10Rows: number[] = [];
// cdrql's memory over the whole run as well as within each row: growth shows across workloads.
const wholeRun = sampleRss(cdrqlProcess.child.pid!, 500);
// Workloads are grouped by their first word: W2's first and deep pages are measured together.
const groupOf = (workload: Workload) => workload.name.split(' ')[0]!;
const groups = new Map<string, Workload[]>();
for (const workload of workloads) groups.set(groupOf(workload), [...(groups.get(groupOf(workload)) ?? []), workload]);
for (const group of groups.values()) {
  const statements = new Map<Workload, Record<Server['name'], number>>();
  for (const workload of group) {
    statements.set(workload, { cdrql: await servers[0]!.statements(workload), floor: await servers[1]!.statements(workload) });
    if (workload.name.startsWith('W1')) {
      const ten = { ...workload, variables: { ...workload.variables, first: 10 } };
      await checkSameAnswers(ten);
      statementsFor10Rows.push(await servers[0]!.statements(ten));
    }
  }
  for (const connections of connectionCounts) {
    for (const [workload, runs] of await measureGroup(group, connections)) {
      rows.push({ workload, connections, statements: statements.get(workload)!, runs });
      process.stderr.write(`${workload.name} @${connections}: cdrql ${runs.cdrql.requestsPerSecond.toFixed(0)} req/s, floor ${runs.floor.requestsPerSecond.toFixed(0)} req/s\n`);
    }
  }
}
const wholeRunSamples = wholeRun.stop();
await Promise.all(servers.map((server) => server.process.stop()));
await bench.close();

/**
 * `npm start` on a fresh embedded database, then three restarts on the same one, each until its
 * first answer: one start takes a second more or less with this machine's load, so the restart
 * figure is the median of three.
 */
async function coldStart(): Promise<{ first: number; restarts: number[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'cdrql-cold-'));
  const query = JSON.stringify({ query: '{ calls(first: 1) { totalCount } }' });
  const once = async () => {
    const started = performance.now();
    const server = await startProcess(['npm', 'start'], { DATABASE_URL: undefined, PGLITE_DIR: dir, PORT: '0' }, /GraphQL at (http:\/\/\S+)\/graphql/, 120_000);
    const response = await fetch(`${server.match[1]}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${DEMO_KEYS[0].key}` }, body: query });
    if (!response.ok) throw new Error(`cold start: ${response.status} ${await response.text()}`);
    const elapsed = (performance.now() - started) / 1000;
    await server.stop();
    return elapsed;
  };
  try {
    const first = await once();
    const restarts = [await once(), await once(), await once()];
    return { first, restarts };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const cold = values['skip-cold-start'] ? undefined : await coldStart();

const ratio = (a: number, b: number) => (a / b).toFixed(2);
const mb = (bytes: number) => (bytes / 1048576).toFixed(0);
const check = (ok: boolean) => (ok ? 'met' : '**not met**');
const lines = [
  `Run on ${new Date().toISOString().slice(0, 16)}Z, commit \`${execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).toString().trim()}\`, account \`${values.account}\`, both servers on Node ${process.version}, every workload warmed up on both servers first, then for each row ${warmup} s of warm-up on each server and ${duration} s measured per server, in ${SLICES} slices that alternate cdrql and floor (ABBA), W2's first and deep pages together.`,
  '',
  '| workload | conns | cdrql req/s | floor req/s | ratio | cdrql p50 / p99 ms | floor p50 / p99 ms | p99 ratio | SQL per request (cdrql / floor) | server CPU ms per request (cdrql / floor) | PostgreSQL CPU ms per request (cdrql / floor) | errors | cdrql peak RSS MB | RSS last/first third |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ...rows.map(({ workload, connections, statements, runs: { cdrql, floor } }) =>
    `| ${workload.name} | ${connections} | ${cdrql.requestsPerSecond.toFixed(0)} | ${floor.requestsPerSecond.toFixed(0)} | ${ratio(cdrql.requestsPerSecond, floor.requestsPerSecond)} | ${cdrql.p50} / ${cdrql.p99} | ${floor.p50} / ${floor.p99} | ${ratio(cdrql.p99, floor.p99)} | ${statements.cdrql} / ${statements.floor} | ${cdrql.serverCpu.toFixed(2)} / ${floor.serverCpu.toFixed(2)} | ${cdrql.databaseCpu.toFixed(2)} / ${floor.databaseCpu.toFixed(2)} | ${cdrql.errors + floor.errors} | ${mb(cdrql.peakRss)} | ${cdrql.rssGrowth.toFixed(2)} |`,
  ),
  '',
  '### Targets',
];
const of = (prefix: string) => rows.filter((row) => row.workload.name.startsWith(prefix));
for (const name of ['W1', 'W4', 'W5']) {
  for (const row of of(name)) {
    const throughput = row.runs.cdrql.requestsPerSecond / row.runs.floor.requestsPerSecond;
    const tail = row.runs.cdrql.p99 / row.runs.floor.p99;
    lines.push(`- ${name} at ${row.connections}: ${throughput.toFixed(2)}x the floor's requests/s (target ≥ 0.85), p99 ${tail.toFixed(2)}x (target ≤ 1.5): ${check(throughput >= 0.85 && tail <= 1.5)}`);
  }
}
// W3 reads rollups per quarter-hour where the floor scans the month's calls (issue 24).
for (const row of of('W3').filter((r) => r.connections === 8)) {
  const throughput = row.runs.cdrql.requestsPerSecond / row.runs.floor.requestsPerSecond;
  lines.push(`- W3 at 8: ${throughput.toFixed(2)}x the floor's requests/s (target ≥ 3): ${check(throughput >= 3)}`);
}
for (const row of rows.filter((r) => !r.workload.name.startsWith('W3'))) {
  lines.push(`- ${row.workload.name} at ${row.connections}: ${row.statements.cdrql} SQL statement(s) per request, one per root field (target 1): ${check(row.statements.cdrql === 1)}`);
}
const firstPages = of('W2 first');
for (const deep of of('W2 deep')) {
  const first = firstPages.find((row) => row.connections === deep.connections);
  if (!first) continue;
  const slower = deep.runs.cdrql.mean / first.runs.cdrql.mean;
  // The floor's own ratio: what depth costs PostgreSQL and the machine, beside what it costs cdrql.
  const floorSlower = deep.runs.floor.mean / first.runs.floor.mean;
  lines.push(
    `- W2 at ${deep.connections}: the deep page's mean latency is ${slower.toFixed(2)}x the first page's (${deep.runs.cdrql.mean.toFixed(2)} against ${first.runs.cdrql.mean.toFixed(2)} ms; target ≤ 1.1; the floor's ${floorSlower.toFixed(2)}x): ${check(slower <= 1.1)}`,
  );
}
for (const row of of('W1').filter((r) => r.connections === connectionCounts[0])) {
  const counts = [...statementsFor10Rows, row.statements.cdrql];
  lines.push(`- W1 SQL statements per request: ${statementsFor10Rows.join(', ')} for 10 rows, ${row.statements.cdrql} for 50 (target ≤ 5, the same): ${check(Math.max(...counts) <= 5 && new Set(counts).size === 1)}`);
}
const errors = rows.reduce((sum, row) => sum + row.runs.cdrql.errors + row.runs.floor.errors, 0);
lines.push(`- Errors under load (non-2xx, timeouts, answers that differ from the checked one): ${errors}: ${check(errors === 0)}`);
const growths = rows.map((row) => row.runs.cdrql.rssGrowth);
const third = Math.max(1, Math.floor(wholeRunSamples.length / 3));
const peakOf = (samples: number[]) => Math.max(...samples);
const wholeGrowth = peakOf(wholeRunSamples.slice(-third)) / peakOf(wholeRunSamples.slice(0, third));
lines.push(
  `- cdrql RSS across the whole run: peak ${mb(peakOf(wholeRunSamples))} MB; peak of the last third over that of the first ${wholeGrowth.toFixed(2)} (flat: ≤ 1.05): ${check(wholeGrowth <= 1.05)}`,
);
// A row of a few seconds holds a few of V8's grow-and-collect cycles: its thirds compare where
// those cycles happen to fall (the ratio swings below 1 as often as above), not whether memory grows.
lines.push(
  `- For information, within each ${duration} s run: mean RSS of its last third over its first, ${Math.min(...growths).toFixed(2)} to ${Math.max(...growths).toFixed(2)} (moves both ways with V8's heap sizing; growth is judged across the whole run)`,
);
if (cold) {
  const median = [...cold.restarts].sort((a, b) => a - b)[1]!;
  lines.push(`- Cold start of \`npm start\` on a fresh embedded database, to its first answered query: ${cold.first.toFixed(1)} s (target < 15 s): ${check(cold.first < 15)}; restarts ${cold.restarts.map((seconds) => seconds.toFixed(1)).join(', ')} s, median ${median.toFixed(1)} s (target < 3 s): ${check(median < 3)}`);
}

const START = '<!-- measured by npm run bench: start -->';
const END = '<!-- measured by npm run bench: end -->';
const block = `${START}\n${lines.join('\n')}\n${END}`;
const previous = (() => {
  try {
    return readFileSync(values.output!, 'utf8');
  } catch {
    return `# Benchmark results\n\n${START}\n${END}\n`;
  }
})();
const [before, rest] = previous.split(START);
const after = rest?.split(END)[1] ?? '\n';
writeFileSync(values.output!, `${before}${block}${after}`);
process.stdout.write(`${block}\n`);
