import { createApiKey } from '../../src/auth/api-keys.js';
import { loadConfig } from '../../src/config.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { createApp, type App } from '../../src/server/app.js';
import type { SeedOptions } from '../../src/db/seed/index.js';
import { createTestDatabase, type TestDatabase } from './database.js';

export interface GraphQLResponse<Data = Record<string, any>> {
  data?: Data | null;
  errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, unknown> }>;
}

export interface Statement {
  query: string;
  params: unknown[];
}

export interface TestApp extends TestDatabase {
  app: App;
  /** The API key gql() sends: all scopes on the test's account. */
  key: string;
  /** Posts a JSON body to /graphql with the key, unless `headers` override the authorization. */
  post(body: unknown, headers?: Record<string, string>): Promise<Response>;
  /** Posts one operation to the real server (app.fetch, no port) and returns the parsed body. */
  gql<Data = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<Data>>;
  /** SQL statements Prisma ran while `work` ran, and their parameters. */
  recordQueries<T>(work: () => Promise<T>): Promise<{ result: T; queries: string[]; statements: Statement[] }>;
  /**
   * PostgreSQL's plan of a recorded statement, with sequential scans priced out so that a tiny
   * test table still shows which index the statement can use and whether it must sort.
   */
  explain(statement: Statement): Promise<string>;
}

export interface TestAppOptions {
  seed?: SeedOptions;
  /** The account whose key gql() sends. @default acme */
  accountId?: string;
  /** Settings on top of the defaults, as environment variables. */
  env?: Record<string, string>;
  /** Reuse this database instead of making one (several apps on one database). */
  database?: TestDatabase;
  /** Where the application logs. @default a silent logger */
  logger?: Logger;
}

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const config = loadConfig({ NODE_ENV: 'test', ...options.env });
  const database = options.database ?? (await createTestDatabase({ seed: options.seed ?? {}, statementTimeoutMs: config.database.statementTimeoutMs }));
  const app = createApp({ config, db: database.db, logger: options.logger ?? createLogger('silent') });
  const { key } = await createApiKey(
    database.db.prisma,
    { accountId: options.accountId ?? 'acme', name: 'test', scopes: ['READ', 'WRITE', 'ADMIN'] },
    'cli',
  );
  let recording: Statement[] | undefined;
  database.db.onQuery((query, params) => {
    recording?.push({ query, params: [...params] });
  });
  const post = async (body: unknown, headers: Record<string, string> = {}) =>
    app.fetch('http://test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...headers },
      body: JSON.stringify(body),
    });
  return {
    ...database,
    app,
    key,
    post,
    gql: async (query, variables) => (await post({ query, variables })).json(),
    drop: async () => {
      await app.dispose();
      if (!options.database) await database.drop();
    },
    explain: (statement) =>
      database.db.sql.transaction(async (tx) => {
        await tx.query('SET LOCAL enable_seqscan = off');
        const rows = await tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${statement.query}`, statement.params);
        return rows.map((row) => row['QUERY PLAN']).join('\n');
      }),
    recordQueries: async (work) => {
      recording = [];
      try {
        const result = await work();
        return { result, queries: recording.map((statement) => statement.query), statements: recording };
      } finally {
        recording = undefined;
      }
    },
  };
}
