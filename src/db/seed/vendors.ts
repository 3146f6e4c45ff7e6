import type { Random } from './random.js';
import type { Row } from './generator.js';

/**
 * Demo calls in each vendor's own shape: the normalised columns and, as `payload`, the record as
 * that vendor would have sent it. Statuses, directions and results are the vendors' vocabularies.
 */

export interface CallContext {
  random: Random;
  /** How many calls of this vendor came before: the first ones walk the whole vocabulary. */
  index: number;
  accountId: string;
  /** Unique per generated call, for ids that must not collide. */
  serial: number;
  start: Date;
  parent: GeneratedCall | undefined;
}

export interface GeneratedAttempt {
  row: Row;
  recordings: Row[];
}

export interface GeneratedCall {
  row: Row;
  attempts: GeneratedAttempt[];
  recordings: Row[];
}

export interface VendorProfile {
  /** Whether this vendor's calls have child legs. */
  legs: boolean;
  call(context: CallContext): GeneratedCall;
}

type Phase = 'waiting' | 'ringing' | 'live' | 'answered' | 'unanswered';

/** [vendor value, our status, what happened, weight among non-walking picks]. */
type StatusEntry = readonly [string, string, Phase, number];

function walkOrPick<T>(random: Random, index: number, entries: readonly T[], weight: (entry: T) => number): T {
  if (index < entries.length) return entries[index]!;
  const total = entries.reduce((sum, entry) => sum + weight(entry), 0);
  let pick = random.next() * total;
  for (const entry of entries) {
    pick -= weight(entry);
    if (pick < 0) return entry;
  }
  return entries[entries.length - 1]!;
}

const walk = <T>(random: Random, index: number, values: readonly T[]): T =>
  walkOrPick(random, index, values, () => 1);

interface Timeline {
  start: Date | null;
  answer: Date | null;
  end: Date | null;
  /** Seconds from start to end, when ended. */
  duration: number | null;
  /** Seconds from answer to end, when answered and ended. */
  talk: number | null;
}

function timeline(random: Random, start: Date, phase: Phase): Timeline {
  const ring = random.int(2, 25);
  const talk = Math.round(Math.exp(random.next() * 6.2)) + random.int(3, 20);
  const at = (seconds: number) => new Date(start.getTime() + seconds * 1000);
  switch (phase) {
    case 'waiting':
      return { start: null, answer: null, end: null, duration: null, talk: null };
    case 'ringing':
      return { start, answer: null, end: null, duration: null, talk: null };
    case 'live':
      return { start, answer: at(ring), end: null, duration: null, talk: null };
    case 'answered':
      return { start, answer: at(ring), end: at(ring + talk), duration: ring + talk, talk };
    case 'unanswered':
      return { start, answer: null, end: at(ring), duration: ring, talk: null };
  }
}

const AREA_CODES = ['212', '305', '312', '415', '512', '617', '646', '702', '206', '404'];

function phoneNumber(random: Random): string {
  return `+1${random.pick(AREA_CODES)}${random.int(200, 999)}${random.int(1000, 9999)}`;
}

function stableHash(text: string): number {
  let hash = 2166136261;
  for (let i = 0; i < text.length; i += 1) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619);
  return hash >>> 0;
}

/** Each account owns ten DIDs. */
function didNumber(random: Random, accountId: string): string {
  return `+1800${String(stableHash(accountId) % 900 + 100)}${String(random.int(0, 9)).padStart(4, '5')}`;
}

function accountHex(accountId: string, length: number): string {
  return stableHash(accountId).toString(16).padStart(8, '0').repeat(6).slice(0, length);
}

const rfc1123 = (date: Date | null) => (date ? date.toUTCString() : null);
const pbxTime = (date: Date | null) => (date ? date.toISOString().slice(0, 19).replace('T', ' ') : null);
const iso = (date: Date | null) => date?.toISOString() ?? null;

/** Columns every vendor sets the same way from the timeline. */
function timingColumns(t: Timeline): Row {
  return { start_time: iso(t.start), answer_time: iso(t.answer), end_time: iso(t.end), duration: t.duration };
}

