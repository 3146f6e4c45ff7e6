import { createApiKey, revokeApiKey } from '../src/auth/api-keys.js';
import { loadConfig } from '../src/config.js';
import { openDatabase, type Database } from '../src/db/client.js';
import { migrate } from '../src/db/migrator.js';
import { createLogger } from '../src/logger.js';
import { createApp } from '../src/server/app.js';

export interface BenchApp {
  db: Database;
  /** The temporary READ key, revoked by close(). */
  key: string;
  /** Posts one operation with a temporary READ key of the account; throws on any GraphQL error. */
  post(query: string, variables?: Record<string, unknown>, operationName?: string): Promise<{ data: any }>;
  /** Runs `request` `runs` times after a warm-up: p50 / p95 in ms and SQL statements of the last run. */
  measure(request: () => Promise<unknown>, runs: number): Promise<{ p50: string; p95: string; statements: number }>;
  close(): Promise<void>;
}

/** The real GraphQL app on DATABASE_URL (the benchmark database) or `url`, migrated, with a key of `account`. */
export async function benchApp(account: string, name: string, url?: string): Promise<BenchApp> {
  const config = loadConfig(url ? { ...process.env, DATABASE_URL: url } : process.env);
  if (!config.database.url) throw new Error('Set DATABASE_URL to the benchmark database (npm run db:seed -- --calls 1000000 --accounts 20).');
  // A benchmark's own connection runs without the requests' statement timeout (VACUUM ANALYZE of the seed, say).
  const db = await openDatabase({ ...config.database, statementTimeoutMs: 0 }, { logQueries: true });
  await migrate(db.sql);
  const app = createApp({ config, db, logger: createLogger('warn') });
  const { key, apiKey } = await createApiKey(db.prisma, { accountId: account, name, scopes: ['READ'] }, 'cli');
  let statements = 0;
  db.onQuery(() => {
    statements += 1;
  });
  const post = async (query: string, variables?: Record<string, unknown>, operationName?: string) => {
    const response = await app.fetch('http://bench/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables, operationName }),
    });
    const body = (await response.json()) as { data: any; errors?: unknown };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body;
  };
  const measure = async (request: () => Promise<unknown>, runs: number) => {
    const times: number[] = [];
    for (let i = 0; i < runs + 3; i += 1) {
      statements = 0;
      const started = performance.now();
      await request();
      if (i >= 3) times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(1);
    return { p50: at(0.5), p95: at(0.95), statements };
  };
  return {
    db,
    key,
    post,
    measure,
    close: async () => {
      await revokeApiKey(db.prisma, null, apiKey.id, 'cli');
      await app.dispose();
      await db.close();
    },
  };
}
