import type { GraphQLResolveInfo } from 'graphql';
import type {
  AnsweredBy,
  CallDirection,
  CallFireResult,
  CallFireState,
  CallSource,
  CallStatus,
  HangupDisposition,
  PbxResult,
} from '../../db/generated/enums.js';
import { callEntity } from '../../db/read/calls.js';
import { callRecordEntity } from '../../db/read/call-records.js';
import { nestedPage, nestedRow, nestedRows, type PageRows } from '../../db/read/page.js';
import { renderedRow, renderedRows } from '../../db/read/response.js';
import { recordingEntity } from '../../db/read/recordings.js';
import { UserInputError } from '../../errors.js';
import { builder } from '../builder.js';
import { planPage, toConnection, type ConnectionArgs } from '../connection.js';
import type { Context } from '../context.js';
import { loadPage, rowById, scoped, type Row } from '../loaders.js';
import { preloaded, preloadRelation, selectionOf } from '../preload.js';
import { renderEntity, renderField, type ListPage } from '../sql-response.js';
import type { FieldInfo } from '../selection.js';
import { CallFilter, callFilterWhere, CallOrder, callOrderSpec, callPageRequest } from './call-filter.js';
import { CallRecordRef, type CallRecordRow } from './call-record.js';
import {
  AnsweredByEnum,
  CallDirectionEnum,
  CallFireResultEnum,
  CallFireStateEnum,
  CallSourceEnum,
  CallStatusEnum,
  HangupDispositionEnum,
  PbxResultEnum,
} from './enums.js';
import { connectionType, pageArgs } from './lists.js';
import { decodeNodeId, nodeOptions } from './node-id.js';
import { planRecordings, RecordingConnection, recordingListPage, recordingPageRequest, RecordingOrder, type RecordingRow } from './recording.js';

type Nullable<T> = T | null;

export interface CallRow extends Row {
  parentId?: Nullable<string>;
  source: CallSource;
  externalId: string;
  vendorAccountId: Nullable<string>;
  uri: Nullable<string>;
  sipCallId: Nullable<string>;
  parentExternalId: Nullable<string>;
  fromAddress: Nullable<string>;
  fromNumber: Nullable<string>;
  fromDomain: Nullable<string>;
  callerName: Nullable<string>;
  toAddress: Nullable<string>;
  toNumber: Nullable<string>;
  toDomain: Nullable<string>;
  forwardedFrom: Nullable<string>;
  diversionNumber: Nullable<string>;
  didNumber: Nullable<string>;
  didDomain: Nullable<string>;
  bridgedAddress: Nullable<string>;
  bridgedDomain: Nullable<string>;
  phoneNumberId: Nullable<string>;
  extension: Nullable<{ id: Nullable<string>; name: Nullable<string>; type: Nullable<string>; groupId: Nullable<string>; externalNumber: Nullable<string> }>;
  vendorCreatedAt: Nullable<string>;
  vendorUpdatedAt: Nullable<string>;
  vendorRevision: Nullable<number>;
  startTime: Nullable<string>;
  answerTime: Nullable<string>;
  bridgedTime: Nullable<string>;
  endTime: Nullable<string>;
  duration: Nullable<number>;
  connectDuration: Nullable<number>;
  bridgedDuration: Nullable<number>;
  status: CallStatus;
  vendorStatus: Nullable<string>;
  direction: Nullable<CallDirection>;
  vendorDirection: Nullable<string>;
  answeredBy: Nullable<AnsweredBy>;
  vendorAnsweredBy: Nullable<string>;
  hangupCause: Nullable<string>;
  hangupDisposition: Nullable<HangupDisposition>;
  pbxResult: Nullable<PbxResult>;
  callfireState: Nullable<CallFireState>;
  callfireFinalResult: Nullable<CallFireResult>;
  vendorResult: Nullable<string>;
  sipStatus: Nullable<number>;
  sipReason: Nullable<string>;
  price: Nullable<{ amount: string; currency: Nullable<string> }>;
  applicationId: Nullable<string>;
  serviceUrl: Nullable<string>;
  originatingSipIp: Nullable<string>;
  originatingSipTrunk: Nullable<string>;
  apiVersion: Nullable<string>;
  broadcastId: Nullable<string>;
  batchId: Nullable<string>;
  contactId: Nullable<string>;
  label: Nullable<string>;
  quality: Nullable<{ rate: number; maxRate: Nullable<number> }>;
  payload: unknown;
  revision: number;
  createdAt: string;
  updatedAt: string;
  isLeg: boolean;
  answered: boolean;
  hasRecording: boolean;
}

