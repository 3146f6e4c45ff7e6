import { readFileSync } from 'node:fs';
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import { createYoga, useReadinessCheck, type Plugin } from 'graphql-yoga';
import { createAuthenticator } from '../auth/authenticator.js';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { createContextFactory } from '../graphql/context.js';
import { useWholeOperations } from '../graphql/read/execute.js';
import { createLiveHub } from '../live/hub.js';
import { schema } from '../graphql/schema.js';
import type { Logger } from '../logger.js';
import { useExportEndpoint } from './export.js';
import { createMetrics, useMetricsEndpoint, type Metrics } from './metrics.js';
import { useApiKeys, useBodyLimit, useCostLimit } from './plugins.js';
import { createRateLimiter } from './rate-limit.js';
import { useLiveEventIds } from './live.js';
import { useRequestLog } from './request-log.js';
import { useWebhooks } from './webhooks.js';

export interface AppOptions {
  config: Config;
  db: Database;
  logger: Logger;
  /** A key GraphiQL sends by default (the demo key), so a visitor can run queries at once. */
  graphiqlKey?: string;
  /** The metrics to count in (serve.ts also serves them on METRICS_PORT); a registry of its own when not given. */
  metrics?: Metrics;
}

const ENDPOINT = '/graphql';
/** Items a plain list is assumed to hold when an operation's cost is estimated. */
const LIST_SIZE_ESTIMATE = 5;

function persistedOperations(limits: Config['limits']): Plugin[] {
  if (!limits.persistedOperationsFile && !limits.persistedOperationsOnly) return [];
  const store: Record<string, string> = limits.persistedOperationsFile ? JSON.parse(readFileSync(limits.persistedOperationsFile, 'utf8')) : {};
  return [usePersistedOperations({ getPersistedOperation: (id) => store[id] ?? null, allowArbitraryOperations: !limits.persistedOperationsOnly })];
}

/** The whole HTTP application, without a listener: tests call `app.fetch` directly. */
export function createApp({ config, db, logger, graphiqlKey, metrics = createMetrics(db) }: AppOptions) {
  const { limits } = config;
  const authenticator = createAuthenticator(db.sql, limits.apiKeyCacheSeconds);
  const rateLimiter = createRateLimiter(limits.rateLimit);
  const apiKeys = useApiKeys(authenticator, rateLimiter, limits.rateLimit);
  const context = createContextFactory({ db, pages: config.pages, maxBuckets: limits.maxBuckets, authenticator, credentialsOf: apiKeys.credentialsOf });
  // This instance's subscriptions; close() ends their streams (on shutdown, before the listener
  // waits for in-flight requests).
  const live = createLiveHub({ db, logger, limits: config.live });
  const yoga = createYoga({
    schema,
    context: (initial) => ({ ...context(initial), live }),
    graphqlEndpoint: ENDPOINT,
    healthCheckEndpoint: '/health',
    landingPage: false,
    graphiql: {
      title: 'cdrql',
      ...(graphiqlKey ? { headers: JSON.stringify({ Authorization: `Bearer ${graphiqlKey}` }, null, 2) } : {}),
    },
    maskedErrors: config.production ? true : { isDev: true },
    batching: { limit: limits.maxOperations },
    // useBodyLimit refuses a body without Content-Length or over the limit before it is read, and
    // the HTTP parser reads no more than Content-Length: yoga's own limit would pipe every body
    // through a stream that counts it again (an AbortController and a DOMException per request).
    maxRequestBodySize: false,
    logging: logger,
    plugins: [
      useWebhooks({ db, logger, webhooks: config.webhooks }),
      useRequestLog(logger, metrics),
      ...metrics.plugins,
      ...(config.metrics.token ? [useMetricsEndpoint(metrics, config.metrics.token)] : []),
      useExportEndpoint({ db, authenticator, rateLimiter, rateLimit: limits.rateLimit, logger }),
      useBodyLimit(limits.maxBodyBytes, ENDPOINT),
      apiKeys.plugin,
      ...persistedOperations(limits),
      ...(limits.introspection ? [] : [useDisableIntrospection()]),
      maxDepthPlugin({ n: limits.maxDepth, exposeLimits: true, flattenFragments: true }),
      maxAliasesPlugin({ n: limits.maxAliases, exposeLimits: true }),
      useCostLimit(limits.maxCost, { defaultPageSize: config.pages.defaultSize, listSize: LIST_SIZE_ESTIMATE }),
      ...(config.sqlResponses ? [useWholeOperations(logger)] : []),
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
      useLiveEventIds(),
      {
        onDispose: async () => {
          metrics.dispose();
          await Promise.all([rateLimiter.close(), live.close()]);
        },
      },
    ],
  });
  return Object.assign(yoga, { live });
}

export type App = ReturnType<typeof createApp>;
