import type { CallDirection, CallStatus, HangupDisposition } from '../generated/enums.js';
import { ANSWERED as answeredOn, HAS_RECORDING as hasRecordingOn } from './calls.js';
import { columnsOf, identifier, type Sql } from '../sql.js';
import { and, isoTime, SqlParams } from './sql.js';

/** A condition without values as text on the alias `c` these statements read calls under. */
const onC = (condition: (column: ReturnType<typeof columnsOf>) => Sql) => {
  const written = condition(columnsOf(identifier('c')));
  if (written.values.length > 0) throw new Error('a condition with values cannot be written as text');
  return written.strings.join('');
};
const ANSWERED = (_alias: 'c') => onC(answeredOn);
const HAS_RECORDING = (_alias: 'c') => onC(hasRecordingOn);

/**
 * Dashboard measures, computed by PostgreSQL in one statement over the calls a filter selects:
 * no call row leaves the database.
 */

/**
 * Scalar measures of a group of calls `c`; every statistic, bucket and breakdown row has them.
 * Counting calls with a recording probes the recordings of every call (most of a month's
 * series), so it is done only when the operation asks for it.
 */
const measures = (countRecordings: boolean) => `
  count(*)::int AS "total",
  count(*) FILTER (WHERE ${ANSWERED('c')})::int AS "answered",
  round(avg(c.duration) FILTER (WHERE ${ANSWERED('c')}), 1)::float8 AS "averageAnsweredDuration",
  COALESCE(sum(COALESCE(c.connect_duration, c.duration)) FILTER (WHERE ${ANSWERED('c')}), 0)::bigint::float8 AS "billableSeconds",
  round(avg(COALESCE(c.connect_duration, c.duration)) FILTER (WHERE ${ANSWERED('c')}), 1)::float8 AS "averageBillableSeconds",
  ${countRecordings ? `count(*) FILTER (WHERE ${HAS_RECORDING('c')})::int` : 'NULL::int'} AS "withRecording"`;

export interface Measures {
  total: number;
  answered: number;
  averageAnsweredDuration: number | null;
  billableSeconds: number;
  averageBillableSeconds: number | null;
  withRecording: number;
}

export interface Statistics extends Measures {
  prices: Array<{ currency: string | null; amount: string }>;
  byStatus: Array<{ value: CallStatus; count: number }>;
  byDirection: Array<{ value: CallDirection | null; count: number }>;
  byHangupDisposition: Array<{ value: HangupDisposition | null; count: number }>;
}

type Where = (params: SqlParams) => string[];

const countsBy = (column: string) =>
  `(SELECT COALESCE(json_agg(json_build_object('value', v, 'count', n) ORDER BY n DESC, v), '[]'::json)
      FROM (SELECT c.${column}::text AS v, count(*)::int AS n FROM selected c GROUP BY 1) g)`;

export function statisticsQuery(where: Where, countRecordings: boolean): { sql: string; params: unknown[] } {
  const params = new SqlParams();
  const sql = `WITH selected AS MATERIALIZED (SELECT * FROM calls c WHERE ${and(where(params))})
    SELECT json_build_object(
      'measures', (SELECT row_to_json(m) FROM (SELECT ${measures(countRecordings)} FROM selected c) m),
      'prices', (SELECT COALESCE(json_agg(json_build_object('currency', currency, 'amount', amount::text) ORDER BY currency), '[]'::json)
                   FROM (SELECT c.currency, sum(c.price) AS amount FROM selected c WHERE c.price IS NOT NULL GROUP BY c.currency) p),
      'byStatus', ${countsBy('status')},
      'byDirection', ${countsBy('direction')},
      'byHangupDisposition', ${countsBy('hangup_disposition')}) AS statistics`;
  return { sql, params: params.values };
}

export type Interval = 'minute' | 'hour' | 'day' | 'week' | 'month';

/**
 * Buckets follow the client's time zone. Days, weeks and months are local calendar units (a day
 * is 23 or 25 hours across a daylight-saving change). Minutes and hours are absolute: a bucket
 * starts where the local clock shows a whole hour, so the hour repeated when clocks go back is
 * two buckets, and the hour skipped when they go forward is none. Every bucket of the range is
 * present, empty ones with zeros.
 */