export const CallRef = builder.objectRef<CallRow>('Call');

const Extension = builder.objectRef<NonNullable<CallRow['extension']>>('Extension').implement({
  description: 'The PBX extension a call belongs to.',
  fields: (t) => ({
    id: t.exposeString('id', { nullable: true, description: 'extension_id.' }),
    name: t.exposeString('name', { nullable: true, description: 'extension_name.' }),
    type: t.exposeString('type', { nullable: true, description: 'extension_type, such as phone, ivr or queue.' }),
    groupId: t.exposeString('groupId', { nullable: true, description: 'extension_group_owner_id: the group the extension was in at the time of the call.' }),
    externalNumber: t.exposeString('externalNumber', { nullable: true, description: 'ext_number_reg: the extension’s own external number, E.164.' }),
  }),
});

const Money = builder.objectRef<NonNullable<CallRow['price']>>('Money').implement({
  description: 'An exact amount with its currency.',
  fields: (t) => ({
    amount: t.expose('amount', { type: 'Decimal', description: 'Negative when the vendor reports a charge as negative (Restcomm, Twilio).' }),
    currency: t.exposeString('currency', { nullable: true, description: 'ISO 4217 code, such as USD.' }),
  }),
});

const QualityRating = builder.objectRef<NonNullable<CallRow['quality']>>('QualityRating').implement({
  description: 'The PBX’s conversation rating (quality_rate).',
  fields: (t) => ({
    rate: t.exposeInt('rate', { description: 'The rating given (rate).' }),
    maxRate: t.exposeInt('maxRate', { nullable: true, description: 'The highest possible rate.' }),
  }),
});

export const CallConnection = connectionType(CallRef, 'Call', 'calls');

type CallOrderValue = Parameters<typeof callOrderSpec>[0];
const ATTEMPT_ORDER = callRecordEntity.orders.ATTEMPT!.column;
const CALL_RECORDINGS_ORDER = { field: 'RECORDED_AT', direction: 'ASC' } as const;

type CallListArgs = ConnectionArgs & { orderBy?: CallOrderValue | null };

/** A call's legs: earliest first unless ordered otherwise. */
function planLegs(ctx: Context, args: CallListArgs) {
  const order = callOrderSpec(args.orderBy ?? { field: 'START_TIME', direction: 'ASC' });
  return { order, plan: planPage(args, ctx.pages, 'legs', order.name) };
}

/** The calls list: newest first unless ordered otherwise. */
function planCalls(ctx: Context, args: CallListArgs) {
  const order = callOrderSpec(args.orderBy ?? { field: 'START_TIME', direction: 'DESC' });
  return { order, plan: planPage(args, ctx.pages, 'calls', order.name) };
}

/** A page of a list of calls, for its rendering in SQL. */
const callListPage = (list: string, planned: ReturnType<typeof planCalls>, where: ListPage['where']): ListPage => ({
  entity: callEntity,
  list,
  orderName: planned.order.name,
  order: planned.order.column,
  descending: planned.order.descending,
  plan: planned.plan,
  where,
});

/** The call with this id, as the operation selects it; null when it is not visible. */
export const loadCall = (ctx: Context, info: FieldInfo, id: string) => rowById<CallRow>(ctx, callEntity, selectionOf(ctx, info, 'Call')).load(id);

const callNode = nodeOptions<CallRow>('Call');

