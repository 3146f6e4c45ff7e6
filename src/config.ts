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
  /** Directory of the embedded database. @default ./.data/pglite */
  PGLITE_DIR: z.string().min(1).default('./.data/pglite'),
  /** @default 4000 */
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  /** Address to listen on; unset listens on every interface. */
  HOST: z.string().min(1).optional(),
  /** Load the demo data when the database has no accounts at start-up. @default true */
  SEED_ON_START: booleanFromEnv.default(true),
  /** @default info */
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  /** production masks internal errors. @default development */
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** Page size of a list when the client gives neither first nor last. @default 20 */
  DEFAULT_PAGE_SIZE: z.coerce.number().int().min(1).max(10_000).default(20),
  /** Largest first / last a client may ask for. @default 100 */
  MAX_PAGE_SIZE: z.coerce.number().int().min(1).max(10_000).default(100),
  /** Seconds that in-flight requests get to finish on SIGINT / SIGTERM. @default 10 */
  SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number().min(0).default(10),
});

export interface PageLimits {
  defaultSize: number;
  maxSize: number;
}

export interface Config {
  database: { url: string | undefined; poolSize: number; pgliteDir: string };
  server: { port: number; host: string | undefined; shutdownTimeoutMs: number };
  seedOnStart: boolean;
  pages: PageLimits;
  logLevel: z.infer<typeof environmentSchema>['LOG_LEVEL'];
  production: boolean;
}

/** Reads the environment once; every failure is reported together. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new StartupError(`Invalid configuration:\n${problems.join('\n')}`);
  }
  const e = parsed.data;
  return {
    database: { url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE, pgliteDir: e.PGLITE_DIR },
    server: { port: e.PORT, host: e.HOST, shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_SECONDS * 1000 },
    seedOnStart: e.SEED_ON_START,
    pages: { defaultSize: Math.min(e.DEFAULT_PAGE_SIZE, e.MAX_PAGE_SIZE), maxSize: e.MAX_PAGE_SIZE },
    logLevel: e.LOG_LEVEL,
    production: e.NODE_ENV === 'production',
  };
}
