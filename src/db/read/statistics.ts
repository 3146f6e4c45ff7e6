import { Prisma } from '../generated/client.js';
import { columnsOf, identifier } from '../sql.js';
import { HAS_RECORDING } from './calls.js';

/**
 * Dashboard measures, computed by PostgreSQL in one statement per group of statistics that share a
 * filter: no call row leaves the database. A statement reads either the calls or the rollups kept
 * per account and UTC quarter-hour (prisma/migrations/20261202060000_call_rollups,
 * 20261203140000_call_rollup_deltas: `call_quarter_totals` without dimensions,
 * `call_quarter_rollups` with them, and `call_quarter_durations`, the conversation-time
 * histogram); both feed the same aggregation, so every measure has one definition whatever it is
 * read from. The per-call definitions are the SQL functions of the first migration
 * (call_attempted, call_answered …). Every write appends its deltas to `call_rollup_deltas` in its
 * own transaction (20261203140000_call_rollup_deltas) until the compaction folds them into the
 * tables (src/db/rollups.ts): a statement reads a table's rows and the deltas in one snapshot, so
 * a read is exact at every moment.
 */

/** The rollup tables from the narrowest; each holds the columns of the ones before it. */
export const ROLLUP_SOURCES = [
  { source: 'totals', columns: [] as string[] },
  { source: 'dids', columns: ['did_number'] },
  { source: 'rollups', columns: ['source', 'status', 'direction', 'hangup_disposition', 'answered_by', 'currency', 'did_number'] },
] as const;

/** Dimensions a breakdown or a split series can group by: the expression on alias `c`, and whether the rollups hold it. */
export const DIMENSIONS = {
  DIRECTION: { sql: 'c.direction::text', column: 'direction', rollups: true },
  STATUS: { sql: 'c.status::text', column: 'status', rollups: true },
  SOURCE: { sql: 'c.source::text', column: 'source', rollups: true },
  HANGUP_DISPOSITION: { sql: 'c.hangup_disposition::text', column: 'hangup_disposition', rollups: true },
  ANSWERED_BY: { sql: 'c.answered_by::text', column: 'answered_by', rollups: true },
  CURRENCY: { sql: 'c.currency::text', column: 'currency', rollups: true },
  DID_NUMBER: { sql: 'c.did_number', column: 'did_number', rollups: true },
  FROM_NUMBER: { sql: 'c.from_number', column: 'from_number', rollups: false },
  TO_NUMBER: { sql: 'c.to_number', column: 'to_number', rollups: false },
  FROM_ADDRESS: { sql: 'c.from_address', column: 'from_address', rollups: false },
  TO_ADDRESS: { sql: 'c.to_address', column: 'to_address', rollups: false },
  EXTENSION: { sql: 'c.extension_id::text', column: 'extension_id', rollups: false },
} as const;
export type Dimension = keyof typeof DIMENSIONS;

/** Counts per value that every measures object can list, by the column (on calls and rollups alike). */
export const DETAILS = ['status', 'direction', 'hangup_disposition', 'answered_by', 'currency'] as const;
export type Detail = (typeof DETAILS)[number];

/** Filter fields the rollups hold as columns of the same name and type as calls' (CallFilter field → column). */
export const ROLLUP_FILTER_FIELDS: Record<string, string> = {
  source: 'source',
  status: 'status',
  direction: 'direction',
  hangupDisposition: 'hangup_disposition',
  answeredBy: 'answered_by',
  currency: 'currency',
  didNumber: 'did_number',
};

export type Interval = 'minute' | 'five_minutes' | 'fifteen_minutes' | 'hour' | 'day' | 'week' | 'month';

/** Sub-day buckets: [unit, step of the candidate grid] (see boundsSql). */
const SUB_DAY: Partial<Record<Interval, { unit: string; grid: string }>> = {
  minute: { unit: '1 minute', grid: '1 minute' },
  five_minutes: { unit: '5 minutes', grid: '5 minutes' },
  fifteen_minutes: { unit: '15 minutes', grid: '15 minutes' },
  hour: { unit: '1 hour', grid: '15 minutes' },
};
const CALENDAR: Partial<Record<Interval, string>> = { day: 'day', week: 'week', month: 'month' };

/** Intervals whose every boundary is a UTC quarter-hour wherever the zone's offset is a multiple of 15 minutes. */
export const QUARTER_ALIGNED: ReadonlySet<Interval> = new Set(['fifteen_minutes', 'hour', 'day', 'week', 'month']);

