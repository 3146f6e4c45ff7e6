/**
 * Export in constant memory: seeds a throwaway PostgreSQL database with N calls in one account
 * (the demo generator, `npm run db:seed`), then runs `npm run export` of all of them to a file,
 * CSV then NDJSON, each in a process of its own under /usr/bin/time, whose peak RSS is the
 * export's own. The target: 1,000,000 calls under 200 MB.
 *   npm run bench:export [-- --calls 1000000 --server postgresql://postgres@127.0.0.1:5432]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { calls: { type: 'string', default: '1000000' }, server: { type: 'string', default: 'postgresql://postgres@127.0.0.1:5432' } } });
const calls = Number(values.calls);
const database = `cdrql_bench_export_${process.pid}`;
const url = `${values.server}/${database}`;

const admin = new pg.Client({ connectionString: `${values.server}/postgres` });
await admin.connect();
await admin.query(`CREATE DATABASE ${database}`);
const dir = mkdtempSync(join(tmpdir(), 'cdrql-export-bench-'));
try {
  const env = { ...process.env, DATABASE_URL: url };
  const seeded = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/seed.ts', '--calls', String(calls), '--accounts', '1'], { cwd: ROOT, env, encoding: 'utf8' });
  if (seeded.status !== 0) throw new Error(`seed failed:\n${seeded.stderr}`);
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  const { rows } = await db.query<{ account_id: string; count: string }>('SELECT account_id, count(*) AS count FROM calls GROUP BY 1 ORDER BY 2 DESC LIMIT 1');
  await db.end();
  const account = rows[0]!;
  process.stdout.write(`${account.count} calls in account ${account.account_id}\n`);
  process.stdout.write('| format | calls | file | time | calls/s | peak RSS |\n| --- | --- | --- | --- | --- | --- |\n');
  for (const format of ['csv', 'ndjson']) {
    const output = join(dir, `calls.${format}`);
    const run = spawnSync(
      '/usr/bin/time',
      ['-f', '%M %e', process.execPath, '--import', 'tsx', 'src/cli/export.ts', '--account', account.account_id, '--format', format, '--output', output],
      { cwd: ROOT, env, encoding: 'utf8' },
    );
    if (run.status !== 0) throw new Error(`export failed:\n${run.stderr}`);
    const [kilobytes, seconds] = run.stderr.trim().split('\n').at(-1)!.split(' ').map(Number) as [number, number];
    const megabytes = statSync(output).size / 1e6;
    process.stdout.write(
      `| ${format} | ${account.count} | ${megabytes.toFixed(0)} MB | ${seconds.toFixed(1)} s | ${Math.round(Number(account.count) / seconds)} | ${(kilobytes / 1024).toFixed(0)} MB |\n`,
    );
    rmSync(output);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.end();
}
