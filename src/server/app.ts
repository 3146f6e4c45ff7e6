import { readFileSync } from 'node:fs';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import { createYoga, useReadinessCheck, type Plugin } from 'graphql-yoga';
import { createAuthenticator } from '../auth/authenticator.js';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { timeZoneNames } from '../db/read/time-zones.js';
import { createContextFactory } from '../graphql/context.js';
import { useWholeOperations } from '../graphql/read/execute.js';
import { createLiveHub } from '../live/hub.js';
import { schema } from '../graphql/schema.js';
import type { Logger } from '../logger.js';
import { maskError, useErrorCodes } from './errors.js';
import { useExportEndpoint } from './export.js';
import { useInputChecks } from './input-checks.js';
import { createMetrics, useMetricsEndpoint, type Metrics } from './metrics.js';
import { useParseLimits } from './parse-limits.js';
import { useApiKeys, useBodyLimit, useOperationLimits } from './plugins.js';
import { createRateLimiter } from './rate-limit.js';
import { useSharedSubscriptions } from './live.js';
import { createRequestLog } from './request-log.js';
import { useWebhooks } from './webhooks.js';

export interface AppOptions {
  config: Config;
  db: Database;
  logger: Logger;
  /** A key GraphiQL sends by default (the demo key, in development only), so a visitor can run queries at once. */
  graphiqlKey?: string;
  /** The metrics to count in (serve.ts also serves them on METRICS_PORT); a registry of its own when not given. */
  metrics?: Metrics;
}

const ENDPOINT = '/graphql';
/** Items a plain list is assumed to hold when an operation's cost is estimated. */
const LIST_SIZE_ESTIMATE = 5;

/**
 * The operations file's documents by hash. A Map, not the parsed object: looking up a hash such
 * as `__proto__` or `constructor` in a plain object finds Object.prototype's members.
 */
function persistedOperations(limits: Config['limits']): Plugin[] {
  if (!limits.persistedOperationsFile && !limits.persistedOperationsOnly) return [];
  const parsed: unknown = limits.persistedOperationsFile ? JSON.parse(readFileSync(limits.persistedOperationsFile, 'utf8')) : {};
  const store = new Map(Object.entries(parsed as Record<string, unknown>).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  return [usePersistedOperations({ getPersistedOperation: (id) => store.get(id) ?? null, allowArbitraryOperations: !limits.persistedOperationsOnly })];
}

/** The whole HTTP application, without a listener: tests call `app.fetch` directly. */
export function createApp({ config, db, logger, graphiqlKey, metrics = createMetrics(db) }: AppOptions) {
  const { limits } = config;
  const authenticator = createAuthenticator(db.sql, limits.apiKeyCacheSeconds);
  const rateLimiter = createRateLimiter(limits.rateLimit);
  const apiKeys = useApiKeys(authenticator, rateLimiter, limits.rateLimit);
  // Read now, so that no request pays for PostgreSQL's time zone list (~1,200 names); a failure
  // here is retried by the first series that needs the list.
  timeZoneNames(db.sql).catch(() => {});
  const requestLog = createRequestLog(logger, metrics);
  const context = createContextFactory({
    db,
    pages: config.pages,
    maxBuckets: limits.maxBuckets,
    authenticator,
    credentialsOf: apiKeys.credentialsOf,
    recordOf: requestLog.recordOf,
  });
  // This instance's subscriptions; close() ends their streams (on shutdown, before the listener
  // waits for in-flight requests).
  const live = createLiveHub({ db, logger, limits: config.live });
  const yoga = createYoga({
    schema,
    context: (initial) => ({ ...context(initial), live }),
    graphqlEndpoint: ENDPOINT,
    healthCheckEndpoint: '/health',
    landingPage: false,
    graphiql: limits.graphiql && {
      title: 'cdrql',
      ...(graphiqlKey ? { headers: JSON.stringify({ Authorization: `Bearer ${graphiqlKey}` }, null, 2) } : {}),
    },
    // Never isDev: yoga would copy an internal error's message (PostgreSQL's, say) into the response.
    maskedErrors: { maskError: maskError(logger, config.database.statementTimeoutMs) },
    batching: { limit: limits.maxOperations },
    // useBodyLimit refuses a body without Content-Length or over the limit before it is read, and
    // the HTTP parser reads no more than Content-Length: yoga's own limit would pipe every body
    // through a stream that counts it again (an AbortController and a DOMException per request).
    maxRequestBodySize: false,
    logging: logger,
    plugins: [
      // First: a request that a later plugin answers (webhooks, exports, refusals) is logged too.
      requestLog.plugin,
      useWebhooks({ db, logger, webhooks: config.webhooks }),
      ...metrics.plugins,
      ...(config.metrics.token ? [useMetricsEndpoint(metrics, config.metrics.token)] : []),
      useExportEndpoint({ db, authenticator, rateLimiter, rateLimit: limits.rateLimit, logger, recordOf: requestLog.recordOf }),
      useBodyLimit(limits.maxBodyBytes, ENDPOINT),
      useErrorCodes(),
      apiKeys.plugin,
      ...persistedOperations(limits),
      useParseLimits(limits.maxTokens),
      ...(limits.introspection ? [] : [useDisableIntrospection()]),
      useInputChecks(limits.maxInputDepth),
      useOperationLimits(limits, { defaultPageSize: config.pages.defaultSize, listSize: LIST_SIZE_ESTIMATE }),
      ...(config.sqlResponses ? [useWholeOperations(logger, context)] : []),
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
      useSharedSubscriptions(),
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
