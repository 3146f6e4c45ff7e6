import type { SqlDriver, SqlExecutor } from '../db/sql-driver.js';
import type { Columns, NormalizedCall } from './record.js';

/** Columns an import writes; cdrql's own (id, account, parent link, revision, timestamps) are not among them. */
export const CALL_DATA_COLUMNS = [
  'source', 'external_id', 'vendor_account_id', 'uri', 'sip_call_id', 'parent_external_id',
  'from_address', 'from_number', 'from_domain', 'caller_name', 'to_address', 'to_number', 'to_domain',
  'forwarded_from', 'diversion_number', 'did_number', 'did_domain', 'bridged_address', 'bridged_domain',
  'phone_number_id', 'extension_id', 'extension_name', 'extension_type', 'extension_group_id', 'extension_external_number',
  'vendor_created_at', 'vendor_updated_at', 'vendor_revision', 'start_time', 'answer_time', 'bridged_time', 'end_time',
  'duration', 'connect_duration', 'bridged_duration', 'status', 'vendor_status', 'direction', 'vendor_direction',
  'answered_by', 'vendor_answered_by', 'hangup_cause', 'hangup_disposition', 'pbx_result', 'callfire_state',
  'callfire_final_result', 'vendor_result', 'sip_status', 'sip_reason', 'price', 'currency', 'application_id',
  'service_url', 'originating_sip_ip', 'originating_sip_trunk', 'api_version', 'broadcast_id', 'batch_id',
  'contact_id', 'label', 'quality_rate', 'quality_max_rate', 'payload',
] as const;

export type Outcome = 'inserted' | 'updated' | 'unchanged';

export interface BatchItem {
  position: number;
  call: NormalizedCall;
}

const columnList = CALL_DATA_COLUMNS.map((c) => `"${c}"`).join(', ');
const UPSERT = `
  INSERT INTO calls (account_id, ${columnList})
  SELECT $1, ${columnList} FROM json_populate_recordset(NULL::calls, $2::json)
  ON CONFLICT (account_id, source, external_id) DO UPDATE
     SET ${CALL_DATA_COLUMNS.map((c) => `"${c}" = EXCLUDED."${c}"`).join(', ')},
         revision = calls.revision + 1, updated_at = now()
   WHERE (${CALL_DATA_COLUMNS.map((c) => `calls."${c}"`).join(', ')}) IS DISTINCT FROM (${CALL_DATA_COLUMNS.map((c) => `EXCLUDED."${c}"`).join(', ')})
  RETURNING id::text AS id, external_id, (xmax = 0) AS inserted`;

/** Each round holds a vendor id at most once: one statement cannot change the same row twice. */
function rounds(items: BatchItem[]): BatchItem[][] {
  const out: BatchItem[][] = [];
  const seen = new Map<string, number>();
  for (const item of items) {
    const key = `${item.call.call.source}:${item.call.externalId}`;
    const round = seen.get(key) ?? 0;
    seen.set(key, round + 1);
    (out[round] ??= []).push(item);
  }
  return out;
}

async function writeChildren(tx: SqlExecutor, accountId: string, changed: Array<{ id: string; call: NormalizedCall }>, replaced: string[]): Promise<void> {
  if (replaced.length > 0) {
    await tx.query('DELETE FROM recordings WHERE call_id = ANY($1::bigint[])', [replaced]);
    await tx.query('DELETE FROM call_records WHERE call_id = ANY($1::bigint[])', [replaced]);
  }
  const attempts = changed.flatMap(({ id, call }) => call.attempts.map((a) => ({ ...a.row, call_id: id, account_id: accountId })));
  const recordIds = new Map<string, string>();
  if (attempts.length > 0) {
    const rows = await tx.query<{ id: string; call_id: string; attempt: number }>(
      `INSERT INTO call_records (account_id, call_id, attempt, external_id, result, vendor_result, originate_time, answer_time,
                                 finish_time, duration, billed_amount, switch_id, caller_name, question_responses)
       SELECT account_id, call_id, attempt, external_id, result, vendor_result, originate_time, answer_time,
              finish_time, duration, billed_amount, switch_id, caller_name, COALESCE(question_responses, '[]')
         FROM json_populate_recordset(NULL::call_records, $1::json)
       RETURNING id::text AS id, call_id::text AS call_id, attempt`,
      [JSON.stringify(attempts)],
    );
    for (const row of rows) recordIds.set(`${row.call_id}:${row.attempt}`, row.id);
  }
  const recordings: Columns[] = changed.flatMap(({ id, call }) => [
    ...call.recordings.map((r) => ({ ...r, call_id: id, call_record_id: null, account_id: accountId })),
    ...call.attempts.flatMap((a) =>
      a.recordings.map((r) => ({ ...r, call_id: id, call_record_id: recordIds.get(`${id}:${a.row.attempt}`), account_id: accountId })),
    ),
  ]);
  if (recordings.length > 0) {
    await tx.query(
      `INSERT INTO recordings (account_id, call_id, call_record_id, external_id, name, recorded_at, length_seconds, url)
       SELECT account_id, call_id, call_record_id, external_id, name, recorded_at, length_seconds, url
         FROM json_populate_recordset(NULL::recordings, $1::json)`,
      [JSON.stringify(recordings)],
    );
  }
}

