import type { GraphQLResolveInfo } from 'graphql';
import { callRecordEntity } from '../../db/read/call-records.js';
import { compareDates, compareNumbers, rangeConditions, stringConditions, type RangeFilter, type StringFilter as StringFilterValue } from '../../db/read/filters.js';
import type { PageRequest } from '../../db/read/page.js';
import { renderedRow } from '../../db/read/response.js';
import { callEntity } from '../../db/read/calls.js';
import { recordingEntity } from '../../db/read/recordings.js';
import type { SqlParams } from '../../db/read/sql.js';
import { builder } from '../builder.js';
import { cursorsSelected, planPage, toConnection, type ConnectionArgs } from '../connection.js';
import type { Context } from '../context.js';
import { loadPage, rowById, scoped, type Row } from '../loaders.js';
import { selectionOf } from '../preload.js';
import { renderEntity, renderField, type ListPage } from '../sql-response.js';
import { selectedFields, type FieldInfo } from '../selection.js';
import { CallRef, loadCall } from './call.js';
import { CallRecordRef, type CallRecordRow } from './call-record.js';
import { DateTimeFilter, IntFilter, StringFilter } from './filters.js';
import { connectionType, orderInput, pageArgs } from './lists.js';
import { decodeNodeId, nodeOptions } from './node-id.js';

export interface RecordingRow extends Row {
  callId?: string;
  callRecordId?: string | null;
  externalId: string | null;
  name: string | null;
  recordedAt: string | null;
  lengthSeconds: number | null;
  url: string | null;
}

export const RecordingRef = builder.objectRef<RecordingRow>('Recording');

const recordingNode = nodeOptions<RecordingRow>('Recording');

builder.objectType(RecordingRef, {
  description: 'Audio recorded during a call (CallFire RecordingMeta, FreeClimb and Restcomm recordings).',
  interfaces: recordingNode.interfaces,
  fields: (t) => ({
    id: recordingNode.id(t),
    externalId: t.exposeString('externalId', { nullable: true, description: 'The platform’s id of the recording.' }),
    name: t.exposeString('name', { nullable: true, description: 'Its name (RecordingMeta Name).' }),
    recordedAt: t.expose('recordedAt', { type: 'DateTime', nullable: true, description: 'When it was created (RecordingMeta Created).' }),
    lengthSeconds: t.exposeInt('lengthSeconds', { nullable: true, description: 'Its length in seconds (LengthInSeconds).' }),
    url: t.exposeString('url', { nullable: true, description: 'Where the audio can be fetched from the platform.' }),
    call: t.field({
      type: CallRef,
      description: 'The call that was recorded.',
      resolve: async (recording, _args, ctx, info) => (await loadCall(ctx, info, recording.callId!))!,
    }),
    callRecord: t.field({
      type: CallRecordRef,
      nullable: true,
      description: 'The attempt during which it was made, when the platform says.',
      resolve: (recording, _args, ctx, info) =>
        recording.callRecordId ? rowById<CallRecordRow>(ctx, callRecordEntity, selectionOf(ctx, info, 'CallRecord')).load(recording.callRecordId) : null,
    }),
  }),
});

export const RecordingConnection = connectionType(RecordingRef, 'Recording', 'recordings');

const RecordingOrderField = builder.enumType('RecordingOrderField', {
  description: 'What a list of recordings can be ordered by.',
  values: {
    RECORDED_AT: { description: 'When the recording was made.' },
    LENGTH: { description: 'The recording’s length.' },
  } as const,
});

export const RecordingOrder = orderInput('Recording', RecordingOrderField, 'recordings');

interface RecordingFilterInput {
  callId?: string | null;
  name?: StringFilterValue | null;
  recordedAt?: RangeFilter<Date> | null;
  lengthSeconds?: RangeFilter<number> | null;
}

export const RecordingFilter = builder.inputRef<RecordingFilterInput>('RecordingFilter').implement({
  description: 'Narrows a list of recordings; every field given must hold.',
  fields: (t) => ({
    callId: t.id({ required: false, description: 'Only recordings of this call (its global id).' }),
    name: t.field({ type: StringFilter, required: false, description: 'Recordings whose name matches.' }),
    recordedAt: t.field({ type: DateTimeFilter, required: false, description: 'Recordings made in this time range.' }),
    lengthSeconds: t.field({ type: IntFilter, required: false, description: 'Recordings whose length in seconds is in this range.' }),
  }),
});