function bookkeeping(t: Timeline, fallback: Date): Row {
  return { revision: 1, created_at: iso(t.start ?? fallback), updated_at: iso(t.end ?? t.start ?? fallback) };
}

function maybeRecording(random: Random, t: Timeline, url: (id: string) => string): Row[] {
  if (t.talk === null || !random.chance(0.3)) return [];
  const id = `RE${random.hex(32)}`;
  return [{ external_id: id, name: null, recorded_at: iso(t.answer), length_seconds: t.talk, url: url(id) }];
}

function partiesFor(random: Random, accountId: string, inbound: boolean) {
  const customer = phoneNumber(random);
  const did = didNumber(random, accountId);
  return inbound ? { from: customer, to: did } : { from: did, to: customer };
}

const FREECLIMB_STATUSES: readonly StatusEntry[] = [
  ['queued', 'QUEUED', 'waiting', 1],
  ['ringing', 'RINGING', 'ringing', 1],
  ['inProgress', 'IN_PROGRESS', 'live', 3],
  ['canceled', 'CANCELED', 'unanswered', 4],
  ['completed', 'COMPLETED', 'answered', 60],
  ['busy', 'BUSY', 'unanswered', 8],
  ['failed', 'FAILED', 'unanswered', 5],
  ['noAnswer', 'NO_ANSWER', 'unanswered', 12],
];
const FREECLIMB_DIRECTIONS = [
  ['inbound', 'INBOUND'],
  ['outboundAPI', 'OUTBOUND_API'],
  ['outboundDial', 'OUTBOUND_DIAL'],
] as const;

const freeclimb: VendorProfile = {
  legs: true,
  call({ random, index, accountId, start, parent }) {
    const [vendorStatus, status, phase] = walkOrPick(random, index, FREECLIMB_STATUSES, (e) => e[3]);
    const [vendorDirection, direction] = parent ? FREECLIMB_DIRECTIONS[2] : walk(random, index, FREECLIMB_DIRECTIONS);
    const t = timeline(random, start, phase);
    const party = partiesFor(random, accountId, direction === 'INBOUND');
    const callId = `CA${random.hex(40)}`;
    const vendorAccount = `AC${accountHex(accountId, 40)}`;
    const answeredBy = direction !== 'INBOUND' && t.answer ? walk(random, index, ['human', 'machine'] as const) : null;
    const revision = t.end ? 2 : 1;
    const uri = `/Accounts/${vendorAccount}/Calls/${callId}`;
    const payload = {
      uri,
      revision,
      dateCreated: rfc1123(start),
      dateUpdated: rfc1123(t.end ?? start),
      callId,
      parentCallId: parent?.row.external_id ?? null,
      accountId: vendorAccount,
      from: party.from,
      to: party.to,
      phoneNumberId: `PN${random.hex(40)}`,
      status: vendorStatus,
      startTime: rfc1123(t.start),
      connectTime: rfc1123(t.answer),
      endTime: rfc1123(t.end),
      duration: t.talk === null ? null : t.duration,
      connectDuration: t.talk,
      direction: vendorDirection,
      answeredBy,
      subresourceUris: { logs: `${uri}/Logs`, recordings: `${uri}/Recordings` },
    };
    return {
      row: {
        source: 'FREECLIMB',
        external_id: callId,
        vendor_account_id: vendorAccount,
        uri,
        parent_external_id: payload.parentCallId,
        from_address: party.from,
        from_number: party.from,
        to_address: party.to,
        to_number: party.to,
        phone_number_id: payload.phoneNumberId,
        vendor_created_at: iso(start),
        vendor_updated_at: iso(t.end ?? start),
        vendor_revision: revision,
        ...timingColumns(t),
        duration: payload.duration,
        connect_duration: t.talk,
        status,
        vendor_status: vendorStatus,
        direction,
        vendor_direction: vendorDirection,
        answered_by: answeredBy?.toUpperCase() ?? null,
        vendor_answered_by: answeredBy,
        payload,
        ...bookkeeping(t, start),
      },
      attempts: [],
      recordings: maybeRecording(random, t, (id) => `https://www.freeclimb.com/apiserver${uri}/Recordings/${id}/Download`),
    };
  },
};

