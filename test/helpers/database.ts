import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrator.js';
import { seedDatabase, type SeedOptions } from '../../src/db/seed/index.js';

/**
 * Every test file gets a database of its own: an in-memory PGlite by default, or a fresh database
 * on the server named by DATABASE_URL, dropped when the file is done. Files can run in parallel.
 */
export interface TestDatabase {
  db: Database;
  /** The URL of this file's own database on the server, when running against one. */
  url: string | undefined;
  drop(): Promise<void>;
}

async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A new empty database on the test server, or undefined on the embedded default. */
export async function createServerDatabase(): Promise<{ url: string; drop(): Promise<void> } | undefined> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) return undefined;
  const name = `cdrql_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

export async function createTestDatabase(
  options: { migrate?: boolean; seed?: SeedOptions | false; statementTimeoutMs?: number } = {},
): Promise<TestDatabase> {
  const server = await createServerDatabase();
  const db = await openDatabase(
    { url: server?.url, poolSize: 4, preparedStatements: 100, pgliteDir: 'memory://', statementTimeoutMs: options.statementTimeoutMs ?? 60_000 },
    { logQueries: true },
  );
  if (options.migrate !== false) await migrate(db.sql);
  if (options.migrate !== false && options.seed !== false) await seedDatabase(db.sql, options.seed ?? {});
  return {
    db,
    url: server?.url,
    drop: async () => {
      await db.close();
      await server?.drop();
    },
  };
}