function recordingFilterWhere(filter: RecordingFilterInput | null | undefined) {
  return (params: SqlParams) => {
    if (!filter) return [];
    const out: string[] = [];
    if (filter.callId != null) out.push(`rec.call_id = ${params.add(decodeNodeId(filter.callId, 'Call', 'filter.callId') ?? '0', 'bigint')}`);
    if (filter.name) out.push(...stringConditions('filter.name', 'rec.name', filter.name, params));
    if (filter.recordedAt) out.push(...rangeConditions('filter.recordedAt', 'rec.recorded_at', 'timestamptz', filter.recordedAt, params, compareDates));
    if (filter.lengthSeconds) out.push(...rangeConditions('filter.lengthSeconds', 'rec.length_seconds', 'int', filter.lengthSeconds, params, compareNumbers));
    return out;
  };
}

type RecordingOrderValue = { field: keyof typeof recordingEntity.orders | string; direction: 'ASC' | 'DESC' };

type RecordingPageArgs = ConnectionArgs & { orderBy?: RecordingOrderValue | null };

/** `list` names the list in its cursors, so a cursor of one list is refused by another. */
export function planRecordings(ctx: Context, list: string, args: RecordingPageArgs, fallback: RecordingOrderValue) {
  const order = args.orderBy ?? fallback;
  const orderName = `${order.field}_${order.direction}`;
  return { order, orderName, plan: planPage(args, ctx.pages, list, orderName) };
}

/** A page of a list of recordings, for its rendering in SQL. */
export function recordingListPage(ctx: Context, list: string, args: RecordingPageArgs, fallback: RecordingOrderValue, where: ListPage['where']): ListPage {
  const { order, orderName, plan } = planRecordings(ctx, list, args, fallback);
  return { entity: recordingEntity, list, orderName, order: recordingEntity.orders[order.field]!, descending: order.direction === 'DESC', plan, where };
}

export function recordingPageRequest(ctx: Context, info: FieldInfo, list: string, args: RecordingPageArgs, fallback: RecordingOrderValue) {
  const { order, orderName, plan } = planRecordings(ctx, list, args, fallback);
  const request: Omit<PageRequest, 'where'> = {
    entity: recordingEntity,
    order: recordingEntity.orders[order.field]!,
    descending: order.direction === 'DESC',
    cursor: plan.cursor,
    backward: plan.backward,
    limit: plan.size + 1,
    selection: selectionOf(ctx, info, 'Recording', ['edges', 'node'], ['nodes']),
    withTotal: selectedFields(info, 'RecordingConnection').has('totalCount'),
    withCursors: cursorsSelected(info, 'RecordingEdge'),
  };
  return { plan, request, orderName };
}

builder.queryField('recordings', (t) =>
  t.field({
    type: RecordingConnection,
    description: 'Recordings, newest first unless ordered otherwise.',
    args: {
      ...pageArgs(t.arg),
      filter: t.arg({ type: RecordingFilter, required: false, description: 'Only the recordings that match.' }),
      orderBy: t.arg({ type: RecordingOrder, required: false, description: 'Default: RECORDED_AT descending.' }),
    },
    resolve: async (_root, args, ctx, info) => {
      const { plan, request, orderName } = recordingPageRequest(ctx, info, 'recordings', args, { field: 'RECORDED_AT', direction: 'DESC' });
      const page = await loadPage<RecordingRow>(ctx, { ...request, where: recordingFilterWhere(args.filter) });
      return toConnection(page, plan, 'recordings', orderName);
    },
  }),
);

/* The same fields written in SQL (sql-response.ts), for operations answered by one statement. */
renderEntity('Recording', recordingEntity);

renderField('Query', 'recordings', (renderer, field) => {
  const args = field.args as RecordingPageArgs & { filter?: RecordingFilterInput | null };
  const where = scoped(renderer.ctx, recordingEntity, recordingFilterWhere(args.filter));
  return renderer.connection(field, recordingListPage(renderer.ctx, 'recordings', args, { field: 'RECORDED_AT', direction: 'DESC' }, where));
});

renderField('Recording', 'call', (renderer, field) =>
  renderedRow(callEntity, 'rec.call_id', scoped(renderer.ctx, callEntity), renderer.params, renderer.object('Call', field.nodes)),
);

renderField('Recording', 'callRecord', (renderer, field) =>
  renderedRow(callRecordEntity, 'rec.call_record_id', scoped(renderer.ctx, callRecordEntity), renderer.params, renderer.object('CallRecord', field.nodes)),
);
