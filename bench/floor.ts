/**
 * The SQL floor of the performance benchmark: the four workloads of bench/workloads/*.graphql
 * answered by hand-written SQL behind a bare node:http server, with no GraphQL, no auth and no
 * per-request framework work. Each request is ONE prepared statement in which PostgreSQL builds the
 * whole `data` object as JSON text; Node only validates the variables and wraps the text in
 * `{"data":…}`. Its answers are deep-equal to cdrql's for the same request (bench/run.ts
 * checks that before it measures), so the gap between the two is what cdrql's layers cost.
 *
 *   DATABASE_URL=… npx tsx bench/floor.ts --account acme [--port 4200] [--host 127.0.0.1] [--pool 10]
 *
 * - `POST /graphql` with cdrql's request body `{ query, operationName, variables }`: dispatched on
 *   `operationName` (DashboardList, DeepPage, DashboardStatistics, NodeLookups); the query text and
 *   the authorization header are ignored, the account is the one of `--account`.
 * - `GET /statements`: SQL statements run so far, as text (the runner counts per request with it).
 * - Anything else: 404; variables cdrql would refuse: 400 `{ "errors": [{ "message" }] }`.
 * Prints `floor listening at http://host:port` once it accepts requests.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import pg from 'pg';

const { values: options } = parseArgs({
  options: {
    account: { type: 'string' },
    port: { type: 'string', default: '4200' },
    host: { type: 'string', default: '127.0.0.1' },
    pool: { type: 'string', default: '10' },
  },
});
if (!options.account) throw new Error('usage: DATABASE_URL=… npx tsx bench/floor.ts --account <id> [--port 4200] [--host 127.0.0.1] [--pool 10]');
if (!process.env.DATABASE_URL) throw new Error('Set DATABASE_URL to the benchmark database.');
const ACCOUNT = options.account;

/** cdrql's MAX_PAGE_SIZE default; the workloads never ask for more. */
const MAX_PAGE_SIZE = 100;
/** cdrql's `nodes(ids)` limit. */
const MAX_NODES = 100;
/** cdrql's MAX_BUCKETS default, applied as cdrql applies it (an estimate from the range's length). */
const MAX_DAY_BUCKETS = 1000;
const MAX_BODY_BYTES = 1_000_000;

// ---------------------------------------------------------------------------------------------
// SQL fragments. Each statement below is built once from them at start-up, so its text is constant
// and it is prepared once per connection. Every table read is scoped to the account ($1), as
// cdrql's `scoped()` does: a row of another account answers as a missing one.

/** An instant as cdrql renders it (src/db/read/sql.ts isoTime): ISO-8601 UTC with milliseconds. */
const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** Pothos' encodeGlobalID: base64 (with padding) of `Type:id`; ids are short enough that encode() inserts no line break. */
const globalId = (type: string, id: string) => `encode(convert_to('${type}:' || ${id}, 'UTF8'), 'base64')`;

/**
 * cdrql's cursor (src/graphql/connection.ts encodeCursor): base64url without padding of the JSON
 * `["calls","START_TIME_DESC",<start time text or null>,"<id>"]`. translate() maps + and / to
 * - and _ and drops the line breaks encode() puts every 76 characters.
 */
const callsCursor = (alias: string) =>
  `rtrim(translate(encode(convert_to('["calls","START_TIME_DESC",' || COALESCE('"' || ${iso(`${alias}.start_time`)} || '"', 'null') || ',"' || ${alias}.id || '"]', 'UTF8'), 'base64'), E'+/\\n', '-_'), '=')`;

/**
 * `legs(first: 5) { nodes { id externalId status duration } }` of call `alias`: cdrql's default
 * leg order, START_TIME ascending (NULLs last) and id, read from (parent_id, start_time, id).
 */
const legsOf = (alias: string) => `json_build_object('nodes', (
    SELECT COALESCE(json_agg(json_build_object('id', ${globalId('Call', 'l.id')}, 'externalId', l.external_id, 'status', l.status, 'duration', l.duration)
                             ORDER BY l.start_time, l.id), '[]')
      FROM (SELECT l.id, l.external_id, l.status, l.duration, l.start_time FROM calls l
             WHERE l.parent_id = ${alias}.id AND l.account_id = $1 ORDER BY l.start_time, l.id LIMIT 5) l))`;

