import { readFileSync } from 'node:fs';
import DataLoader from 'dataloader';
import {
  buildSchema,
  execute,
  GraphQLError,
  GraphQLScalarType,
  Kind,
  parse,
  validate,
  type DocumentNode,
  type GraphQLObjectType,
  type GraphQLFieldResolver,
  type ValueNode,
} from 'graphql';
import type { Call, CallRecord, PrismaClient, Recording } from '../../src/db/generated/client.js';
import { callFilter, isAnswered, isLeg, readsRecordings, recordingFilter } from './filters.js';
import { badInput, globalId, parseGlobalId } from './ids.js';
import { exact, paginate, type PageArgs, type PageLimits, type SortKey } from './lists.js';

/*
 * The textbook GraphQL server over the call graph, as an oracle for cdrql's read path: the
 * executable schema is schema.graphql itself (graphql-js buildSchema), every field a plain
 * resolver over Prisma Client rows, relations batched by parent id through per-request
 * DataLoaders, lists filtered, sorted and sliced in memory. It shares no code with src/.
 */

export interface ReferenceResult {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; path?: ReadonlyArray<string | number>; extensions: { code: unknown } }>;
}

type Tagged<Row, Name extends string> = Row & { __typename: Name };
type CallNode = Tagged<Call, 'Call'>;
type RecordNode = Tagged<CallRecord, 'CallRecord'>;
type RecordingNode = Tagged<Recording, 'Recording'>;

const tag =
  <Name extends string>(name: Name) =>
  <Row extends object>(row: Row): Tagged<Row, Name> => ({ ...row, __typename: name });
const asCall = tag('Call');
const asRecord = tag('CallRecord');
const asRecording = tag('Recording');

/** One request's view of one account: every read is scoped to it, relations are batched per tick. */
function requestContext(prisma: PrismaClient, accountId: string, limits: PageLimits) {
  const batch = <Key, Row>(load: (keys: Key[]) => Promise<Row[]>, keyOf: (row: Row) => Key | null) =>
    new DataLoader<Key, Row[]>(async (keys) => {
      const rows = await load([...keys]);
      return keys.map((key) => rows.filter((row) => keyOf(row) === key));
    });
  const one = <Row>(loader: DataLoader<bigint, Row[]>) => (id: bigint) => loader.load(id).then((rows) => rows[0] ?? null);
  const callsById = batch((ids: bigint[]) => prisma.call.findMany({ where: { accountId, id: { in: ids } } }).then((rows) => rows.map(asCall)), (row) => row.id);
  const recordsById = batch(
    (ids: bigint[]) => prisma.callRecord.findMany({ where: { accountId, id: { in: ids } } }).then((rows) => rows.map(asRecord)),
    (row) => row.id,
  );
  const recordingsById = batch(
    (ids: bigint[]) => prisma.recording.findMany({ where: { accountId, id: { in: ids } } }).then((rows) => rows.map(asRecording)),
    (row) => row.id,
  );
  let allCalls: Promise<CallNode[]> | undefined;
  let allRecordings: Promise<RecordingNode[]> | undefined;
  return {
    limits,
    call: one(callsById),
    record: one(recordsById),
    recording: one(recordingsById),
    callByExternalId: new DataLoader<string, CallNode | null>(async (keys) => {
      const wanted = keys.map((key) => JSON.parse(key) as [Call['source'], string]);
      const rows = await prisma.call.findMany({ where: { accountId, OR: wanted.map(([source, externalId]) => ({ source, externalId })) } });
      return wanted.map(([source, externalId]) => {
        const row = rows.find((r) => r.source === source && r.externalId === externalId);
        return row ? asCall(row) : null;
      });
    }),
    legs: batch(
      (ids: bigint[]) => prisma.call.findMany({ where: { accountId, parentId: { in: ids } } }).then((rows) => rows.map(asCall)),
      (row) => row.parentId,
    ),
    records: batch(
      (ids: bigint[]) => prisma.callRecord.findMany({ where: { accountId, callId: { in: ids } } }).then((rows) => rows.map(asRecord)),
      (row) => row.callId,
    ),
    recordingsOfCall: batch(
      (ids: bigint[]) => prisma.recording.findMany({ where: { accountId, callId: { in: ids } } }).then((rows) => rows.map(asRecording)),
      (row) => row.callId,
    ),
    recordingsOfRecord: batch(
      (ids: bigint[]) => prisma.recording.findMany({ where: { accountId, callRecordId: { in: ids } } }).then((rows) => rows.map(asRecording)),
      (row) => row.callRecordId,
    ),
    allCalls: () => (allCalls ??= prisma.call.findMany({ where: { accountId } }).then((rows) => rows.map(asCall))),
    allRecordings: () => (allRecordings ??= prisma.recording.findMany({ where: { accountId } }).then((rows) => rows.map(asRecording))),
    /** Ids of the account's calls with a stored recording. */
    recordedCalls: async () => new Set((await prisma.recording.findMany({ where: { accountId }, select: { callId: true } })).map((row) => row.callId)),
  };
}

