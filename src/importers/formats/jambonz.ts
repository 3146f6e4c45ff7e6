import { derivedDuration, integer, party, RecordError, text, time, vocabulary } from '../normalize.js';
import type { Format } from '../record.js';
import { CALL_DIRECTION, CALL_STATUS } from '../vocabulary.js';

/** A party is a string, or `{ type, number }` as the create-call request writes it. */
const partyValue = (value: unknown) => (value && typeof value === 'object' ? (value as { number?: unknown }).number : value);

/** jambonz calls JSON: one call, an array of calls, webhook bodies and recent-calls records. */
export const jambonz: Format = {
  name: 'jambonz',
  source: 'JAMBONZ',
  recordPaths: ['$.calls.*', '$.data.*'],
  idField: 'call_sid',
  externalIdOf: (r) => text(r.call_sid),
  normalize(r, options) {
    const externalId = jambonz.externalIdOf(r);
    if (!externalId) throw new RecordError('call_sid is missing');
    const from = party(partyValue(r.from), options);
    const to = party(partyValue(r.to), options);
    const start = time(r.attempted_at, 'attempted_at');
    const end = time(r.terminated_at, 'terminated_at');
    return {
      externalId,
      call: {
        source: 'JAMBONZ',
        external_id: externalId,
        vendor_account_id: text(r.account_sid),
        sip_call_id: text(r.call_id),
        parent_external_id: text(r.parent_call_sid),
        from_address: from.address,
        from_number: from.number,
        to_address: to.address,
        to_number: to.number,
        caller_name: text(r.caller_name),
        start_time: start,
        answer_time: time(r.answered_at, 'answered_at'),
        end_time: end,
        duration: derivedDuration(integer(r.duration, 'duration'), start, end),
        status: vocabulary(r.call_status, CALL_STATUS, 'UNKNOWN') ?? 'UNKNOWN',
        vendor_status: text(r.call_status),
        direction: vocabulary(r.direction, CALL_DIRECTION),
        vendor_direction: text(r.direction),
        sip_status: integer(r.sip_status, 'sip_status'),
        sip_reason: text(r.sip_reason),
        application_id: text(r.application_sid),
        service_url: text(r.service_url),
        originating_sip_ip: text(r.originating_sip_ip),
        originating_sip_trunk: text(r.originating_sip_trunk_name),
        payload: r,
      },
      attempts: [],
      recordings: [],
    };
  },
};
