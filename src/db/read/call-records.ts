import { camel } from './calls.js';
import type { Entity } from './entity.js';
import { isoTime } from './sql.js';

export const callRecordEntity: Entity = {
  table: 'call_records',
  alias: 'cr',
  columns: {
    id: 'cr.id::text',
    callId: 'cr.call_id::text',
    ...Object.fromEntries(
      ['attempt', 'external_id', 'result', 'vendor_result', 'duration', 'switch_id', 'caller_name', 'question_responses'].map((column) => [
        camel(column),
        `cr.${column}`,
      ]),
    ),
    ...Object.fromEntries(['originate_time', 'answer_time', 'finish_time'].map((column) => [camel(column), isoTime(`cr.${column}`)])),
    billedAmount: 'cr.billed_amount::text',
  },
  requires: { call: ['callId'] },
  orders: {
    ATTEMPT: { column: 'cr.attempt', type: 'integer', text: 'cr.attempt::text' },
  },
};