export function seriesQuery(
  where: Where,
  interval: Interval,
  timeZone: string,
  from: Date,
  to: Date,
  countRecordings: boolean,
): { sql: string; params: unknown[] } {
  const params = new SqlParams();
  const tz = params.add(timeZone);
  const unit = params.add(interval);
  const step = params.add(`1 ${interval}`, 'interval');
  const start = params.add(from.toISOString(), 'timestamptz');
  const end = params.add(to.toISOString(), 'timestamptz');
  const conditions = and([...where(params), `c.start_time >= ${start}`, `c.start_time < ${end}`]);
  const absolute = interval === 'minute' || interval === 'hour';
  // The instant a bucket starts: the time minus how far the local clock is into the unit.
  const bucketOf = (instant: string) =>
    absolute
      ? `${instant} - ((${instant} AT TIME ZONE ${tz}) - date_trunc(${unit}, ${instant} AT TIME ZONE ${tz}))`
      : `date_trunc(${unit}, ${instant} AT TIME ZONE ${tz}) AT TIME ZONE ${tz}`;
  const series = absolute
    ? `generate_series(${bucketOf(start)}, ${end} - interval '1 microsecond', ${step})`
    : `(SELECT local AT TIME ZONE ${tz} FROM generate_series(date_trunc(${unit}, ${start} AT TIME ZONE ${tz}), (${end} AT TIME ZONE ${tz}) - interval '1 microsecond', ${step}) AS local)`;
  const sql = `WITH buckets AS (SELECT starts FROM ${series} AS b(starts)),
    grouped AS (SELECT ${bucketOf('c.start_time')} AS starts, ${measures(countRecordings)} FROM calls c WHERE ${conditions} GROUP BY 1)
    SELECT COALESCE(json_agg(json_build_object('start', ${isoTime('b.starts')}, 'measures', json_build_object(
             'total', COALESCE(g.total, 0), 'answered', COALESCE(g.answered, 0),
             'averageAnsweredDuration', g."averageAnsweredDuration", 'billableSeconds', COALESCE(g."billableSeconds", 0),
             'averageBillableSeconds', g."averageBillableSeconds", 'withRecording', COALESCE(g."withRecording", 0)))
           ORDER BY b.starts), '[]'::json) AS series
      FROM buckets b LEFT JOIN grouped g ON g.starts = b.starts`;
  return { sql, params: params.values };
}

/** Expressions the breakdowns group by. */
export const DIMENSIONS = {
  DIRECTION: 'c.direction::text',
  STATUS: 'c.status::text',
  SOURCE: 'c.source::text',
  FROM_NUMBER: 'COALESCE(c.from_number, c.from_address)',
  TO_NUMBER: 'COALESCE(c.to_number, c.to_address)',
  DID_NUMBER: 'c.did_number',
  EXTENSION: 'COALESCE(c.extension_name, c.extension_id::text)',
  HANGUP_DISPOSITION: 'c.hangup_disposition::text',
  ANSWERED_BY: 'c.answered_by::text',
} as const;

/**
 * The `top` largest groups by call count (ties by key), then one "other" row holding the rest,
 * so the rows always add up to the whole slice.
 */
export function breakdownQuery(where: Where, dimension: keyof typeof DIMENSIONS, top: number, countRecordings: boolean): { sql: string; params: unknown[] } {
  const params = new SqlParams();
  const limit = params.add(top, 'int');
  const sql = `WITH grouped AS (
      SELECT ${DIMENSIONS[dimension]} AS key, ${measures(countRecordings)},
             sum(c.duration) FILTER (WHERE ${ANSWERED('c')}) AS answered_duration, count(c.duration) FILTER (WHERE ${ANSWERED('c')}) AS answered_with_duration,
             count(COALESCE(c.connect_duration, c.duration)) FILTER (WHERE ${ANSWERED('c')}) AS billable_calls
        FROM calls c WHERE ${and(where(params))} GROUP BY 1),
    ranked AS (SELECT *, row_number() OVER (ORDER BY total DESC, key NULLS LAST) AS rank FROM grouped)
    SELECT json_build_object(
      'rows', (SELECT COALESCE(json_agg(json_build_object('key', key, 'measures', json_build_object(
                 'total', total, 'answered', answered, 'averageAnsweredDuration', "averageAnsweredDuration",
                 'billableSeconds', "billableSeconds", 'averageBillableSeconds', "averageBillableSeconds", 'withRecording', "withRecording"))
               ORDER BY rank), '[]'::json) FROM ranked WHERE rank <= ${limit}),
      'other', (SELECT CASE WHEN count(*) = 0 THEN NULL ELSE json_build_object(
                 'groups', count(*)::int, 'total', sum(total)::int, 'answered', sum(answered)::int,
                 'averageAnsweredDuration', round(sum(answered_duration) / NULLIF(sum(answered_with_duration), 0), 1),
                 'billableSeconds', sum("billableSeconds"),
                 'averageBillableSeconds', round(sum("billableSeconds")::numeric / NULLIF(sum(billable_calls), 0), 1),
                 'withRecording', sum("withRecording")::int) END
                FROM ranked WHERE rank > ${limit})) AS breakdown`;
  return { sql, params: params.values };
}