export interface Buckets {
  interval: Interval;
  timeZone: string;
  from: Date;
  to: Date;
}

/**
 * The instants where buckets start, in order, then the end of the last one: the bucket holding
 * `from`, every one after it, up to the first boundary at or after `to`.
 *
 * Days, weeks and months are the zone's calendar: local midnights (of Mondays, of the 1st)
 * generated as local timestamps and turned into instants with AT TIME ZONE, which reads a local
 * time skipped by a clock change as the moment of the change. Shorter buckets are runs of the same
 * local clock reading and UTC offset: a candidate instant every grid step (the unit, at most 15
 * minutes: offsets and their changes are multiples of 15 minutes) starts a bucket where the local
 * unit or the offset differs from the previous candidate's. So the hour repeated when clocks go
 * back is two buckets, and the half hour Lord Howe Island skips makes a 30-minute bucket.
 */
function boundsSql(b: Buckets): Prisma.Sql {
  const tz = b.timeZone;
  const from = b.from.toISOString();
  const to = b.to.toISOString();
  const calendar = CALENDAR[b.interval];
  const candidates = calendar
    ? Prisma.sql`SELECT local AT TIME ZONE ${tz}::text AS b
        FROM generate_series(date_trunc(${calendar}::text, ${from}::timestamptz AT TIME ZONE ${tz}::text) - ${`1 ${calendar}`}::interval,
                             date_trunc(${calendar}::text, ${to}::timestamptz AT TIME ZONE ${tz}::text) + ${`2 ${calendar}`}::interval,
                             ${`1 ${calendar}`}::interval) AS local`
    : (() => {
        const { unit, grid } = SUB_DAY[b.interval]!;
        return Prisma.sql`SELECT i AS b FROM (
            SELECT i, date_bin(${unit}::interval, i AT TIME ZONE ${tz}::text, timestamp '2000-01-01') AS label,
                   (i AT TIME ZONE ${tz}::text) - (i AT TIME ZONE 'UTC') AS offset_,
                   date_bin(${unit}::interval, (i - ${grid}::interval) AT TIME ZONE ${tz}::text, timestamp '2000-01-01') AS previous_label,
                   ((i - ${grid}::interval) AT TIME ZONE ${tz}::text) - ((i - ${grid}::interval) AT TIME ZONE 'UTC') AS previous_offset
              FROM generate_series(date_bin(${grid}::interval, ${from}::timestamptz, timestamptz '2000-01-01 00:00:00+00') - ${unit}::interval - ${grid}::interval,
                                   ${to}::timestamptz + ${unit}::interval + ${grid}::interval, ${grid}::interval) AS i) g
            WHERE label <> previous_label OR offset_ <> previous_offset`;
      })();
  return Prisma.sql`
    candidates AS MATERIALIZED (${candidates}),
    bounds AS (
      SELECT array_agg(b ORDER BY b) AS b FROM (SELECT DISTINCT b FROM candidates) d
       WHERE b >= (SELECT max(b) FROM candidates WHERE b <= ${from}::timestamptz)
         AND b <= (SELECT min(b) FROM candidates WHERE b >= ${to}::timestamptz))`;
}

/** What one statement computes: the groupings of its parts over one set of calls. */
export interface Request {
  /** The account read (also in `where`). */
  account: string;
  /** Account, filter and legs, on alias `c` of the source read (calls or rollups: the same columns). */
  where: Prisma.Sql;
  /** Where the calls are read from. */
  source: 'calls' | 'totals' | 'dids' | 'rollups';
  /** Start time in [from, to) (added to `where`); for series, the buckets. */
  range?: { from?: Date; to?: Date };
  buckets?: Buckets;
  /** The dimension breakdowns and splits rank by, and how many of its values are listed. */
  key?: { dimension: Dimension; top: number };
  /** Grouping sets: by bucket, by ranked key, both, or none (the whole), each with the details asked. */
  sets: Array<{ bucket: boolean; key: boolean }>;
  details: ReadonlySet<Detail>;
  percentiles: boolean;
  recordings: boolean;
}

export interface Counts {
  calls: number;
  attempted: number;
  answered: number;
  reached: number;
  conversation_calls: number;
  conversation_seconds: number;
  billable_seconds: number;
  with_recording: number;
}