const RESTCOMM_STATUSES: readonly StatusEntry[] = [
  ['queued', 'QUEUED', 'waiting', 1],
  ['ringing', 'RINGING', 'ringing', 1],
  ['in-progress', 'IN_PROGRESS', 'live', 3],
  ['canceled', 'CANCELED', 'unanswered', 4],
  ['completed', 'COMPLETED', 'answered', 60],
  ['failed', 'FAILED', 'unanswered', 5],
  ['busy', 'BUSY', 'unanswered', 8],
  ['no-answer', 'NO_ANSWER', 'unanswered', 12],
];
const RESTCOMM_DIRECTIONS = [
  ['inbound', 'INBOUND'],
  ['outbound-api', 'OUTBOUND_API'],
  ['outbound-dial', 'OUTBOUND_DIAL'],
] as const;
const RESTCOMM_ANSWERED_BY = [
  ['human', 'HUMAN'],
  ['machine_start', 'MACHINE'],
  ['machine_end_beep', 'MACHINE'],
  ['fax', 'FAX'],
  ['unknown', 'UNKNOWN'],
] as const;
const CLIENT_NAMES = ['alice', 'bob', 'carol', 'dave'];
const CALLER_NAMES = ['ALICE SMITH', 'WIRELESS CALLER', 'ACME CORP', 'J DOE'];

const restcomm: VendorProfile = {
  legs: true,
  call({ random, index, accountId, start, parent }) {
    const [vendorStatus, status, phase] = walkOrPick(random, index, RESTCOMM_STATUSES, (e) => e[3]);
    const [vendorDirection, direction] = parent ? RESTCOMM_DIRECTIONS[2] : walk(random, index, RESTCOMM_DIRECTIONS);
    const t = timeline(random, start, phase);
    const inbound = direction === 'INBOUND';
    const party = partiesFor(random, accountId, inbound);
    const fromClient = inbound && random.chance(0.1) ? random.pick(CLIENT_NAMES) : null;
    const from = fromClient ?? party.from;
    const sid = `CA${random.hex(32)}`;
    const vendorAccount = `AC${accountHex(accountId, 32)}`;
    const answered = t.answer && !inbound ? walk(random, index, RESTCOMM_ANSWERED_BY) : null;
    const price = t.talk === null ? null : (-0.0085 * Math.ceil(t.talk / 60)).toFixed(5);
    const forwardedFrom = inbound && random.chance(0.1) ? phoneNumber(random) : null;
    const callerName = inbound && random.chance(0.3) ? random.pick(CALLER_NAMES) : null;
    const uri = `/2012-04-24/Accounts/${vendorAccount}/Calls/${sid}.json`;
    const payload = {
      sid,
      parent_call_sid: parent?.row.external_id ?? null,
      account_sid: vendorAccount,
      date_created: rfc1123(start),
      date_updated: rfc1123(t.end ?? start),
      to: party.to,
      from,
      phone_number_sid: `PN${random.hex(32)}`,
      status: vendorStatus,
      start_time: rfc1123(t.start),
      end_time: rfc1123(t.end),
      duration: String(t.duration ?? 0),
      price,
      price_unit: 'USD',
      direction: vendorDirection,
      answered_by: answered?.[0] ?? null,
      api_version: '2012-04-24',
      forwarded_from: forwardedFrom,
      caller_name: callerName,
      uri,
    };
    return {
      row: {
        source: 'RESTCOMM',
        external_id: sid,
        vendor_account_id: vendorAccount,
        uri,
        parent_external_id: payload.parent_call_sid,
        from_address: from,
        from_number: fromClient ? null : from,
        caller_name: callerName,
        to_address: party.to,
        to_number: party.to,
        forwarded_from: forwardedFrom,
        phone_number_id: payload.phone_number_sid,
        vendor_created_at: iso(start),
        vendor_updated_at: iso(t.end ?? start),
        ...timingColumns(t),
        duration: t.duration ?? 0,
        status,
        vendor_status: vendorStatus,
        direction,
        vendor_direction: vendorDirection,
        answered_by: answered?.[1] ?? null,
        vendor_answered_by: answered?.[0] ?? null,
        price,
        currency: 'USD',
        api_version: '2012-04-24',
        payload,
        ...bookkeeping(t, start),
      },
      attempts: [],
      recordings: maybeRecording(random, t, (id) => `/2012-04-24/Accounts/${vendorAccount}/Recordings/${id}.wav`),
    };
  },
};

