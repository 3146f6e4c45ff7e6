import { Prisma } from '../../db/generated/client.js';
import { accountScope } from '../../db/read/scope.js';
import {
  DIMENSIONS,
  emptyMeasures,
  groupsOf,
  measuresQuery,
  quarterAligned,
  rollupFilter,
  ROLLUP_SOURCES,
  startRange,
  type Buckets,
  type Detail,
  type Dimension,
  type Interval,
  type Measures,
  type Request,
  type Result,
  type ValueCount,
} from '../../db/read/statistics.js';
import { columnsOf, identifier, sql } from '../../db/sql.js';
import { UserInputError } from '../../errors.js';
import type { EnumRef } from '@pothos/core';
import { builder, type AppTypes } from '../builder.js';
import type { Context } from '../context.js';
import { selectedFields, type FieldInfo } from '../selection.js';
import { CallFilter, callFilterWhere } from './call-filter.js';
import { AnsweredByEnum, CallDirectionEnum, CallStatusEnum, HangupDispositionEnum } from './enums.js';

type Filter = NonNullable<Parameters<typeof callFilterWhere>[0]>;

/**
 * The account and filter as a condition on alias `c`: the one place statistics use the shared
 * call filter, on the calls or on the rollups (whose dimension columns have the calls' names).
 */
function conditions(ctx: Context, filter: Filter | null): Prisma.Sql {
  const c = identifier('c');
  return sql`${accountScope(c, ctx.accountId)} AND ${callFilterWhere(filter, columnsOf(c))}`;
}

const ratio = (numerator: number, denominator: number) => (denominator === 0 ? null : numerator / denominator);

const PriceTotal = builder.objectRef<Measures['prices'][number]>('PriceTotal').implement({
  description: 'The summed price of the calls in one currency.',
  fields: (t) => ({
    currency: t.exposeString('currency', { nullable: true, description: 'ISO 4217 code; null for prices the vendor gave without one.' }),
    amount: t.expose('amount', { type: 'Decimal', description: 'The exact sum.' }),
  }),
});

const count = <Value extends string>(name: string, type: EnumRef<AppTypes, Value, Value>, description: string) =>
  builder.objectRef<ValueCount>(name).implement({
    description,
    fields: (t) => ({
      // The statement reads the value as the enum's text, which is its GraphQL value.
      value: t.field({ type, nullable: true, description: 'The value; null for calls without one.', resolve: (c) => c.value as never }),
      count: t.exposeInt('count', { description: 'Calls with that value.' }),
    }),
  });

const StatusCount = count('StatusCount', CallStatusEnum, 'Calls with one status.');
const DirectionCount = count('DirectionCount', CallDirectionEnum, 'Calls with one direction.');
const DispositionCount = count('HangupDispositionCount', HangupDispositionEnum, 'Calls with one hangup disposition.');
const AnsweredByCount = count('AnsweredByCount', AnsweredByEnum, 'Calls with one answering-machine detection outcome.');

const Percentiles = builder.objectRef<NonNullable<Measures['percentiles']>>('ConversationPercentiles').implement({
  description:
    'Percentiles of the conversation time of answered calls that have one, in seconds: the nearest-rank value (PostgreSQL percentile_disc) of the conversation times rounded down to whole seconds and then to the lower edge of a histogram bin. Bins are whole seconds below 32 s and 16 per doubling above, so a value below 32 is exact to the second and a value v above is at most v/16 (6.25%) below the exact percentile. Null when no answered call has a conversation time.',
  fields: (t) => ({
    p50: t.exposeInt('p50', { nullable: true, description: 'Median.' }),
    p90: t.exposeInt('p90', { nullable: true, description: '90th percentile.' }),
    p95: t.exposeInt('p95', { nullable: true, description: '95th percentile.' }),
    p99: t.exposeInt('p99', { nullable: true, description: '99th percentile.' }),
  }),
});