type Context = ReturnType<typeof requestContext>;

const timeKey = <Row>(name: string, descending: boolean, read: (row: Row) => Date | null): SortKey<Row> => ({
  name,
  descending,
  value: (row) => (read(row) ? BigInt(read(row)!.getTime()) : null),
  text: (row) => read(row)?.toISOString() ?? null,
  parse: exact.time,
});

const intKey = <Row>(name: string, descending: boolean, read: (row: Row) => number | null): SortKey<Row> => ({
  name,
  descending,
  value: (row) => (read(row) === null ? null : BigInt(read(row)!)),
  text: (row) => (read(row) === null ? null : String(read(row))),
  parse: exact.integer,
});

/** numeric(14,6) as PostgreSQL prints it: always six decimals. */
const decimalText = (value: { toFixed(places: number): string } | null) => (value === null ? null : value.toFixed(6));

interface Order {
  field: string;
  direction: 'ASC' | 'DESC';
}

function callOrder(order: Order): SortKey<CallNode> {
  const name = `${order.field}_${order.direction}`;
  const descending = order.direction === 'DESC';
  switch (order.field) {
    case 'START_TIME':
      return timeKey(name, descending, (row) => row.startTime);
    case 'END_TIME':
      return timeKey(name, descending, (row) => row.endTime);
    case 'CREATED_AT':
      return timeKey(name, descending, (row) => row.createdAt);
    case 'DURATION':
      return intKey(name, descending, (row) => row.duration);
    case 'PRICE':
      return {
        name,
        descending,
        value: (row) => (row.price === null ? null : exact.decimal(decimalText(row.price)!)),
        text: (row) => decimalText(row.price),
        parse: exact.decimal,
      };
    default:
      throw new Error(`no call order ${order.field}`);
  }
}

function recordingOrder(order: Order): SortKey<RecordingNode> {
  const name = `${order.field}_${order.direction}`;
  const descending = order.direction === 'DESC';
  if (order.field === 'RECORDED_AT') return timeKey(name, descending, (row) => row.recordedAt);
  if (order.field === 'LENGTH') return intKey(name, descending, (row) => row.lengthSeconds);
  throw new Error(`no recording order ${order.field}`);
}

const byId = <Row extends { id: bigint }>(a: Row, b: Row) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

type Resolvers = Record<string, Record<string, GraphQLFieldResolver<any, Context, any>>>;

