import {
  AnsweredBy,
  CallDirection,
  CallFireResult,
  CallFireState,
  CallSource,
  CallStatus,
  HangupDisposition,
  PbxResult,
} from '../../db/generated/enums.js';
import type { EnumRef } from '@pothos/core';
import { builder, type AppTypes } from '../builder.js';

type Descriptions<E extends Record<string, string>> = { [K in keyof E]: string };

/** A GraphQL enum over one of the data model's enums, with a description per value. */
export function enumType<E extends Record<string, string>>(name: string, values: E, description: string, valueDescriptions: Partial<Descriptions<E>> = {}) {
  const config = Object.fromEntries(
    Object.keys(values).map((key) => [key, { value: key, description: valueDescriptions[key as keyof E] }]),
  );
  return builder.enumType(name, { description, values: config }) as unknown as EnumRef<AppTypes, E[keyof E], E[keyof E]>;
}

export const CallSourceEnum = enumType('CallSource', CallSource, 'The telephony platform a call record was imported from.', {
  FREECLIMB: 'FreeClimb Calls API.',
  RESTCOMM: 'Restcomm Calls API (Twilio-compatible).',
  PBX: 'The hosted PBX’s client calls resource.',
  CALLFIRE: 'CallFire GetCall / QueryCalls.',
  JAMBONZ: 'A jambonz-based CPaaS Calls API.',
  NATIVE: 'Entered through cdrql’s own CallInput.',
});

export const CallStatusEnum = enumType('CallStatus', CallStatus, 'Lifecycle state of a call: the vendors’ vocabularies mapped to one. The vendor’s own word is in vendorStatus.', {
  QUEUED: 'Ready and waiting before going out (FreeClimb queued; CallFire READY, SELECTED, CALLBACK).',
  TRYING: 'The INVITE went out and nothing answered it yet (jambonz trying).',
  RINGING: 'Ringing at the far end (jambonz alerting and early-media too).',
  IN_PROGRESS: 'Answered and still going on (inProgress, in-progress).',
  COMPLETED: 'Answered and ended normally (PBX answered or bridged; CallFire LA, AM, XFER).',
  CANCELED: 'Hung up while queued or ringing, or withdrawn before dialling (PBX rejected; CallFire DNC, DUP).',
  BUSY: 'The far end was busy.',
  FAILED: 'Could not be completed as dialled (CallFire INVALID and carrier errors).',
  NO_ANSWER: 'Ended without being answered (noAnswer, no-answer, PBX not answered, CallFire NO_ANS, TIMEOUT).',
  UNKNOWN: 'The vendor’s status has no equivalent here; see vendorStatus.',
});

export const CallDirectionEnum = enumType('CallDirection', CallDirection, 'Who started the call and how.', {
  INBOUND: 'Into the platform (FreeClimb / Restcomm inbound, PBX flow in, CallFire Inbound true).',
  OUTBOUND_API: 'Out of the platform, started by a REST API request (outboundAPI, outbound-api).',
  OUTBOUND_DIAL: 'Out of the platform, dialled by a running call (outboundDial, outbound-dial): a leg.',
  OUTBOUND: 'Out of the platform without saying how (PBX flow out, CallFire Inbound false, jambonz outbound).',
});

export const AnsweredByEnum = enumType('AnsweredBy', AnsweredBy, 'Answering machine detection outcome.', {
  HUMAN: 'A person answered.',
  MACHINE: 'An answering machine (machine, machine_start, machine_end_*).',
  FAX: 'A fax machine.',
  UNKNOWN: 'Detection ran and could not decide.',
});

export const HangupDispositionEnum = enumType('HangupDisposition', HangupDisposition, 'Who ended the call (PBX hangup_disposition).', {
  CALLEE_BYE: 'The callee hung up.',
  CALLER_BYE: 'The caller hung up.',
  CALLER_CANCEL: 'The caller gave up waiting for an answer.',
  CALLEE_REFUSE: 'The callee refused (busy, not registered, …).',
  INTERNAL_CANCEL: 'The PBX ended it (a timeout, or another extension answered).',
  UNDETERMINED: 'The PBX could not tell.',
});

export const PbxResultEnum = enumType('PbxResult', PbxResult, 'The hosted PBX’s call result.', {
  BUSY: 'The number was busy.',
  ANSWERED: 'Answered, not necessarily by an operator (an IVR or a queue).',
  BRIDGED: 'Answered by an operator.',
  NOT_ANSWERED: 'Not answered.',
  REJECTED: 'Rejected by the callee.',
  FAILED: 'Any other error.',
});

export const CallFireStateEnum = enumType('CallFireState', CallFireState, 'CallFire’s state of a call action.', {
  READY: 'Ready to be dialled.',
  SELECTED: 'Picked by the dialer.',
  CALLBACK: 'Waiting for a scheduled retry.',
  FINISHED: 'Done; FinalResult says how it ended.',
  DNC: 'Not called: the number is on the do-not-call list.',
  DUP: 'Not called: a duplicate of another action.',
  INVALID: 'Not called: the number is invalid.',
  TIMEOUT: 'Not finished in the time allowed.',
});

export const CallFireResultEnum = enumType('CallFireResult', CallFireResult, 'CallFire’s result of a call or of one attempt. The vendor’s own word is in vendorResult.', {
  LA: 'Live answer.',
  AM: 'Answering machine.',
  BUSY: 'Busy.',
  SENT: 'Sent (a message, not a call).',
  POSTPONED: 'Postponed to a later time.',
  INTERNAL_ERROR: 'An error inside CallFire.',
  CARRIER_ERROR: 'The carrier refused the call.',
  CARRIER_TEMP_ERROR: 'The carrier failed for now; a retry may succeed.',
  DNC: 'On the do-not-call list.',
  XFER: 'Transferred.',
  XFER_LEG: 'The transferred leg.',
  NO_ANS: 'No answer.',
  UNDIALED: 'Never dialled.',
  SD: 'Skipped by the dialer.',
  ABANDONED: 'Abandoned: seen in real exports, beyond the documented list.',
  OTHER: 'A result not in this list; see vendorResult.',
});

export const OrderDirectionEnum = builder.enumType('OrderDirection', {
  description: 'Ascending puts missing values last; descending puts them first.',
  values: { ASC: { value: 'ASC', description: 'Smallest first.' }, DESC: { value: 'DESC', description: 'Largest first.' } } as const,
});
