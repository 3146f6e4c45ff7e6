import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createServerDatabase } from './helpers/database.js';
import { PROCESS_TEST_TIMEOUT } from './helpers/process.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The last stage of the Dockerfile (the image): its ENV, HEALTHCHECK command and CMD. */
function imageOf(dockerfile: string) {
  const lines = dockerfile.replace(/\\\n/g, ' ').split('\n');
  const stage = lines.slice(lines.findLastIndex((line) => line.startsWith('FROM ')));
  const env: Record<string, string> = {};
  for (const line of stage.filter((l) => l.startsWith('ENV '))) {
    for (const [, key, value] of line.slice(4).matchAll(/(\w+)=(\S+)/g)) env[key!] = value!;
  }
  const exec = (instruction: string) => {
    const line = stage.find((l) => l.startsWith(instruction));
    if (!line) throw new Error(`no ${instruction} in the image's stage`);
    return JSON.parse(line.slice(line.indexOf('['))) as string[];
  };
  return { env, user: stage.find((l) => l.startsWith('USER '))?.slice(5).trim(), healthcheck: exec('HEALTHCHECK'), cmd: exec('CMD') };
}

describe('the Dockerfile', { timeout: PROCESS_TEST_TIMEOUT }, () => {
  const image = imageOf(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));

  it('runs as a user other than root, in production, with a health check on /ready', () => {
    expect(image.user).toBe('node');
    expect(image.env.NODE_ENV).toBe('production');
    expect(image.healthcheck.join(' ')).toContain('/ready');
  });

  it("starts with its CMD and ENV (outside a container), logs JSON, serves METRICS_PORT and passes its own HEALTHCHECK", async () => {
    const server = await createServerDatabase();
    const dir = mkdtempSync(join(tmpdir(), 'cdrql-image-'));
    // The image's environment, on this machine's database: the test's PostgreSQL database when
    // the suite runs on one, otherwise an embedded one in a temporary directory.
    const { DATABASE_URL: _unset, ...machine } = process.env;
    const env = { ...machine, ...image.env, PORT: '0', METRICS_PORT: '0', PGLITE_DIR: join(dir, 'pglite'), ...(server ? { DATABASE_URL: server.url } : {}) };
    const [program, ...args] = image.cmd;
    expect(program).toBe('node');
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise((resolve) => child.on('exit', resolve));
    try {
      const port = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no start:\n${output}`)), 60_000);
        const check = () => {
          const match = /GraphQL at http:\/\/[^:]+:(\d+)\//.exec(output);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]!);
          }
        };
        child.stderr.on('data', check);
        void exited.then(() => reject(new Error(`exited:\n${output}`)));
      });
      expect((await fetch(`http://127.0.0.1:${port}/ready`)).status).toBe(200);
      // METRICS_PORT: a listener of its own for the metrics, and nothing else.
      const metricsUrl = /metrics at (http:\/\/[^\s"]+)\/metrics/.exec(output)![1]!;
      const metrics = await fetch(`${metricsUrl}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toContain('# TYPE cdrql_request_duration_seconds histogram');
      expect((await fetch(`${metricsUrl}/graphql`)).status).toBe(404);
      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(404);
      // Production logs are JSON, one object per line.
      const lines = output.trim().split('\n').map((line) => JSON.parse(line));
      expect(lines.some((line) => String(line.msg).startsWith('GraphQL at '))).toBe(true);
      const [checker, ...checkArgs] = image.healthcheck;
      expect(checker).toBe('node');
      const health = spawnSync(process.execPath, checkArgs, { env: { ...env, PORT: port }, encoding: 'utf8' });
      expect(health.status, health.stderr).toBe(0);
    } finally {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
      await server?.drop();
    }
  });
});
