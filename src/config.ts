import { z } from 'zod';

/** Thrown for configuration and start-up failures that deserve a one-line message, not a stack. */
export class StartupError extends Error {
  override name = 'StartupError';
}

const booleanFromEnv = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1');

const environmentSchema = z.object({
  /** PostgreSQL server to use; without it cdrql runs on embedded PGlite. */
  DATABASE_URL: z.string().min(1).optional(),
  /** Connections in the pool when DATABASE_URL is set. @default 10 */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(1000).default(10),
  /**
   * Statement texts each PostgreSQL connection keeps prepared (planned once), chosen among those
   * that repeat; 0 plans every statement anew. @default 100
   */
  PREPARED_STATEMENTS: z.coerce.number().int().min(0).max(10_000).default(100),
  /** Directory of the embedded database. @default ./.data/pglite */
  PGLITE_DIR: z.string().min(1).default('./.data/pglite'),
  /** @default 4000 */
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  /** Address to listen on; unset listens on every interface. */
  HOST: z.string().min(1).optional(),
  /**
   * Load the demo data (with its published keys) when the database has no accounts at start-up:
   * `demo` always, `false` never; unset seeds outside production only, so a production database
   * never opens with published keys unless asked by name. `true` is read as unset.
   */
  SEED_ON_START: z.enum(['demo', 'true', 'false']).optional(),
  /** @default info */
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  /** production masks internal errors. @default development */
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** Page size of a list when the client gives neither first nor last. @default 20 */
  DEFAULT_PAGE_SIZE: z.coerce.number().int().min(1).max(10_000).default(20),
  /** Largest first / last a client may ask for. @default 100 */
  MAX_PAGE_SIZE: z.coerce.number().int().min(1).max(10_000).default(100),
  /** Deepest selection nesting an operation may have. @default 10 */
  MAX_DEPTH: z.coerce.number().int().min(1).default(10),
  /** Most aliases in one operation. @default 15 */
  MAX_ALIASES: z.coerce.number().int().min(0).default(15),
  /** Most lexical tokens an operation document may have: bounds the parser's work and the document's size in nodes. @default 10000 */
  MAX_TOKENS: z.coerce.number().int().min(100).default(10_000),
  /** Deepest nesting of objects and lists in one argument value or variable. @default 20 */
  MAX_INPUT_DEPTH: z.coerce.number().int().min(2).max(100).default(20),
  /** Most cost one operation may have: every field costs 1 per object it is resolved on, and a list multiplies its fields by its page size. @default 25000 */
  MAX_COST: z.coerce.number().int().min(1).default(25_000),
  /** Most buckets one time series may have. @default 1000 */
  MAX_BUCKETS: z.coerce.number().int().min(1).default(1000),
  /** Most operations in one batched request. @default 5 */
  MAX_OPERATIONS: z.coerce.number().int().min(1).default(5),
  /** Largest request body in bytes. @default 1048576 */
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
  /** JSON file mapping operation hashes to documents, for persisted operations. */
  PERSISTED_OPERATIONS_FILE: z.string().min(1).optional(),
  /** Accept only operations from PERSISTED_OPERATIONS_FILE. @default false */
  PERSISTED_OPERATIONS_ONLY: booleanFromEnv.default(false),
  /** Serve GraphiQL to browsers. @default true outside production, false in production */
  GRAPHIQL: booleanFromEnv.optional(),
  /** Answer introspection queries (GraphiQL and codegen need them). @default GRAPHIQL's value */
  INTROSPECTION: booleanFromEnv.optional(),
  /** Operations one API key may run per window. @default 600 */
  RATE_LIMIT_REQUESTS: z.coerce.number().int().min(1).default(600),
  /** Operations all the keys of one account may run per window together. @default 1200 */
  RATE_LIMIT_ACCOUNT_REQUESTS: z.coerce.number().int().min(1).default(1200),
  /** @default 60 */
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).default(60),
  /** Redis server for rate limits shared by every instance; unset keeps them in memory. */
  REDIS_URL: z.string().min(1).optional(),
  /** Seconds a verified API key is remembered; a revocation elsewhere takes up to this long. @default 10 */
  API_KEY_CACHE_SECONDS: z.coerce.number().min(0).default(10),
  /**
   * Let PostgreSQL write the whole response of a query whose every root field reads the call graph,
   * in one planned statement; false executes every operation with graphql-js, each root field
   * running its own planned statement. @default true
   */
  SQL_RESPONSES: booleanFromEnv.default(true),
  /** Port of a second listener that serves only GET /metrics, for a scraper on an internal network. */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** Serve GET /metrics on the public port to requests with Authorization: Bearer <this token>. */
  METRICS_TOKEN: z.string().min(16, 'use at least 16 characters').optional(),
  /**
   * Milliseconds any one statement may run before PostgreSQL cancels it; the request is answered
   * with TIMEOUT. Migrations run without it. @default 5000
   */
  STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(1).max(3_600_000).default(5000),
  /**
   * The longest record an import takes, in characters of its JSON or XML text (bytes, for ASCII
   * text); longer ones are rejected, and one call alone that is longer is refused. @default 1048576
   */
  IMPORT_MAX_RECORD_SIZE: z.coerce.number().int().min(1024).default(1_048_576),
  /** Largest webhook body in bytes; a platform's call callback is a few KB. @default 262144 */
  WEBHOOK_MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(262_144),
  /**
   * The origin platforms call cdrql at (https://cdrql.example.com), when a proxy stands between:
   * X-Twilio-Signature signs the URL as the platform called it.
   */
  PUBLIC_URL: z.url().optional(),
  /** Subscriptions one API key may hold open on one instance. @default 100 */
  LIVE_MAX_SUBSCRIPTIONS_PER_KEY: z.coerce.number().int().min(1).default(100),
  /** Changed calls a subscription may have waiting to be sent; a subscriber with this many waiting when more arrive is too slow and is disconnected. @default 1000 */
  LIVE_QUEUE_LIMIT: z.coerce.number().int().min(1).default(1000),
  /** Minutes of changes a reconnecting subscriber can catch up on (Last-Event-ID). @default 10 */
  LIVE_REPLAY_MINUTES: z.coerce.number().int().min(1).max(1440).default(10),
  /** Seconds that in-flight requests get to finish on SIGINT / SIGTERM. @default 10 */
  SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number().min(0).default(10),
});