const resolvers: Resolvers = {
  Query: {
    async calls(_root, args: PageArgs & { filter?: Record<string, unknown>; orderBy?: Order }, ctx) {
      const order = callOrder(args.orderBy ?? { field: 'START_TIME', direction: 'DESC' });
      const matches = callFilter(args.filter);
      const recorded = readsRecordings(args.filter) ? await ctx.recordedCalls() : new Set<bigint>();
      const rows = (await ctx.allCalls()).filter((row) => matches({ row, hasRecording: recorded.has(row.id) }));
      return paginate(rows, order, args, ctx.limits, 'calls');
    },
    call(_root, args: { id: string }, ctx) {
      const { typename, id } = parseGlobalId(args.id);
      return typename === 'Call' ? ctx.call(id) : null;
    },
    callByExternalId: (_root, args: { source: string; externalId: string }, ctx) => ctx.callByExternalId.load(JSON.stringify([args.source, args.externalId])),
    node: (_root, args: { id: string }, ctx) => findNode(ctx, parseGlobalId(args.id)),
    nodes(_root, args: { ids: string[] }, ctx) {
      if (args.ids.length > 100) throw badInput('more than 100 ids');
      const parsed = args.ids.map(parseGlobalId);
      return Promise.all(parsed.map((id) => findNode(ctx, id)));
    },
    async recordings(_root, args: PageArgs & { filter?: Record<string, unknown>; orderBy?: Order }, ctx) {
      const order = recordingOrder(args.orderBy ?? { field: 'RECORDED_AT', direction: 'DESC' });
      const matches = recordingFilter(args.filter);
      return paginate((await ctx.allRecordings()).filter(matches), order, args, ctx.limits, 'recordings');
    },
  },
  Call: {
    id: (call: CallNode) => globalId('Call', call.id),
    isLeg: (call: CallNode) => isLeg(call),
    answered: (call: CallNode) => isAnswered(call),
    hasRecording: async (call: CallNode, _args, ctx) => (await ctx.recordingsOfCall.load(call.id)).length > 0,
    broadcastId: (call: CallNode) => call.broadcastId?.toString() ?? null,
    batchId: (call: CallNode) => call.batchId?.toString() ?? null,
    contactId: (call: CallNode) => call.contactId?.toString() ?? null,
    extension: (call: CallNode) =>
      call.extensionId === null && call.extensionName === null
        ? null
        : {
            id: call.extensionId?.toString() ?? null,
            name: call.extensionName,
            type: call.extensionType,
            groupId: call.extensionGroupId?.toString() ?? null,
            externalNumber: call.extensionExternalNumber,
          },
    price: (call: CallNode) => (call.price === null && call.currency === null ? null : { amount: decimalText(call.price), currency: call.currency }),
    quality: (call: CallNode) => (call.qualityRate === null ? null : { rate: call.qualityRate, maxRate: call.qualityMaxRate }),
    parent: (call: CallNode, _args, ctx) => (call.parentId === null ? null : ctx.call(call.parentId)),
    legs: async (call: CallNode, args: PageArgs & { orderBy?: Order }, ctx) => {
      const order = callOrder(args.orderBy ?? { field: 'START_TIME', direction: 'ASC' });
      return paginate(await ctx.legs.load(call.id), order, args, ctx.limits, 'legs');
    },
    records: async (call: CallNode, _args, ctx) => [...(await ctx.records.load(call.id))].sort((a, b) => a.attempt - b.attempt),
    recordings: async (call: CallNode, args: PageArgs & { orderBy?: Order }, ctx) => {
      const order = recordingOrder(args.orderBy ?? { field: 'RECORDED_AT', direction: 'ASC' });
      return paginate(await ctx.recordingsOfCall.load(call.id), order, args, ctx.limits, 'call-recordings');
    },
  },
  CallRecord: {
    id: (record: RecordNode) => globalId('CallRecord', record.id),
    billedAmount: (record: RecordNode) => decimalText(record.billedAmount),
    call: (record: RecordNode, _args, ctx) => ctx.call(record.callId),
    recordings: async (record: RecordNode, _args, ctx) => [...(await ctx.recordingsOfRecord.load(record.id))].sort(byId),
  },
  Recording: {
    id: (recording: RecordingNode) => globalId('Recording', recording.id),
    call: (recording: RecordingNode, _args, ctx) => ctx.call(recording.callId),
    callRecord: (recording: RecordingNode, _args, ctx) => (recording.callRecordId === null ? null : ctx.record(recording.callRecordId)),
  },
};

