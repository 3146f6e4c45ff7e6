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
 * Logs the calls a transaction created or changed and notifies every instance of them, in the
 * transaction `tx` that wrote them: PostgreSQL (and PGlite) deliver a NOTIFY only when its
 * transaction commits, so a rolled-back write publishes nothing. The insert and the NOTIFY are one
 * statement, so that the log and the notification cannot part.
 *
 * It must be the transaction's last statement, called once in it with every call the transaction
 * changed (a call changed twice is logged once).
 */
export async function publishCalls(tx: SqlExecutor, accountId: string, callIds: readonly string[]): Promise<void> {
  if (callIds.length === 0) return;
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
