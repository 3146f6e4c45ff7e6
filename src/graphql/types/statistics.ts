import { timeZoneNames } from '../../db/read/time-zones.js';
import type { SqlExecutor } from '../../db/sql-driver.js';
import { breakdownQuery, DIMENSIONS, seriesQuery, statisticsQuery, type Interval, type Measures, type Statistics } from '../../db/read/statistics.js';
import { UserInputError } from '../../errors.js';
import type { EnumRef } from '@pothos/core';
import { builder, type AppTypes } from '../builder.js';
import type { SqlParams } from '../../db/read/sql.js';
import { columnsOf, identifier, sql, type Sql } from '../../db/sql.js';
import type { Context } from '../context.js';
import { selectedFields, type FieldInfo } from '../selection.js';
import { CallFilter, callFilterWhere } from './call-filter.js';
import { CallDirectionEnum, CallStatusEnum, HangupDispositionEnum } from './enums.js';

const CallMeasures = builder.objectRef<Measures>('CallMeasures').implement({
  description: 'Dashboard measures of a set of calls. A call is answered when it has an answer time or its status is COMPLETED or IN_PROGRESS.',
  fields: (t) => ({
    total: t.exposeInt('total', { description: 'Calls.' }),
    answered: t.exposeInt('answered', { description: 'Answered calls.' }),
    answerSeizureRatio: t.float({
      nullable: true,
      description: 'ASR: answered calls over all calls, from 0 to 1; null when there are no calls.',
      resolve: (m) => (m.total === 0 ? null : Math.round((m.answered / m.total) * 10_000) / 10_000),
    }),
    averageAnsweredDuration: t.exposeFloat('averageAnsweredDuration', { nullable: true, description: 'ACD: average duration of answered calls, in seconds.' }),
    billableSeconds: t.exposeFloat('billableSeconds', { description: 'Seconds connected over answered calls (connect duration where the vendor gives it, else duration).' }),
    averageBillableSeconds: t.exposeFloat('averageBillableSeconds', { nullable: true, description: 'Average billable seconds per answered call.' }),
    withRecording: t.exposeInt('withRecording', { description: 'Calls with at least one stored recording.' }),
  }),
});

const count = <Value extends string>(name: string, type: EnumRef<AppTypes, Value, Value>, description: string) =>
  builder.objectRef<{ value: Value | null; count: number }>(name).implement({
    description,
    fields: (t) => ({
      value: t.expose('value', { type, nullable: true, description: 'The value; null for calls without one.' }),
      count: t.exposeInt('count', { description: 'Calls with that value.' }),
    }),
  });

const StatusCount = count('StatusCount', CallStatusEnum, 'Calls with one status.');
const DirectionCount = count('DirectionCount', CallDirectionEnum, 'Calls with one direction.');
const DispositionCount = count('HangupDispositionCount', HangupDispositionEnum, 'Calls with one hangup disposition.');

const PriceTotal = builder.objectRef<Statistics['prices'][number]>('PriceTotal').implement({
  description: 'The summed price of the calls in one currency.',
  fields: (t) => ({
    currency: t.exposeString('currency', { nullable: true, description: 'ISO 4217 code; null for prices the vendor gave without one.' }),
    amount: t.expose('amount', { type: 'Decimal', description: 'The exact sum.' }),
  }),
});

const CallStatistics = builder.objectRef<Statistics>('CallStatistics').implement({
  description: 'Measures of the calls a filter selects, with counts per status, direction and hangup disposition.',
  fields: (t) => ({
    measures: t.field({ type: CallMeasures, description: 'Totals, ASR, ACD, billable time and recordings.', resolve: (s) => s }),
    prices: t.expose('prices', { type: [PriceTotal], description: 'Total price per currency.' }),
    byStatus: t.expose('byStatus', { type: [StatusCount], description: 'Calls per status, most first.' }),
    byDirection: t.expose('byDirection', { type: [DirectionCount], description: 'Calls per direction, most first.' }),
    byHangupDisposition: t.expose('byHangupDisposition', { type: [DispositionCount], description: 'Calls per hangup disposition, most first.' }),
  }),
});

