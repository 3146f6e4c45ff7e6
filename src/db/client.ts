import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { StartupError, type Config } from '../config.js';
import { PrismaClient } from './generated/client.js';
import { observedDriver, pgliteDriver, poolDriver, type QueryObserver, type SqlDriver, type StatementDone } from './sql-driver.js';

export interface Database {
  prisma: PrismaClient;
  /** Plain SQL on the same connections: the GraphQL reads, imports, migrations and the seed. */
  sql: SqlDriver;
  /**
   * Calls `observer` with every statement `sql` runs (metrics time them) and, on a database opened
   * with `logQueries`, every statement Prisma runs too (tests and benchmarks count them); gives
   * back a function that stops it.
   */
  onQuery(observer: QueryObserver): () => void;
  /** The pool's connections, on a PostgreSQL server (PGlite is one connection). */
  connections: (() => { open: number; idle: number; waiting: number; max: number }) | undefined;
  /**
   * Runs `onNotify` with the payload of every NOTIFY on `channel` from any connection to this
   * database, until the returned function is called. On a server, a dedicated connection
   * LISTENs; when it is lost it is opened again and `onReconnect` runs, since notifications sent
   * meanwhile are lost.
   */
  listen(channel: string, onNotify: (payload: string) => void, onReconnect?: () => void): Promise<() => Promise<void>>;
  /** Where the data lives, for log lines: never includes a password. */
  description: string;
  embedded: boolean;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Report Prisma's statements to `onQuery` observers too (tests and benchmarks count statements). */
  logQueries?: boolean;
}

/**
 * The driver reporting its statements to the observers `onQuery` adds (with none, each statement
 * costs a loop over an empty list), and Prisma's `query` events too when `logQueries` is set:
 * Prisma emits them only when told so at its construction.
 */
function observable(prisma: PrismaClient, driver: SqlDriver, options: OpenOptions): Pick<Database, 'sql' | 'onQuery'> {
  const observers = new Set<QueryObserver>();
  if (options.logQueries) {
    prisma.$on('query' as never, (event: { query: string; params: string }) => {
      for (const observer of observers) observer(event.query, JSON.parse(event.params) as unknown[]);
    });
  }
  const observe: QueryObserver = (query, params) => {
    if (observers.size === 0) return;
    const finishing: StatementDone[] = [];
    for (const observer of observers) {
      const done = observer(query, params);
      if (done) finishing.push(done);
    }
    if (finishing.length > 0) return (failed) => finishing.forEach((done) => done(failed));
  };
  return {
    sql: observedDriver(driver, observe),
    onQuery: (observer) => {
      observers.add(observer);
      return () => observers.delete(observer);
    },
  };
}

/**
 * The same database, its `sql` adding every statement it runs to `tally.statements`: a request
 * counts its own statements this way (its context's and its export's), with no state shared
 * between requests.
 */
export function countingStatements(db: Database, tally: { statements: number }): Database {
  return {
    ...db,
    sql: observedDriver(db.sql, () => {
      tally.statements += 1;
    }),
  };
}

const PGLITE_MEMORY = 'memory://';

/**
 * PGlite zero-fills PostgreSQL's shared buffers every time it starts, ~3 ms per MB on this
 * machine: its default 128 MB took 0.3 s more than these 32 MB of a ~3 s restart. 32 MB hold the
 * demo database (9 MB) three times over.
 */
const PGLITE_SHARED_BUFFERS = ['-c', 'shared_buffers=32MB'];

/** The server's address as `host:port/database`, for messages. */
function describeDatabaseUrl(url: URL): string {
  return `${url.hostname || 'localhost'}:${url.port || '5432'}${url.pathname}`;
}

function parseDatabaseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new StartupError('DATABASE_URL is not a URL; expected postgresql://user:password@host:5432/database');
  }
  if (url.protocol !== 'postgresql:' && url.protocol !== 'postgres:') {
    throw new StartupError(`DATABASE_URL has the scheme "${url.protocol}"; expected postgresql://`);
  }
  return url;
}

/** Runs `close` once, however often it is called. */
function once(close: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => (closing ??= close());
}

function prismaOptions(options: OpenOptions) {
  return options.logQueries ? { log: [{ emit: 'event' as const, level: 'query' as const }] } : {};
}

/** Delay before a lost LISTEN connection is opened again. */
const RELISTEN_DELAY_MS = 500;

/**
 * LISTEN on a connection of its own, outside the pool: a pooled connection goes back to other
 * work and would miss notifications. A lost connection is opened again after a short delay.
 */