export interface ResultRow extends Counts {
  bucket: number | null;
  rank: number | null;
  /** 1 when the row is not per ranked key (the whole bucket, or the statement's whole). */
  no_rank: number;
  /** The detail column this row counts one value of; null for a group's own row. */
  detail: Detail | null;
  status: string | null;
  direction: string | null;
  hangup_disposition: string | null;
  answered_by: string | null;
  currency: string | null;
  priced_calls: number;
  price: string;
}

export interface PercentileRow {
  bucket: number | null;
  rank: number | null;
  no_rank: number;
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
}

export interface Result {
  /** Bucket boundaries in epoch milliseconds (series only). */
  bounds: number[] | null;
  /** The ranked keys, most calls first (breakdowns and splits only). */
  keys: Array<string | null> | null;
  /** How many distinct keys have calls. */
  groups: number | null;
  rows: ResultRow[];
  percentiles: PercentileRow[];
}

const raw = Prisma.raw;

/** The statement of a request; its one row's `result` column is a Result. */
export function measuresQuery(request: Request): Prisma.Sql {
  const { source, key, buckets } = request;
  const instant = raw(source === 'calls' ? 'c.start_time' : 'c.quarter');
  const bucketOf = (column: Prisma.Sql) => (buckets ? Prisma.sql`width_bucket(${column}, (SELECT b FROM bounds))` : Prisma.sql`0`);
  const keyOf = key ? raw(DIMENSIONS[key.dimension].sql) : raw('NULL::text');
  const inRange = (column: Prisma.Sql) =>
    Prisma.sql`${request.range?.from ? Prisma.sql` AND ${column} >= ${request.range.from.toISOString()}::timestamptz` : Prisma.empty}${
      request.range?.to ? Prisma.sql` AND ${column} < ${request.range.to.toISOString()}::timestamptz` : Prisma.empty
    }`;
  const where = Prisma.sql`${request.where}${inRange(instant)}`;

  // Only what is asked is carried through the aggregation: a detail column read as text, or a
  // numeric sum of prices, costs per row read.
  const asked = (detail: Detail) => request.details.has(detail);
  const detailColumns = raw(DETAILS.map((detail) => (asked(detail) ? `c.${detail}::text AS ${detail}` : `NULL::text AS ${detail}`)).join(', '));
  let rows: Prisma.Sql;
  let histogram: Prisma.Sql = Prisma.sql`SELECT NULL::int AS bucket, NULL::text AS key, NULL::int AS edge, 0 AS calls WHERE false`;
  if (source === 'calls') {
    rows = Prisma.sql`
      SELECT ${bucketOf(instant)} AS bucket, ${keyOf} AS key,
             ${detailColumns},
             1 AS calls, call_attempted(c.status, c.start_time, c.answer_time)::int AS attempted,
             call_answered(c.status, c.answer_time)::int AS answered, call_reached(c.status, c.start_time, c.answer_time)::int AS reached,
             (x.conversation IS NOT NULL)::int AS conversation_calls, COALESCE(x.conversation, 0) AS conversation_seconds,
             COALESCE(call_billable(c.status, c.answer_time, c.connect_duration, c.duration), 0) AS billable_seconds,
             ${asked('currency') ? raw('(c.price IS NOT NULL)::int AS priced_calls, COALESCE(c.price, 0) AS price') : raw('0 AS priced_calls, 0::numeric AS price')},
             ${request.recordings ? Prisma.sql`${HAS_RECORDING(columnsOf(identifier('c')))}::int` : raw('0')} AS with_recording,
             call_duration_edge(x.conversation) AS edge
        FROM calls c CROSS JOIN LATERAL (SELECT call_conversation(c.status, c.answer_time, c.end_time, c.connect_duration) AS conversation) x
       WHERE ${where}`;
    if (request.percentiles) histogram = Prisma.sql`SELECT bucket, key, edge, calls FROM src WHERE edge IS NOT NULL`;
  } else {
    const rollups = source === 'rollups';
    // A table's rows and the deltas not yet folded into it (a projection of the same columns at
    // the finest grain), each projected by itself so that the union is a plain append.
    const current = (table: string, project: (from: Prisma.Sql) => Prisma.Sql, deltasOnly: Prisma.Sql = Prisma.empty) =>
      Prisma.join([project(Prisma.sql`${raw(table)} c WHERE ${where}`), project(Prisma.sql`call_rollup_deltas c WHERE ${where}${deltasOnly}`)], ' UNION ALL ');
    rows = current(
      `call_quarter_${source}`,
      (from) => Prisma.sql`
      SELECT ${bucketOf(instant)} AS bucket, ${keyOf} AS key,
             ${rollups ? detailColumns : raw(DETAILS.map((detail) => `NULL::text AS ${detail}`).join(', '))},
             c.calls, c.attempted, c.answered, c.reached, c.conversation_calls, c.conversation_seconds, c.billable_seconds,
             ${rollups && asked('currency') ? raw('c.priced_calls, c.price') : raw('0 AS priced_calls, 0::numeric AS price')}, 0 AS with_recording
        FROM ${from}`,
    );
    if (request.percentiles) {
      histogram = current(
        'call_quarter_durations',
        // Summed per bin in each part: the bins are few, the histogram rows many.
        (from) => Prisma.sql`SELECT ${bucketOf(instant)} AS bucket, ${keyOf} AS key, c.edge, sum(c.calls) AS calls FROM ${from} GROUP BY 1, 2, 3`,
        raw(' AND c.edge IS NOT NULL'),
      );
    }
  }

  const top = key
    ? Prisma.sql`SELECT array_agg(key ORDER BY n DESC, key COLLATE "C" NULLS LAST) AS keys FROM (
        SELECT key, sum(calls) AS n FROM src GROUP BY key HAVING sum(calls) > 0 ORDER BY n DESC, key COLLATE "C" NULLS LAST LIMIT ${key.top}::int) t`
    : Prisma.sql`SELECT NULL::text[] AS keys`;
  const groups = key ? Prisma.sql`(SELECT count(*) FROM (SELECT key FROM src GROUP BY key HAVING sum(calls) > 0) k)::int` : Prisma.sql`NULL::int`;

  const details = DETAILS.filter((detail) => request.details.has(detail));
  const setColumns = request.sets.map((set) => [...(set.bucket ? ['bucket'] : []), ...(set.key ? ['rank'] : [])]);
  const sets = setColumns.flatMap((base) => [null, ...details].map((extra) => raw(`(${[...base, ...(extra ? [extra] : [])].join(', ')})`)));
  // GROUPING() takes only columns some set groups by.
  const noRank = request.sets.some((set) => set.key) ? raw('GROUPING(rank)') : raw('1');
  const bucketColumn = raw(request.sets.some((set) => set.bucket) ? 'bucket' : 'NULL::int AS bucket');
  const rankColumn = raw(request.sets.some((set) => set.key) ? 'rank' : 'NULL::int AS rank');
  const detailOf = details.length
    ? raw(`CASE ${details.map((detail) => `WHEN GROUPING(${detail}) = 0 THEN '${detail}'`).join(' ')} END`)
    : raw('NULL::text');
  const groupedDetails = raw(DETAILS.map((detail) => (details.includes(detail) ? detail : `NULL::text AS ${detail}`)).join(', '));

  const percentiles = request.percentiles
    ? Prisma.sql`
      pct AS (
        SELECT ${bucketColumn}, ${rankColumn}, ${noRank} AS no_rank, edge, sum(n) AS n FROM (
          SELECT h.bucket, array_position(t.keys, h.key) AS rank, h.edge, h.calls AS n FROM histogram h CROSS JOIN top t) x
         GROUP BY edge, GROUPING SETS (${Prisma.join(setColumns.map((columns) => raw(`(${columns.join(', ')})`)), ', ')})),
      percentiles AS (
        SELECT bucket, rank, no_rank,
               min(edge) FILTER (WHERE cum >= 0.5 * total) AS p50, min(edge) FILTER (WHERE cum >= 0.9 * total) AS p90,
               min(edge) FILTER (WHERE cum >= 0.95 * total) AS p95, min(edge) FILTER (WHERE cum >= 0.99 * total) AS p99
          FROM (SELECT bucket, rank, no_rank, edge,
                       sum(n) OVER (PARTITION BY bucket, rank, no_rank ORDER BY edge) AS cum,
                       sum(n) OVER (PARTITION BY bucket, rank, no_rank) AS total
                  FROM pct WHERE n > 0) y
         GROUP BY bucket, rank, no_rank),`
    : Prisma.sql`percentiles AS (SELECT NULL::int AS bucket WHERE false),`;

  return Prisma.sql`
    WITH ${buckets ? Prisma.sql`${boundsSql(buckets)},` : Prisma.empty}
    src AS MATERIALIZED (${rows}),
    histogram AS (${histogram}),
    top AS (${top}),
    ${percentiles}
    agg AS (
      SELECT ${bucketColumn}, ${rankColumn}, ${noRank} AS no_rank, ${detailOf} AS detail, ${groupedDetails},
             sum(calls)::int AS calls, sum(attempted)::int AS attempted, sum(answered)::int AS answered, sum(reached)::int AS reached,
             sum(conversation_calls)::int AS conversation_calls, sum(conversation_seconds)::float8 AS conversation_seconds,
             sum(billable_seconds::float8) AS billable_seconds, ${asked('currency') ? raw('sum(priced_calls)::int AS priced_calls, sum(price)::text AS price') : raw(`0 AS priced_calls, '0' AS price`)},
             ${request.recordings ? raw('sum(with_recording)::int') : raw('0')} AS with_recording
        FROM (SELECT s.*, array_position(t.keys, s.key) AS rank FROM src s CROSS JOIN top t) l
       GROUP BY GROUPING SETS (${Prisma.join(sets, ', ')})
      HAVING sum(calls) > 0)
    SELECT json_build_object(
      'bounds', ${buckets ? Prisma.sql`(SELECT array_agg(extract(epoch FROM b) * 1000 ORDER BY b) FROM (SELECT unnest(b) AS b FROM bounds) u)` : Prisma.sql`NULL::int`},
      'keys', (SELECT keys FROM top),
      'groups', ${groups},
      'rows', (SELECT COALESCE(json_agg(a), '[]'::json) FROM agg a),
      'percentiles', (SELECT COALESCE(json_agg(p), '[]'::json) FROM percentiles p)) AS result`;
}

