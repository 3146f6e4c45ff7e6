import { copyLine, copyValue, type SqlExecutor, type SqlSession } from '../db/sql-driver.js';
import { arrayLiteral } from '../db/sql.js';
import { publishCalls } from '../live/publish.js';
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

export type Outcome = 'inserted' | 'updated' | 'unchanged' | 'stale';

export interface BatchItem {
  position: number;
  /** The call's vendor identity, and the parent it names: what writing and linking it needs besides its columns. */
  source: string;
  externalId: string;
  /** Source and vendor id in one string: batches and rounds are kept apart by it. */
  key: string;
  parentExternalId: string | null;
  /**
   * The call's data columns as a line of COPY text, UTF-8 encoded (see staged): made when the
   * record is read, during an import while the database writes the batch before.
   */
  line: Buffer;
  /** Each attempt's data columns, and its recordings', as lines of COPY text too. */
  attempts: Array<{ line: Buffer; recordings: Buffer[] }>;
  /** The recordings of the call itself, as lines of COPY text. */
  recordings: Buffer[];
}

const columnList = CALL_DATA_COLUMNS.map((c) => `"${c}"`).join(', ');

/** The columns of a call_records row an import writes, besides its id, account and call. */
const ATTEMPT_COLUMNS = [
  'attempt', 'external_id', 'result', 'vendor_result', 'originate_time', 'answer_time', 'finish_time',
  'duration', 'billed_amount', 'switch_id', 'caller_name', 'question_responses',
] as const;
const RECORDING_COLUMNS = ['external_id', 'name', 'recorded_at', 'length_seconds', 'url'] as const;

/**
 * Calls from which a round counts as large: a large first round tries insertNew's COPY before the
 * upsert (writeCalls), and truncates the staging table (staging); a small one (a webhook's call,
 * a few calls of upsertCalls) does neither.
 */
const LARGE_ROUND = 16;

/**
 * The session's staging table: calls that may exist already are loaded into it with COPY and
 * upserted from it in one statement. It is emptied at every commit (ON COMMIT DELETE ROWS, which
 * cuts the table's file short in place), and before each round: by TRUNCATE for a large round,
 * by DELETE for a small one. TRUNCATE gives the table a new file, a fixed cost whatever the table
 * holds and the larger part of a webhook's write, where DELETE of the few rows of an earlier round
 * in the transaction (or of none) costs next to nothing. A large round truncates, so that the rows a
 * long transaction staged before (the batches of a dry run, rolled back at its end) are not
 * scanned by every later batch.
 */
const staging = (rows: number) => `CREATE TEMP TABLE IF NOT EXISTS import_calls ON COMMIT DELETE ROWS AS SELECT ${columnList} FROM calls WITH NO DATA;
  ${rows >= LARGE_ROUND ? 'TRUNCATE import_calls' : 'DELETE FROM import_calls'}`;

/** A column as the upsert compares it: json has no equality, so the payload compares as the text it is. */
const comparable = (expression: string, column: string) => (column === 'payload' ? `${expression}::text` : expression);

/** How final a status is: a version of a call never takes the status of an earlier stage. */
const STATUS_STAGE = `CASE $status WHEN 'QUEUED' THEN 1 WHEN 'TRYING' THEN 2 WHEN 'RINGING' THEN 3 WHEN 'IN_PROGRESS' THEN 4
  WHEN 'UNKNOWN' THEN 0 ELSE 5 END`;

/**
 * Whether the version `incoming` of a call is older than the version `stored` (both row aliases):
 * by the vendor's revision when both have one (FreeClimb), else by the vendor's update time when
 * both have one (FreeClimb, Restcomm, CallFire), else by how final the status is (jambonz, the
 * PBX, CallInput). An older version changes nothing (docs/data-model.md, "Versions").
 */