/**
 * The W1 / W2 node: the call's fields, its parent (null when none or not visible), its first five
 * legs, and its attempts in attempt order, each with its recordings in id order (cdrql's
 * rowsByKey default order).
 */
const pageNode = (alias: string) => `json_build_object(
    'id', ${globalId('Call', `${alias}.id`)},
    'externalId', ${alias}.external_id,
    'fromNumber', ${alias}.from_number,
    'toNumber', ${alias}.to_number,
    'status', ${alias}.status,
    'direction', ${alias}.direction,
    'startTime', ${iso(`${alias}.start_time`)},
    'duration', ${alias}.duration,
    'parent', (SELECT json_build_object('id', ${globalId('Call', 'pc.id')}, 'externalId', pc.external_id)
                 FROM calls pc WHERE pc.id = ${alias}.parent_id AND pc.account_id = $1),
    'legs', ${legsOf(alias)},
    'records', (SELECT COALESCE(json_agg(json_build_object(
                   'attempt', cr.attempt,
                   'result', cr.result,
                   'answerTime', ${iso('cr.answer_time')},
                   'recordings', (SELECT COALESCE(json_agg(json_build_object(
                                     'id', ${globalId('Recording', 'r.id')}, 'url', r.url, 'lengthSeconds', r.length_seconds) ORDER BY r.id), '[]')
                                    FROM recordings r WHERE r.call_record_id = cr.id AND r.account_id = $1))
                 ORDER BY cr.attempt), '[]')
                 FROM call_records cr WHERE cr.call_id = ${alias}.id AND cr.account_id = $1))`;

/** The columns a page row carries into pageNode. */
const PAGE_COLUMNS = 'c.id, c.parent_id, c.external_id, c.from_number, c.to_number, c.status, c.direction, c.start_time, c.duration';

/**
 * The `calls` connection from CTE `page` (up to first + 1 rows, newest first; `$first` is the page
 * size's placeholder): edges of the first `first` rows, hasNextPage when the extra row came back.
 */
const connection = (first: string, head: string, hasPreviousPage: string) => `
  SELECT json_build_object('calls', json_build_object(${head}
    'pageInfo', json_build_object('hasNextPage', s.fetched > ${first}, 'hasPreviousPage', ${hasPreviousPage},
                                  'startCursor', s.cursors[1], 'endCursor', s.cursors[cardinality(s.cursors)]),
    'edges', COALESCE(s.edges, '[]')))::text AS data
    FROM (SELECT count(*) AS fetched,
                 array_agg(e.cursor ORDER BY e.n) FILTER (WHERE e.n <= ${first}) AS cursors,
                 json_agg(json_build_object('cursor', e.cursor, 'node', ${pageNode('e')}) ORDER BY e.n) FILTER (WHERE e.n <= ${first}) AS edges
            FROM (SELECT p.*, ${callsCursor('p')} AS cursor, row_number() OVER (ORDER BY p.start_time DESC, p.id DESC) AS n FROM page p) e) s`;

/** W1's filter as cdrql's CallFilter writes it: the status and direction are literals of the document. */
const W1_WHERE = `c.account_id = $1 AND c.status = 'COMPLETED' AND c.direction = 'INBOUND' AND c.start_time >= $2 AND c.start_time < $3`;

/** W1 (DashboardList): $1 account, $2 from, $3 to, $4 first. Page, totalCount and no cursor, so nothing behind. */
const DASHBOARD_LIST_SQL = `
  WITH page AS (SELECT ${PAGE_COLUMNS} FROM calls c WHERE ${W1_WHERE} ORDER BY c.start_time DESC, c.id DESC LIMIT $4::int + 1)
  ${connection('$4::int', `'totalCount', (SELECT count(*)::int FROM calls c WHERE ${W1_WHERE}),`, 'false')}`;

/**
 * W2 (DeepPage), the account's calls that started before $until, newest first. Without a cursor:
 * $1 account, $2 first, $3 until.
 */
