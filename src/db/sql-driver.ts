import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PGlite, Transaction } from '@electric-sql/pglite';
import pg from 'pg';
import { from as copyFromStdin } from 'pg-copy-streams';

/**
 * Plain SQL below Prisma, for what Prisma's query API cannot express: multi-statement migration
 * scripts, session-level advisory locks and bulk loads. Both databases answer through it alike.
 */
export interface SqlExecutor {
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
  /** Runs a script of several statements; takes no parameters. */
  exec(script: string): Promise<void>;
  /**
   * Loads rows with `COPY target FROM …`, `target` being a table and its column list and `chunks`
   * COPY text (see copyLine) as UTF-8 bytes, sent in that order: for bulk loads, where PostgreSQL
   * reads COPY text far faster than it parses the same rows out of a JSON or array parameter.
   */
  copyFrom(target: string, chunks: readonly Buffer<ArrayBuffer>[]): Promise<void>;
}

export interface SqlSession extends SqlExecutor {
  /** BEGIN … COMMIT around `work`, ROLLBACK when it throws. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
}

export interface SqlDriver extends SqlSession {
  /** Runs `work` on one connection held for its whole duration (for session-level locks). */
  session<T>(work: (session: SqlSession) => Promise<T>): Promise<T>;
}

const COPY_SPECIAL = /[\\\n\r\t]/;
const COPY_SPECIALS = /[\\\n\r\t]/g;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** One value in COPY's text format: \N for null, objects as JSON, and backslash, newline, return and tab escaped. */
export function copyValue(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'string') return COPY_SPECIAL.test(value) ? value.replace(COPY_SPECIALS, (c) => COPY_ESCAPES[c]!) : value;
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (value instanceof Date) return value.toISOString();
  if (typeof value !== 'object') return String(value);
  // JSON text holds no raw newline, return or tab (it escapes them), so only backslashes are doubled.
  const json = JSON.stringify(value);
  return json.includes('\\') ? json.replaceAll('\\', '\\\\') : json;
}

/** Values in COPY's text format, tab-separated, without the line's end. */
export function copyFields(values: readonly unknown[]): string {
  // Joined from an array rather than appended: appending builds a string of one node per field,
  // which V8 flattens later, when the batch is sent, at several times the cost.
  const fields = new Array<string>(values.length);
  for (let i = 0; i < values.length; i += 1) fields[i] = copyValue(values[i]);
  return fields.join('\t');
}

/** One row of COPY text: its values in the target's column order. */
export const copyLine = (values: readonly unknown[]): string => `${copyFields(values)}\n`;

/** PGlite has no client connection to stream COPY data over; it reads them from a blob instead. */
function pgliteExecutor(db: PGlite | Transaction): SqlExecutor {
  return {
    query: async <Row>(text: string, params?: unknown[]) => (await db.query<Row>(text, params)).rows,
    exec: async (script) => {
      await db.exec(script);
    },
    copyFrom: async (target, chunks) => {
      await db.query(`COPY ${target} FROM '/dev/blob'`, [], { blob: new Blob([...chunks]) });
    },
  };
}

export function pgliteDriver(db: PGlite): SqlDriver {
  // PGlite is one connection; sessions are serialised so that one session's statements never
  // interleave with another's.
  let last: Promise<unknown> = Promise.resolve();
  const runExclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const run = last.then(work);
    last = run.catch(() => {});
    return run;
  };
  const executor: SqlSession = {
    ...pgliteExecutor(db),
    transaction: (work) => db.transaction((tx) => work(pgliteExecutor(tx))),
  };
  return { ...executor, session: (work) => runExclusive(() => work(executor)) };
}

/**
 * Names for the statement texts that repeat, up to `max` texts for the life of the process, so
 * that each connection parses and plans them once: a page with its relations took PostgreSQL
 * 5.7 ms to plan and 1.7 ms to run. A text is named on its second use, so one-off statements
 * (migrations, unusual filters) never take a place; the bound keeps every connection's prepared
 * statements, and their memory on the server, bounded.
 */
export class StatementNames {
  private readonly seenOnce = new Set<string>();
  private readonly names = new Map<string, string>();

  constructor(private readonly max: number) {}