function older(incoming: string, stored: string): string {
  const stage = (alias: string) => STATUS_STAGE.replace('$status', `${alias}.status`);
  return `(CASE
    WHEN ${stored}.vendor_revision IS NOT NULL AND ${incoming}.vendor_revision IS NOT NULL AND ${stored}.vendor_revision <> ${incoming}.vendor_revision
      THEN ${incoming}.vendor_revision < ${stored}.vendor_revision
    WHEN ${stored}.vendor_updated_at IS NOT NULL AND ${incoming}.vendor_updated_at IS NOT NULL AND ${stored}.vendor_updated_at <> ${incoming}.vendor_updated_at
      THEN ${incoming}.vendor_updated_at < ${stored}.vendor_updated_at
    ELSE ${stage(incoming)} < ${stage(stored)} END)`;
}

/**
 * Upserts the staged calls: a call whose version is older than the stored one is left alone and
 * reported stale (found in the same snapshot as the upsert's, so before it), as is one whose
 * data did not change (reported by neither part: unchanged).
 */
const UPSERT = `
  WITH stale AS (
    SELECT i.external_id FROM import_calls i
      JOIN calls c ON c.account_id = $1 AND c.source = i.source AND c.external_id = i.external_id
     WHERE ${older('i', 'c')}
  ), written AS (
    INSERT INTO calls (account_id, ${columnList})
    SELECT $1, ${columnList} FROM import_calls
    ON CONFLICT (account_id, source, external_id) DO UPDATE
       SET ${CALL_DATA_COLUMNS.map((c) => `"${c}" = EXCLUDED."${c}"`).join(', ')},
           -- A leg that names another parent, or none, now leaves the old one (linkLegs links it anew).
           parent_id = CASE WHEN calls.parent_external_id = EXCLUDED.parent_external_id THEN calls.parent_id END,
           revision = calls.revision + 1, updated_at = now()
     WHERE (${CALL_DATA_COLUMNS.map((c) => comparable(`calls."${c}"`, c)).join(', ')}) IS DISTINCT FROM (${CALL_DATA_COLUMNS.map((c) => comparable(`EXCLUDED."${c}"`, c)).join(', ')})
       AND NOT ${older('EXCLUDED', 'calls')}
    RETURNING id::text AS id, external_id, (xmax = 0) AS inserted
  )
  SELECT id, external_id, inserted, false AS stale FROM written
  UNION ALL SELECT NULL, external_id, false, true FROM stale`;

/** `n` ids of `sequence`, for rows that COPY writes (COPY returns no generated ids). */
async function newIds(tx: SqlExecutor, sequence: string, n: number): Promise<string[]> {
  const rows = await tx.query<{ id: string }>(`SELECT nextval('${sequence}')::text AS id FROM generate_series(1, $1)`, [n]);
  return rows.map((row) => row.id);
}

/** Each round holds a vendor id at most once: one statement cannot change the same row twice. */
function rounds(items: BatchItem[]): BatchItem[][] {
  const out: BatchItem[][] = [];
  const seen = new Map<string, number>();
  for (const item of items) {
    const round = seen.get(item.key) ?? 0;
    seen.set(item.key, round + 1);
    (out[round] ??= []).push(item);
  }
  return out;
}

/** A row's data columns as a line of COPY text, UTF-8 encoded; `absent` stands for a column the row does not have. */
const encodedLine = (columns: readonly string[], row: Columns, absent: Columns = {}) => Buffer.from(copyLine(columns.map((column) => row[column] ?? absent[column])));

/** What an attempt without IVR answers stores (the column is not null). */
const NO_ANSWERS: Columns = { question_responses: [] };

/**
 * The item with its COPY lines made now: those of the call, of its attempts and of their
 * recordings. The payload is `recordText` when given, the record's JSON as the input wrote it:
 * kept as written, and not serialised again. The lines are encoded at once and the normalised
 * columns are let go: an item then holds bytes outside V8's heap, which its collector neither
 * copies nor promotes while the batch waits, instead of strings and objects of some 60
 * properties that it did (a fifth of an import's time in Node went to collecting). The ids and
 * account that lead each line are written in front of it when the batch is (see prefixedLines).
 */