const CallMeasures = builder.objectRef<Measures>('CallMeasures').implement({
  description:
    'Dashboard measures of a set of calls, unrounded. Legs are counted only when countLegs is true. A call is attempted when it was dialled: it has a start time and its status is not QUEUED (FreeClimb and CallFire queued calls have no start; CallFire’s start is its first attempt’s OriginateTime), or it was answered. It is answered when it has an answer time or its status is COMPLETED or IN_PROGRESS. It reached the called party when it was answered, or attempted and BUSY or NO_ANSWER. Its conversation time is answer to end when both are known, else the vendor’s connected seconds (FreeClimb connectDuration). Its billable seconds are the vendor’s connected seconds, else its duration, for answered calls.',
  fields: (t) => ({
    total: t.exposeInt('total', { description: 'Calls.' }),
    attempted: t.exposeInt('attempted', { description: 'Attempted (dialled) calls.' }),
    answered: t.exposeInt('answered', { description: 'Answered calls.' }),
    reached: t.exposeInt('reached', { description: 'Attempted calls that reached the called party: answered, busy or not answered.' }),
    answerSeizureRatio: t.float({
      nullable: true,
      description: 'ASR = answered / attempted, from 0 to 1, unrounded; null when no call was attempted.',
      resolve: (m) => ratio(m.answered, m.attempted),
    }),
    networkEffectivenessRatio: t.float({
      nullable: true,
      description: 'NER = reached / attempted (answered, busy and not-answered calls over attempted ones), unrounded; null when no call was attempted.',
      resolve: (m) => ratio(m.reached, m.attempted),
    }),
    conversationCalls: t.exposeInt('conversationCalls', { description: 'Answered calls with a known conversation time.' }),
    conversationSeconds: t.exposeFloat('conversationSeconds', { description: 'Conversation time of the answered calls, in seconds (to the millisecond).' }),
    averageAnsweredDuration: t.float({
      nullable: true,
      description: 'ACD = conversationSeconds / conversationCalls: mean conversation time (answer to end) of answered calls with a known one, in seconds, unrounded; null when there are none.',
      resolve: (m) => ratio(m.conversationSeconds, m.conversationCalls),
    }),
    billableSeconds: t.exposeFloat('billableSeconds', { description: 'Billable seconds of the answered calls (connected seconds where the vendor gives them, else duration).' }),
    averageBillableSeconds: t.float({
      nullable: true,
      description: 'billableSeconds / answered: billable seconds per answered call (one without billable seconds counts as 0), unrounded; null when none was answered.',
      resolve: (m) => ratio(m.billableSeconds, m.answered),
    }),
    withRecording: t.exposeInt('withRecording', { description: 'Calls with at least one stored recording (read from the calls, never from rollups).' }),
    prices: t.expose('prices', { type: [PriceTotal], description: 'Total price per currency, by currency code.' }),
    byStatus: t.expose('byStatus', { type: [StatusCount], description: 'Calls per status, most first.' }),
    byDirection: t.expose('byDirection', { type: [DirectionCount], description: 'Calls per direction, most first.' }),
    byHangupDisposition: t.expose('byHangupDisposition', { type: [DispositionCount], description: 'Calls per hangup disposition, most first.' }),
    byAnsweredBy: t.expose('byAnsweredBy', { type: [AnsweredByCount], description: 'Calls per answering-machine detection outcome, most first.' }),
    conversationPercentiles: t.field({
      type: Percentiles,
      description: 'p50, p90, p95 and p99 of the conversation time.',
      resolve: (m) => m.percentiles ?? { p50: null, p90: null, p95: null, p99: null },
    }),
  }),
});

