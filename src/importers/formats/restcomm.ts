import { currency, decimal, derivedDuration, integer, party, RecordError, text, time, vocabulary } from '../normalize.js';
import type { Format } from '../record.js';
import { ANSWERED_BY, CALL_DIRECTION, CALL_STATUS } from '../vocabulary.js';

/** The first present of a field's spellings: Restcomm's PascalCase and the snake_case of its JSON. */
function pick(r: Record<string, unknown>, ...names: string[]): unknown {
  for (const name of names) if (text(r[name]) !== null) return r[name];
  return null;
}

/**
 * Restcomm calls: its own XML (`<RestcommResponse>` with one `<Call>`, or a `<Calls>` page whose
 * paging attributes are not records; PascalCase elements), or the Twilio-style JSON it answers
 * with `.json` (snake_case): one call, or a page with `calls` and its paging fields.
 */
export const restcomm: Format = {
  name: 'restcomm',
  source: 'RESTCOMM',
  recordPaths: ['$.calls.*', '$.Calls.*'],
  xml: true,
  idField: 'sid',
  externalIdOf: (r) => text(pick(r, 'sid', 'Sid')),
  normalize(r, options) {
    const externalId = restcomm.externalIdOf(r);
    if (!externalId) throw new RecordError('sid is missing');
    const from = party(pick(r, 'from', 'From'), options);
    const to = party(pick(r, 'to', 'To'), options);
    const start = time(pick(r, 'start_time', 'StartTime'), 'start_time');
    const end = time(pick(r, 'end_time', 'EndTime'), 'end_time');
    const status = pick(r, 'status', 'Status');
    const direction = pick(r, 'direction', 'Direction');
    const answeredBy = pick(r, 'answered_by', 'AnsweredBy');
    const price = decimal(pick(r, 'price', 'Price'), 'price');
    return {
      externalId,
      call: {
        source: 'RESTCOMM',
        external_id: externalId,
        vendor_account_id: text(pick(r, 'account_sid', 'AccountSid')),
        uri: text(pick(r, 'uri', 'Uri')),
        parent_external_id: text(pick(r, 'parent_call_sid', 'ParentCallSid')),
        from_address: from.address,
        from_number: from.number,
        to_address: to.address,
        to_number: to.number,
        caller_name: text(pick(r, 'caller_name', 'CallerName')),
        forwarded_from: text(pick(r, 'forwarded_from', 'ForwardedFrom', 'ForwardFrom')),
        phone_number_id: text(pick(r, 'phone_number_sid', 'PhoneNumberSid')),
        vendor_created_at: time(pick(r, 'date_created', 'DateCreated'), 'date_created'),
        vendor_updated_at: time(pick(r, 'date_updated', 'DateUpdated'), 'date_updated'),
        start_time: start,
        end_time: end,
        duration: derivedDuration(integer(pick(r, 'duration', 'Duration'), 'duration'), start, end),
        status: vocabulary(status, CALL_STATUS, 'UNKNOWN') ?? 'UNKNOWN',
        vendor_status: text(status),
        direction: vocabulary(direction, CALL_DIRECTION),
        vendor_direction: text(direction),
        answered_by: vocabulary(answeredBy, ANSWERED_BY, 'UNKNOWN'),
        vendor_answered_by: text(answeredBy),
        price,
        currency: currency(pick(r, 'price_unit', 'PriceUnit'), 'price_unit'),
        api_version: text(pick(r, 'api_version', 'ApiVersion')),
        payload: r,
      },
      attempts: [],
      recordings: [],
    };
  },
};