export function staged(position: number, call: NormalizedCall, recordText?: string): BatchItem {
  const callLine = copyLine(CALL_DATA_COLUMNS.map((column) => (column === 'payload' && recordText !== undefined ? recordText : call.call[column])));
  const source = String(call.call.source);
  return {
    position,
    source,
    externalId: call.externalId,
    key: `${source}:${call.externalId}`,
    parentExternalId: (call.call.parent_external_id as string | null | undefined) ?? null,
    line: Buffer.from(callLine),
    attempts: call.attempts.map((attempt) => ({
      line: encodedLine(ATTEMPT_COLUMNS, attempt.row, NO_ANSWERS),
      recordings: attempt.recordings.map((row) => encodedLine(RECORDING_COLUMNS, row)),
    })),
    recordings: call.recordings.map((row) => encodedLine(RECORDING_COLUMNS, row)),
  };
}

/** What the database did with each call of a round, in its order: written (inserted or updated) with this id, left as an older version (stale), or left unchanged (undefined). */
type Written = Array<{ id: string; inserted: boolean } | 'stale' | undefined>;

const UNIQUE_VIOLATION = '23505';

/**
 * Inserts a round of calls with COPY straight into calls, when none of them exists yet (a first
 * import): it costs PostgreSQL about a sixth less than the upsert from the staging table. One
 * that exists already breaks the unique vendor-id key and COPY stops there: the round is rolled
 * back to before it and upserted instead (null).
 */
async function insertNew(tx: SqlExecutor, accountId: string, round: BatchItem[]): Promise<Written | null> {
  const ids = await newIds(tx, 'calls_id_seq', round.length);
  await tx.exec('SAVEPOINT new_calls');
  try {
    const account = copyValue(accountId);
    await tx.copyFrom(`calls (id, account_id, ${columnList})`, prefixedLines(round.map((item) => item.line), (i) => `${ids[i]}\t${account}\t`));
  } catch (error) {
    if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
    await tx.exec('ROLLBACK TO SAVEPOINT new_calls');
    return null;
  }
  return ids.map((id) => ({ id, inserted: true }));
}

/**
 * Bytes per chunk of COPY text: a batch's text (some 5 MB) written into one buffer took fresh
 * memory from the system for every batch, and Node spent a tenth of an import's time in the page
 * faults of filling it; chunks of this size are reused by the allocator.
 */
const COPY_CHUNK_BYTES = 64 * 1024;

/** Lines as COPY text in chunks of about COPY_CHUNK_BYTES, each line led by the columns `prefix` writes for it. */
function prefixedLines(lines: readonly Buffer[], prefix: (index: number) => string = () => ''): Buffer<ArrayBuffer>[] {
  const chunks: Buffer<ArrayBuffer>[] = [];
  let chunk = Buffer.allocUnsafe(COPY_CHUNK_BYTES);
  let offset = 0;
  for (let i = 0; i < lines.length; i += 1) {
    const lead = prefix(i);
    const length = Buffer.byteLength(lead) + lines[i]!.length;
    if (offset + length > chunk.length) {
      if (offset > 0) chunks.push(chunk.subarray(0, offset));
      chunk = Buffer.allocUnsafe(Math.max(COPY_CHUNK_BYTES, length));
      offset = 0;
    }
    offset += chunk.write(lead, offset);
    offset += lines[i]!.copy(chunk, offset);
  }
  if (offset > 0) chunks.push(chunk.subarray(0, offset));
  return chunks;
}

/** Upserts a round of calls through the staging table; a call whose data did not change is left as it is. */
async function upsert(tx: SqlExecutor, accountId: string, round: BatchItem[]): Promise<Written> {
  await tx.exec(staging(round.length));
  await tx.copyFrom(`import_calls (${columnList})`, prefixedLines(round.map((item) => item.line)));
  const rows = await tx.query<{ id: string | null; external_id: string; inserted: boolean; stale: boolean }>(UPSERT, [accountId]);
  const byExternalId = new Map(rows.map((row) => [row.external_id, row.stale ? ('stale' as const) : { id: row.id!, inserted: row.inserted }]));
  return round.map((item) => byExternalId.get(item.externalId));
}

