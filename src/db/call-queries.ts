import type { Database } from './client.js';

/** A call as the GraphQL layer reads it: keys are GraphQL field names, so resolvers are property reads. */
export interface CallRow {
  id: string;
  source: string;
  externalId: string;
  fromAddress: string | null;
  toAddress: string | null;
  status: string;
  direction: string | null;
  startTime: string | null;
  duration: number | null;
}

export interface CallKeyset {
  startTime: string | null;
  id: string;
}

// PostgreSQL builds the page as one JSON value, so the driver maps one value instead of a row
// per call (the per-row mapping dominated the cost of the list in ../../shared/perf-notes.md).
const CALL_JSON = `json_build_object(
  'id', c.id::text, 'source', c.source, 'externalId', c.external_id,
  'fromAddress', c.from_address, 'toAddress', c.to_address, 'status', c.status,
  'direction', c.direction, 'startTime', c.start_time, 'duration', c.duration)`;

/**
 * Newest first, keyset-paged on (start_time, id): the page after a cursor is an index range scan.
 * Calls without a start time sort first, as PostgreSQL sorts NULL above every value.
 */
export async function listCalls(db: Database, limit: number, after: CallKeyset | undefined): Promise<CallRow[]> {
  const afterCondition = !after
    ? 'TRUE'
    : after.startTime === null
      ? '(c.start_time IS NULL AND c.id < $2::bigint) OR c.start_time IS NOT NULL'
      : '(c.start_time, c.id) < ($3::timestamptz, $2::bigint)';
  const params: unknown[] = [limit];
  if (after) params.push(after.id);
  if (after?.startTime) params.push(after.startTime);
  const rows = await db.prisma.$queryRawUnsafe<Array<{ page: CallRow[] }>>(
    `SELECT COALESCE(json_agg(${CALL_JSON} ORDER BY c.start_time DESC, c.id DESC), '[]'::json) AS page
       FROM (SELECT * FROM calls c WHERE ${afterCondition} ORDER BY c.start_time DESC, c.id DESC LIMIT $1) c`,
    ...params,
  );
  return rows[0]?.page ?? [];
}