const SeriesInterval = builder.enumType('SeriesInterval', {
  description: 'The width of a time-series bucket, in the series’ time zone.',
  values: {
    MINUTE: { value: 'minute', description: 'One minute.' },
    HOUR: { value: 'hour', description: 'One hour.' },
    DAY: { value: 'day', description: 'One local day (23 or 25 hours across a daylight-saving change).' },
    WEEK: { value: 'week', description: 'One ISO week, from Monday.' },
    MONTH: { value: 'month', description: 'One calendar month.' },
  } as const,
});

const SeriesBucket = builder.objectRef<{ start: string; measures: Measures }>('SeriesBucket').implement({
  description: 'The calls that started in one bucket of a time series.',
  fields: (t) => ({
    start: t.expose('start', { type: 'DateTime', description: 'When the bucket begins (local midnight, hour … as an instant).' }),
    measures: t.expose('measures', { type: CallMeasures, description: 'Measures of the bucket’s calls; zeros when it has none.' }),
  }),
});

const BreakdownDimension = builder.enumType('BreakdownDimension', {
  description: 'What a breakdown groups calls by.',
  values: Object.fromEntries(Object.keys(DIMENSIONS).map((name) => [name, { value: name, description: `Group by ${name.toLowerCase().replace(/_/g, ' ')}.` }])) as {
    [K in keyof typeof DIMENSIONS]: { value: K; description: string };
  },
});

interface Breakdown {
  rows: Array<{ key: string | null; measures: Measures }>;
  other: (Measures & { groups: number }) | null;
}

const BreakdownRow = builder.objectRef<Breakdown['rows'][number]>('BreakdownRow').implement({
  description: 'One group of a breakdown.',
  fields: (t) => ({
    key: t.exposeString('key', { nullable: true, description: 'The group’s value (a number, an extension, a status …); null for calls without one.' }),
    measures: t.expose('measures', { type: CallMeasures, description: 'Measures of the group’s calls.' }),
  }),
});

const BreakdownOther = builder.objectRef<NonNullable<Breakdown['other']>>('BreakdownOther').implement({
  description: 'Every group past the top N, together.',
  fields: (t) => ({
    groups: t.exposeInt('groups', { description: 'How many groups it holds.' }),
    measures: t.field({ type: CallMeasures, description: 'Measures of their calls together.', resolve: (o) => o }),
  }),
});

const CallBreakdown = builder.objectRef<Breakdown>('CallBreakdown').implement({
  description: 'The largest groups of calls by one dimension, and the rest as one remainder.',
  fields: (t) => ({
    rows: t.expose('rows', { type: [BreakdownRow], description: 'The top groups by call count, ties broken by key.' }),
    other: t.expose('other', { type: BreakdownOther, nullable: true, description: 'All remaining groups; null when there are none.' }),
  }),
});

const MAX_TOP = 100;
const APPROXIMATE_MS: Record<Interval, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000, week: 604_800_000, month: 28 * 86_400_000 };

/** The zone as PostgreSQL names it, or a refusal: PostgreSQL's own list decides, since it buckets the series. */
async function validTimeZone(sql: SqlExecutor, timeZone: string): Promise<string> {
  const name = (await timeZoneNames(sql)).get(timeZone.toLowerCase());
  if (!name) throw new UserInputError(`timeZone: "${timeZone.slice(0, 64)}" is not a time zone PostgreSQL knows, such as Europe/Paris.`, { argument: 'timeZone' });
  return name;
}

/** The text of a typed condition with its values added to a statement's parameters. */
const textOf = (condition: Sql, params: SqlParams) => condition.strings.reduce((text, part, index) => text + (index === 0 ? '' : params.add(condition.values[index - 1])) + part, '');

/** The account and the filter, on the alias `c` the statistics' statements read calls under. */
const where = (ctx: Context, filter: Parameters<typeof callFilterWhere>[0]) => {
  const c = identifier('c');
  const condition = sql`${c}.account_id = ${ctx.accountId} AND ${callFilterWhere(filter, columnsOf(c))}`;
  return (params: SqlParams) => [textOf(condition, params)];
};