/** A changed call, with the id the database gave it. */
interface Changed {
  id: string;
  item: BatchItem;
}

/**
 * Writes the attempts and recordings of changed calls, after deleting those of the `replaced`
 * ones (updated calls bring their attempts and recordings anew). They are always new rows, so
 * COPY writes them straight into their tables, with ids taken beforehand so that recordings can
 * point at their attempt.
 */
async function writeChildren(tx: SqlExecutor, accountId: string, changed: Changed[], replaced: string[]): Promise<void> {
  if (replaced.length > 0) {
    await tx.query('DELETE FROM recordings WHERE call_id = ANY($1::bigint[])', [replaced]);
    await tx.query('DELETE FROM call_records WHERE call_id = ANY($1::bigint[])', [replaced]);
  }
  const account = copyValue(accountId);
  const attempts = changed.flatMap(({ id, item }) => item.attempts.map((attempt) => ({ callId: id, attempt })));
  // Each recording's line and what leads it: the account, its call and its attempt (\N for none).
  const recordings: Array<{ lead: string; line: Buffer }> = [];
  if (attempts.length > 0) {
    const ids = await newIds(tx, 'call_records_id_seq', attempts.length);
    attempts.forEach(({ callId, attempt }, i) => {
      for (const line of attempt.recordings) recordings.push({ lead: `${account}\t${callId}\t${ids[i]}\t`, line });
    });
    const lines = prefixedLines(
      attempts.map(({ attempt }) => attempt.line),
      (i) => `${ids[i]}\t${account}\t${attempts[i]!.callId}\t`,
    );
    await tx.copyFrom(`call_records (id, account_id, call_id, ${ATTEMPT_COLUMNS.join(', ')})`, lines);
  }
  for (const { id, item } of changed) for (const line of item.recordings) recordings.push({ lead: `${account}\t${id}\t\\N\t`, line });
  if (recordings.length > 0) {
    const lines = prefixedLines(
      recordings.map((recording) => recording.line),
      (i) => recordings[i]!.lead,
    );
    await tx.copyFrom(`recordings (account_id, call_id, call_record_id, ${RECORDING_COLUMNS.join(', ')})`, lines);
  }
}

/**
 * Links the batch's legs to their parents and its parents to the legs waiting for them, whichever
 * arrived first, by vendor ids: a leg names its parent by the parent's vendor id. It runs after
 * the batch is committed, one batch at a time (see importCalls): of two batches written at once,
 * the one linked second sees both. By vendor id rather than by the rows the batch changed, so
 * that importing a file again also makes links that an interrupted import did not. Gives the ids
 * of the legs it linked, which changed (their parent field): the transaction's owner publishes
 * them with the rest of its changes, last (publishCalls).
 */