const QUARTER_MS = 15 * 60_000;
const aligned = (date: Date | undefined) => date === undefined || date.getTime() % QUARTER_MS === 0;

/**
 * One formatter per zone: making an Intl.DateTimeFormat loads the zone's rules and costs far more
 * than formatting with it, and a series asks twice per request. Zones reaching here are
 * names PostgreSQL knows, so the map holds at most its ~1,200 zones.
 */
const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** The zone's UTC offset at an instant, in minutes (Intl's "GMT+10:30" reading). */
export function offsetMinutes(timeZone: string, at: Date): number {
  let format = offsetFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    offsetFormats.set(timeZone, format);
  }
  const name = format.formatToParts(at).find((part) => part.type === 'timeZoneName')!.value;
  const match = /GMT([+-])(\d{2}):(\d{2})(?::(\d{2}))?/.exec(name);
  if (!match) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3]) + Number(match[4] ?? 0) / 60;
  return match[1] === '-' ? -minutes : minutes;
}

/** A filter as the rollups can answer it: the rest goes to the shared call filter on the rollups' columns. */
export interface RollupFilter<F> {
  rest: F | null;
  isLeg: boolean | null;
  start: { from?: Date; to?: Date };
  /** The rollup columns it reads. */
  columns: Set<string>;
}

