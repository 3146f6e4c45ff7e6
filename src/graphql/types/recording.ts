import { compareDates, compareNumbers, rangeConditions, stringConditions, type RangeFilter, type StringFilter as StringFilterValue } from '../../db/read/filters.js';
import { and, columnsOf, sql, type ColumnAccess, type Sql } from '../../db/sql.js';
import { builder } from '../builder.js';
import type { PlannedRow } from '../read/declarations.js';
import { column, globalId, one, rootPage, table } from '../read/fields.js';
import { idOfType } from '../read/global-id.js';
import { CallRef } from './call.js';
import { CallRecordRef } from './call-record.js';
import { DateTimeFilter, IntFilter, StringFilter } from './filters.js';
import { connectionType, NodeRef, orderInput, pageArgs } from './lists.js';

export const RecordingRef = builder.objectRef<PlannedRow>('Recording');

export const recordingTable = table({
  table: 'recordings',
  model: 'Recording',
  idType: 'bigint',
  orders: {
    RECORDED_AT: { column: 'recorded_at', type: 'timestamptz' },
    LENGTH: { column: 'length_seconds', type: 'integer' },
  },
});

builder.objectType(RecordingRef, {
  description: 'Audio recorded during a call (CallFire RecordingMeta, FreeClimb and Restcomm recordings).',
  interfaces: [NodeRef],
  extensions: { read: recordingTable },
  fields: (t) => ({
    id: t.id({ ...globalId(), description: 'An opaque global id: node(id) finds the object again.' }),
    externalId: t.string({ ...column('external_id', 'String', { nullable: true }), description: 'The platform’s id of the recording.' }),
    name: t.string({ ...column('name', 'String', { nullable: true }), description: 'Its name (RecordingMeta Name).' }),
    recordedAt: t.field({ type: 'DateTime', ...column('recorded_at', 'DateTime', { nullable: true }), description: 'When it was created (RecordingMeta Created).' }),
    lengthSeconds: t.int({ ...column('length_seconds', 'Int', { nullable: true }), description: 'Its length in seconds (LengthInSeconds).' }),
    url: t.string({ ...column('url', 'String', { nullable: true }), description: 'Where the audio can be fetched from the platform.' }),
    call: t.field({ type: CallRef, ...one('call_id', 'id'), description: 'The call that was recorded.' }),
    callRecord: t.field({ type: CallRecordRef, nullable: true, ...one('call_record_id', 'id'), description: 'The attempt during which it was made, when the platform says.' }),
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

function recordingFilterWhere(filter: RecordingFilterInput | null | undefined, column: ColumnAccess): Sql {
  if (!filter) return and([]);
  const out: Sql[] = [];
  if (filter.callId != null) out.push(sql`${column('call_id')} = ${idOfType(filter.callId, 'Call', 'filter.callId') ?? '0'}::bigint`);
  if (filter.name) out.push(...stringConditions('filter.name', column('name'), filter.name));
  if (filter.recordedAt) out.push(...rangeConditions('filter.recordedAt', column('recorded_at'), sql`timestamptz`, filter.recordedAt, compareDates));
  if (filter.lengthSeconds) out.push(...rangeConditions('filter.lengthSeconds', column('length_seconds'), sql`int`, filter.lengthSeconds, compareNumbers));
  return and(out);
}

builder.queryField('recordings', (t) =>
  t.field({
    type: RecordingConnection,
    ...rootPage({
      list: 'recordings',
      defaultOrder: { field: 'RECORDED_AT', direction: 'DESC' },
      where: (args, alias) => recordingFilterWhere(args.filter as RecordingFilterInput | null | undefined, columnsOf(alias)),
    }),
    description: 'Recordings, newest first unless ordered otherwise.',
    args: {
      ...pageArgs(t.arg),
      filter: t.arg({ type: RecordingFilter, required: false, description: 'Only the recordings that match.' }),
      orderBy: t.arg({ type: RecordingOrder, required: false, description: 'Default: RECORDED_AT descending.' }),
    },
  }),
);