/** [PBX result, our status, what happened, weight]. */
const PBX_RESULTS: readonly StatusEntry[] = [
  ['busy', 'BUSY', 'unanswered', 8],
  ['answered', 'COMPLETED', 'answered', 20],
  ['bridged', 'COMPLETED', 'answered', 45],
  ['not answered', 'NO_ANSWER', 'unanswered', 15],
  ['rejected', 'CANCELED', 'unanswered', 5],
  ['failed', 'FAILED', 'unanswered', 5],
];
const PBX_DISPOSITIONS = ['callee_bye', 'caller_bye', 'caller_cancel', 'callee_refuse', 'internal_cancel', ''];
const PBX_EXTENSIONS = [
  [101, 'Reception', 'phone'],
  [102, 'Sales 1', 'phone'],
  [103, 'Sales 2', 'phone'],
  [200, 'Main menu', 'ivr'],
  [300, 'Support queue', 'queue'],
] as const;
const HANGUP_CAUSES = ['NORMAL_CLEARING', 'USER_BUSY', 'NO_ANSWER', 'CALL_REJECTED', 'ORIGINATOR_CANCEL'];

const pbx: VendorProfile = {
  legs: false,
  call({ random, index, accountId, start }) {
    const [result, status, phase] = walkOrPick(random, index, PBX_RESULTS, (e) => e[3]);
    const flow = walk(random, index, ['in', 'out'] as const);
    const disposition = walk(random, index, PBX_DISPOSITIONS);
    const t = timeline(random, start, phase);
    const inbound = flow === 'in';
    const [extensionId, extensionName, extensionType] = random.pick(PBX_EXTENSIONS);
    const customer = phoneNumber(random);
    const did = inbound ? didNumber(random, accountId) : null;
    const domain = `${accountId}.pbx.example.com`;
    const bridged = result === 'bridged' && t.answer;
    const bridgedTime = bridged ? new Date(t.answer!.getTime() + random.int(1, 15) * 1000) : null;
    const bridgedDuration = bridgedTime && t.end ? Math.round((t.end.getTime() - bridgedTime.getTime()) / 1000) : null;
    const quality = t.talk !== null && random.chance(0.4) ? { rate: random.int(1, 5), max_rate: 5 } : null;
    const payload = {
      call_uuid: random.uuid(),
      client_owner_id: stableHash(accountId) % 100000,
      flow,
      from_username: inbound ? customer.slice(1) : String(extensionId),
      from_domain: inbound ? 'sip.carrier.example.net' : domain,
      from_screen_name: inbound ? null : extensionName,
      to_username: inbound ? String(extensionId) : customer.slice(1),
      to_domain: inbound ? domain : 'sip.carrier.example.net',
      did_number: did?.slice(1) ?? null,
      did_domain: did ? domain : null,
      bridged_username: bridged ? String(random.pick(PBX_EXTENSIONS)[0]) : null,
      bridged_domain: bridged ? domain : null,
      bridged_time_gmt: pbxTime(bridgedTime),
      bridged_duration: bridgedDuration,
      duration: t.duration,
      extension_id: extensionId,
      extension_name: extensionName,
      extension_type: extensionType,
      extension_group_owner_id: extensionType === 'phone' ? 7 : null,
      ext_number_reg: extensionId === 101 ? did?.slice(1) ?? null : null,
      hangup_cause: random.pick(HANGUP_CAUSES),
      hangup_disposition: disposition,
      init_time_gmt: pbxTime(t.start),
      start_time_gmt: pbxTime(t.answer),
      hangup_time_gmt: pbxTime(t.end),
      result,
      diversion_number: inbound && random.chance(0.1) ? phoneNumber(random).slice(1) : null,
      quality_rate: quality,
    };
    return {
      row: {
        source: 'PBX',
        external_id: payload.call_uuid,
        vendor_account_id: String(payload.client_owner_id),
        from_address: payload.from_username,
        from_number: inbound ? customer : null,
        from_domain: payload.from_domain,
        caller_name: payload.from_screen_name,
        to_address: payload.to_username,
        to_number: inbound ? null : customer,
        to_domain: payload.to_domain,
        diversion_number: payload.diversion_number ? `+${payload.diversion_number}` : null,
        did_number: did,
        did_domain: payload.did_domain,
        bridged_address: payload.bridged_username,
        bridged_domain: payload.bridged_domain,
        extension_id: extensionId,
        extension_name: extensionName,
        extension_type: extensionType,
        extension_group_id: payload.extension_group_owner_id,
        extension_external_number: payload.ext_number_reg ? `+${payload.ext_number_reg}` : null,
        ...timingColumns(t),
        bridged_time: iso(bridgedTime),
        bridged_duration: bridgedDuration,
        status,
        vendor_status: null,
        direction: inbound ? 'INBOUND' : 'OUTBOUND',
        vendor_direction: flow,
        hangup_cause: payload.hangup_cause,
        hangup_disposition: disposition === '' ? 'UNDETERMINED' : disposition.toUpperCase(),
        pbx_result: result.replace(' ', '_').toUpperCase(),
        vendor_result: result,
        quality_rate: quality?.rate ?? null,
        quality_max_rate: quality?.max_rate ?? null,
        payload,
        ...bookkeeping(t, start),
      },
      attempts: [],
      recordings: [],
    };
  },
};

