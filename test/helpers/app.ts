import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createApp, type App } from '../../src/server/app.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import type { SeedOptions } from '../../src/db/seed/index.js';

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

export async function createTestApp(options: { seed?: SeedOptions; accountId?: string } = {}): Promise<TestApp> {
  const database = await createTestDatabase({ seed: options.seed ?? {} });
  const config = loadConfig({ NODE_ENV: 'test' });
  const app = createApp({ config, db: database.db, logger: createLogger('silent'), accountOf: () => options.accountId ?? null });
  let recording: Statement[] | undefined;
  database.db.prisma.$on('query' as never, (event: { query: string; params: string }) =>
    recording?.push({ query: event.query, params: JSON.parse(event.params) as unknown[] }),
  );
  return {
    ...database,
    app,
    gql: async (query, variables) => {
      const response = await app.fetch('http://test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
      return response.json();
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
