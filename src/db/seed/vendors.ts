import type { FormatName } from '../../importers/import.js';
import type { Random } from './random.js';

/**
 * Demo calls as each vendor would send them: only the vendor's record (words, times and numbers in
 * its own forms). What cdrql stores for it is the importers' to say: the seed writes every record
 * through their normalisation and writer, so a seeded row is what an import of its record stores.
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

/** One vendor record, and the vendor's id of the call (legs name their parent by it). */
export interface GeneratedCall {
  externalId: string;
  record: Record<string, unknown>;
}

export interface VendorProfile {
  /** The importer format that reads this vendor's records. */
  format: FormatName;
  /** Whether this vendor's calls have child legs. */
  legs: boolean;
  call(context: CallContext): GeneratedCall;
}

type Phase = 'waiting' | 'ringing' | 'live' | 'answered' | 'unanswered';

/** [vendor word, what happened, weight among non-walking picks]. */
type StatusEntry = readonly [string, Phase, number];

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

function partiesFor(random: Random, accountId: string, inbound: boolean) {
  const customer = phoneNumber(random);
  const did = didNumber(random, accountId);
  return inbound ? { from: customer, to: did } : { from: did, to: customer };
}

const FREECLIMB_STATUSES: readonly StatusEntry[] = [
  ['queued', 'waiting', 1],
  ['ringing', 'ringing', 1],
  ['inProgress', 'live', 3],
  ['canceled', 'unanswered', 4],
  ['completed', 'answered', 60],
  ['busy', 'unanswered', 8],
  ['failed', 'unanswered', 5],
  ['noAnswer', 'unanswered', 12],
];

const freeclimb: VendorProfile = {
  format: 'freeclimb',
  legs: true,
  call({ random, index, accountId, start, parent }) {
    const [status, phase] = walkOrPick(random, index, FREECLIMB_STATUSES, (e) => e[2]);
    const direction = parent ? 'outboundDial' : walk(random, index, ['inbound', 'outboundAPI', 'outboundDial'] as const);
    const t = timeline(random, start, phase);
    const party = partiesFor(random, accountId, direction === 'inbound');
    const callId = `CA${random.hex(40)}`;
    const vendorAccount = `AC${accountHex(accountId, 40)}`;
    const answeredBy = direction !== 'inbound' && t.answer ? walk(random, index, ['human', 'machine'] as const) : null;
    const uri = `/Accounts/${vendorAccount}/Calls/${callId}`;
    return {
      externalId: callId,
      record: {
        uri,
        revision: t.end ? 2 : 1,
        dateCreated: rfc1123(start),
        dateUpdated: rfc1123(t.end ?? start),
        callId,
        parentCallId: parent?.externalId ?? null,
        accountId: vendorAccount,
        from: party.from,
        to: party.to,
        phoneNumberId: `PN${random.hex(40)}`,
        status,
        startTime: rfc1123(t.start),
        connectTime: rfc1123(t.answer),
        endTime: rfc1123(t.end),
        duration: t.talk === null ? null : t.duration,
        connectDuration: t.talk,
        direction,
        answeredBy,
        subresourceUris: { logs: `${uri}/Logs`, recordings: `${uri}/Recordings` },
      },
    };
  },
};

const RESTCOMM_STATUSES: readonly StatusEntry[] = [
  ['queued', 'waiting', 1],
  ['ringing', 'ringing', 1],
  ['in-progress', 'live', 3],
  ['canceled', 'unanswered', 4],
  ['completed', 'answered', 60],
  ['failed', 'unanswered', 5],
  ['busy', 'unanswered', 8],
  ['no-answer', 'unanswered', 12],
];
const RESTCOMM_ANSWERED_BY = ['human', 'machine_start', 'machine_end_beep', 'fax', 'unknown'] as const;
const CLIENT_NAMES = ['alice', 'bob', 'carol', 'dave'];
const CALLER_NAMES = ['ALICE SMITH', 'WIRELESS CALLER', 'ACME CORP', 'J DOE', null];

const restcomm: VendorProfile = {
  format: 'restcomm',
  legs: true,
  call({ random, index, accountId, start, parent }) {
    const [status, phase] = walkOrPick(random, index, RESTCOMM_STATUSES, (e) => e[2]);
    const direction = parent ? 'outbound-dial' : walk(random, index, ['inbound', 'outbound-api', 'outbound-dial'] as const);
    const t = timeline(random, start, phase);
    const inbound = direction === 'inbound';
    const party = partiesFor(random, accountId, inbound);
    const fromClient = inbound && random.chance(0.1) ? random.pick(CLIENT_NAMES) : null;
    const sid = `CA${random.hex(32)}`;
    const vendorAccount = `AC${accountHex(accountId, 32)}`;
    const answeredBy = t.answer && !inbound ? walk(random, index, RESTCOMM_ANSWERED_BY) : null;
    const price = t.talk === null ? null : (-0.0085 * Math.ceil(t.talk / 60)).toFixed(5);
    const forwardedFrom = inbound && random.chance(0.1) ? phoneNumber(random) : null;
    // The first inbound call walks the names (index 0 is inbound); later ones have one 40% of the time.
    const callerName = inbound ? walkOrPick(random, index, CALLER_NAMES, (name) => (name === null ? 6 : 1)) : null;
    return {
      externalId: sid,
      record: {
        sid,
        parent_call_sid: parent?.externalId ?? null,
        account_sid: vendorAccount,
        date_created: rfc1123(start),
        date_updated: rfc1123(t.end ?? start),
        to: party.to,
        from: fromClient ?? party.from,
        phone_number_sid: `PN${random.hex(32)}`,
        status,
        start_time: rfc1123(t.start),
        end_time: rfc1123(t.end),
        duration: String(t.duration ?? 0),
        price,
        price_unit: 'USD',
        direction,
        answered_by: answeredBy,
        api_version: '2012-04-24',
        forwarded_from: forwardedFrom,
        caller_name: callerName,
        uri: `/2012-04-24/Accounts/${vendorAccount}/Calls/${sid}.json`,
      },
    };
  },
};