/** [State, FinalResult (FINISHED only), our status, weight]. */
const CALLFIRE_OUTCOMES = [
  ['FINISHED', 'LA', 'COMPLETED', 50],
  ['FINISHED', 'AM', 'COMPLETED', 15],
  ['FINISHED', 'BUSY', 'BUSY', 8],
  ['FINISHED', 'NO_ANS', 'NO_ANSWER', 15],
  ['FINISHED', 'XFER', 'COMPLETED', 2],
  ['FINISHED', 'XFER_LEG', 'COMPLETED', 1],
  ['FINISHED', 'DNC', 'CANCELED', 1],
  ['FINISHED', 'UNDIALED', 'CANCELED', 1],
  ['FINISHED', 'SD', 'CANCELED', 1],
  ['FINISHED', 'POSTPONED', 'CANCELED', 1],
  ['FINISHED', 'ABANDONED', 'CANCELED', 1],
  ['FINISHED', 'INTERNAL_ERROR', 'FAILED', 1],
  ['FINISHED', 'CARRIER_ERROR', 'FAILED', 1],
  ['FINISHED', 'CARRIER_TEMP_ERROR', 'FAILED', 1],
  ['READY', null, 'QUEUED', 2],
  ['SELECTED', null, 'QUEUED', 1],
  ['CALLBACK', null, 'QUEUED', 1],
  ['DNC', null, 'CANCELED', 1],
  ['DUP', null, 'CANCELED', 1],
  ['INVALID', null, 'FAILED', 2],
  ['TIMEOUT', null, 'NO_ANSWER', 1],
] as const;
const ANSWERED_RESULTS = new Set(['LA', 'AM', 'XFER', 'XFER_LEG']);
const IVR_QUESTIONS = [
  ['satisfaction', ['1', '2', '3', '4', '5']],
  ['callback', ['yes', 'no']],
  ['language', ['en', 'es']],
] as const;

/** CallFire ids are numbers; each call owns a block of ten for itself and its attempts. */
const callfireId = (serial: number, offset: number) => String(224205636001 + serial * 10 + offset);

function callfireAttempt(
  random: Random,
  ids: { attempt: string; recording: string },
  start: Date,
  result: string,
  recordable: boolean,
): GeneratedAttempt & { t: Timeline } {
  const answered = ANSWERED_RESULTS.has(result);
  const t = timeline(random, start, answered ? 'answered' : 'unanswered');
  const questionResponses =
    result === 'LA' && random.chance(0.6)
      ? IVR_QUESTIONS.slice(0, random.int(1, 3)).map(([question, answers]) => ({ question, response: random.pick(answers) }))
      : [];
  const id = ids.attempt;
  const recordingId = ids.recording;
  const recordings =
    recordable && answered && random.chance(0.5)
      ? [{
          external_id: recordingId,
          name: `call-${id}`,
          recorded_at: iso(t.answer),
          length_seconds: t.talk,
          url: `https://www.callfire.com/api/1.1/rest/call/recording/${recordingId}.mp3`,
        }]
      : [];
  return {
    t,
    recordings,
    row: {
      external_id: id,
      result,
      vendor_result: result,
      originate_time: iso(t.start),
      answer_time: iso(t.answer),
      finish_time: iso(t.end),
      duration: t.talk ?? 0,
      billed_amount: answered ? (Math.ceil((t.talk ?? 0) / 60) * 1.0).toFixed(1) : '0.0',
      switch_id: random.uuid(),
      caller_name: 'c105.cf6.kernelfire.com',
      question_responses: questionResponses,
    },
  };
}