const DEEP_PAGE_FIRST_SQL = `
  WITH page AS (SELECT ${PAGE_COLUMNS} FROM calls c WHERE c.account_id = $1 AND c.start_time < $3::timestamptz
                 ORDER BY c.start_time DESC, c.id DESC LIMIT $2::int + 1)
  ${connection('$2::int', '', 'false')}`;

/**
 * W2 after a cursor: $1 account, $2 start time, $3 id, $4 first, $5 until. The rows past it are
 * one index range; whether rows lie behind it (hasPreviousPage) is one index probe.
 */
const DEEP_PAGE_AFTER_SQL = `
  WITH page AS (SELECT ${PAGE_COLUMNS} FROM calls c
                 WHERE c.account_id = $1 AND c.start_time < $5::timestamptz AND (c.start_time, c.id) < ($2::timestamptz, $3::bigint)
                 ORDER BY c.start_time DESC, c.id DESC LIMIT $4::int + 1)
  ${connection(
    '$4::int',
    '',
    `EXISTS (SELECT 1 FROM calls b WHERE b.account_id = $1 AND b.start_time < $5::timestamptz AND (b.start_time, b.id) >= ($2::timestamptz, $3::bigint))`,
  )}`;

/**
 * W5 (NextPage), W1 after a cursor: $1 account, $2 from, $3 to, $4 start time, $5 id, $6 first.
 * Only hasNextPage and the end cursor: no count, no look behind the cursor.
 */
const NEXT_PAGE_SQL = `
  WITH page AS (SELECT ${PAGE_COLUMNS} FROM calls c WHERE ${W1_WHERE} AND (c.start_time, c.id) < ($4::timestamptz, $5::bigint)
                 ORDER BY c.start_time DESC, c.id DESC LIMIT $6::int + 1)
  SELECT json_build_object('calls', json_build_object(
    'pageInfo', json_build_object('hasNextPage', s.fetched > $6::int, 'endCursor', s.cursors[cardinality(s.cursors)]),
    'nodes', COALESCE(s.nodes, '[]')))::text AS data
    FROM (SELECT count(*) AS fetched,
                 array_agg(e.cursor ORDER BY e.n) FILTER (WHERE e.n <= $6::int) AS cursors,
                 json_agg(${pageNode('e')} ORDER BY e.n) FILTER (WHERE e.n <= $6::int) AS nodes
            FROM (SELECT p.*, ${callsCursor('p')} AS cursor, row_number() OVER (ORDER BY p.start_time DESC, p.id DESC) AS n FROM page p) e) s`;

/**
 * W3 (DashboardStatistics): $1 account, $2 time zone, $3 from, $4 to. The series and the
 * breakdown select the same calls (the account's calls that are not legs, start time in
 * [from, to)), so one scan of the calls feeds both through GROUPING SETS: by local day and by DID.
 * Each measure is cdrql's definition (the SQL functions of the call_rollups migration; ACD is
 * conversation seconds over answered calls with a conversation time, unrounded), as float8
 * divisions like cdrql's; only the measures W3 selects are computed. Days are local calendar days,
 * every one of [from, to) present, empty ones as zeros; the breakdown is the 10 largest DIDs by
 * calls (ties by DID in byte order, null last) and the rest summed as `other`.
 */