const CallStatistics = builder.objectRef<Measures>('CallStatistics').implement({
  description: 'Measures of the calls a filter selects, with counts per status, direction and hangup disposition.',
  fields: (t) => ({
    measures: t.field({ type: CallMeasures, description: 'Totals, ratios, times, prices and counts.', resolve: (s) => s }),
    prices: t.expose('prices', { type: [PriceTotal], description: 'Total price per currency (as measures.prices).' }),
    byStatus: t.expose('byStatus', { type: [StatusCount], description: 'Calls per status, most first (as measures.byStatus).' }),
    byDirection: t.expose('byDirection', { type: [DirectionCount], description: 'Calls per direction, most first.' }),
    byHangupDisposition: t.expose('byHangupDisposition', { type: [DispositionCount], description: 'Calls per hangup disposition, most first.' }),
  }),
});

const SeriesInterval = builder.enumType('SeriesInterval', {
  description: 'The width of a time-series bucket, on the series’ time zone’s clock.',
  values: {
    MINUTE: { value: 'minute', description: 'One minute of the local clock.' },
    FIVE_MINUTES: { value: 'five_minutes', description: 'Five minutes of the local clock (:00, :05 …).' },
    FIFTEEN_MINUTES: { value: 'fifteen_minutes', description: 'Fifteen minutes of the local clock (:00, :15, :30, :45).' },
    HOUR: {
      value: 'hour',
      description: 'One hour of the local clock. A clock change starts a bucket: the hour repeated when clocks go back is two buckets, and a 30-minute change (Australia/Lord_Howe) makes a 30-minute bucket.',
    },
    DAY: { value: 'day', description: 'One local calendar day (23 or 25 hours across a daylight-saving change).' },
    WEEK: { value: 'week', description: 'One ISO week, from local Monday midnight.' },
    MONTH: { value: 'month', description: 'One calendar month, from local midnight of the 1st.' },
  } as const,
});

const dimensionDescriptions: Record<Dimension, string> = {
  DIRECTION: 'Direction; a key drills down with filter { direction: { in: [key] } }, null with { direction: { isNull: true } }.',
  STATUS: 'Status; drill down with { status: { in: [key] } }.',
  SOURCE: 'Source platform; drill down with { source: { in: [key] } }.',
  HANGUP_DISPOSITION: 'Hangup disposition; drill down with { hangupDisposition: { in: [key] } }, null with { hangupDisposition: { isNull: true } }.',
  ANSWERED_BY: 'Answering-machine detection outcome; drill down with { answeredBy: { in: [key] } }, null with { answeredBy: { isNull: true } }.',
  CURRENCY: 'Price currency; drill down with { currency: { eq: key } }, null with { currency: { isNull: true } }.',
  DID_NUMBER: 'DID number (E.164); drill down with { didNumber: { eq: key } }, null with { didNumber: { isNull: true } }.',
  FROM_NUMBER: 'Caller number (E.164, only calls whose from address is a phone number); drill down with { fromNumber: { eq: key } }, null with { fromNumber: { isNull: true } }.',
  TO_NUMBER: 'Called number (E.164); drill down with { toNumber: { eq: key } }, null with { toNumber: { isNull: true } }.',
  FROM_ADDRESS: 'The from address as the vendor gave it (number, client name, SIP URI); drill down with { fromAddress: { eq: key } }, null with { fromAddress: { isNull: true } }.',
  TO_ADDRESS: 'The to address as the vendor gave it; drill down with { toAddress: { eq: key } }, null with { toAddress: { isNull: true } }.',
  EXTENSION: 'PBX extension id; drill down with { extensionId: { eq: key } }, null with { extensionId: { isNull: true } }.',
};

const BreakdownDimension = builder.enumType('BreakdownDimension', {
  description: 'What a breakdown or a split series groups calls by. Every key is a value the matching CallFilter field accepts.',
  values: Object.fromEntries(Object.keys(DIMENSIONS).map((name) => [name, { value: name, description: dimensionDescriptions[name as Dimension] }])) as {
    [K in Dimension]: { value: K; description: string };
  },
});

interface Group {
  key: string | null;
  measures: Measures;
}