const callfire: VendorProfile = {
  legs: false,
  call({ random, index, accountId, serial, start }) {
    const [state, finalResult, status] = walkOrPick(random, index, CALLFIRE_OUTCOMES, (e) => e[3]);
    const finished = finalResult !== null;
    const inbound = random.chance(0.1);
    const party = partiesFor(random, accountId, inbound);
    const attemptCount = finished ? 1 + (index % 3) : 0;
    const attempts: Array<GeneratedAttempt & { t: Timeline }> = [];
    let at = start;
    for (let n = 1; n <= attemptCount; n += 1) {
      const result = n === attemptCount ? finalResult! : random.pick(['NO_ANS', 'BUSY']);
      const ids = { attempt: callfireId(serial, n), recording: callfireId(serial, n + 5) };
      const attempt = callfireAttempt(random, ids, at, result, n === attemptCount);
      attempts.push({ ...attempt, row: { ...attempt.row, attempt: n } });
      at = new Date((attempt.t.end ?? at).getTime() + random.int(600, 3600) * 1000);
    }
    const first = attempts[0];
    const last = attempts[attempts.length - 1];
    const answeredAttempt = attempts.find((attempt) => attempt.t.answer);
    const id = callfireId(serial, 0);
    const created = new Date(start.getTime() - 60_000);
    const modified = last?.t.end ?? created;
    const label = random.chance(0.5) ? random.pick(['spring-promo', 'renewals', 'survey']) : null;
    const broadcastId = 1836940001 + (stableHash(accountId) % 50) * 1000 + random.int(0, 3);
    const payload = {
      Call: {
        '@id': Number(id),
        FromNumber: party.from.slice(1),
        ToNumber: { value: party.to.slice(1) },
        State: state,
        BatchId: broadcastId + 7,
        BroadcastId: broadcastId,
        ContactId: 169915679001 + random.int(0, 99999),
        Inbound: inbound,
        Created: created.toISOString().replace('.000', ''),
        Modified: modified.toISOString().replace('.000', ''),
        ...(finished ? { FinalResult: finalResult } : {}),
        ...(label ? { Label: [{ Name: label }] } : {}),
        CallRecord: [...attempts].reverse().map((attempt) => ({
          '@id': Number(attempt.row.external_id),
          Result: attempt.row.vendor_result,
          FinishTime: attempt.row.finish_time,
          BilledAmount: Number(attempt.row.billed_amount),
          OriginateTime: attempt.row.originate_time,
          AnswerTime: attempt.row.answer_time,
          Duration: attempt.row.duration,
          QuestionResponse: (attempt.row.question_responses as Array<{ question: string; response: string }>).map((qr) => ({
            Question: qr.question,
            Response: qr.response,
          })),
          RecordingMeta: attempt.recordings.map((r) => ({
            '@id': Number(r.external_id),
            Name: r.name,
            Created: r.recorded_at,
            LengthInSeconds: r.length_seconds,
            Link: r.url,
          })),
        })),
      },
    };
    const t: Timeline = {
      start: first?.t.start ?? null,
      answer: answeredAttempt?.t.answer ?? null,
      end: last?.t.end ?? null,
      duration: last ? (last.row.duration as number) : null,
      talk: null,
    };
    return {
      row: {
        source: 'CALLFIRE',
        external_id: id,
        from_address: payload.Call.FromNumber,
        from_number: party.from,
        to_address: payload.Call.ToNumber.value,
        to_number: party.to,
        vendor_created_at: iso(created),
        vendor_updated_at: iso(modified),
        ...timingColumns(t),
        status,
        vendor_status: state,
        direction: inbound ? 'INBOUND' : 'OUTBOUND',
        vendor_direction: inbound ? 'Inbound: true' : 'Inbound: false',
        callfire_state: state,
        callfire_final_result: finished ? finalResult : null,
        vendor_result: finished ? finalResult : null,
        broadcast_id: broadcastId,
        batch_id: payload.Call.BatchId,
        contact_id: payload.Call.ContactId,
        label,
        payload,
        ...bookkeeping(t, created),
      },
      attempts,
      recordings: [],
    };
  },
};

