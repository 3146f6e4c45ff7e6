import type { AnsweredBy, CallDirection, CallStatus } from '../db/generated/enums.js';

/** Status words of FreeClimb (camelCase, looked up lower-cased), Restcomm and jambonz. */
export const CALL_STATUS: Record<string, CallStatus> = {
  queued: 'QUEUED',
  trying: 'TRYING',
  ringing: 'RINGING',
  'early-media': 'RINGING',
  alerting: 'RINGING',
  inprogress: 'IN_PROGRESS',
  'in-progress': 'IN_PROGRESS',
  completed: 'COMPLETED',
  canceled: 'CANCELED',
  cancelled: 'CANCELED',
  busy: 'BUSY',
  failed: 'FAILED',
  noanswer: 'NO_ANSWER',
  'no-answer': 'NO_ANSWER',
};

export const CALL_DIRECTION: Record<string, CallDirection> = {
  inbound: 'INBOUND',
  outboundapi: 'OUTBOUND_API',
  'outbound-api': 'OUTBOUND_API',
  outbounddial: 'OUTBOUND_DIAL',
  'outbound-dial': 'OUTBOUND_DIAL',
  outbound: 'OUTBOUND',
};

export const ANSWERED_BY: Record<string, AnsweredBy> = {
  human: 'HUMAN',
  machine: 'MACHINE',
  machine_start: 'MACHINE',
  machine_end_beep: 'MACHINE',
  machine_end_silence: 'MACHINE',
  machine_end_other: 'MACHINE',
  fax: 'FAX',
  unknown: 'UNKNOWN',
};
