import type { Logger } from '../logger.js';
import type { SqlExecutor } from './sql-driver.js';

/**
 * Compaction of the dashboard rollups (prisma/migrations/20261203140000_call_rollup_deltas). A
 * write's triggers append its calls' deltas in its own transaction, so that the rollups are exact
 * at every commit and the upkeep a write pays is one narrow row per call; this folds the deltas
 * into the rollup tables, so that reads sum fewer rows. Readers answer the same before and after:
 * they add the deltas to the rollup rows.
 */

/** The quarter-hours of one account folded per transaction (30 days), so that each stays short. */
export const COMPACT_QUARTERS = 30 * 96;

/** How often a server folds what was written since (webhooks, upserts, imports of other processes). */
export const COMPACT_INTERVAL_MS = 30_000;

/**
 * Folds the deltas written before it starts, at most `quarters` of one account a statement (each
 * its own transaction: nothing is held between them, and writers never wait on one). Deltas
 * written meanwhile are left to the next pass, unless they are of an account it is folding
 * anyway: under a steady stream of webhooks a pass that waited for no deltas at all would never
 * end, folding the same current quarter-hours over and over. Answers the statements that folded
 * rows.
 */
export async function compactRollups(sql: SqlExecutor, quarters = COMPACT_QUARTERS): Promise<number> {
  const [start] = await sql.query<{ last: string | null }>('SELECT max(id)::text AS last FROM call_rollup_deltas');
  if (start?.last == null) return 0;
  let rounds = 0;
  for (;;) {
    const [row] = await sql.query<{ taken: number }>('SELECT call_rollups_compact($1::int) AS taken', [quarters]);
    if (row!.taken === 0) break;
    rounds += 1;
    // call_rollups_compact takes the account of the oldest delta: once that is newer than the
    // pass, every delta the pass started with has been folded.
    const [next] = await sql.query<{ due: boolean | null }>('SELECT min(id) <= $1::bigint AS due FROM call_rollup_deltas', [start.last]);
    if (!next?.due) break;
  }
  // The folded deltas are dead rows that every read's index scan of the deltas would still visit
  // until a vacuum, and after a large import the planner would still count them: removed now,
  // whether or not autovacuum runs soon. SKIP_LOCKED: another server's pass may be vacuuming.
  if (rounds > 0) await sql.exec('VACUUM (ANALYZE, SKIP_LOCKED) call_rollup_deltas');
  return rounds;
}

/**
 * Compacts the rollups at once (a migration or a rebuild may have left a delta per call)
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