async function listenOnServer(url: string, channel: string, onNotify: (payload: string) => void, onReconnect?: () => void): Promise<() => Promise<void>> {
  let client: pg.Client | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: url });
    next.on('notification', (message) => {
      if (message.channel === channel && message.payload !== undefined) onNotify(message.payload);
    });
    const lost = () => {
      void next.end().catch(() => {});
      if (client !== next || stopped) return;
      client = undefined;
      scheduleAgain();
    };
    next.on('error', lost);
    next.on('end', lost);
    await next.connect();
    // The channel is one of our own constants; LISTEN takes no parameters.
    await next.query(`LISTEN ${channel}`);
    if (stopped) {
      await next.end();
      return;
    }
    client = next;
  };
  const scheduleAgain = () => {
    if (!stopped) retry = setTimeout(() => void connect().then(() => onReconnect?.(), scheduleAgain), RELISTEN_DELAY_MS);
  };
  await connect();
  return async () => {
    stopped = true;
    clearTimeout(retry);
    await client?.end().catch(() => {});
    client = undefined;
  };
}

async function openPostgres({ url: rawUrl, poolSize, preparedStatements, statementTimeoutMs }: Config['database'] & { url: string }, options: OpenOptions): Promise<Database> {
  const url = parseDatabaseUrl(rawUrl);
  const description = `PostgreSQL at ${describeDatabaseUrl(url)}`;
  // PostgreSQL's JIT compiles a plan once its estimated cost passes jit_above_cost; for cdrql's
  // statements (a page, a month of statistics) compiling took 20-30 ms of queries that run in
  // 1-100 ms, on every execution.
  // statement_timeout is each connection's default from its first statement on: a slow statement
  // is cancelled by the server and its connection returns to the pool (see migrator.ts for the
  // statements that may take longer).
  const pool = new pg.Pool({
    connectionString: rawUrl,
    max: poolSize,
    connectionTimeoutMillis: 5000,
    options: `-c jit=off -c statement_timeout=${statementTimeoutMs}`,
  });
  // A dropped connection must not crash the process; the next query reports it.
  pool.on('error', () => {});
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end();
    throw new StartupError(`Cannot connect to ${description}: ${(error as Error).message}`);
  }
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool), ...prismaOptions(options) });
  return {
    prisma,
    ...observable(prisma, poolDriver(pool, preparedStatements), options),
    connections: () => ({ open: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: poolSize }),
    listen: (channel, onNotify, onReconnect) => listenOnServer(rawUrl, channel, onNotify, onReconnect),
    description,
    embedded: false,
    close: once(async () => {
      await prisma.$disconnect();
      await pool.end();
    }),
  };
}

async function openPglite(dir: string, options: OpenOptions): Promise<Database> {
  const inMemory = dir === PGLITE_MEMORY;
  const dataDir = inMemory ? dir : resolve(dir);
  if (!inMemory) mkdirSync(dataDir, { recursive: true });
  // Loaded only for the embedded database: PGlite's module alone takes ~40 MB, which a process
  // on a PostgreSQL server (an export of a million calls, bench/RESULTS.md) does without.
  const [{ PGlite }, { PrismaPGlite }] = await Promise.all([import('@electric-sql/pglite'), import('pglite-prisma-adapter')]);
  let db: PGlite;
  try {
    db = await PGlite.create(dataDir, { startParams: [...PGlite.defaultStartParams, ...PGLITE_SHARED_BUFFERS] });
  } catch (error) {
    throw new StartupError(`Cannot open the embedded database at ${dataDir}: ${(error as Error).message}`);
  }
  // No statement_timeout: PGlite runs each statement synchronously on the server's own thread, and
  // its single-user PostgreSQL has no timer signal to cancel one with (a 200 ms timeout let
  // pg_sleep(2) finish).
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(db), ...prismaOptions(options) });
  return {
    prisma,
    ...observable(prisma, pgliteDriver(db), options),
    listen: async (channel, onNotify) => {
      const unlisten = await db.listen(channel, onNotify);
      return () => unlisten();
    },
    description: inMemory ? 'embedded PGlite in memory' : `embedded PGlite at ${dataDir}`,
    connections: undefined,
    embedded: true,
    close: once(async () => {
      await prisma.$disconnect();
      await db.close();
    }),
  };
}

/** PostgreSQL when DATABASE_URL is set, otherwise the embedded PGlite directory. */
export function openDatabase(config: Config['database'], options: OpenOptions = {}): Promise<Database> {
  return config.url ? openPostgres({ ...config, url: config.url }, options) : openPglite(config.pgliteDir, options);
}

