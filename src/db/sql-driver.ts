import { Mutex, type PGlite } from '@electric-sql/pglite';
import type pg from 'pg';

/**
 * Plain SQL below Prisma, for what Prisma's query API cannot express: multi-statement migration
 * scripts, session-level advisory locks and bulk loads. Both databases answer through it alike.
 */
export interface SqlExecutor {
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
  /** Runs a script of several statements; takes no parameters. */
  exec(script: string): Promise<void>;
}

export interface SqlSession extends SqlExecutor {
  /** BEGIN … COMMIT around `work`, ROLLBACK when it throws. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
}

export interface SqlDriver extends SqlSession {
  /** Runs `work` on one connection held for its whole duration (for session-level locks). */
  session<T>(work: (session: SqlSession) => Promise<T>): Promise<T>;
}

export function pgliteDriver(db: PGlite): SqlDriver {
  // PGlite is one connection; sessions are serialised so that one session's statements never
  // interleave with another's.
  const sessions = new Mutex();
  const executor: SqlSession = {
    query: async <Row>(text: string, params?: unknown[]) => (await db.query<Row>(text, params)).rows,
    exec: async (script) => {
      await db.exec(script);
    },
    transaction: (work) =>
      db.transaction((tx) =>
        work({
          query: async <Row>(text: string, params?: unknown[]) => (await tx.query<Row>(text, params)).rows,
          exec: async (script) => {
            await tx.exec(script);
          },
        }),
      ),
  };
  return { ...executor, session: (work) => sessions.runExclusive(() => work(executor)) };
}

function clientExecutor(client: pg.Pool | pg.PoolClient): SqlExecutor {
  return {
    query: async <Row>(text: string, params?: unknown[]) => (await client.query(text, params)).rows as Row[],
    exec: async (script) => {
      await client.query(script);
    },
  };
}

function clientSession(client: pg.PoolClient): SqlSession {
  const executor = clientExecutor(client);
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

export function poolDriver(pool: pg.Pool): SqlDriver {
  const session = async <T>(work: (s: SqlSession) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      return await work(clientSession(client));
    } finally {
      client.release();
    }
  };
  return {
    ...clientExecutor(pool),
    transaction: (work) => session((s) => s.transaction(work)),
    session,
  };
}

/** Reports each statement before it runs: tests and benchmarks count and inspect them. */
export type QueryObserver = (query: string, params: readonly unknown[]) => void;

/** The same driver, reporting every statement it runs, in transactions and sessions too. */
export function observedDriver(driver: SqlDriver, observe: QueryObserver): SqlDriver {
  const observed = <E extends SqlExecutor>(executor: E): SqlExecutor => ({
    query: (text, params) => {
      observe(text, params ?? []);
      return executor.query(text, params);
    },
    exec: (script) => {
      observe(script, []);
      return executor.exec(script);
    },
  });
  const observedSession = (session: SqlSession): SqlSession => ({
    ...observed(session),
    transaction: (work) => session.transaction((tx) => work(observed(tx))),
  });
  return { ...observedSession(driver), session: (work) => driver.session((session) => work(observedSession(session))) };
}
