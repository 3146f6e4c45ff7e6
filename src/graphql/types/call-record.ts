import { builder } from '../builder.js';
import type { PlannedRow } from '../read/declarations.js';
import { column, element, elements, elementType, globalId, many, one, table } from '../read/fields.js';
import { CallRef } from './call.js';
import { CallFireResultEnum } from './enums.js';
import { NodeRef } from './lists.js';
import { RecordingRef } from './recording.js';

export const CallRecordRef = builder.objectRef<PlannedRow>('CallRecord');

export const callRecordTable = table({ table: 'call_records', model: 'CallRecord', idType: 'bigint', orders: {} });

const QuestionResponse = builder.objectRef<PlannedRow>('QuestionResponse').implement({
  description: 'One answer given in an IVR campaign (CallFire QuestionResponse).',
  extensions: elementType().extensions,
  fields: (t) => ({
    question: t.string({ ...element('question'), description: 'The IVR stash variable name (Question).' }),
    response: t.string({ ...element('response'), description: 'The value stored for it (Response).' }),
  }),
});

builder.objectType(CallRecordRef, {
  description: 'One dialling attempt of a call (CallFire CallRecord).',
  interfaces: [NodeRef],
  extensions: { read: callRecordTable },
  fields: (t) => ({
    id: t.id({ ...globalId(), description: 'An opaque global id: node(id) finds the object again.' }),
    attempt: t.int({ ...column('attempt', 'Int'), description: '1 for the first attempt, in the order they were dialled.' }),
    externalId: t.string({ ...column('external_id', 'String', { nullable: true }), description: 'CallFire’s id of the attempt (CallRecord Id).' }),
    result: t.field({ type: CallFireResultEnum, ...column('result', 'Enum', { nullable: true }), description: 'The attempt’s Result.' }),
    vendorResult: t.string({ ...column('vendor_result', 'String', { nullable: true }), description: 'The Result word as CallFire gave it.' }),
    originateTime: t.field({ type: 'DateTime', ...column('originate_time', 'DateTime', { nullable: true }), description: 'When the attempt was dialled (OriginateTime).' }),
    answerTime: t.field({ type: 'DateTime', ...column('answer_time', 'DateTime', { nullable: true }), description: 'When it was answered (AnswerTime).' }),
    finishTime: t.field({ type: 'DateTime', ...column('finish_time', 'DateTime', { nullable: true }), description: 'When it finished (FinishTime).' }),
    duration: t.int({ ...column('duration', 'Int', { nullable: true }), description: 'Seconds, as CallFire reported them (Duration).' }),
    billedAmount: t.field({ type: 'Decimal', ...column('billed_amount', 'Decimal', { nullable: true }), description: 'Credits charged for the attempt (BilledAmount).' }),
    switchId: t.string({ ...column('switch_id', 'String', { nullable: true }), description: 'The switch that placed it (SwitchId).' }),
    callerName: t.string({ ...column('caller_name', 'String', { nullable: true }), description: 'The caller name CallFire reported for the attempt.' }),
    questionResponses: t.field({ type: [QuestionResponse], ...elements('question_responses'), description: 'IVR answers collected during the attempt.' }),
    call: t.field({ type: CallRef, ...one('call_id', 'id'), description: 'The call this attempt belongs to.' }),
    recordings: t.field({ type: [RecordingRef], ...many('id', 'call_record_id', 'id'), description: 'Recordings made during this attempt (RecordingMeta).' }),
  }),
});
