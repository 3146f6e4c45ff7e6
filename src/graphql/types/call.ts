import { ANSWERED, IS_LEG } from '../../db/read/calls.js';
import { sql } from '../../db/sql.js';
import { builder } from '../builder.js';
import type { PlannedRow } from '../read/declarations.js';
import { loadPlanned } from '../read/execute.js';
import { column, embedded, embeddedType, exists, expression, globalId, lookup, many, one, page, rootPage, table } from '../read/fields.js';
import { idOfType } from '../read/global-id.js';
import type { Context } from '../context.js';
import type { GraphQLResolveInfo } from 'graphql';
import { CallFilter, callFilterWhere, CallOrder, type CallFilterInput } from './call-filter.js';
import { CallRecordRef } from './call-record.js';
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
import { connectionType, NodeRef, pageArgs } from './lists.js';
import { RecordingConnection, RecordingOrder, recordingTable } from './recording.js';
import { columnsOf } from '../../db/sql.js';

export const CallRef = builder.objectRef<PlannedRow>('Call');

/** The calls table, and the orderings a list of calls offers. */
export const callTable = table({
  table: 'calls',
  model: 'Call',
  idType: 'bigint',
  orders: {
    START_TIME: { column: 'start_time', type: 'timestamptz' },
    END_TIME: { column: 'end_time', type: 'timestamptz' },
    CREATED_AT: { column: 'created_at', type: 'timestamptz' },
    DURATION: { column: 'duration', type: 'integer' },
    PRICE: { column: 'price', type: 'numeric' },
  },
});

const Extension = builder.objectRef<PlannedRow>('Extension').implement({
  description: 'The PBX extension a call belongs to.',
  extensions: embeddedType().extensions,
  fields: (t) => ({
    id: t.string({ ...column('extension_id', 'BigInt', { nullable: true }), description: 'extension_id.' }),
    name: t.string({ ...column('extension_name', 'String', { nullable: true }), description: 'extension_name.' }),
    type: t.string({ ...column('extension_type', 'String', { nullable: true }), description: 'extension_type, such as phone, ivr or queue.' }),
    groupId: t.string({ ...column('extension_group_id', 'BigInt', { nullable: true }), description: 'extension_group_owner_id: the group the extension was in at the time of the call.' }),
    externalNumber: t.string({ ...column('extension_external_number', 'String', { nullable: true }), description: 'ext_number_reg: the extension’s own external number, E.164.' }),
  }),
});

const Money = builder.objectRef<PlannedRow>('Money').implement({
  description: 'An exact amount with its currency.',
  extensions: embeddedType().extensions,
  fields: (t) => ({
    amount: t.field({ type: 'Decimal', ...column('price', 'Decimal', { nullable: true }), description: 'Negative when the vendor reports a charge as negative (Restcomm, Twilio); null when the vendor gave a currency without an amount.' }),
    currency: t.string({ ...column('currency', 'String', { nullable: true }), description: 'ISO 4217 code, such as USD.' }),
  }),
});

const QualityRating = builder.objectRef<PlannedRow>('QualityRating').implement({
  description: 'The PBX’s conversation rating (quality_rate).',
  extensions: embeddedType().extensions,
  fields: (t) => ({
    // Non-null although the column is not: a rating exists only when quality_rate has a value.
    rate: t.int({ ...column('quality_rate', 'Int', { nullable: true }), nullable: false, description: 'The rating given (rate).' }),
    maxRate: t.int({ ...column('quality_max_rate', 'Int', { nullable: true }), description: 'The highest possible rate.' }),
  }),
});

export const CallConnection = connectionType(CallRef, 'Call', 'calls');

/**
 * The call with this id as the field's selection asks for it, or null when it is not visible: for
 * objects that mutations and subscriptions return.
 */
export const loadCall = (ctx: Context, info: GraphQLResolveInfo, id: string) => loadPlanned(ctx, info, 'Call', id);