async function queryOne<T>(db: Context['db'], query: { sql: string; params: unknown[] }): Promise<T> {
  return (await db.sql.query<T>(query.sql, query.params))[0]!;
}

/** Whether the operation asks for withRecording in the measures at any of `paths`. */
const countsRecordings = (info: FieldInfo, ...paths: Array<readonly string[]>) => selectedFields(info, 'CallMeasures', ...paths).has('withRecording');

builder.queryFields((t) => ({
  callStatistics: t.field({
    type: CallStatistics,
    description: 'Measures of the calls a filter selects, computed in one statement.',
    args: { filter: t.arg({ type: CallFilter, required: false, description: 'The calls to measure; all when absent.' }) },
    resolve: async (_root, args, ctx, info) => {
      const { statistics } = await queryOne<{ statistics: { measures: Measures } & Omit<Statistics, keyof Measures> }>(
        ctx.db,
        statisticsQuery(where(ctx, args.filter), countsRecordings(info, ['measures'])),
      );
      return { ...statistics.measures, ...statistics };
    },
  }),
  callSeries: t.field({
    type: [SeriesBucket],
    description: 'The same measures per time bucket, by start time, every bucket of [from, to) present.',
    args: {
      filter: t.arg({ type: CallFilter, required: false, description: 'The calls to measure.' }),
      interval: t.arg({ type: SeriesInterval, required: true, description: 'Bucket width.' }),
      from: t.arg({ type: 'DateTime', required: true, description: 'Start of the first bucket’s range (inclusive).' }),
      to: t.arg({ type: 'DateTime', required: true, description: 'End of the range (exclusive).' }),
      timeZone: t.arg.string({
        required: false,
        defaultValue: 'UTC',
        description: 'Time zone the buckets follow, such as America/New_York: one of PostgreSQL’s (pg_timezone_names), in any letter case.',
      }),
    },
    resolve: async (_root, args, ctx, info) => {
      const timeZone = await validTimeZone(ctx.db.sql, args.timeZone ?? 'UTC');
      if (args.to <= args.from) throw new UserInputError('to must be after from.', { argument: 'to' });
      const buckets = Math.ceil((args.to.getTime() - args.from.getTime()) / APPROXIMATE_MS[args.interval]);
      if (buckets > ctx.maxBuckets) {
        throw new UserInputError(`The series would have about ${buckets} buckets; the limit is ${ctx.maxBuckets}: use a wider interval or a shorter range.`, { maxBuckets: ctx.maxBuckets });
      }
      const { series } = await queryOne<{ series: Array<{ start: string; measures: Measures }> }>(
        ctx.db,
        seriesQuery(where(ctx, args.filter), args.interval, timeZone, args.from, args.to, countsRecordings(info, ['measures'])),
      );
      return series;
    },
  }),
  callBreakdown: t.field({
    type: CallBreakdown,
    description: 'The top groups of calls by a dimension (direction, status, source, number, DID, extension …), and the rest.',
    args: {
      filter: t.arg({ type: CallFilter, required: false, description: 'The calls to break down.' }),
      by: t.arg({ type: BreakdownDimension, required: true, description: 'What to group by.' }),
      top: t.arg.int({ required: false, defaultValue: 10, description: `How many groups to list (1 to ${MAX_TOP}); the rest form “other”.` }),
    },
    resolve: async (_root, args, ctx, info) => {
      const top = args.top ?? 10;
      if (top < 1 || top > MAX_TOP) throw new UserInputError(`top must be between 1 and ${MAX_TOP}; got ${top}.`, { argument: 'top' });
      const { breakdown } = await queryOne<{ breakdown: Breakdown }>(
        ctx.db,
        breakdownQuery(where(ctx, args.filter), args.by, top, countsRecordings(info, ['rows', 'measures'], ['other', 'measures'])),
      );
      return breakdown;
    },
  }),
}));
