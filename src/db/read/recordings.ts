import type { Entity } from './entity.js';
import { isoTime } from './sql.js';

export const recordingEntity: Entity = {
  table: 'recordings',
  alias: 'rec',
  columns: {
    id: 'rec.id::text',
    callId: 'rec.call_id::text',
    callRecordId: 'rec.call_record_id::text',
    externalId: 'rec.external_id',
    name: 'rec.name',
    recordedAt: isoTime('rec.recorded_at'),
    lengthSeconds: 'rec.length_seconds',
    url: 'rec.url',
  },
  requires: { call: ['callId'], callRecord: ['callRecordId'] },
  orders: {
    RECORDED_AT: { column: 'rec.recorded_at', type: 'timestamptz', text: isoTime('rec.recorded_at') },
    LENGTH: { column: 'rec.length_seconds', type: 'integer', text: 'rec.length_seconds::text' },
  },
};