  nameOf(text: string): string | undefined {
    const name = this.names.get(text);
    if (name !== undefined || this.names.size >= this.max) return name;
    if (!this.seenOnce.has(text)) {
      if (this.seenOnce.size >= 10 * this.max) this.seenOnce.clear();
      this.seenOnce.add(text);
      return undefined;
    }
    this.seenOnce.delete(text);
    const newName = `cdrql_${this.names.size}`;
    this.names.set(text, newName);
    return newName;
  }
}

async function copyOver(client: pg.PoolClient, target: string, chunks: readonly Buffer<ArrayBuffer>[]): Promise<void> {
  await pipeline(Readable.from(chunks), client.query(copyFromStdin(`COPY ${target} FROM STDIN`)));
}

function clientExecutor(client: pg.Pool | pg.PoolClient, statements: StatementNames): SqlExecutor {
  return {
    query: async <Row>(text: string, params?: unknown[]) => {
      const name = statements.nameOf(text);
      return (await client.query(name ? { name, text, values: params } : { text, values: params })).rows as Row[];
    },
    exec: async (script) => {
      await client.query(script);
    },
    copyFrom: async (target, chunks) => {
      if (!(client instanceof pg.Pool)) return copyOver(client, target, chunks);
      // COPY streams over one connection: the pool lends one for it.
      const connection = await client.connect();
      try {
        await copyOver(connection, target, chunks);
      } finally {
        connection.release();
      }
    },
  };
}

function clientSession(client: pg.PoolClient, statements: StatementNames): SqlSession {
  const executor = clientExecutor(client, statements);
  return {
    ...executor,
    transaction: async (work) => {
      await client.query('BEGIN');
      try {
        const result = await work(executor);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    },
  };
}

export function poolDriver(pool: pg.Pool, preparedStatements: number): SqlDriver {
  const statements = new StatementNames(preparedStatements);
  const session = async <T>(work: (s: SqlSession) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      return await work(clientSession(client, statements));
    } finally {
      client.release();
    }
  };
  return {
    ...clientExecutor(pool, statements),
    transaction: (work) => session((s) => s.transaction(work)),
    session,
  };
}

/** A session whose transactions are savepoints of the transaction `tx` is in: they commit only with it. */
export function savepointSession(tx: SqlExecutor): SqlSession {
  let next = 0;
  return {
    ...tx,
    transaction: async (work) => {
      const name = `unit_${next++}`;
      await tx.exec(`SAVEPOINT ${name}`);
      try {
        const result = await work(tx);
        await tx.exec(`RELEASE SAVEPOINT ${name}`);
        return result;
      } catch (error) {
        await tx.exec(`ROLLBACK TO SAVEPOINT ${name}`);
        throw error;
      }
    },
  };
}

class RolledBack<T> extends Error {
  constructor(readonly result: T) {
    super('rolled back');
  }
}

/** Runs `work` in a transaction that is rolled back once it is done (a dry run), and gives what `work` gave. */
export async function rolledBack<T>(sql: SqlSession, work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
  try {
    return await sql.transaction(async (tx) => {
      throw new RolledBack(await work(tx));
    });
  } catch (error) {
    if (error instanceof RolledBack) return error.result as T;
    throw error;
  }
}

/** Hears that a statement finished, and whether it failed. */
export type StatementDone = (failed: boolean) => void;

/**
 * Reports each statement before it runs (tests and benchmarks count and inspect them), and may
 * return a callback to hear when it finishes (metrics time them).
 */
export type QueryObserver = (query: string, params: readonly unknown[]) => void | StatementDone;

function finishing<T>(done: void | StatementDone, running: Promise<T>): Promise<T> {
  if (!done) return running;
  return running.then(
    (result) => {
      done(false);
      return result;
    },
    (error: unknown) => {
      done(true);
      throw error;
    },
  );
}

/** The same driver, reporting every statement it runs, in transactions and sessions too. */
export function observedDriver(driver: SqlDriver, observe: QueryObserver): SqlDriver {
  const observed = <E extends SqlExecutor>(executor: E): SqlExecutor => ({
    query: (text, params) => finishing(observe(text, params ?? []), executor.query(text, params)),
    exec: (script) => finishing(observe(script, []), executor.exec(script)),
    copyFrom: (target, chunks) => finishing(observe(`COPY ${target} FROM STDIN`, []), executor.copyFrom(target, chunks)),
  });
  const observedSession = (session: SqlSession): SqlSession => ({
    ...observed(session),
    transaction: (work) => session.transaction((tx) => work(observed(tx))),
  });
  return { ...observedSession(driver), session: (work) => driver.session((session) => work(observedSession(session))) };
}
