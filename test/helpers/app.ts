import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createApp, type App } from '../../src/server/app.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import type { SeedOptions } from '../../src/db/seed/index.js';

export interface GraphQLResponse<Data = Record<string, any>> {
  data?: Data | null;
  errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, unknown> }>;
}

export interface TestApp extends TestDatabase {
  app: App;
  /** Posts one operation to the real server (app.fetch, no port) and returns the parsed body. */
  gql<Data = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<Data>>;
  /** SQL statements Prisma ran while `work` ran. */
  recordQueries<T>(work: () => Promise<T>): Promise<{ result: T; queries: string[] }>;
}

export async function createTestApp(options: { seed?: SeedOptions; accountId?: string } = {}): Promise<TestApp> {
  const database = await createTestDatabase({ seed: options.seed ?? {} });
  const config = loadConfig({ NODE_ENV: 'test' });
  const app = createApp({ config, db: database.db, logger: createLogger('silent'), accountOf: () => options.accountId ?? null });
  let recording: string[] | undefined;
  database.db.prisma.$on('query' as never, (event: { query: string }) => recording?.push(event.query));
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
    recordQueries: async (work) => {
      recording = [];
      try {
        const result = await work();
        return { result, queries: recording };
      } finally {
        recording = undefined;
      }
    },
  };
}