const DASHBOARD_STATISTICS_SQL = `
  WITH grouped AS (
    SELECT GROUPING(s.starts) AS by_did, s.starts, s.did,
           count(*)::int AS total,
           count(*) FILTER (WHERE s.answered)::int AS answered,
           COALESCE(sum(s.billable), 0)::float8 AS billable_seconds,
           sum(s.conversation) AS conversation_seconds,
           count(s.conversation) AS conversation_calls
      FROM (SELECT date_trunc('day', c.start_time AT TIME ZONE $2::text) AT TIME ZONE $2::text AS starts, c.did_number AS did,
                   call_answered(c.status, c.answer_time) AS answered,
                   call_conversation(c.status, c.answer_time, c.end_time, c.connect_duration) AS conversation,
                   call_billable(c.status, c.answer_time, c.connect_duration, c.duration) AS billable
              FROM calls c WHERE c.account_id = $1 AND c.start_time >= $3::timestamptz AND c.start_time < $4::timestamptz
               AND c.parent_id IS NULL AND c.parent_external_id IS NULL) s
     GROUP BY GROUPING SETS ((s.starts), (s.did))),
  ranked AS (SELECT g.*, row_number() OVER (ORDER BY g.total DESC, g.did COLLATE "C" NULLS LAST) AS rank FROM grouped g WHERE g.by_did = 1)
  SELECT json_build_object(
    'callSeries', (
      SELECT COALESCE(json_agg(json_build_object('start', ${iso('b.starts')}, 'measures', json_build_object(
               'total', COALESCE(g.total, 0), 'answered', COALESCE(g.answered, 0),
               'averageAnsweredDuration', g.conversation_seconds::float8 / NULLIF(g.conversation_calls, 0),
               'billableSeconds', COALESCE(g.billable_seconds, 0)))
             ORDER BY b.starts), '[]')
        FROM (SELECT local AT TIME ZONE $2::text AS starts
                FROM generate_series(date_trunc('day', $3::timestamptz AT TIME ZONE $2::text),
                                     ($4::timestamptz AT TIME ZONE $2::text) - interval '1 microsecond', interval '1 day') AS local) b
        LEFT JOIN grouped g ON g.by_did = 0 AND g.starts = b.starts),
    'callBreakdown', json_build_object(
      'rows', (SELECT COALESCE(json_agg(json_build_object('key', r.did, 'measures', json_build_object(
                 'total', r.total, 'answered', r.answered,
                 'averageAnsweredDuration', r.conversation_seconds::float8 / NULLIF(r.conversation_calls, 0), 'billableSeconds', r.billable_seconds))
               ORDER BY r.rank), '[]') FROM ranked r WHERE r.rank <= 10),
      'other', (SELECT CASE WHEN count(*) = 0 THEN NULL ELSE json_build_object('groups', count(*)::int, 'measures', json_build_object(
                  'total', sum(r.total)::int, 'answered', sum(r.answered)::int,
                  'averageAnsweredDuration', sum(r.conversation_seconds)::float8 / NULLIF(sum(r.conversation_calls), 0),
                  'billableSeconds', sum(r.billable_seconds))) END
                  FROM ranked r WHERE r.rank > 10)))::text AS data`;

/**
 * W4 (NodeLookups): $1 account, $2 type names, $3 ids, $4 the global ids as given, in request
 * order. A Call answers its fields and first five legs; a visible CallRecord or Recording only its
 * id (the document's fragment is on Call); anything else, or nothing visible, null.
 */
const NODE_LOOKUPS_SQL = `
  SELECT json_build_object('nodes', COALESCE(json_agg(
    CASE k.type
      WHEN 'Call' THEN (SELECT json_build_object(
          'id', k.gid, 'externalId', c.external_id, 'fromNumber', c.from_number, 'toNumber', c.to_number,
          'status', c.status, 'direction', c.direction, 'startTime', ${iso('c.start_time')}, 'duration', c.duration,
          'legs', ${legsOf('c')})
        FROM calls c WHERE c.id = k.id AND c.account_id = $1)
      WHEN 'CallRecord' THEN (SELECT json_build_object('id', k.gid) FROM call_records cr WHERE cr.id = k.id AND cr.account_id = $1)
      WHEN 'Recording' THEN (SELECT json_build_object('id', k.gid) FROM recordings r WHERE r.id = k.id AND r.account_id = $1)
    END ORDER BY k.ord), '[]'))::text AS data
    FROM unnest($2::text[], $3::bigint[], $4::text[]) WITH ORDINALITY AS k(type, id, gid, ord)`;

// ---------------------------------------------------------------------------------------------
// Variables, validated as cdrql's scalars and arguments validate them.

class BadRequest extends Error {}

type Variables = Record<string, unknown>;

