import type { Logger } from '../logger.js';
import type { SqlExecutor } from './sql-driver.js';

/**
 * Compaction of the dashboard rollups (prisma/migrations/20261202150000_call_rollups_invalidation).
 * A write's triggers only note the quarter-hours its calls fall in, so the upkeep a write pays is
 * a few narrow rows; this recomputes the noted quarter-hours' rollup rows from the calls and drops
 * the notes, so that reads of those quarter-hours go back to the rollups. Readers answer the same
 * before and after: they aggregate the calls of noted quarter-hours themselves.
 */

/** The noted quarter-hours of one account recomputed per transaction (30 days), so that each stays short. */
export const COMPACT_QUARTERS = 30 * 96;

/** How often a server recomputes what was written since (webhooks, upserts, imports of other processes). */
export const COMPACT_INTERVAL_MS = 30_000;

/**
 * Recomputes the quarter-hours noted when it starts, at most `quarters` of one account a statement
 * (each its own transaction: nothing is held between them, and writers never wait on one).
 * Notes written meanwhile are left to the next pass, unless they are of an account it is
 * recomputing anyway: under a steady stream of webhooks a pass that waited for no notes at all
 * would never end, recomputing the same current quarter-hours over and over. Answers the
 * statements that recomputed rows.
 */
export async function compactRollups(sql: SqlExecutor, quarters = COMPACT_QUARTERS): Promise<number> {
  const [start] = await sql.query<{ last: string | null }>('SELECT max(id)::text AS last FROM call_rollup_invalidations');
  if (start?.last == null) return 0;
  for (let rounds = 1; ; rounds += 1) {
    const [row] = await sql.query<{ taken: number }>('SELECT call_rollups_compact($1::int) AS taken', [quarters]);
    if (row!.taken === 0) return rounds - 1;
    // call_rollups_compact takes the account of the oldest note: once that is newer than the
    // pass, every note the pass started with has been recomputed.
    const [next] = await sql.query<{ due: boolean | null }>('SELECT min(id) <= $1::bigint AS due FROM call_rollup_invalidations', [start.last]);
    if (!next?.due) return rounds;
  }
}

/**
 * Compacts the rollups at once (a migration or a rebuild may have left every quarter-hour noted)
 * and then every `intervalMs` until stopped; a failed round is logged and tried again next time.
 */
export function startRollupCompaction(sql: SqlExecutor, logger: Logger, intervalMs = COMPACT_INTERVAL_MS): { stop(): Promise<void> } {
  const round = () => compactRollups(sql).catch((error: Error) => logger.warn(`compacting the rollups failed: ${error.message}`));
  let running: Promise<unknown> = round();
  const timer = setInterval(() => {
    running = running.then(round);
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