type FilterLike = Record<string, unknown> & { AND?: readonly FilterLike[] | null; OR?: readonly FilterLike[] | null; NOT?: FilterLike | null };

const present = (value: unknown) => value !== null && value !== undefined;

/** Whether a (nested) filter reads only columns the rollups hold; adds those columns to `columns`. */
function onlyRollupFields(filter: FilterLike, columns: Set<string>): boolean {
  return Object.entries(filter).every(([field, value]) => {
    if (!present(value)) return true;
    if (field === 'AND' || field === 'OR') return (value as FilterLike[]).every((inner) => onlyRollupFields(inner, columns));
    if (field === 'NOT') return onlyRollupFields(value as FilterLike, columns);
    columns.add(ROLLUP_FILTER_FIELDS[field]!);
    return field in ROLLUP_FILTER_FIELDS;
  });
}

/** A filter's top-level start time as a range [from, to), and the rest; null when it uses other operators. */
export function startRange<F extends object>(filter: F | null | undefined): { rest: F | null; start: { from?: Date; to?: Date } } | null {
  const { startTime, ...rest } = (filter ?? {}) as FilterLike & { startTime?: Record<string, Date | null> | null };
  const start: { from?: Date; to?: Date } = {};
  for (const [operator, value] of Object.entries(startTime ?? {})) {
    if (!present(value)) continue;
    if (operator === 'gte') start.from = value!;
    else if (operator === 'lt') start.to = value!;
    else return null;
  }
  return { rest: Object.values(rest).some(present) ? (rest as F) : null, start };
}

/**
 * The filter split for the rollups, or null when they cannot answer it: a field they do not
 * hold, or a start time that is not a range [gte, lt) of UTC quarter-hours.
 */