/** cdrql's DateTime input (src/graphql/types/scalars.ts), as the ISO text it binds. */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
function dateTime(variables: Variables, name: string): Date {
  const value = variables[name];
  const date = typeof value === 'string' && ISO_DATE_TIME.test(value) ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) throw new BadRequest(`${name} must be an ISO-8601 date-time.`);
  return date;
}

function pageSize(variables: Variables): number {
  const first = variables.first;
  if (typeof first !== 'number' || !Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw new BadRequest(`first must be between 0 and ${MAX_PAGE_SIZE}.`);
  }
  return first;
}

/** A non-empty range, as cdrql's range filter and callSeries require. */
function range(variables: Variables): { from: string; to: string; ms: number } {
  const from = dateTime(variables, 'from');
  const to = dateTime(variables, 'to');
  if (to.getTime() <= from.getTime()) throw new BadRequest('to must be after from.');
  return { from: from.toISOString(), to: to.toISOString(), ms: to.getTime() - from.getTime() };
}

/** cdrql's cursor of `calls` by START_TIME_DESC (src/graphql/connection.ts decodeCursor). */
function decodeCallsCursor(text: unknown): { value: string | null; id: string } {
  let parsed: unknown;
  try {
    parsed = typeof text === 'string' ? JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) : undefined;
  } catch {
    parsed = undefined;
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 4 ||
    parsed[0] !== 'calls' ||
    parsed[1] !== 'START_TIME_DESC' ||
    !(parsed[2] === null || typeof parsed[2] === 'string') ||
    typeof parsed[3] !== 'string' ||
    !/^\d{1,19}$/.test(parsed[3])
  ) {
    throw new BadRequest('after: not a cursor of calls by START_TIME_DESC.');
  }
  return { value: parsed[2] as string | null, id: parsed[3] };
}

/** The same check as Intl's, which is what cdrql asks. */
function timeZone(variables: Variables): string {
  const zone = variables.timeZone;
  try {
    if (typeof zone !== 'string') throw new Error();
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone;
  } catch {
    throw new BadRequest('timeZone must be an IANA time zone.');
  }
}

const BASE64 = /^(?:[\d+/A-Za-z]{4})*(?:[\d+/A-Za-z]{2}==|[\d+/A-Za-z]{3}=)?$/;
const INT8_MAX = 9223372036854775807n;

/**
 * A global id as cdrql parses it (src/graphql/types/node-id.ts); 'None' for one that finds nothing:
 * an unknown type, or an id with leading zeros (cdrql loads the row but finds it under its
 * canonical id, so the lookup answers null).
 */
function nodeId(globalId: unknown): { type: string; id: string } {
  const text = typeof globalId === 'string' && BASE64.test(globalId) ? Buffer.from(globalId, 'base64').toString() : '';
  const match = /^([A-Za-z]+):(\d{1,19})$/.exec(text);
  if (!match || Buffer.from(text).toString('base64') !== globalId || BigInt(match[2]!) > INT8_MAX) {
    throw new BadRequest(`"${String(globalId)}" is not an id this API issued.`);
  }
  const [, type, id] = match as unknown as [string, string, string];
  const known = type === 'Call' || type === 'CallRecord' || type === 'Recording';
  return known && String(BigInt(id)) === id ? { type, id } : { type: 'None', id: '0' };
}

// ---------------------------------------------------------------------------------------------
// Operations: each runs one statement and returns the `data` JSON text PostgreSQL built.

/**
 * Each statement is prepared once per connection and runs its generic plan: whatever the variables,
 * the right plan is the same index scans, so planning per request (0.5-1 ms for these statements,
 * which PostgreSQL's default `auto` mode keeps doing for W2 and W4) is overhead a floor should not
 * carry. JIT is off because generic estimates can pass jit_above_cost (an unknown LIMIT counts as
 * 10% of the account's calls), and compiling a plan costs ~25 ms on statements that run in ~1 ms.
 */
const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(options.pool),
  application_name: 'cdrql-floor',
  options: '-c plan_cache_mode=force_generic_plan -c jit=off',
});
// A dropped idle connection must not crash the server; the next query reports it.
pool.on('error', () => {});
let statements = 0;