builder.objectType(CallRef, {
  description: 'One call or call leg, as one telephony platform reported it. Fields are named in cdrql’s terms; each description names the vendor fields it comes from.',
  interfaces: callNode.interfaces,
  fields: (t) => ({
    id: callNode.id(t),
    source: t.expose('source', { type: CallSourceEnum, description: 'The platform the record was imported from.' }),
    externalId: t.exposeString('externalId', { description: 'The platform’s id of the call: callId, Sid, call_uuid, CallFire Id, call_sid.' }),
    vendorAccountId: t.exposeString('vendorAccountId', { nullable: true, description: 'The platform’s account id: accountId, AccountSid, client_owner_id, account_sid.' }),
    uri: t.exposeString('uri', { nullable: true, description: 'The platform’s URI of the call resource.' }),
    sipCallId: t.exposeString('sipCallId', { nullable: true, description: 'The SIP Call-ID (jambonz call_id).' }),
    parentExternalId: t.exposeString('parentExternalId', { nullable: true, description: 'The platform’s id of the call that created this leg: parentCallId, ParentCallSid, parent_call_sid.' }),
    isLeg: t.exposeBoolean('isLeg', { description: 'Whether this call is a child leg of another call.' }),

    fromAddress: t.exposeString('fromAddress', { nullable: true, description: 'The calling party as the platform gave it: a number, client name, SIP URI or extension (from, From, from_username, FromNumber).' }),
    fromNumber: t.exposeString('fromNumber', { nullable: true, description: 'The calling party in E.164 form, when it is a phone number.' }),
    fromDomain: t.exposeString('fromDomain', { nullable: true, description: 'The caller’s SIP domain (PBX from_domain).' }),
    callerName: t.exposeString('callerName', { nullable: true, description: 'The caller’s name: CallerName, caller_name, from_screen_name.' }),
    toAddress: t.exposeString('toAddress', { nullable: true, description: 'The called party as the platform gave it (to, To, to_username, ToNumber).' }),
    toNumber: t.exposeString('toNumber', { nullable: true, description: 'The called party in E.164 form, when it is a phone number.' }),
    toDomain: t.exposeString('toDomain', { nullable: true, description: 'The callee’s SIP domain (PBX to_domain).' }),
    forwardedFrom: t.exposeString('forwardedFrom', { nullable: true, description: 'The number an incoming call was forwarded from (ForwardFrom, forwarded_from), as given.' }),
    diversionNumber: t.exposeString('diversionNumber', { nullable: true, description: 'The number from the SIP Diversion header (PBX diversion_number), E.164.' }),
    didNumber: t.exposeString('didNumber', { nullable: true, description: 'The external number (DID) the call came in on, E.164 (PBX did_number).' }),
    didDomain: t.exposeString('didDomain', { nullable: true, description: 'The DID’s domain (PBX did_domain).' }),
    bridgedAddress: t.exposeString('bridgedAddress', { nullable: true, description: 'The party the call was connected to (PBX bridged_username).' }),
    bridgedDomain: t.exposeString('bridgedDomain', { nullable: true, description: 'That party’s domain (PBX bridged_domain).' }),
    phoneNumberId: t.exposeString('phoneNumberId', { nullable: true, description: 'The platform’s id of the number that received (inbound) or placed (outbound) the call: phoneNumberId, PhoneNumberSid.' }),
    extension: t.expose('extension', { type: Extension, nullable: true, description: 'The PBX extension the call belongs to.' }),

    vendorCreatedAt: t.expose('vendorCreatedAt', { type: 'DateTime', nullable: true, description: 'When the platform created the record: dateCreated, DateCreated, Created.' }),
    vendorUpdatedAt: t.expose('vendorUpdatedAt', { type: 'DateTime', nullable: true, description: 'When the platform last updated it: dateUpdated, DateUpdated, Modified.' }),
    vendorRevision: t.exposeInt('vendorRevision', { nullable: true, description: 'The platform’s revision counter (FreeClimb revision).' }),
    startTime: t.expose('startTime', { type: 'DateTime', nullable: true, description: 'When the call started: startTime, StartTime, init_time_gmt, the first attempt’s OriginateTime. Null before it is dialled.' }),
    answerTime: t.expose('answerTime', { type: 'DateTime', nullable: true, description: 'When it was answered: connectTime, start_time_gmt, the first answered attempt’s AnswerTime.' }),
    bridgedTime: t.expose('bridgedTime', { type: 'DateTime', nullable: true, description: 'When the two parties were connected (PBX bridged_time_gmt).' }),
    endTime: t.expose('endTime', { type: 'DateTime', nullable: true, description: 'When it ended: endTime, EndTime, hangup_time_gmt, the last attempt’s FinishTime.' }),
    duration: t.exposeInt('duration', { nullable: true, description: 'Seconds from start to end, as the platform reported them.' }),
    connectDuration: t.exposeInt('connectDuration', { nullable: true, description: 'Seconds connected, from answer to end (FreeClimb connectDuration).' }),
    bridgedDuration: t.exposeInt('bridgedDuration', { nullable: true, description: 'Seconds the two parties were connected (PBX bridged_duration).' }),

    status: t.expose('status', { type: CallStatusEnum, description: 'The call’s state, mapped from the platform’s status, result or state.' }),
    vendorStatus: t.exposeString('vendorStatus', { nullable: true, description: 'The platform’s own status word, such as inProgress, no-answer or FINISHED.' }),
    answered: t.exposeBoolean('answered', { description: 'Whether the call was answered: it has an answer time, or its status is COMPLETED or IN_PROGRESS.' }),
    direction: t.expose('direction', { type: CallDirectionEnum, nullable: true, description: 'Who started the call and how.' }),
    vendorDirection: t.exposeString('vendorDirection', { nullable: true, description: 'The platform’s own direction: outboundAPI, outbound-dial, flow in, Inbound: false.' }),
    answeredBy: t.expose('answeredBy', { type: AnsweredByEnum, nullable: true, description: 'Answering machine detection outcome (answeredBy, AnsweredBy).' }),
    vendorAnsweredBy: t.exposeString('vendorAnsweredBy', { nullable: true, description: 'The platform’s own answering machine result, such as machine_start.' }),
    hangupCause: t.exposeString('hangupCause', { nullable: true, description: 'The reason the call ended (PBX hangup_cause).' }),
    hangupDisposition: t.expose('hangupDisposition', { type: HangupDispositionEnum, nullable: true, description: 'Who ended the call (PBX hangup_disposition).' }),
    pbxResult: t.expose('pbxResult', { type: PbxResultEnum, nullable: true, description: 'The PBX’s result.' }),
    callfireState: t.expose('callfireState', { type: CallFireStateEnum, nullable: true, description: 'CallFire’s State of the call action.' }),
    callfireFinalResult: t.expose('callfireFinalResult', { type: CallFireResultEnum, nullable: true, description: 'CallFire’s FinalResult: the last attempt’s result.' }),
    vendorResult: t.exposeString('vendorResult', { nullable: true, description: 'The platform’s own result word (PBX result, CallFire FinalResult).' }),
    sipStatus: t.exposeInt('sipStatus', { nullable: true, description: 'The final SIP response code (jambonz sip_status).' }),
    sipReason: t.exposeString('sipReason', { nullable: true, description: 'The SIP reason phrase (jambonz sip_reason).' }),

    price: t.expose('price', { type: Money, nullable: true, description: 'The charge for the call in the account’s currency (Price, price with price_unit).' }),
    applicationId: t.exposeString('applicationId', { nullable: true, description: 'The application that handled the call (jambonz application_sid).' }),
    serviceUrl: t.exposeString('serviceUrl', { nullable: true, description: 'The URL of the service that processed the call (service_url).' }),
    originatingSipIp: t.exposeString('originatingSipIp', { nullable: true, description: 'The SIP address the call came from (originating_sip_ip).' }),
    originatingSipTrunk: t.exposeString('originatingSipTrunk', { nullable: true, description: 'The SIP trunk it came in on (originating_sip_trunk_name).' }),
    apiVersion: t.exposeString('apiVersion', { nullable: true, description: 'The platform’s API version (ApiVersion).' }),

    broadcastId: t.exposeString('broadcastId', { nullable: true, description: 'The CallFire broadcast (campaign) the call belongs to.' }),
    batchId: t.exposeString('batchId', { nullable: true, description: 'The CallFire batch of contacts.' }),
    contactId: t.exposeString('contactId', { nullable: true, description: 'The CallFire contact called.' }),
    label: t.exposeString('label', { nullable: true, description: 'The CallFire label name.' }),
    quality: t.expose('quality', { type: QualityRating, nullable: true, description: 'The PBX’s conversation rating.' }),

    payload: t.expose('payload', { type: 'JSON', description: 'The platform’s original record, exactly as imported.' }),
    revision: t.exposeInt('revision', { description: 'cdrql’s revision: 1 when first imported, one more each time an import changed it.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When cdrql first stored the call.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When cdrql last changed it.' }),
    hasRecording: t.exposeBoolean('hasRecording', { description: 'Whether any recording of the call is stored.' }),

    parent: t.field({
      type: CallRef,
      nullable: true,
      description: 'The call that created this leg.',
      resolve: (call, _args, _ctx, info) => preloaded<CallRow | null>(call, info),
    }),
    legs: t.field({
      type: CallConnection,
      description: 'The legs this call created, earliest first unless ordered otherwise.',
      args: {
        ...pageArgs(t.arg),
        orderBy: t.arg({ type: CallOrder, required: false, description: 'Default: START_TIME ascending.' }),
      },
      resolve: (call, args, ctx, info) => {
        const { order, plan } = planLegs(ctx, args);
        return toConnection(preloaded<PageRows<CallRow>>(call, info), plan, 'legs', order.name);
      },
    }),
    records: t.field({
      type: [CallRecordRef],
      description: 'The dialling attempts of the call (CallFire CallRecord), first attempt first.',
      resolve: (call, _args, _ctx, info) => preloaded<CallRecordRow[]>(call, info),
    }),
    recordings: t.field({
      type: RecordingConnection,
      description: 'Recordings of the call, oldest first unless ordered otherwise.',
      args: {
        ...pageArgs(t.arg),
        orderBy: t.arg({ type: RecordingOrder, required: false, description: 'Default: RECORDED_AT ascending.' }),
      },
      resolve: (call, args, ctx, info) => {
        const { plan, orderName } = planRecordings(ctx, 'call-recordings', args, CALL_RECORDINGS_ORDER);
        return toConnection(preloaded<PageRows<RecordingRow>>(call, info), plan, 'call-recordings', orderName);
      },
    }),
  }),
});