interface Bucket {
  start: string;
  length: number;
  measures: Measures;
  splits: Group[];
  other: Measures | null;
}

const SeriesSplit = builder.objectRef<Group>('SeriesSplit').implement({
  description: 'The calls of one bucket with one value of the split dimension.',
  fields: (t) => ({
    key: t.exposeString('key', { nullable: true, description: 'The value (null for calls without one); the same keys, in the same order, in every bucket.' }),
    measures: t.expose('measures', { type: CallMeasures, description: 'Measures of those calls; zeros when there are none.' }),
  }),
});

const SeriesBucket = builder.objectRef<Bucket>('SeriesBucket').implement({
  description: 'The calls that started in one bucket of a time series.',
  fields: (t) => ({
    start: t.expose('start', { type: 'DateTime', description: 'When the bucket begins: the instant its local boundary (midnight, hour …) occurs.' }),
    lengthSeconds: t.exposeInt('length', { description: 'How long the bucket is, in seconds (a day is 82,800 to 90,000 around clock changes).' }),
    measures: t.expose('measures', { type: CallMeasures, description: 'Measures of the bucket’s calls in [from, to); zeros when it has none.' }),
    splits: t.expose('splits', { type: [SeriesSplit], description: 'With splitBy: the bucket’s calls per top value of the dimension, in the series’ order.' }),
    other: t.expose('other', { type: CallMeasures, nullable: true, description: 'With splitBy: the bucket’s calls of every other value; null without splitBy or when every value is listed.' }),
  }),
});

interface Breakdown {
  rows: Group[];
  other: (Measures & { groups: number }) | null;
}

const BreakdownRow = builder.objectRef<Group>('BreakdownRow').implement({
  description: 'One group of a breakdown.',
  fields: (t) => ({
    key: t.exposeString('key', {
      nullable: true,
      description: 'The group’s value, which the dimension’s filter field accepts (see BreakdownDimension); null for the calls without one, ranked like any other group.',
    }),
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
    rows: t.expose('rows', { type: [BreakdownRow], description: 'The top groups by call count, ties broken by key in byte order, null last.' }),
    other: t.expose('other', { type: BreakdownOther, nullable: true, description: 'All remaining groups; null when there are none.' }),
  }),
});

const MAX_TOP = 100;
const APPROXIMATE_MS: Record<Interval, number> = {
  minute: 60_000,
  five_minutes: 300_000,
  fifteen_minutes: 900_000,
  hour: 3_600_000,
  day: 86_400_000,
  week: 604_800_000,
  month: 28 * 86_400_000,
};

/** The zone as PostgreSQL names it, or a refusal: PostgreSQL's own list decides, since it buckets the series. */
async function validTimeZone(ctx: Context, timeZone: string): Promise<string> {
  const name = (await ctx.timeZones()).get(timeZone.toLowerCase());
  if (!name) throw new UserInputError(`timeZone: "${timeZone.slice(0, 64)}" is not a time zone PostgreSQL knows, such as Europe/Paris.`, { argument: 'timeZone' });
  return name;
}

function validTop(top: number): number {
  if (top < 1 || top > MAX_TOP) throw new UserInputError(`top must be between 1 and ${MAX_TOP}; got ${top}.`, { argument: 'top' });
  return top;
}

/** What the operation asks of the measures at `paths` below the current field. */
function measuresAsked(info: FieldInfo, ...paths: Array<readonly string[]>) {
  const fields = selectedFields(info, 'CallMeasures', ...paths);
  const details = new Set<Detail>();
  if (fields.has('byStatus')) details.add('status');
  if (fields.has('byDirection')) details.add('direction');
  if (fields.has('byHangupDisposition')) details.add('hangup_disposition');
  if (fields.has('byAnsweredBy')) details.add('answered_by');
  if (fields.has('prices')) details.add('currency');
  return { details, percentiles: fields.has('conversationPercentiles'), recordings: fields.has('withRecording') };
}