async function run(name: string, text: string, values: unknown[]): Promise<string> {
  statements += 1;
  const result = await pool.query<{ data: string }>({ name, text, values });
  return result.rows[0]!.data;
}

const OPERATIONS: Record<string, (variables: Variables) => Promise<string>> = {
  DashboardList: (variables) => {
    const { from, to } = range(variables);
    return run('dashboard_list', DASHBOARD_LIST_SQL, [ACCOUNT, from, to, pageSize(variables)]);
  },
  DeepPage: (variables) => {
    const first = pageSize(variables);
    const until = dateTime(variables, 'until').toISOString();
    if (variables.after == null) return run('deep_page_first', DEEP_PAGE_FIRST_SQL, [ACCOUNT, first, until]);
    const cursor = decodeCallsCursor(variables.after);
    // Calls listed by a start time before $until all have one, so no cursor of this list is null.
    if (cursor.value === null) throw new BadRequest('after: this list has no calls without a start time.');
    return run('deep_page_after', DEEP_PAGE_AFTER_SQL, [ACCOUNT, cursor.value, cursor.id, first, until]);
  },
  DashboardStatistics: (variables) => {
    const { from, to, ms } = range(variables);
    const zone = timeZone(variables);
    if (Math.ceil(ms / 86_400_000) > MAX_DAY_BUCKETS) throw new BadRequest(`The series would have more than ${MAX_DAY_BUCKETS} buckets.`);
    return run('dashboard_statistics', DASHBOARD_STATISTICS_SQL, [ACCOUNT, zone, from, to]);
  },
  NextPage: (variables) => {
    const { from, to } = range(variables);
    const cursor = decodeCallsCursor(variables.after);
    if (cursor.value === null) throw new BadRequest('after: W1 lists only calls with a start time.');
    return run('next_page', NEXT_PAGE_SQL, [ACCOUNT, from, to, cursor.value, cursor.id, pageSize(variables)]);
  },
  NodeLookups: (variables) => {
    const ids = variables.ids;
    if (!Array.isArray(ids) || ids.length > MAX_NODES) throw new BadRequest(`ids must be a list of at most ${MAX_NODES} ids.`);
    const parsed = ids.map(nodeId);
    return run('node_lookups', NODE_LOOKUPS_SQL, [ACCOUNT, parsed.map((n) => n.type), parsed.map((n) => n.id), ids]);
  },
};

// ---------------------------------------------------------------------------------------------
// HTTP.

function send(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

const errorBody = (message: string) => JSON.stringify({ errors: [{ message }] });

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new BadRequest('The request body is too large.');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = (request.url ?? '').split('?')[0];
  if (request.method === 'GET' && path === '/statements') return send(response, 200, String(statements));
  if (request.method !== 'POST' || path !== '/graphql') return send(response, 404, errorBody('Not found: POST /graphql.'));
  try {
    let body: { operationName?: unknown; variables?: unknown };
    try {
      body = JSON.parse(await readBody(request)) as typeof body;
    } catch (error) {
      throw error instanceof BadRequest ? error : new BadRequest('The body is not JSON.');
    }
    const operation = typeof body?.operationName === 'string' ? OPERATIONS[body.operationName] : undefined;
    if (!operation) throw new BadRequest(`operationName must be one of ${Object.keys(OPERATIONS).join(', ')}.`);
    const variables = body.variables && typeof body.variables === 'object' ? (body.variables as Variables) : {};
    send(response, 200, `{"data":${await operation(variables)}}`);
  } catch (error) {
    if (error instanceof BadRequest) return send(response, 400, errorBody(error.message));
    process.stderr.write(`floor: ${(error as Error).stack ?? String(error)}\n`);
    send(response, 500, errorBody((error as Error).message));
  }
}

// Fail at start-up rather than on the first request when the database is unreachable.
await pool.query('SELECT 1');
const server = createServer((request, response) => void handle(request, response));
server.listen(Number(options.port), options.host, () => {
  const { address, port } = server.address() as AddressInfo;
  process.stdout.write(`floor listening at http://${address.includes(':') ? `[${address}]` : address}:${port}\n`);
});

const stop = () => {
  server.close();
  server.closeAllConnections();
  void pool.end().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