export async function linkLegs(sql: SqlExecutor, accountId: string, items: BatchItem[]): Promise<string[]> {
  // Both as array literals: PGlite serialises a JavaScript array for text[] only, not for an enum's array.
  const keys = (list: BatchItem[]) => [arrayLiteral(list.map((item) => item.source)), arrayLiteral(list.map((item) => item.externalId))];
  const batch = `unnest($2::"CallSource"[], $3::text[]) AS batch(source, external_id)`;
  // Legs find their parent (the unique vendor-id index), then parents adopt the legs waiting for
  // them (the partial index of waiting legs, which holds only those): two index lookups per call,
  // where one statement with OR would scan the table. Only legs look for a parent.
  const legs = items.filter((item) => item.parentExternalId !== null);
  let linked: Array<{ id: string }> = [];
  if (legs.length > 0) {
    linked = await sql.query<{ id: string }>(
      `UPDATE calls c SET parent_id = p.id
         FROM ${batch}, calls p
        WHERE c.account_id = $1 AND c.source = batch.source AND c.external_id = batch.external_id
          AND p.account_id = c.account_id AND p.source = c.source AND p.external_id = c.parent_external_id
          AND c.parent_id IS DISTINCT FROM p.id
        RETURNING c.id::text AS id`,
      [accountId, ...keys(legs)],
    );
  }
  // Most batches meet no waiting leg at all (a first import of parents, the benchmark): one probe
  // of the partial index spares the batch's thousands of lookups of its own calls.
  const [waiting] = await sql.query<{ any: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM calls WHERE account_id = $1 AND parent_external_id IS NOT NULL AND parent_id IS NULL) AS any`,
    [accountId],
  );
  const adopted = !waiting?.any ? [] : await sql.query<{ id: string }>(
    `UPDATE calls c SET parent_id = p.id
       FROM ${batch}, calls p
      WHERE p.account_id = $1 AND p.source = batch.source AND p.external_id = batch.external_id
        AND c.account_id = p.account_id AND c.source = p.source AND c.parent_external_id = p.external_id
        AND c.parent_id IS NULL
      RETURNING c.id::text AS id`,
    [accountId, ...keys(items)],
  );
  return [...linked, ...adopted].map(({ id }) => id);
}

/** Links a committed batch's legs (linkLegs) in a transaction of their own, and publishes the legs it linked. */
export function linkBatch(sql: SqlSession, accountId: string, items: BatchItem[]): Promise<void> {
  return sql.transaction(async (tx) => publishCalls(tx, accountId, await linkLegs(tx, accountId, items)));
}

/** What writeCalls did: each call's outcome by its position, and the ids of the calls it wrote, for publishCalls. */
export interface Writes {
  outcomes: Map<number, Outcome>;
  changed: string[];
}

/**
 * Writes staged calls in the transaction `tx`, each whole with its attempts and recordings; an
 * older version of a stored call is left alone (stale). Legs are linked by linkLegs. For a
 * caller that owns the transaction (the last batch of an import, a webhook's calls,
 * upsertCalls), which publishes the calls changed as its last statement (publishCalls): in
 * several rounds a call can change more than once, and is published once.
 */
export async function writeCalls(tx: SqlExecutor, accountId: string, items: BatchItem[]): Promise<Writes> {
  const outcomes = new Map<number, Outcome>();
  const changedIds = new Set<string>();
  for (const [n, round] of rounds(items).entries()) {
    // Later rounds repeat vendor ids of the first: they are updates. A small round (a webhook's
    // call, a few calls of upsertCalls) goes straight to the upsert: such writes are mostly of
    // calls that exist (a call's status callbacks after its first), and a COPY that fails on the
    // first of them costs a savepoint, its rollback and the upsert after all.
    const written = (n === 0 && round.length >= LARGE_ROUND ? await insertNew(tx, accountId, round) : null) ?? (await upsert(tx, accountId, round));
    const changed: Changed[] = [];
    const replaced: string[] = [];
    for (const [i, item] of round.entries()) {
      const row = written[i];
      if (!row || row === 'stale') {
        outcomes.set(item.position, row ?? 'unchanged');
        continue;
      }
      outcomes.set(item.position, row.inserted ? 'inserted' : 'updated');
      changed.push({ id: row.id, item });
      if (!row.inserted) replaced.push(row.id);
    }
    await writeChildren(tx, accountId, changed, replaced);
    for (const { id } of changed) changedIds.add(id);
  }
  return { outcomes, changed: [...changedIds] };
}

/**
 * Writes a batch in one transaction: every call whole (with its attempts and recordings) or not
 * at all; linkBatch links them once it is committed. The calls it changed are published at its
 * end, unless `publish` is false: a dry run's batches, savepoints of a transaction that is rolled
 * back, publish nothing, and do not hold the account's publishing lock for the rest of the run.
 */
export async function writeBatch(sql: SqlSession, accountId: string, items: BatchItem[], publish: boolean): Promise<Map<number, Outcome>> {
  return sql.transaction(async (tx) => {
    const { outcomes, changed } = await writeCalls(tx, accountId, items);
    if (publish) await publishCalls(tx, accountId, changed);
    return outcomes;
  });
}
