import type { SqlExecutor } from '../db/sql-driver.js';

/** The channel every instance LISTENs on for changed calls. */
export const CALLS_CHANNEL = 'cdrql_calls';

/**
 * Most events a notification names one by one. NOTIFY payloads are limited to 8000 bytes; past
 * this many, the notification carries only the account and the sequence range, and listeners
 * read the events from call_events (a large import).
 */
export const MAX_EVENTS_PER_NOTIFICATION = 100;

/** What a notification carries: the account, the range of sequences written, and the events themselves when few. */
export interface CallsNotification {
  a: string;
  f: string;
  l: string;
  /** [sequence, call id] pairs; absent when there were more than MAX_EVENTS_PER_NOTIFICATION. */
  c?: Array<[string, string]>;
}

/**
 * The first key of the two-key advisory locks that publishCalls takes, the second being a hash of
 * the account: two-key locks are a key space apart from the one-key lock of the migrator (Prisma's),
 * and this first key keeps them apart from any other two-key lock.
 */
const PUBLISH_LOCK = 0x63647271; // 'cdrq'

/**
 * Logs the calls a transaction created or changed and notifies every instance of them, in the
 * transaction `tx` that wrote them: PostgreSQL (and PGlite) deliver a NOTIFY only when its
 * transaction commits, so a rolled-back write publishes nothing. The insert and the NOTIFY are one
 * statement, so that the log and the notification cannot part.
 *
 * It must be the transaction's last statement, and called at most once in it: a client resumes
 * after the highest sequence it saw (hub.missedSince), so for each account the sequences must be
 * taken in the order their transactions commit. A sequence is taken at insert, not at commit;
 * so first the account's transaction-level advisory lock is taken, which is released only at
 * commit or rollback. A second transaction of the account waits here until the first has
 * committed (and is visible, with its NOTIFY queued) before it takes its own sequences: per
 * account, sequence order is then commit order, and notifications come in that order too. The
 * lock is held only from here to the commit, so writes of the account do not wait on each other's
 * work, only on each other's commits; other accounts do not wait at all (a hash collision only
 * orders two accounts' commits). On PGlite, one connection, the lock never waits.
 */
export async function publishCalls(tx: SqlExecutor, accountId: string, callIds: readonly string[]): Promise<void> {
  if (callIds.length === 0) return;
  await tx.query('SELECT pg_advisory_xact_lock($1::int, hashtext($2::text))', [PUBLISH_LOCK, accountId]);
  await tx.query(
    `WITH logged AS (
       INSERT INTO call_events (account_id, call_id) SELECT $1, id::bigint FROM unnest($2::text[]) AS id
       RETURNING sequence, call_id)
     SELECT pg_notify($3, json_build_object(
              'a', $1::text, 'f', min(sequence)::text, 'l', max(sequence)::text,
              'c', CASE WHEN count(*) <= $4 THEN json_agg(json_build_array(sequence::text, call_id::text) ORDER BY sequence) END)::text)
       FROM logged`,
    [accountId, [...new Set(callIds)], CALLS_CHANNEL, MAX_EVENTS_PER_NOTIFICATION],
  );
}