builder.objectType(CallRef, {
  description: 'One call or call leg, as one telephony platform reported it. Fields are named in cdrql’s terms; each description names the vendor fields it comes from.',
  interfaces: [NodeRef],
  extensions: { read: callTable },
  fields: (t) => ({
    id: t.id({ ...globalId(), description: 'An opaque global id: node(id) finds the object again.' }),
    source: t.field({ type: CallSourceEnum, ...column('source', 'Enum'), description: 'The platform the record was imported from.' }),
    externalId: t.string({ ...column('external_id', 'String'), description: 'The platform’s id of the call: callId, Sid, call_uuid, CallFire Id, call_sid.' }),
    vendorAccountId: t.string({ ...column('vendor_account_id', 'String', { nullable: true }), description: 'The platform’s account id: accountId, AccountSid, client_owner_id, account_sid.' }),
    uri: t.string({ ...column('uri', 'String', { nullable: true }), description: 'The platform’s URI of the call resource.' }),
    sipCallId: t.string({ ...column('sip_call_id', 'String', { nullable: true }), description: 'The SIP Call-ID (jambonz call_id).' }),
    parentExternalId: t.string({ ...column('parent_external_id', 'String', { nullable: true }), description: 'The platform’s id of the call that created this leg: parentCallId, ParentCallSid, parent_call_sid.' }),
    isLeg: t.boolean({ ...expression(IS_LEG), description: 'Whether this call is a child leg of another call.' }),

    fromAddress: t.string({ ...column('from_address', 'String', { nullable: true }), description: 'The calling party as the platform gave it: a number, client name, SIP URI or extension (from, From, from_username, FromNumber).' }),
    fromNumber: t.string({ ...column('from_number', 'String', { nullable: true }), description: 'The calling party in E.164 form, when it is a phone number.' }),
    fromDomain: t.string({ ...column('from_domain', 'String', { nullable: true }), description: 'The caller’s SIP domain (PBX from_domain).' }),
    callerName: t.string({ ...column('caller_name', 'String', { nullable: true }), description: 'The caller’s name: CallerName, caller_name, from_screen_name.' }),
    toAddress: t.string({ ...column('to_address', 'String', { nullable: true }), description: 'The called party as the platform gave it (to, To, to_username, ToNumber).' }),
    toNumber: t.string({ ...column('to_number', 'String', { nullable: true }), description: 'The called party in E.164 form, when it is a phone number.' }),
    toDomain: t.string({ ...column('to_domain', 'String', { nullable: true }), description: 'The callee’s SIP domain (PBX to_domain).' }),
    forwardedFrom: t.string({ ...column('forwarded_from', 'String', { nullable: true }), description: 'The number an incoming call was forwarded from (ForwardFrom, forwarded_from), as given.' }),
    diversionNumber: t.string({ ...column('diversion_number', 'String', { nullable: true }), description: 'The number from the SIP Diversion header (PBX diversion_number), E.164.' }),
    didNumber: t.string({ ...column('did_number', 'String', { nullable: true }), description: 'The external number (DID) the call came in on, E.164 (PBX did_number).' }),
    didDomain: t.string({ ...column('did_domain', 'String', { nullable: true }), description: 'The DID’s domain (PBX did_domain).' }),
    bridgedAddress: t.string({ ...column('bridged_address', 'String', { nullable: true }), description: 'The party the call was connected to (PBX bridged_username).' }),
    bridgedDomain: t.string({ ...column('bridged_domain', 'String', { nullable: true }), description: 'That party’s domain (PBX bridged_domain).' }),
    phoneNumberId: t.string({ ...column('phone_number_id', 'String', { nullable: true }), description: 'The platform’s id of the number that received (inbound) or placed (outbound) the call: phoneNumberId, PhoneNumberSid.' }),
    extension: t.field({ type: Extension, nullable: true, ...embedded((column) => sql`${column('extension_id')} IS NOT NULL OR ${column('extension_name')} IS NOT NULL`), description: 'The PBX extension the call belongs to.' }),

    vendorCreatedAt: t.field({ type: 'DateTime', ...column('vendor_created_at', 'DateTime', { nullable: true }), description: 'When the platform created the record: dateCreated, DateCreated, Created.' }),
    vendorUpdatedAt: t.field({ type: 'DateTime', ...column('vendor_updated_at', 'DateTime', { nullable: true }), description: 'When the platform last updated it: dateUpdated, DateUpdated, Modified.' }),
    vendorRevision: t.int({ ...column('vendor_revision', 'Int', { nullable: true }), description: 'The platform’s revision counter (FreeClimb revision).' }),
    startTime: t.field({ type: 'DateTime', ...column('start_time', 'DateTime', { nullable: true }), description: 'When the call started: startTime, StartTime, init_time_gmt, the first attempt’s OriginateTime. Null before it is dialled.' }),
    answerTime: t.field({ type: 'DateTime', ...column('answer_time', 'DateTime', { nullable: true }), description: 'When it was answered: connectTime, start_time_gmt, the first answered attempt’s AnswerTime.' }),
    bridgedTime: t.field({ type: 'DateTime', ...column('bridged_time', 'DateTime', { nullable: true }), description: 'When the two parties were connected (PBX bridged_time_gmt).' }),
    endTime: t.field({ type: 'DateTime', ...column('end_time', 'DateTime', { nullable: true }), description: 'When it ended: endTime, EndTime, hangup_time_gmt, the last attempt’s FinishTime.' }),
    duration: t.int({ ...column('duration', 'Int', { nullable: true }), description: 'Seconds from start to end, as the platform reported them.' }),
    connectDuration: t.int({ ...column('connect_duration', 'Int', { nullable: true }), description: 'Seconds connected, from answer to end (FreeClimb connectDuration).' }),
    bridgedDuration: t.int({ ...column('bridged_duration', 'Int', { nullable: true }), description: 'Seconds the two parties were connected (PBX bridged_duration).' }),

    status: t.field({ type: CallStatusEnum, ...column('status', 'Enum'), description: 'The call’s state, mapped from the platform’s status, result or state.' }),
    vendorStatus: t.string({ ...column('vendor_status', 'String', { nullable: true }), description: 'The platform’s own status word, such as inProgress, no-answer or FINISHED.' }),
    answered: t.boolean({ ...expression(ANSWERED), description: 'Whether the call was answered: it has an answer time, or its status is COMPLETED or IN_PROGRESS.' }),
    direction: t.field({ type: CallDirectionEnum, ...column('direction', 'Enum', { nullable: true }), description: 'Who started the call and how.' }),
    vendorDirection: t.string({ ...column('vendor_direction', 'String', { nullable: true }), description: 'The platform’s own direction: outboundAPI, outbound-dial, flow in, Inbound: false.' }),
    answeredBy: t.field({ type: AnsweredByEnum, ...column('answered_by', 'Enum', { nullable: true }), description: 'Answering machine detection outcome (answeredBy, AnsweredBy).' }),
    vendorAnsweredBy: t.string({ ...column('vendor_answered_by', 'String', { nullable: true }), description: 'The platform’s own answering machine result, such as machine_start.' }),
    hangupCause: t.string({ ...column('hangup_cause', 'String', { nullable: true }), description: 'The reason the call ended (PBX hangup_cause).' }),
    hangupDisposition: t.field({ type: HangupDispositionEnum, ...column('hangup_disposition', 'Enum', { nullable: true }), description: 'Who ended the call (PBX hangup_disposition).' }),
    pbxResult: t.field({ type: PbxResultEnum, ...column('pbx_result', 'Enum', { nullable: true }), description: 'The PBX’s result.' }),
    callfireState: t.field({ type: CallFireStateEnum, ...column('callfire_state', 'Enum', { nullable: true }), description: 'CallFire’s State of the call action.' }),
    callfireFinalResult: t.field({ type: CallFireResultEnum, ...column('callfire_final_result', 'Enum', { nullable: true }), description: 'CallFire’s FinalResult: the last attempt’s result.' }),
    vendorResult: t.string({ ...column('vendor_result', 'String', { nullable: true }), description: 'The platform’s own result word (PBX result, CallFire FinalResult).' }),
    sipStatus: t.int({ ...column('sip_status', 'Int', { nullable: true }), description: 'The final SIP response code (jambonz sip_status).' }),
    sipReason: t.string({ ...column('sip_reason', 'String', { nullable: true }), description: 'The SIP reason phrase (jambonz sip_reason).' }),

    price: t.field({ type: Money, nullable: true, ...embedded((column) => sql`${column('price')} IS NOT NULL OR ${column('currency')} IS NOT NULL`), description: 'The charge for the call in the account’s currency (Price, price with price_unit).' }),
    applicationId: t.string({ ...column('application_id', 'String', { nullable: true }), description: 'The application that handled the call (jambonz application_sid).' }),
    serviceUrl: t.string({ ...column('service_url', 'String', { nullable: true }), description: 'The URL of the service that processed the call (service_url).' }),
    originatingSipIp: t.string({ ...column('originating_sip_ip', 'String', { nullable: true }), description: 'The SIP address the call came from (originating_sip_ip).' }),
    originatingSipTrunk: t.string({ ...column('originating_sip_trunk', 'String', { nullable: true }), description: 'The SIP trunk it came in on (originating_sip_trunk_name).' }),
    apiVersion: t.string({ ...column('api_version', 'String', { nullable: true }), description: 'The platform’s API version (ApiVersion).' }),

    broadcastId: t.string({ ...column('broadcast_id', 'BigInt', { nullable: true }), description: 'The CallFire broadcast (campaign) the call belongs to.' }),
    batchId: t.string({ ...column('batch_id', 'BigInt', { nullable: true }), description: 'The CallFire batch of contacts.' }),
    contactId: t.string({ ...column('contact_id', 'BigInt', { nullable: true }), description: 'The CallFire contact called.' }),
    label: t.string({ ...column('label', 'String', { nullable: true }), description: 'The CallFire label name.' }),
    quality: t.field({ type: QualityRating, nullable: true, ...embedded((column) => sql`${column('quality_rate')} IS NOT NULL`), description: 'The PBX’s conversation rating.' }),

    payload: t.field({ type: 'JSON', ...column('payload', 'Json'), description: 'The platform’s original record, exactly as imported.' }),
    revision: t.int({ ...column('revision', 'Int'), description: 'cdrql’s revision: 1 when first imported, one more each time an import changed it.' }),
    createdAt: t.field({ type: 'DateTime', ...column('created_at', 'DateTime'), description: 'When cdrql first stored the call.' }),
    updatedAt: t.field({ type: 'DateTime', ...column('updated_at', 'DateTime'), description: 'When cdrql last changed it.' }),
    hasRecording: t.boolean({ ...exists(() => recordingTable, 'id', 'call_id'), description: 'Whether any recording of the call is stored.' }),

    parent: t.field({ type: CallRef, nullable: true, ...one('parent_id', 'id'), description: 'The call that created this leg.' }),
    legs: t.field({
      type: CallConnection,
      ...page('id', 'parent_id', 'legs', { field: 'START_TIME', direction: 'ASC' }),
      description: 'The legs this call created, earliest first unless ordered otherwise.',
      args: {
        ...pageArgs(t.arg),
        orderBy: t.arg({ type: CallOrder, required: false, description: 'Default: START_TIME ascending.' }),
      },
    }),
    records: t.field({
      type: [CallRecordRef],
      ...many('id', 'call_id', 'attempt'),
      description: 'The dialling attempts of the call (CallFire CallRecord), first attempt first.',
    }),
    recordings: t.field({
      type: RecordingConnection,
      ...page('id', 'call_id', 'call-recordings', { field: 'RECORDED_AT', direction: 'ASC' }),
      description: 'Recordings of the call, oldest first unless ordered otherwise.',
      args: {
        ...pageArgs(t.arg),
        orderBy: t.arg({ type: RecordingOrder, required: false, description: 'Default: RECORDED_AT ascending.' }),
      },
    }),
  }),
});