/** [PBX result, what happened, weight]. */
const PBX_RESULTS: readonly StatusEntry[] = [
  ['busy', 'unanswered', 8],
  ['answered', 'answered', 20],
  ['bridged', 'answered', 45],
  ['not answered', 'unanswered', 15],
  ['rejected', 'unanswered', 5],
  ['failed', 'unanswered', 5],
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
  format: 'pbx',
  legs: false,
  call({ random, index, accountId, start }) {
    const [result, phase] = walkOrPick(random, index, PBX_RESULTS, (e) => e[2]);
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
    const callUuid = random.uuid();
    return {
      externalId: callUuid,
      record: {
        call_uuid: callUuid,
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
        ext_number_reg: extensionId === 101 ? (did?.slice(1) ?? null) : null,
        hangup_cause: random.pick(HANGUP_CAUSES),
        hangup_disposition: disposition,
        init_time_gmt: pbxTime(t.start),
        start_time_gmt: pbxTime(t.answer),
        hangup_time_gmt: pbxTime(t.end),
        result,
        diversion_number: inbound && random.chance(0.1) ? phoneNumber(random).slice(1) : null,
        quality_rate: quality,
      },
    };
  },
};

/** [State, FinalResult (FINISHED only), weight]. */
const CALLFIRE_OUTCOMES = [
  ['FINISHED', 'AM', 15],
  ['FINISHED', 'BUSY', 8],
  ['FINISHED', 'LA', 50],
  ['FINISHED', 'NO_ANS', 15],
  ['FINISHED', 'XFER', 2],
  ['FINISHED', 'XFER_LEG', 1],
  ['FINISHED', 'DNC', 1],
  ['FINISHED', 'UNDIALED', 1],
  ['FINISHED', 'SD', 1],
  ['FINISHED', 'POSTPONED', 1],
  ['FINISHED', 'ABANDONED', 1],
  ['FINISHED', 'INTERNAL_ERROR', 1],
  ['FINISHED', 'CARRIER_ERROR', 1],
  ['FINISHED', 'CARRIER_TEMP_ERROR', 1],
  ['READY', null, 2],
  ['SELECTED', null, 1],
  ['CALLBACK', null, 1],
  ['DNC', null, 1],
  ['DUP', null, 1],
  ['INVALID', null, 2],
  ['TIMEOUT', null, 1],
] as const;
/** Results of an attempt that someone (or a machine) answered: the attempt has talk time, and may have a recording. */
const ANSWERED_RESULTS = new Set(['LA', 'AM', 'XFER', 'XFER_LEG']);
const IVR_QUESTIONS = [
  ['satisfaction', ['1', '2', '3', '4', '5']],
  ['callback', ['yes', 'no']],
  ['language', ['en', 'es']],
] as const;

/** CallFire ids are numbers; each call owns a block of ten for itself and its attempts. */
const callfireId = (serial: number, offset: number) => 224205636001 + serial * 10 + offset;

/** ISO-8601 as CallFire writes it: without milliseconds when there are none. */
const callfireTime = (date: Date | null) => (date ? date.toISOString().replace('.000Z', 'Z') : null);

/** One attempt (`CallRecord`) as CallFire writes it, and when it ended. */
function callfireAttempt(random: Random, ids: { attempt: number; recording: number }, start: Date, result: string, recordable: boolean, walking: boolean) {
  const answered = ANSWERED_RESULTS.has(result);
  const t = timeline(random, start, answered ? 'answered' : 'unanswered');
  // While the outcomes are walked, every answered call shows IVR answers (the third, LA, has three attempts).
  const questionResponses =
    result === 'LA' && (random.chance(0.6) || walking)
      ? IVR_QUESTIONS.slice(0, random.int(1, 3)).map(([question, answers]) => ({ Question: question, Response: random.pick(answers) }))
      : [];
  const recordings =
    recordable && answered && random.chance(0.8)
      ? [{ '@id': ids.recording, Name: `call-${ids.attempt}`, Created: callfireTime(t.answer), LengthInSeconds: t.talk, Link: `https://www.callfire.com/api/1.1/rest/call/recording/${ids.recording}.mp3` }]
      : [];
  return {
    end: t.end,
    attempt: {
      '@id': ids.attempt,
      Result: result,
      FinishTime: callfireTime(t.end),
      BilledAmount: answered ? Math.ceil((t.talk ?? 0) / 60) : 0,
      OriginateTime: callfireTime(t.start),
      AnswerTime: callfireTime(t.answer),
      Duration: t.talk ?? 0,
      SwitchId: random.uuid(),
      CallerName: 'c105.cf6.kernelfire.com',
      QuestionResponse: questionResponses,
      RecordingMeta: recordings,
    },
  };
}