const JAMBONZ_STATUSES: readonly (readonly [string, string, Phase, number, number, string])[] = [
  ['trying', 'TRYING', 'ringing', 1, 100, 'Trying'],
  ['ringing', 'RINGING', 'ringing', 1, 180, 'Ringing'],
  ['early-media', 'RINGING', 'ringing', 1, 183, 'Session Progress'],
  ['in-progress', 'IN_PROGRESS', 'live', 3, 200, 'OK'],
  ['completed', 'COMPLETED', 'answered', 60, 200, 'OK'],
  ['failed', 'FAILED', 'unanswered', 5, 503, 'Service Unavailable'],
  ['busy', 'BUSY', 'unanswered', 8, 486, 'Busy Here'],
  ['no-answer', 'NO_ANSWER', 'unanswered', 12, 487, 'Request Terminated'],
];

const jambonz: VendorProfile = {
  legs: true,
  call({ random, index, accountId, start, parent }) {
    const [vendorStatus, status, phase, , sipStatus, sipReason] = walkOrPick(random, index, JAMBONZ_STATUSES, (e) => e[3]);
    const direction = parent ? 'outbound' : walk(random, index, ['inbound', 'outbound'] as const);
    const t = timeline(random, start, phase);
    const inbound = direction === 'inbound';
    const party = partiesFor(random, accountId, inbound);
    const epoch = (date: Date | null) => date?.getTime() ?? null;
    const payload = {
      call_sid: random.uuid(),
      parent_call_sid: parent?.row.external_id ?? null,
      account_sid: `${accountHex(accountId, 8)}-4771-44cb-92a6-${accountHex(accountId, 12)}`,
      application_sid: random.uuid(),
      call_id: `${random.hex(8)}-${random.hex(4)}-123a-28b2-${random.hex(12)}`,
      direction,
      from: party.from.slice(1),
      to: party.to.slice(1),
      caller_name: '',
      call_status: vendorStatus,
      sip_status: sipStatus,
      sip_reason: sipReason,
      service_url: 'https://cpaas.example.net',
      ...(inbound ? { originating_sip_ip: `54.172.60.${random.int(1, 9)}:5060`, originating_sip_trunk_name: 'SBC' } : {}),
      duration: t.duration,
      attempted_at: epoch(t.start),
      answered_at: epoch(t.answer),
      terminated_at: epoch(t.end),
    };
    return {
      row: {
        source: 'JAMBONZ',
        external_id: payload.call_sid,
        vendor_account_id: payload.account_sid,
        sip_call_id: payload.call_id,
        parent_external_id: payload.parent_call_sid,
        from_address: payload.from,
        from_number: party.from,
        to_address: payload.to,
        to_number: party.to,
        ...timingColumns(t),
        status,
        vendor_status: vendorStatus,
        direction: inbound ? 'INBOUND' : 'OUTBOUND',
        vendor_direction: direction,
        sip_status: sipStatus,
        sip_reason: sipReason,
        application_id: payload.application_sid,
        service_url: payload.service_url,
        originating_sip_ip: payload.originating_sip_ip ?? null,
        originating_sip_trunk: payload.originating_sip_trunk_name ?? null,
        payload,
        ...bookkeeping(t, start),
      },
      attempts: [],
      recordings: maybeRecording(random, t, (id) => `https://cpaas.example.net/v1/Accounts/${payload.account_sid}/RecentCalls/${payload.call_sid}/record/${id}`),
    };
  },
};

export const vendorProfiles: readonly VendorProfile[] = [freeclimb, restcomm, pbx, callfire, jambonz];
