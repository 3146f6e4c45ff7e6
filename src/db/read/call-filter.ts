import { UserInputError } from '../../errors.js';
import { ANSWERED, HAS_RECORDING, IS_LEG } from './calls.js';
import {
  booleanCondition,
  or,
  compareDates,
  compareDecimals,
  compareNumbers,
  enumConditions,
  phoneConditions,
  rangeConditions,
  stringConditions,
  type EnumFilter,
  type RangeFilter,
  type StringFilter,
} from './filters.js';
import { and, sql, typeName, type ColumnAccess, type Sql } from '../sql.js';

/** Filter fields by operator family → the calls column each one reads. */
export const CALL_ENUM_FIELDS = {
  source: 'source',
  status: 'status',
  direction: 'direction',
  answeredBy: 'answered_by',
  hangupDisposition: 'hangup_disposition',
  pbxResult: 'pbx_result',
  callfireState: 'callfire_state',
  callfireFinalResult: 'callfire_final_result',
} as const;

/** Each enum column's PostgreSQL type: filters compare enum to enum, as a text cast of every row costs more than the scan. */
const ENUM_TYPES: Record<(typeof CALL_ENUM_FIELDS)[keyof typeof CALL_ENUM_FIELDS], string> = {
  source: 'CallSource',
  status: 'CallStatus',
  direction: 'CallDirection',
  answered_by: 'AnsweredBy',
  hangup_disposition: 'HangupDisposition',
  pbx_result: 'PbxResult',
  callfire_state: 'CallFireState',
  callfire_final_result: 'CallFireResult',
};

export const CALL_PHONE_FIELDS = {
  fromNumber: 'from_number',
  toNumber: 'to_number',
  didNumber: 'did_number',
  forwardedFrom: 'forwarded_from',
  diversionNumber: 'diversion_number',
} as const;

export const CALL_STRING_FIELDS = {
  externalId: 'external_id',
  vendorAccountId: 'vendor_account_id',
  parentExternalId: 'parent_external_id',
  fromAddress: 'from_address',
  toAddress: 'to_address',
  bridgedAddress: 'bridged_address',
  callerName: 'caller_name',
  extensionName: 'extension_name',
  phoneNumberId: 'phone_number_id',
  applicationId: 'application_id',
  sipCallId: 'sip_call_id',
  label: 'label',
  currency: 'currency',
  vendorStatus: 'vendor_status',
  vendorResult: 'vendor_result',
  hangupCause: 'hangup_cause',
} as const;

/** 64-bit vendor ids, given as strings of digits. */
export const CALL_KEY_FIELDS = {
  extensionId: 'extension_id',
  broadcastId: 'broadcast_id',
  batchId: 'batch_id',
  contactId: 'contact_id',
} as const;

export const CALL_TIME_FIELDS = {
  startTime: 'start_time',
  answerTime: 'answer_time',
  endTime: 'end_time',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
} as const;

export const CALL_INT_FIELDS = {
  duration: 'duration',
  connectDuration: 'connect_duration',
  bridgedDuration: 'bridged_duration',
  sipStatus: 'sip_status',
} as const;

export const CALL_BOOLEAN_FIELDS = { isLeg: IS_LEG, hasRecording: HAS_RECORDING, answered: ANSWERED } as const;

export interface KeyFilter {
  eq?: string | null;
  in?: readonly string[] | null;
  isNull?: boolean | null;
}

export type CallFilter = { [K in keyof typeof CALL_ENUM_FIELDS]?: EnumFilter | null } & {
  [K in keyof typeof CALL_PHONE_FIELDS | keyof typeof CALL_STRING_FIELDS]?: StringFilter | null;
} & { [K in keyof typeof CALL_KEY_FIELDS]?: KeyFilter | null } & {
  [K in keyof typeof CALL_TIME_FIELDS]?: RangeFilter<Date> | null;
} & { [K in keyof typeof CALL_INT_FIELDS]?: RangeFilter<number> | null } & {
  [K in keyof typeof CALL_BOOLEAN_FIELDS]?: boolean | null;
} & {
  price?: RangeFilter<string> | null;
  /** The parent call's database id (decoded from its global id by the GraphQL layer). */
  parentId?: string | null;
  AND?: readonly CallFilter[] | null;
  OR?: readonly CallFilter[] | null;
  NOT?: CallFilter | null;
};

function keyConditions(path: string, column: Sql, filter: KeyFilter): Sql[] {
  const values = [...(filter.eq != null ? [filter.eq] : []), ...(filter.in ?? [])];
  for (const value of values) {
    if (!/^\d{1,19}$/.test(value) || BigInt(value) > 9223372036854775807n) throw new UserInputError(`${path}: "${value.slice(0, 40)}" is not a numeric id.`, { path });
  }
  return stringConditions(path, sql`${column}::text`, filter);
}

/** SQL conditions on a call's columns for one CallFilter, AND-ed; nested AND / OR / NOT compose. */
export function callFilterConditions(filter: CallFilter | null | undefined, column: ColumnAccess, path = 'filter'): Sql[] {
  if (!filter) return [];
  const out: Sql[] = [];
  const each = <F>(fields: Record<string, string>, build: (path: string, name: string, value: F) => Sql[]) => {
    for (const [field, name] of Object.entries(fields)) {
      const value = (filter as Record<string, unknown>)[field];
      if (value !== null && value !== undefined) out.push(...build(`${path}.${field}`, name, value as F));
    }
  };
  each<EnumFilter>(CALL_ENUM_FIELDS, (p, name, value) => enumConditions(p, column(name), typeName(ENUM_TYPES[name as keyof typeof ENUM_TYPES]), value));
  each<StringFilter>(CALL_PHONE_FIELDS, (p, name, value) => phoneConditions(p, column(name), value));
  each<StringFilter>(CALL_STRING_FIELDS, (p, name, value) => stringConditions(p, column(name), value));
  each<KeyFilter>(CALL_KEY_FIELDS, (p, name, value) => keyConditions(p, column(name), value));
  each<RangeFilter<Date>>(CALL_TIME_FIELDS, (p, name, value) => rangeConditions(p, column(name), sql`timestamptz`, value, compareDates));
  each<RangeFilter<number>>(CALL_INT_FIELDS, (p, name, value) => rangeConditions(p, column(name), sql`int`, value, compareNumbers));
  if (filter.price) out.push(...rangeConditions(`${path}.price`, column('price'), sql`numeric`, filter.price, compareDecimals));
  for (const [field, expression] of Object.entries(CALL_BOOLEAN_FIELDS)) {
    out.push(...booleanCondition(expression(column), (filter as Record<string, boolean | null | undefined>)[field]));
  }
  if (filter.parentId != null) out.push(sql`${column('parent_id')} = ${filter.parentId}::bigint`);
  filter.AND?.forEach((inner, index) => out.push(and(callFilterConditions(inner, column, `${path}.AND[${index}]`))));
  if (filter.OR) {
    if (filter.OR.length === 0) throw new UserInputError(`${path}.OR: an empty OR matches nothing.`, { path: `${path}.OR` });
    out.push(or(filter.OR.map((inner, index) => and(callFilterConditions(inner, column, `${path}.OR[${index}]`)))));
  }
  if (filter.NOT) out.push(sql`(${and(callFilterConditions(filter.NOT, column, `${path}.NOT`))}) IS NOT TRUE`);
  return out;
}
