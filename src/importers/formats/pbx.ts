import type { CallStatus, HangupDisposition, PbxResult } from '../../db/generated/enums.js';
import { bigint, derivedDuration, integer, party, phone, RecordError, text, time, vocabulary } from '../normalize.js';
import type { Format } from '../record.js';

const RESULTS: Record<string, [PbxResult, CallStatus]> = {
  busy: ['BUSY', 'BUSY'],
  answered: ['ANSWERED', 'COMPLETED'],
  bridged: ['BRIDGED', 'COMPLETED'],
  'not answered': ['NOT_ANSWERED', 'NO_ANSWER'],
  rejected: ['REJECTED', 'CANCELED'],
  failed: ['FAILED', 'FAILED'],
};

const DISPOSITIONS: Record<string, HangupDisposition> = {
  callee_bye: 'CALLEE_BYE',
  caller_bye: 'CALLER_BYE',
  caller_cancel: 'CALLER_CANCEL',
  callee_refuse: 'CALLEE_REFUSE',
  internal_cancel: 'INTERNAL_CANCEL',
};

/** The hosted PBX's `calls` JSON: `{ calls, page, per_page, order }`, or one call. */
export const pbx: Format = {
  name: 'pbx',
  source: 'PBX',
  recordPaths: ['$.calls.*'],
  idField: 'call_uuid',
  externalIdOf: (r) => text(r.call_uuid),
  normalize(r, options) {
    const externalId = pbx.externalIdOf(r);
    if (!externalId) throw new RecordError('call_uuid is missing');
    const from = party(r.from_username, options);
    const to = party(r.to_username, options);
    const result = text(r.result);
    const [pbxResult, status] = result ? (RESULTS[result.toLowerCase()] ?? [null, 'UNKNOWN' as const]) : [null, 'UNKNOWN' as const];
    const flow = text(r.flow)?.toLowerCase() ?? null;
    const start = time(r.init_time_gmt, 'init_time_gmt');
    const end = time(r.hangup_time_gmt, 'hangup_time_gmt');
    const quality = (r.quality_rate ?? null) as { rate?: unknown; max_rate?: unknown } | null;
    return {
      externalId,
      call: {
        source: 'PBX',
        external_id: externalId,
        vendor_account_id: text(r.client_owner_id),
        from_address: from.address,
        from_number: from.number,
        from_domain: text(r.from_domain),
        caller_name: text(r.from_screen_name),
        to_address: to.address,
        to_number: to.number,
        to_domain: text(r.to_domain),
        did_number: phone(r.did_number, options),
        did_domain: text(r.did_domain),
        bridged_address: text(r.bridged_username),
        bridged_domain: text(r.bridged_domain),
        bridged_time: time(r.bridged_time_gmt, 'bridged_time_gmt'),
        bridged_duration: integer(r.bridged_duration, 'bridged_duration'),
        diversion_number: phone(r.diversion_number, options),
        extension_id: bigint(r.extension_id, 'extension_id'),
        extension_name: text(r.extension_name),
        extension_type: text(r.extension_type),
        extension_group_id: bigint(r.extension_group_owner_id, 'extension_group_owner_id'),
        extension_external_number: phone(r.ext_number_reg, options),
        start_time: start,
        answer_time: time(r.start_time_gmt, 'start_time_gmt'),
        end_time: end,
        duration: derivedDuration(integer(r.duration, 'duration'), start, end),
        status,
        direction: flow === 'in' ? 'INBOUND' : flow === 'out' ? 'OUTBOUND' : null,
        vendor_direction: flow,
        hangup_cause: text(r.hangup_cause),
        // An empty disposition is the PBX saying it could not tell, not an absent value.
        hangup_disposition: r.hangup_disposition === '' ? 'UNDETERMINED' : vocabulary(r.hangup_disposition, DISPOSITIONS),
        pbx_result: pbxResult,
        vendor_result: result,
        quality_rate: integer(quality?.rate, 'quality_rate.rate'),
        quality_max_rate: integer(quality?.max_rate, 'quality_rate.max_rate'),
        payload: r,
      },
      attempts: [],
      recordings: [],
    };
  },
};