const callfire: VendorProfile = {
  format: 'callfire',
  legs: false,
  call({ random, index, accountId, serial, start }) {
    const [state, finalResult] = walkOrPick(random, index, CALLFIRE_OUTCOMES, (e) => e[2]);
    const inbound = random.chance(0.4);
    const party = partiesFor(random, accountId, inbound);
    const attemptCount = finalResult !== null ? 1 + (index % 3) : 0;
    const attempts: Array<Record<string, unknown>> = [];
    let at = start;
    for (let n = 1; n <= attemptCount; n += 1) {
      const result = n === attemptCount ? finalResult! : random.pick(['NO_ANS', 'BUSY']);
      const made = callfireAttempt(random, { attempt: callfireId(serial, n), recording: callfireId(serial, n + 5) }, at, result, n === attemptCount, index < CALLFIRE_OUTCOMES.length);
      attempts.push(made.attempt);
      at = new Date((made.end ?? at).getTime() + random.int(600, 3600) * 1000);
    }
    const id = callfireId(serial, 0);
    const created = new Date(start.getTime() - 60_000);
    const last = attempts.at(-1);
    const label = random.chance(0.5) ? random.pick(['spring-promo', 'renewals', 'survey']) : null;
    const broadcastId = 1836940001 + (stableHash(accountId) % 50) * 1000 + random.int(0, 3);
    return {
      externalId: String(id),
      record: {
        '@id': id,
        FromNumber: party.from.slice(1),
        ToNumber: { value: party.to.slice(1) },
        State: state,
        BatchId: broadcastId + 7,
        BroadcastId: broadcastId,
        ContactId: 169915679001 + random.int(0, 99999),
        Inbound: inbound,
        Created: callfireTime(created),
        Modified: (last?.FinishTime as string | null | undefined) ?? callfireTime(created),
        ...(finalResult !== null ? { FinalResult: finalResult } : {}),
        ...(label ? { Label: [{ Name: label }] } : {}),
        // Exports list attempts newest first.
        CallRecord: attempts.reverse(),
      },
    };
  },
};

/** [call_status, what happened, weight, sip_status, sip_reason]. */
const JAMBONZ_STATUSES: readonly (readonly [string, Phase, number, number, string])[] = [
  ['trying', 'ringing', 1, 100, 'Trying'],
  ['ringing', 'ringing', 1, 180, 'Ringing'],
  ['early-media', 'ringing', 1, 183, 'Session Progress'],
  ['in-progress', 'live', 3, 200, 'OK'],
  ['completed', 'answered', 60, 200, 'OK'],
  ['failed', 'unanswered', 5, 503, 'Service Unavailable'],
  ['busy', 'unanswered', 8, 486, 'Busy Here'],
  ['no-answer', 'unanswered', 12, 487, 'Request Terminated'],
];

const jambonz: VendorProfile = {
  format: 'jambonz',
  legs: true,
  call({ random, index, accountId, start, parent }) {
    const [status, phase, , sipStatus, sipReason] = walkOrPick(random, index, JAMBONZ_STATUSES, (e) => e[2]);
    const direction = parent ? 'outbound' : walk(random, index, ['inbound', 'outbound'] as const);
    const t = timeline(random, start, phase);
    const inbound = direction === 'inbound';
    const party = partiesFor(random, accountId, inbound);
    const epoch = (date: Date | null) => date?.getTime() ?? null;
    const callSid = random.uuid();
    return {
      externalId: callSid,
      record: {
        call_sid: callSid,
        parent_call_sid: parent?.externalId ?? null,
        account_sid: `${accountHex(accountId, 8)}-4771-44cb-92a6-${accountHex(accountId, 12)}`,
        application_sid: random.uuid(),
        call_id: `${random.hex(8)}-${random.hex(4)}-123a-28b2-${random.hex(12)}`,
        direction,
        from: party.from.slice(1),
        to: party.to.slice(1),
        caller_name: '',
        call_status: status,
        sip_status: sipStatus,
        sip_reason: sipReason,
        service_url: 'https://cpaas.example.net',
        ...(inbound ? { originating_sip_ip: `54.172.60.${random.int(1, 9)}:5060`, originating_sip_trunk_name: 'SBC' } : {}),
        duration: t.duration,
        attempted_at: epoch(t.start),
        answered_at: epoch(t.answer),
        terminated_at: epoch(t.end),
      },
    };
  },
};

export const vendorProfiles: readonly VendorProfile[] = [freeclimb, restcomm, pbx, callfire, jambonz];