builder.queryFields((t) => ({
  call: t.field({
    type: CallRef,
    nullable: true,
    description: 'One call by its global id; null when no such call is visible.',
    args: { id: t.arg.id({ required: true, description: 'The call’s global id (Call.id).' }) },
    resolve: (_root, args, ctx, info) => {
      const id = decodeNodeId(args.id, 'Call', 'id');
      return id ? loadCall(ctx, info, id) : null;
    },
  }),
  callByExternalId: t.field({
    type: CallRef,
    nullable: true,
    description: 'One call by the platform’s own id of it (callId, Sid, call_uuid, CallFire Id, call_sid).',
    args: {
      source: t.arg({ type: CallSourceEnum, required: true, description: 'The platform the call came from.' }),
      externalId: t.arg.string({ required: true, description: 'The platform’s id of the call.' }),
    },
    resolve: async (_root, args, ctx, info) => {
      const page = await loadPage<CallRow>(ctx, {
        ...callPageRequest(ctx, info, { size: 1, backward: false, cursor: undefined }, callOrderSpec({ field: 'START_TIME', direction: 'DESC' })),
        selection: selectionOf(ctx, info, 'Call'),
        withTotal: false,
        where: (params) => [`c.source = ${params.add(args.source)}::"CallSource"`, `c.external_id = ${params.add(args.externalId)}`],
      });
      return page.rows[0] ?? null;
    },
  }),
  calls: t.field({
    type: CallConnection,
    description: 'Calls, newest first unless ordered otherwise, narrowed by a filter.',
    args: {
      ...pageArgs(t.arg),
      filter: t.arg({ type: CallFilter, required: false, description: 'Only the calls that match.' }),
      orderBy: t.arg({ type: CallOrder, required: false, description: 'Default: START_TIME descending.' }),
    },
    resolve: async (_root, args, ctx, info) => {
      const { order, plan } = planCalls(ctx, args);
      const page = await loadPage<CallRow>(ctx, { ...callPageRequest(ctx, info, plan, order), where: callFilterWhere(args.filter) });
      return toConnection(page, plan, 'calls', order.name);
    },
  }),
}));