function findNode(ctx: Context, { typename, id }: { typename: string; id: bigint }) {
  if (typename === 'Call') return ctx.call(id);
  if (typename === 'CallRecord') return ctx.record(id);
  if (typename === 'Recording') return ctx.recording(id);
  return null;
}

/* Scalars as schema.graphql describes them. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function instant(value: unknown): Date {
  const date = typeof value === 'string' && ISO_INSTANT.test(value) ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) throw badInput(`not an ISO-8601 instant: ${JSON.stringify(value)}`);
  return date;
}

function decimal(value: unknown): string {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  if (typeof text !== 'string' || !/^-?\d{1,8}(\.\d{1,6})?$/.test(text)) throw badInput(`not a decimal: ${JSON.stringify(value)}`);
  return text;
}

const literalText = (ast: ValueNode) => (ast.kind === Kind.STRING || ast.kind === Kind.INT || ast.kind === Kind.FLOAT ? ast.value : undefined);

const SCALARS: Record<string, Pick<GraphQLScalarType, 'serialize' | 'parseValue' | 'parseLiteral'>> = {
  DateTime: {
    serialize: (value) => (value instanceof Date ? value.toISOString() : value),
    parseValue: instant,
    parseLiteral: (ast) => instant(ast.kind === Kind.STRING ? ast.value : undefined),
  },
  Decimal: { serialize: (value) => value, parseValue: decimal, parseLiteral: (ast) => decimal(literalText(ast)) },
  JSON: {
    serialize: (value) => value,
    parseValue: (value) => value,
    parseLiteral: () => {
      throw badInput('JSON is output only');
    },
  },
};

function referenceSchema() {
  const schema = buildSchema(readFileSync(new URL('../../schema.graphql', import.meta.url), 'utf8'));
  for (const [name, scalar] of Object.entries(SCALARS)) Object.assign(schema.getType(name) as GraphQLScalarType, scalar);
  for (const [typeName, fields] of Object.entries(resolvers)) {
    const type = schema.getType(typeName) as GraphQLObjectType;
    for (const [fieldName, resolve] of Object.entries(fields)) {
      const field = type.getFields()[fieldName];
      if (!field) throw new Error(`schema.graphql has no ${typeName}.${fieldName}`);
      field.resolve = resolve;
    }
  }
  return schema;
}

const schema = referenceSchema();

/** Runs operations as a GraphQL server over `accountId`'s data would, with yoga's error codes. */
export function createReference(prisma: PrismaClient, accountId: string, limits: PageLimits) {
  return async (query: string, variables: Record<string, unknown> = {}): Promise<ReferenceResult> => {
    let document: DocumentNode;
    try {
      document = parse(query);
    } catch (error) {
      return { errors: [{ message: (error as Error).message, extensions: { code: 'GRAPHQL_PARSE_FAILED' } }] };
    }
    const invalid = validate(schema, document);
    if (invalid.length > 0) return { errors: invalid.map((error) => ({ message: error.message, extensions: { code: error.extensions.code ?? 'GRAPHQL_VALIDATION_FAILED' } })) };
    const result = await execute({ schema, document, variableValues: variables, contextValue: requestContext(prisma, accountId, limits) });
    const out: ReferenceResult = {};
    if (result.errors) {
      out.errors = result.errors.map((error: GraphQLError) => ({
        message: error.message,
        ...(error.path ? { path: error.path } : {}),
        extensions: { code: error.extensions.code ?? (error.originalError && !(error.originalError instanceof GraphQLError) ? 'INTERNAL_SERVER_ERROR' : undefined) },
      }));
    }
    if ('data' in result) out.data = result.data ?? null;
    return out;
  };
}
