import type { CallFireResult } from '../../db/generated/enums.js';
import { callEntity } from '../../db/read/calls.js';
import { callRecordEntity } from '../../db/read/call-records.js';
import { nestedRows } from '../../db/read/page.js';
import { renderedRow, renderedRows } from '../../db/read/response.js';
import { recordingEntity } from '../../db/read/recordings.js';
import { builder } from '../builder.js';
import { nodeOptions } from './node-id.js';
import { scoped, type Row } from '../loaders.js';
import { preloaded, preloadRelation, selectionOf } from '../preload.js';
import { renderEntity, renderField } from '../sql-response.js';
import { CallRef, loadCall } from './call.js';
import { CallFireResultEnum } from './enums.js';
import { RecordingRef, type RecordingRow } from './recording.js';

export interface CallRecordRow extends Row {
  callId?: string;
  attempt: number;
  externalId: string | null;
  result: CallFireResult | null;
  vendorResult: string | null;
  originateTime: string | null;
  answerTime: string | null;
  finishTime: string | null;
  duration: number | null;
  billedAmount: string | null;
  switchId: string | null;
  callerName: string | null;
  questionResponses: Array<{ question: string; response: string }>;
}

export const CallRecordRef = builder.objectRef<CallRecordRow>('CallRecord');

const QuestionResponse = builder.objectRef<CallRecordRow['questionResponses'][number]>('QuestionResponse').implement({
  description: 'One answer given in an IVR campaign (CallFire QuestionResponse).',
  fields: (t) => ({
    question: t.exposeString('question', { description: 'The IVR stash variable name (Question).' }),
    response: t.exposeString('response', { description: 'The value stored for it (Response).' }),
  }),
});

const recordNode = nodeOptions<CallRecordRow>('CallRecord');

builder.objectType(CallRecordRef, {
  description: 'One dialling attempt of a call (CallFire CallRecord).',
  interfaces: recordNode.interfaces,
  fields: (t) => ({
    id: recordNode.id(t),
    attempt: t.exposeInt('attempt', { description: '1 for the first attempt, in the order they were dialled.' }),
    externalId: t.exposeString('externalId', { nullable: true, description: 'CallFire’s id of the attempt (CallRecord Id).' }),
    result: t.expose('result', { type: CallFireResultEnum, nullable: true, description: 'The attempt’s Result.' }),
    vendorResult: t.exposeString('vendorResult', { nullable: true, description: 'The Result word as CallFire gave it.' }),
    originateTime: t.expose('originateTime', { type: 'DateTime', nullable: true, description: 'When the attempt was dialled (OriginateTime).' }),
    answerTime: t.expose('answerTime', { type: 'DateTime', nullable: true, description: 'When it was answered (AnswerTime).' }),
    finishTime: t.expose('finishTime', { type: 'DateTime', nullable: true, description: 'When it finished (FinishTime).' }),
    duration: t.exposeInt('duration', { nullable: true, description: 'Seconds, as CallFire reported them (Duration).' }),
    billedAmount: t.expose('billedAmount', { type: 'Decimal', nullable: true, description: 'Credits charged for the attempt (BilledAmount).' }),
    switchId: t.exposeString('switchId', { nullable: true, description: 'The switch that placed it (SwitchId).' }),
    callerName: t.exposeString('callerName', { nullable: true, description: 'The caller name CallFire reported for the attempt.' }),
    questionResponses: t.expose('questionResponses', { type: [QuestionResponse], description: 'IVR answers collected during the attempt.' }),
    call: t.field({
      type: CallRef,
      description: 'The call this attempt belongs to.',
      resolve: async (record, _args, ctx, info) => (await loadCall(ctx, info, record.callId!))!,
    }),
    recordings: t.field({
      type: [RecordingRef],
      description: 'Recordings made during this attempt (RecordingMeta).',
      resolve: (record, _args, _ctx, info) => preloaded<RecordingRow[]>(record, info),
    }),
  }),
});

preloadRelation('CallRecord', 'recordings', (ctx, relation) => {
  const selection = selectionOf(ctx, relation.info, 'Recording');
  return {
    key: selection.key,
    column: {
      property: relation.property,
      sql: (params) => nestedRows(recordingEntity, 'rec.call_record_id', 'cr.id', scoped(ctx, recordingEntity), selection, params),
    },
  };
});

/* The same fields written in SQL (sql-response.ts), for operations answered by one statement. */
renderEntity('CallRecord', callRecordEntity);

renderField('CallRecord', 'recordings', (renderer, field) =>
  renderedRows(recordingEntity, 'rec.call_record_id', 'cr.id', scoped(renderer.ctx, recordingEntity), renderer.params, 'rec.id', renderer.object('Recording', field.nodes)),
);

renderField('CallRecord', 'call', (renderer, field) =>
  renderedRow(callEntity, 'cr.call_id', scoped(renderer.ctx, callEntity), renderer.params, renderer.object('Call', field.nodes)),
);