/*
 * The relations of a call read by the statement that reads the call (see preload.ts). Arguments
 * the resolver would refuse leave the relation to its resolver, whose error then names it.
 */
const plannedOrSkipped = <T>(plan: () => T): T | undefined => {
  try {
    return plan();
  } catch (error) {
    if (error instanceof UserInputError) return undefined;
    throw error;
  }
};

preloadRelation('Call', 'parent', (ctx, relation) => {
  const selection = selectionOf(ctx, relation.info, 'Call');
  return {
    key: selection.key,
    column: { property: relation.property, sql: (params) => nestedRow(callEntity, 'c.parent_id', scoped(ctx, callEntity), selection, params) },
  };
});

preloadRelation('Call', 'legs', (ctx, relation) => {
  const planned = plannedOrSkipped(() => planLegs(ctx, relation.args));
  if (!planned) return undefined;
  const request = { ...callPageRequest(ctx, relation.info, planned.plan, planned.order), where: scoped(ctx, callEntity) };
  return {
    key: JSON.stringify([planned.order.name, planned.plan, request.withTotal, request.withCursors, request.selection.key]),
    column: { property: relation.property, sql: (params) => nestedPage(request, 'c.parent_id', 'c.id', params) },
  };
});

preloadRelation('Call', 'records', (ctx, relation) => {
  const selection = selectionOf(ctx, relation.info, 'CallRecord');
  return {
    key: selection.key,
    column: {
      property: relation.property,
      sql: (params) => nestedRows(callRecordEntity, 'cr.call_id', 'c.id', scoped(ctx, callRecordEntity), selection, params, ATTEMPT_ORDER),
    },
  };
});

