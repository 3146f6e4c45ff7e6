import { currency, decimal, derivedDuration, integer, party, RecordError, text, time } from '../normalize.js';
import type { Format } from '../record.js';

/** cdrql's own typed CallInput (from the upsertCalls mutation), in the same shape as a vendor record. */
export const native: Format = {
  name: 'native',
  source: 'NATIVE',
  recordPaths: [],
  idField: 'externalId',
  externalIdOf: (r) => text(r.externalId),
  normalize(r, options) {
    const externalId = native.externalIdOf(r);
    if (!externalId) throw new RecordError('externalId is missing');
    const from = party(r.from, options);
    const to = party(r.to, options);
    const start = time(r.startTime, 'startTime');
    const end = time(r.endTime, 'endTime');
    const price = (r.price ?? null) as { amount?: unknown; currency?: unknown } | null;
    return {
      externalId,
      call: {
        source: 'NATIVE',
        external_id: externalId,
        parent_external_id: text(r.parentExternalId),
        from_address: from.address,
        from_number: from.number,
        to_address: to.address,
        to_number: to.number,
        caller_name: text(r.callerName),
        start_time: start,
        answer_time: time(r.answerTime, 'answerTime'),
        end_time: end,
        duration: derivedDuration(integer(r.duration, 'duration'), start, end),
        status: r.status,
        direction: r.direction ?? null,
        answered_by: r.answeredBy ?? null,
        price: decimal(price?.amount, 'price.amount'),
        currency: currency(price?.currency, 'price.currency'),
        payload: r,
      },
      attempts: [],
      recordings: [],
    };
  },
};