interface Ask {
  filter: Filter | null | undefined;
  countLegs: boolean;
  buckets?: Buckets;
  key?: { dimension: Dimension; top: number };
  sets: Request['sets'];
  details: Set<Detail>;
  percentiles: boolean;
  recordings: boolean;
}

/** The later of two lower bounds, the earlier of two upper ones. */
const narrower = (a: Date | undefined, b: Date | undefined, later: boolean) =>
  !a ? b : !b ? a : (a.getTime() > b.getTime()) === later ? a : b;

/**
 * The statement an ask needs: the rollups when they hold everything asked (the filter's fields,
 * the dimension, and bucket boundaries on UTC quarter-hours), else the calls. A top-level start
 * time range becomes the statement's range either way, so that a series and a breakdown of the
 * same days have the same condition and can share a statement.
 */
function plan(ctx: Context, ask: Ask): Request {
  const base = { account: ctx.accountId, buckets: ask.buckets, key: ask.key, sets: ask.sets, details: ask.details, percentiles: ask.percentiles, recordings: ask.recordings };
  const rangeOf = (start: { from?: Date; to?: Date }) => ({
    from: narrower(start.from, ask.buckets?.from, true),
    to: narrower(start.to, ask.buckets?.to, false),
  });
  const rollup = rollupFilter(ask.filter);
  if (rollup && !ask.recordings && (!ask.key || DIMENSIONS[ask.key.dimension].rollups) && (!ask.buckets || quarterAligned(ask.buckets))) {
    const legs = [
      ...(ask.countLegs ? [] : [Prisma.sql`c.is_leg = false`]),
      ...(rollup.isLeg !== null ? [Prisma.sql`c.is_leg = ${rollup.isLeg}`] : []),
    ];
    const columns = new Set([...rollup.columns, ...ask.details, ...(ask.key ? [DIMENSIONS[ask.key.dimension].column] : [])]);
    const { source } = ROLLUP_SOURCES.find((table) => [...columns].every((column) => (table.columns as readonly string[]).includes(column)))!;
    return { ...base, where: Prisma.join([conditions(ctx, rollup.rest), ...legs], ' AND '), source, range: rangeOf(rollup.start) };
  }
  const split = startRange(ask.filter) ?? { rest: ask.filter ?? null, start: {} };
  const filter = ask.countLegs ? split.rest : ({ AND: [split.rest ?? {}, { isLeg: false }] } as Filter);
  return { ...base, where: conditions(ctx, filter), source: 'calls', range: rangeOf(split.start) };
}

/** Whether two requests can be one statement: the same rows read, and at most one bucketing and one ranking between them. */
function mergeable(a: Request, b: Request): boolean {
  const same = (x: unknown, y: unknown) => x === undefined || y === undefined || JSON.stringify(x) === JSON.stringify(y);
  return (
    (a.source === 'calls') === (b.source === 'calls') &&
    a.where.text === b.where.text &&
    JSON.stringify(a.where.values) === JSON.stringify(b.where.values) &&
    JSON.stringify(a.range) === JSON.stringify(b.range) &&
    same(a.buckets, b.buckets) &&
    same(a.key, b.key)
  );
}

const widest = (a: Request['source'], b: Request['source']) => {
  const order = ['totals', 'dids', 'rollups', 'calls'];
  return order.indexOf(a) > order.indexOf(b) ? a : b;
};

function merge(a: Request, b: Request): Request {
  const sets = [...a.sets, ...b.sets].filter((set, index, all) => all.findIndex((other) => other.bucket === set.bucket && other.key === set.key) === index);
  return {
    ...a,
    // The wider table of the two: each rollup table holds the columns of the narrower ones.
    source: widest(a.source, b.source),
    buckets: a.buckets ?? b.buckets,
    key: a.key ?? b.key,
    sets,
    details: new Set([...a.details, ...b.details]),
    percentiles: a.percentiles || b.percentiles,
    recordings: a.recordings || b.recordings,
  };
}