preloadRelation('Call', 'recordings', (ctx, relation) => {
  const planned = plannedOrSkipped(() => recordingPageRequest(ctx, relation.info, 'call-recordings', relation.args, CALL_RECORDINGS_ORDER));
  if (!planned) return undefined;
  const request = { ...planned.request, where: scoped(ctx, recordingEntity) };
  return {
    key: JSON.stringify([planned.orderName, planned.plan, request.withTotal, request.withCursors, request.selection.key]),
    column: { property: relation.property, sql: (params) => nestedPage(request, 'rec.call_id', 'c.id', params) },
  };
});

/* The same fields written in SQL (sql-response.ts), for operations answered by one statement. */
renderEntity('Call', callEntity);

renderField('Query', 'call', (renderer, field) => {
  const id = decodeNodeId(field.args.id as string, 'Call', 'id');
  if (!id) return 'NULL::json';
  return renderedRow(callEntity, renderer.params.add(id, 'bigint'), scoped(renderer.ctx, callEntity), renderer.params, renderer.object('Call', field.nodes));
});

renderField('Query', 'calls', (renderer, field) => {
  const { ctx } = renderer;
  const args = field.args as CallListArgs & { filter?: Parameters<typeof callFilterWhere>[0] };
  return renderer.connection(field, callListPage('calls', planCalls(ctx, args), scoped(ctx, callEntity, callFilterWhere(args.filter))));
});

renderField('Call', 'legs', (renderer, field) =>
  renderer.connection(field, callListPage('legs', planLegs(renderer.ctx, field.args), scoped(renderer.ctx, callEntity)), {
    keyColumn: 'c.parent_id',
    outerKey: 'c.id',
  }),
);

renderField('Call', 'parent', (renderer, field) =>
  renderedRow(callEntity, 'c.parent_id', scoped(renderer.ctx, callEntity), renderer.params, renderer.object('Call', field.nodes)),
);

renderField('Call', 'records', (renderer, field) =>
  renderedRows(callRecordEntity, 'cr.call_id', 'c.id', scoped(renderer.ctx, callRecordEntity), renderer.params, ATTEMPT_ORDER, renderer.object('CallRecord', field.nodes)),
);

renderField('Call', 'recordings', (renderer, field) =>
  renderer.connection(field, recordingListPage(renderer.ctx, 'call-recordings', field.args, CALL_RECORDINGS_ORDER, scoped(renderer.ctx, recordingEntity)), {
    keyColumn: 'rec.call_id',
    outerKey: 'c.id',
  }),
);
