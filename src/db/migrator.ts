import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StartupError } from '../config.js';
import type { SqlDriver, SqlSession } from './sql-driver.js';

/**
 * Applies prisma/migrations the way `prisma migrate deploy` does, without Prisma's schema engine:
 * the same `_prisma_migrations` table, sha256 checksums and advisory lock, so Prisma's own CLI on a
 * connected machine sees these migrations as applied and waits for this migrator (and vice versa).
 */

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../prisma/migrations', import.meta.url));

/** The advisory lock key Prisma's schema engine takes around migrate commands. */
const PRISMA_ADVISORY_LOCK = 72707369;

// Prisma's own definition of its bookkeeping table on PostgreSQL.
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export class MigrationError extends StartupError {
  override name = 'MigrationError';
}

export interface MigrationFile {
  name: string;
  script: string;
  checksum: string;
}

export interface MigrationReport {
  applied: string[];
  alreadyApplied: number;
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | string | null;
  rolled_back_at: Date | string | null;
}

export function readMigrations(dir: string = MIGRATIONS_DIR): MigrationFile[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const script = readFileSync(join(dir, name, 'migration.sql'), 'utf8');
      return { name, script, checksum: createHash('sha256').update(script).digest('hex') };
    });
}

function checkHistory(files: MigrationFile[], rows: AppliedRow[]): MigrationFile[] {
  const live = rows.filter((row) => row.rolled_back_at === null);
  const failed = live.find((row) => row.finished_at === null);
  if (failed) {
    throw new MigrationError(
      `Migration ${failed.migration_name} failed earlier and was never finished; repair the database, then mark it rolled back (prisma migrate resolve --rolled-back ${failed.migration_name}).`,
    );
  }
  const appliedChecksums = new Map(live.map((row) => [row.migration_name, row.checksum]));
  for (const file of files) {
    const checksum = appliedChecksums.get(file.name);
    if (checksum !== undefined && checksum !== file.checksum) {
      throw new MigrationError(
        `Migration ${file.name} was changed after it was applied (checksum ${checksum.slice(0, 12)}… in the database, ${file.checksum.slice(0, 12)}… on disk). Restore the file and put the change in a new migration.`,
      );
    }
  }
  return files.filter((file) => !appliedChecksums.has(file.name));
}

async function applyPending(session: SqlSession, files: MigrationFile[]): Promise<MigrationReport> {
  await session.exec(CREATE_MIGRATIONS_TABLE);
  const rows = await session.query<AppliedRow>(
    'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at',
  );
  const pending = checkHistory(files, rows);
  for (const file of pending) {
    try {
      await session.transaction(async (tx) => {
        await tx.exec(file.script);
        await tx.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
           VALUES ($1, $2, $3, now(), now(), 1)`,
          [randomUUID(), file.checksum, file.name],
        );
      });
    } catch (error) {
      throw new MigrationError(`Migration ${file.name} failed and was rolled back: ${(error as Error).message}`);
    }
  }
  return { applied: pending.map((file) => file.name), alreadyApplied: files.length - pending.length };
}

/**
 * Applies pending migrations in name order, each in its own transaction, under Prisma's lock.
 * Without statement_timeout: building an index on a large table, or waiting for another process's
 * migrations, may take minutes; the connection's own setting is restored after.
 */
export function migrate(driver: SqlDriver, dir: string = MIGRATIONS_DIR): Promise<MigrationReport> {
  const files = readMigrations(dir);
  return driver.session(async (session) => {
    const [previous] = await session.query<{ statement_timeout: string }>('SHOW statement_timeout');
    await session.exec('SET statement_timeout = 0');
    try {
      await session.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK]);
      try {
        return await applyPending(session, files);
      } finally {
        await session.query('SELECT pg_advisory_unlock($1)', [PRISMA_ADVISORY_LOCK]);
      }
    } finally {
      await session.query("SELECT set_config('statement_timeout', $1, false)", [previous!.statement_timeout]);
    }
  });
}