interface Pending {
  request: Request;
  resolve(result: Result): void;
  reject(error: unknown): void;
}

const pendingOf = new WeakMap<Context, Pending[]>();

async function run(ctx: Context, pending: Pending[]): Promise<void> {
  const statements: Array<{ request: Request; waiting: Pending[] }> = [];
  for (const item of pending) {
    const statement = statements.find((s) => mergeable(s.request, item.request));
    if (statement) {
      statement.request = merge(statement.request, item.request);
      statement.waiting.push(item);
    } else statements.push({ request: item.request, waiting: [item] });
  }
  await Promise.all(
    statements.map(async ({ request, waiting }) => {
      try {
        const query = measuresQuery(request);
        const [row] = await ctx.db.sql.query<{ result: Result }>(query.text, query.values);
        for (const item of waiting) item.resolve(row!.result);
      } catch (error) {
        for (const item of waiting) item.reject(error);
      }
    }),
  );
}

/**
 * The result of an ask. The statistics fields of one operation ask in the same tick; like a
 * DataLoader, their asks are gathered until the tick's promise jobs are done, and those over the
 * same rows become one statement, so an operation reads the calls (or rollups) once per filter.
 */
function measure(ctx: Context, ask: Ask): Promise<Result> {
  const request = plan(ctx, ask);
  return new Promise((resolve, reject) => {
    let pending = pendingOf.get(ctx);
    if (!pending) {
      const batch: Pending[] = (pending = []);
      pendingOf.set(ctx, batch);
      void Promise.resolve().then(() =>
        process.nextTick(() => {
          pendingOf.delete(ctx);
          void run(ctx, batch);
        }),
      );
    }
    pending.push({ request, resolve, reject });
  });
}

const COUNT_LEGS = {
  required: false,
  defaultValue: false,
  description: 'Count legs (calls with a parent) as calls of their own. By default a parent with two legs counts as one call; filter isLeg narrows further.',
} as const;

