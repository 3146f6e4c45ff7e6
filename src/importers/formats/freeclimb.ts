import { derivedDuration, integer, party, RecordError, text, time, vocabulary } from '../normalize.js';
import type { Format } from '../record.js';
import { ANSWERED_BY, CALL_DIRECTION, CALL_STATUS } from '../vocabulary.js';

/** FreeClimb (and Persephony, its earlier name) call JSON: one call, or a list page with `calls`. */
export const freeclimb: Format = {
  name: 'freeclimb',
  source: 'FREECLIMB',
  recordPaths: ['$.calls.*'],
  idField: 'callId',
  externalIdOf: (r) => text(r.callId),
  normalize(r, options) {
    const externalId = freeclimb.externalIdOf(r);
    if (!externalId) throw new RecordError('callId is missing');
    const from = party(r.from, options);
    const to = party(r.to, options);
    // Today's API adds ISO-8601 twins beside each RFC 1123 field; they carry milliseconds.
    const at = (field: string, iso: string) => time(r[iso] ?? r[field], field);
    const start = at('startTime', 'startTimeISO');
    const end = at('endTime', 'endTimeISO');
    return {
      externalId,
      call: {
        source: 'FREECLIMB',
        external_id: externalId,
        vendor_account_id: text(r.accountId),
        uri: text(r.uri),
        parent_external_id: text(r.parentCallId ?? r.parentcallId),
        from_address: from.address,
        from_number: from.number,
        to_address: to.address,
        to_number: to.number,
        caller_name: text(r.callerName),
        phone_number_id: text(r.phoneNumberId),
        vendor_created_at: at('dateCreated', 'dateCreatedISO'),
        vendor_updated_at: at('dateUpdated', 'dateUpdatedISO'),
        vendor_revision: integer(r.revision, 'revision'),
        start_time: start,
        answer_time: at('connectTime', 'connectTimeISO'),
        end_time: end,
        duration: derivedDuration(integer(r.duration, 'duration'), start, end),
        connect_duration: integer(r.connectDuration, 'connectDuration'),
        status: vocabulary(r.status, CALL_STATUS, 'UNKNOWN') ?? 'UNKNOWN',
        vendor_status: text(r.status),
        direction: vocabulary(r.direction, CALL_DIRECTION),
        vendor_direction: text(r.direction),
        answered_by: vocabulary(r.answeredBy, ANSWERED_BY, 'UNKNOWN'),
        vendor_answered_by: text(r.answeredBy),
        payload: r,
      },
      attempts: [],
      recordings: [],
    };
  },
};