export interface PageLimits {
  defaultSize: number;
  maxSize: number;
}

export interface Limits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxInputDepth: number;
  maxCost: number;
  maxOperations: number;
  maxBuckets: number;
  maxBodyBytes: number;
  persistedOperationsFile: string | undefined;
  persistedOperationsOnly: boolean;
  graphiql: boolean;
  introspection: boolean;
  rateLimit: { requests: number; accountRequests: number; windowSeconds: number; redisUrl: string | undefined };
  apiKeyCacheSeconds: number;
}

export interface LiveLimits {
  maxSubscriptionsPerKey: number;
  queueLimit: number;
  replayMinutes: number;
}

export interface Config {
  webhooks: { maxBodyBytes: number; publicUrl: string | undefined };
  live: LiveLimits;
  database: { url: string | undefined; poolSize: number; preparedStatements: number; pgliteDir: string; statementTimeoutMs: number };
  server: { port: number; host: string | undefined; shutdownTimeoutMs: number };
  metrics: { port: number | undefined; token: string | undefined };
  seedOnStart: boolean;
  pages: PageLimits;
  limits: Limits;
  logLevel: z.infer<typeof environmentSchema>['LOG_LEVEL'];
  production: boolean;
  /** NODE_ENV=development: GraphiQL may carry the demo key. */
  development: boolean;
  sqlResponses: boolean;
  importer: { maxRecordCharacters: number };
}

/** Reads the environment once; every failure is reported together. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new StartupError(`Invalid configuration:\n${problems.join('\n')}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  const graphiql = e.GRAPHIQL ?? !production;
  return {
    database: {
      url: e.DATABASE_URL,
      poolSize: e.DATABASE_POOL_SIZE,
      preparedStatements: e.PREPARED_STATEMENTS,
      pgliteDir: e.PGLITE_DIR,
      statementTimeoutMs: e.STATEMENT_TIMEOUT_MS,
    },
    webhooks: { maxBodyBytes: e.WEBHOOK_MAX_BODY_BYTES, publicUrl: e.PUBLIC_URL?.replace(/\/+$/, '') },
    live: { maxSubscriptionsPerKey: e.LIVE_MAX_SUBSCRIPTIONS_PER_KEY, queueLimit: e.LIVE_QUEUE_LIMIT, replayMinutes: e.LIVE_REPLAY_MINUTES },
    server: { port: e.PORT, host: e.HOST, shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_SECONDS * 1000 },
    metrics: { port: e.METRICS_PORT, token: e.METRICS_TOKEN },
    seedOnStart: e.SEED_ON_START === 'demo' || (e.SEED_ON_START !== 'false' && !production),
    pages: { defaultSize: Math.min(e.DEFAULT_PAGE_SIZE, e.MAX_PAGE_SIZE), maxSize: e.MAX_PAGE_SIZE },
    limits: {
      maxDepth: e.MAX_DEPTH,
      maxAliases: e.MAX_ALIASES,
      maxTokens: e.MAX_TOKENS,
      maxInputDepth: e.MAX_INPUT_DEPTH,
      maxCost: e.MAX_COST,
      maxOperations: e.MAX_OPERATIONS,
      maxBuckets: e.MAX_BUCKETS,
      maxBodyBytes: e.MAX_BODY_BYTES,
      persistedOperationsFile: e.PERSISTED_OPERATIONS_FILE,
      persistedOperationsOnly: e.PERSISTED_OPERATIONS_ONLY,
      graphiql,
      introspection: e.INTROSPECTION ?? graphiql,
      rateLimit: { requests: e.RATE_LIMIT_REQUESTS, accountRequests: e.RATE_LIMIT_ACCOUNT_REQUESTS, windowSeconds: e.RATE_LIMIT_WINDOW_SECONDS, redisUrl: e.REDIS_URL },
      apiKeyCacheSeconds: e.API_KEY_CACHE_SECONDS,
    },
    logLevel: e.LOG_LEVEL,
    production,
    development: e.NODE_ENV === 'development',
    sqlResponses: e.SQL_RESPONSES,
    importer: { maxRecordCharacters: e.IMPORT_MAX_RECORD_SIZE },
  };
}
