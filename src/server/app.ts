import { createYoga, useReadinessCheck } from 'graphql-yoga';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { createContextFactory } from '../graphql/context.js';
import { schema } from '../graphql/schema.js';
import type { Logger } from '../logger.js';

export interface AppOptions {
  config: Config;
  db: Database;
  logger: Logger;
  /** Which account a request sees; by default every account. */
  accountOf?: (request: Request) => string | null;
}

/** The whole HTTP application, without a listener: tests call `app.fetch` directly. */
export function createApp({ config, db, logger, accountOf = () => null }: AppOptions) {
  return createYoga({
    schema,
    context: createContextFactory({ db, pages: config.pages, accountOf }),
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/health',
    landingPage: false,
    graphiql: { title: 'cdrql' },
    maskedErrors: config.production ? true : { isDev: true },
    logging: logger,
    plugins: [
      useReadinessCheck({
        endpoint: '/ready',
        check: async () => {
          try {
            await db.sql.query('SELECT 1');
            return true;
          } catch {
            return false;
          }
        },
      }),
    ],
  });
}

export type App = ReturnType<typeof createApp>;