/**
 * Links legs and parents that met in this batch, whichever arrived first: a changed call finds
 * its parent, and a changed parent finds the legs that were waiting for it.
 */
async function linkLegs(tx: SqlExecutor, changedIds: string[]): Promise<void> {
  if (changedIds.length === 0) return;
  // Changed legs find their parent (the unique vendor-id index), then changed parents adopt the
  // legs waiting for them (the parent_external_id index): two index lookups per call, where one
  // statement with OR would scan the table.
  await tx.query(
    `UPDATE calls c SET parent_id = p.id
       FROM calls p
      WHERE c.id = ANY($1::bigint[]) AND c.parent_external_id IS NOT NULL
        AND p.account_id = c.account_id AND p.source = c.source AND p.external_id = c.parent_external_id
        AND c.parent_id IS DISTINCT FROM p.id`,
    [changedIds],
  );
  await tx.query(
    `UPDATE calls c SET parent_id = p.id
       FROM calls p
      WHERE p.id = ANY($1::bigint[])
        AND c.account_id = p.account_id AND c.source = p.source AND c.parent_external_id = p.external_id
        AND c.parent_id IS DISTINCT FROM p.id`,
    [changedIds],
  );
}

async function writeItems(tx: SqlExecutor, accountId: string, items: BatchItem[]): Promise<Map<number, Outcome>> {
  const outcomes = new Map<number, Outcome>();
  const changedIds: string[] = [];
  for (const round of rounds(items)) {
    const rows = await tx.query<{ id: string; external_id: string; inserted: boolean }>(UPSERT, [accountId, JSON.stringify(round.map((item) => item.call.call))]);
    const byKey = new Map(rows.map((row) => [row.external_id, row]));
    const changed: Array<{ id: string; call: NormalizedCall }> = [];
    const replaced: string[] = [];
    for (const item of round) {
      const row = byKey.get(item.call.externalId);
      if (!row) {
        outcomes.set(item.position, 'unchanged');
        continue;
      }
      outcomes.set(item.position, row.inserted ? 'inserted' : 'updated');
      changed.push({ id: row.id, call: item.call });
      if (!row.inserted) replaced.push(row.id);
      changedIds.push(row.id);
    }
    await writeChildren(tx, accountId, changed, replaced);
  }
  await linkLegs(tx, changedIds);
  return outcomes;
}

class DryRun extends Error {
  constructor(readonly outcomes: Map<number, Outcome>) {
    super('dry run');
  }
}

/**
 * Writes a batch in one transaction: every call whole (with its attempts and recordings) or not
 * at all. A dry run does the same work and rolls it back, so its counts are exact.
 */
export async function writeBatch(sql: SqlDriver, accountId: string, items: BatchItem[], dryRun: boolean): Promise<Map<number, Outcome>> {
  try {
    return await sql.transaction(async (tx) => {
      const outcomes = await writeItems(tx, accountId, items);
      if (dryRun) throw new DryRun(outcomes);
      return outcomes;
    });
  } catch (error) {
    if (error instanceof DryRun) return error.outcomes;
    throw error;
  }
}
