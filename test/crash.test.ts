import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/client.js';
import { createRandom } from '../src/db/seed/random.js';
import { createServerDatabase } from './helpers/database.js';
import { runCli } from './helpers/process.js';

/**
 * An import killed with SIGKILL at random points (a fixed seed), then run again to its end, must
 * leave exactly the rows of one clean import: no call twice, no attempt or recording twice or
 * lost, every leg linked. On the embedded database, or on PostgreSQL when DATABASE_URL names a
 * server (npm test runs both ways).
 */

const RECORDS = 600;

/** CallFire calls with one to three attempts and a recording on the last: three tables written per batch. */
function callfireFile(): string {
  const random = createRandom(11);
  const calls = Array.from({ length: RECORDS }, (_, i) => {
    const attempts = 1 + (i % 3);
    return {
      '@id': String(500_000 + i),
      FromNumber: '12132609784',
      ToNumber: { value: `1213${String(random.int(2_000_000, 9_999_999))}` },
      State: 'FINISHED',
      FinalResult: 'LA',
      Modified: '2024-01-01T10:00:00Z',
      CallRecord: Array.from({ length: attempts }, (_, n) => ({
        '@id': String(900_000 + i * 10 + n),
        Result: n === attempts - 1 ? 'LA' : 'BUSY',
        OriginateTime: `2024-01-01T09:0${n}:00Z`,
        Duration: random.int(1, 600),
        ...(n === attempts - 1 ? { RecordingMeta: [{ '@id': String(700_000 + i), Name: `r-${i}`, LengthInSeconds: 30, Link: `https://example.com/${i}.mp3` }] } : {}),
      })),
    };
  });
  return JSON.stringify({ ResourceList: { Call: calls } });
}

/** FreeClimb calls where every fourth is a leg of the call before it, half of them listed before their parent. */
function freeclimbFile(): string {
  const calls: object[] = [];
  for (let i = 0; i < RECORDS; i += 4) {
    const parent = { callId: `CA-${i}`, status: 'completed', from: '+12093231234', to: '+12098900611', revision: 2, startTime: 'Thu, 13 Oct 2019 17:51:56 GMT' };
    const legs = [1, 2, 3].map((n) => ({ callId: `CA-${i + n}`, parentCallId: `CA-${i}`, status: 'completed', revision: 1, direction: 'outboundDial' }));
    calls.push(...(i % 8 === 0 ? [...legs, parent] : [parent, ...legs]));
  }
  return JSON.stringify({ calls });
}

/** Every row an import writes, without ids (which a rerun draws anew), in a stable order. */
async function rowsOf(database: { url?: string; pgliteDir: string }, account: string) {
  const db = await openDatabase({ url: database.url, poolSize: 2, preparedStatements: 0, pgliteDir: database.pgliteDir, statementTimeoutMs: 0 });
  try {
    return await db.sql.query(
      `SELECT to_jsonb(c) - 'id' - 'account_id' - 'created_at' - 'updated_at' - 'parent_id' AS call,
              (SELECT p.external_id FROM calls p WHERE p.id = c.parent_id) AS parent,
              (SELECT jsonb_agg(to_jsonb(r) - 'id' - 'call_id' - 'account_id' ORDER BY r.attempt) FROM call_records r WHERE r.call_id = c.id) AS attempts,
              (SELECT jsonb_agg(to_jsonb(g) - 'id' - 'call_id' - 'call_record_id' - 'account_id' ORDER BY g.external_id) FROM recordings g WHERE g.call_id = c.id) AS recordings,
              (SELECT count(*)::int FROM recordings g JOIN call_records r ON r.id = g.call_record_id WHERE g.call_id = c.id) AS recordings_on_attempts
         FROM calls c WHERE c.account_id = $1 ORDER BY c.source, c.external_id`,
      [account],
    );
  } finally {
    await db.close();
  }
}

describe('an import killed at any point', { timeout: 600_000 }, () => {
  let dir: string;
  let server: Awaited<ReturnType<typeof createServerDatabase>>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cdrql-crash-'));
    writeFileSync(join(dir, 'callfire.json'), callfireFile());
    writeFileSync(join(dir, 'freeclimb.json'), freeclimbFile());
    server = await createServerDatabase();
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await server?.drop();
  });

  // The suite runs once on each: the embedded database by default, PostgreSQL with DATABASE_URL.
  const databases = () => [server ? { name: 'PostgreSQL', url: server.url, pgliteDir: 'unused' } : { name: 'embedded', url: undefined, pgliteDir: join(dir, 'pglite') }];

  it('and run again ends with exactly the rows of one clean import', async () => {
    const random = createRandom(2026);
    for (const database of databases()) {
      const env = database.url ? { DATABASE_URL: database.url } : { PGLITE_DIR: database.pgliteDir };
      for (const format of ['callfire', 'freeclimb']) {
        const file = join(dir, `${format}.json`);
        const importInto = (account: string) => runCli('import', ['--format', format, '--account', account, '--create-account', '--batch-size', '30', file], env);
        // The database is made and migrated first, so that a clean import's time is the import's alone.
        expect(await runCli('migrate', [], env).exited).toBe(0);
        const started = performance.now();
        const clean = importInto(`clean-${format}`);
        expect(await clean.exited, clean.output()).toBe(0);
        const seconds = (performance.now() - started) / 1000;
        const expected = await rowsOf(database, `clean-${format}`);
        expect(expected).toHaveLength(RECORDS);

        const kills: number[] = [];
        for (let n = 0; n < 3; n += 1) {
          const account = `crashed-${format}-${n}`;
          // Killed somewhere between start-up and the end a clean run took, then run to its end.
          for (const fraction of [0.15 + random.next() * 0.45]) {
            const run = importInto(account);
            const delay = fraction * seconds * 1000;
            const timer = setTimeout(() => run.child.kill('SIGKILL'), delay);
            const code = await run.exited;
            clearTimeout(timer);
            kills.push(code === null ? Math.round(delay) : -1);
          }
          const rerun = importInto(account);
          expect(await rerun.exited, rerun.output()).toBe(0);
          expect(await rowsOf(database, account), `${database.name} ${format} killed at ${kills.join(', ')} ms`).toEqual(expected);
        }
        // Most of the kills landed while the import ran (a run that ended first is -1).
        expect(kills.filter((k) => k >= 0).length, `kills at ${kills.join(', ')} ms of a ${seconds.toFixed(1)} s import`).toBeGreaterThanOrEqual(2);
      }
    }
  });
});