export function rollupFilter<F extends object>(filter: F | null | undefined): RollupFilter<F> | null {
  const split = startRange(filter);
  if (!split || !aligned(split.start.from) || !aligned(split.start.to)) return null;
  const { isLeg, ...rest } = (split.rest ?? {}) as FilterLike & { isLeg?: boolean | null };
  const columns = new Set<string>();
  if (!onlyRollupFields(rest, columns)) return null;
  return { rest: Object.values(rest).some(present) ? (rest as F) : null, isLeg: isLeg ?? null, start: split.start, columns };
}

/** Whether a series' boundaries are UTC quarter-hours, so the rollups can fill its buckets. */
export function quarterAligned(buckets: Buckets): boolean {
  return (
    QUARTER_ALIGNED.has(buckets.interval) &&
    aligned(buckets.from) &&
    aligned(buckets.to) &&
    [buckets.from, buckets.to].every((at) => offsetMinutes(buckets.timeZone, at) % 15 === 0)
  );
}

export interface ValueCount {
  value: string | null;
  count: number;
}

/** The measures of one group of calls, as counts and sums; ratios are derived by the schema. */
export interface Measures {
  total: number;
  attempted: number;
  answered: number;
  reached: number;
  conversationCalls: number;
  conversationSeconds: number;
  billableSeconds: number;
  withRecording: number;
  prices: Array<{ currency: string | null; amount: string }>;
  byStatus: ValueCount[];
  byDirection: ValueCount[];
  byHangupDisposition: ValueCount[];
  byAnsweredBy: ValueCount[];
  percentiles: { p50: number | null; p90: number | null; p95: number | null; p99: number | null } | null;
}

export const emptyMeasures = (): Measures => ({
  total: 0,
  attempted: 0,
  answered: 0,
  reached: 0,
  conversationCalls: 0,
  conversationSeconds: 0,
  billableSeconds: 0,
  withRecording: 0,
  prices: [],
  byStatus: [],
  byDirection: [],
  byHangupDisposition: [],
  byAnsweredBy: [],
  percentiles: null,
});

const byCount = (a: ValueCount, b: ValueCount) => b.count - a.count || (a.value === null ? 1 : b.value === null ? -1 : a.value < b.value ? -1 : a.value > b.value ? 1 : 0);

/**
 * The measures of every group of a result, by `${bucket}:${rank}` (rank `all` for a bucket's own
 * row, `other` for the keys past the top).
 */
export function groupsOf(result: Result): Map<string, Measures> {
  const groups = new Map<string, Measures>();
  const idOf = (row: { bucket: number | null; rank: number | null; no_rank: number }) =>
    `${row.bucket ?? 0}:${row.no_rank ? 'all' : row.rank === null ? 'other' : row.rank}`;
  const get = (id: string) => {
    let measures = groups.get(id);
    if (!measures) groups.set(id, (measures = emptyMeasures()));
    return measures;
  };
  for (const row of result.rows) {
    const measures = get(idOf(row));
    switch (row.detail) {
      case null:
        Object.assign(measures, {
          total: row.calls,
          attempted: row.attempted,
          answered: row.answered,
          reached: row.reached,
          conversationCalls: row.conversation_calls,
          conversationSeconds: row.conversation_seconds,
          billableSeconds: row.billable_seconds,
          withRecording: row.with_recording,
        });
        break;
      case 'currency':
        if (row.priced_calls > 0) measures.prices.push({ currency: row.currency, amount: row.price });
        break;
      case 'status':
        measures.byStatus.push({ value: row.status, count: row.calls });
        break;
      case 'direction':
        measures.byDirection.push({ value: row.direction, count: row.calls });
        break;
      case 'hangup_disposition':
        measures.byHangupDisposition.push({ value: row.hangup_disposition, count: row.calls });
        break;
      case 'answered_by':
        measures.byAnsweredBy.push({ value: row.answered_by, count: row.calls });
        break;
    }
  }
  for (const row of result.percentiles) get(idOf(row)).percentiles = { p50: row.p50, p90: row.p90, p95: row.p95, p99: row.p99 };
  for (const measures of groups.values()) {
    measures.prices.sort((a, b) => (a.currency === null ? 1 : b.currency === null ? -1 : a.currency < b.currency ? -1 : 1));
    for (const list of [measures.byStatus, measures.byDirection, measures.byHangupDisposition, measures.byAnsweredBy]) list.sort(byCount);
  }
  return groups;
}