builder.queryFields((t) => ({
  callStatistics: t.field({
    type: CallStatistics,
    description: 'Measures of the calls a filter selects, computed in one statement (from the rollups when they hold the filter’s fields).',
    args: {
      filter: t.arg({ type: CallFilter, required: false, description: 'The calls to measure; all when absent.' }),
      countLegs: t.arg.boolean(COUNT_LEGS),
    },
    resolve: async (_root, args, ctx, info) => {
      const asked = measuresAsked(info, ['measures']);
      const top = selectedFields(info, 'CallStatistics');
      if (top.has('prices')) asked.details.add('currency');
      if (top.has('byStatus')) asked.details.add('status');
      if (top.has('byDirection')) asked.details.add('direction');
      if (top.has('byHangupDisposition')) asked.details.add('hangup_disposition');
      const result = await measure(ctx, { filter: args.filter, countLegs: args.countLegs ?? false, sets: [{ bucket: false, key: false }], ...asked });
      return groupsOf(result).get('0:all') ?? emptyMeasures();
    },
  }),
  callSeries: t.field({
    type: [SeriesBucket],
    description:
      'The same measures per local time bucket, by start time: every bucket from the one holding from to the one holding the instant before to, empty ones with zeros; only calls that started in [from, to) are counted. With splitBy, each bucket also has the calls of the top values of that dimension over the whole range, and the rest.',
    args: {
      filter: t.arg({ type: CallFilter, required: false, description: 'The calls to measure.' }),
      interval: t.arg({ type: SeriesInterval, required: true, description: 'Bucket width.' }),
      from: t.arg({ type: 'DateTime', required: true, description: 'Start of the range (inclusive).' }),
      to: t.arg({ type: 'DateTime', required: true, description: 'End of the range (exclusive).' }),
      timeZone: t.arg.string({
        required: false,
        defaultValue: 'UTC',
        description: 'Time zone the buckets follow, such as America/New_York: one of PostgreSQL’s (pg_timezone_names), in any letter case.',
      }),
      splitBy: t.arg({ type: BreakdownDimension, required: false, description: 'A dimension to split every bucket by.' }),
      top: t.arg.int({ required: false, defaultValue: 5, description: `With splitBy: how many values to list (1 to ${MAX_TOP}); the rest form “other”.` }),
      countLegs: t.arg.boolean(COUNT_LEGS),
    },
    resolve: async (_root, args, ctx, info) => {
      const timeZone = await validTimeZone(ctx, args.timeZone ?? 'UTC');
      if (args.to <= args.from) throw new UserInputError('to must be after from.', { argument: 'to' });
      const estimate = Math.ceil((args.to.getTime() - args.from.getTime()) / APPROXIMATE_MS[args.interval]);
      if (estimate > ctx.maxBuckets) {
        throw new UserInputError(`The series would have about ${estimate} buckets; the limit is ${ctx.maxBuckets}: use a wider interval or a shorter range.`, {
          maxBuckets: ctx.maxBuckets,
        });
      }
      const split = args.splitBy ? { dimension: args.splitBy, top: validTop(args.top ?? 5) } : undefined;
      const asked = measuresAsked(info, ['measures'], ['splits', 'measures'], ['other']);
      const result = await measure(ctx, {
        filter: args.filter,
        countLegs: args.countLegs ?? false,
        buckets: { interval: args.interval, timeZone, from: args.from, to: args.to },
        key: split,
        sets: [{ bucket: true, key: false }, ...(split ? [{ bucket: true, key: true }] : [])],
        ...asked,
      });
      const groups = groupsOf(result);
      const bounds = result.bounds ?? [];
      const keys = result.keys ?? [];
      const buckets: Bucket[] = [];
      for (let index = 1; index < bounds.length; index += 1) {
        const measures = groups.get(`${index}:all`) ?? emptyMeasures();
        const splits = split ? keys.map((key, rank) => ({ key, measures: groups.get(`${index}:${rank + 1}`) ?? emptyMeasures() })) : [];
        const other = split && (result.groups ?? 0) > keys.length ? groups.get(`${index}:other`) ?? emptyMeasures() : null;
        buckets.push({ start: new Date(bounds[index - 1]!).toISOString(), length: (bounds[index]! - bounds[index - 1]!) / 1000, measures, splits, other });
      }
      return buckets;
    },
  }),
  callBreakdown: t.field({
    type: CallBreakdown,
    description: 'The top groups of calls by a dimension (status, source, number, address, DID, extension …), and the rest.',
    args: {
      filter: t.arg({ type: CallFilter, required: false, description: 'The calls to break down.' }),
      by: t.arg({ type: BreakdownDimension, required: true, description: 'What to group by.' }),
      top: t.arg.int({ required: false, defaultValue: 10, description: `How many groups to list (1 to ${MAX_TOP}); the rest form “other”.` }),
      countLegs: t.arg.boolean(COUNT_LEGS),
    },
    resolve: async (_root, args, ctx, info) => {
      const top = validTop(args.top ?? 10);
      const asked = measuresAsked(info, ['rows', 'measures'], ['other', 'measures']);
      const result = await measure(ctx, {
        filter: args.filter,
        countLegs: args.countLegs ?? false,
        key: { dimension: args.by, top },
        sets: [{ bucket: false, key: true }],
        ...asked,
      });
      const groups = groupsOf(result);
      const keys = result.keys ?? [];
      const rows = keys.map((key, rank) => ({ key, measures: groups.get(`0:${rank + 1}`) ?? emptyMeasures() }));
      const others = (result.groups ?? 0) - keys.length;
      return { rows, other: others > 0 ? { ...(groups.get('0:other') ?? emptyMeasures()), groups: others } : null };
    },
  }),
}));