builder.queryFields((t) => ({
  call: t.field({
    type: CallRef,
    nullable: true,
    ...lookup((args) => {
      const id = idOfType(args.id as string, 'Call', 'id');
      return id ? { id } : undefined;
    }),
    description: 'One call by its global id; null when no such call is visible.',
    args: { id: t.arg.id({ required: true, description: 'The call’s global id (Call.id).' }) },
  }),
  callByExternalId: t.field({
    type: CallRef,
    nullable: true,
    ...lookup((args) => ({ source: args.source, external_id: args.externalId })),
    description: 'One call by the platform’s own id of it (callId, Sid, call_uuid, CallFire Id, call_sid).',
    args: {
      source: t.arg({ type: CallSourceEnum, required: true, description: 'The platform the call came from.' }),
      externalId: t.arg.string({ required: true, description: 'The platform’s id of the call.' }),
    },
  }),
  calls: t.field({
    type: CallConnection,
    ...rootPage({
      list: 'calls',
      defaultOrder: { field: 'START_TIME', direction: 'DESC' },
      where: (args, alias) => callFilterWhere(args.filter as CallFilterInput | null | undefined, columnsOf(alias)),
    }),
    description: 'Calls, newest first unless ordered otherwise, narrowed by a filter.',
    args: {
      ...pageArgs(t.arg),
      filter: t.arg({ type: CallFilter, required: false, description: 'Only the calls that match.' }),
      orderBy: t.arg({ type: CallOrder, required: false, description: 'Default: START_TIME descending.' }),
    },
  }),
}));
