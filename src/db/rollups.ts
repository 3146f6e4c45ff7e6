import type { Logger } from '../logger.js';
import type { SqlExecutor } from './sql-driver.js';

/**
 * Compaction of the dashboard rollups (prisma/migrations/20261202093000_call_rollups_append_only).
 * A write's triggers only append its calls' deltas and note their quarter-hours, so the upkeep a
 * write pays is proportional to the write; this merges the noted quarter-hours' rows per group so
 * reads keep summing about one row per group. Readers answer the same before and after.
 */

/** The quarter-hours of one account merged per transaction, so that each stays short. */
export const COMPACT_SPAN = '1 day';

/** How often a server merges what was written since (webhooks, upserts, imports of other processes). */
export const COMPACT_INTERVAL_MS = 30_000;

/**
 * Merges every noted span, `span` of one account a statement (each its own transaction: nothing
 * is held between them, and writers never wait on one). Answers the statements that merged rows.
 */
export async function compactRollups(sql: SqlExecutor, span = COMPACT_SPAN): Promise<number> {
  for (let rounds = 0; ; rounds += 1) {
    const [row] = await sql.query<{ taken: number }>('SELECT call_rollups_compact($1::interval) AS taken', [span]);
    if (row!.taken === 0) return rounds;
  }
}

/** Compacts the rollups every `intervalMs` until stopped; a failed round is logged and tried again next time. */
export function startRollupCompaction(sql: SqlExecutor, logger: Logger, intervalMs = COMPACT_INTERVAL_MS): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(() => compactRollups(sql).catch((error: Error) => logger.warn(`compacting the rollups failed: ${error.message}`)));
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
