import {
  CALL_BOOLEAN_FIELDS,
  CALL_ENUM_FIELDS,
  CALL_INT_FIELDS,
  CALL_KEY_FIELDS,
  CALL_PHONE_FIELDS,
  CALL_STRING_FIELDS,
  CALL_TIME_FIELDS,
  callFilterConditions,
  type CallFilter as CallFilterValue,
} from '../../db/read/call-filter.js';
import { and, type ColumnAccess, type Sql } from '../../db/sql.js';
import { idOfType } from '../read/global-id.js';
import { builder } from '../builder.js';
import {
  AnsweredByEnum,
  CallDirectionEnum,
  CallFireResultEnum,
  CallFireStateEnum,
  CallSourceEnum,
  CallStatusEnum,
  HangupDispositionEnum,
  PbxResultEnum,
} from './enums.js';
import { DateTimeFilter, DecimalFilter, enumFilter, IntFilter, KeyFilter, PhoneNumberFilter, StringFilter } from './filters.js';
import { orderInput } from './lists.js';

const ENUM_FILTERS = {
  source: enumFilter('CallSourceFilter', CallSourceEnum),
  status: enumFilter('CallStatusFilter', CallStatusEnum),
  direction: enumFilter('CallDirectionFilter', CallDirectionEnum),
  answeredBy: enumFilter('AnsweredByFilter', AnsweredByEnum),
  hangupDisposition: enumFilter('HangupDispositionFilter', HangupDispositionEnum),
  pbxResult: enumFilter('PbxResultFilter', PbxResultEnum),
  callfireState: enumFilter('CallFireStateFilter', CallFireStateEnum),
  callfireFinalResult: enumFilter('CallFireResultFilter', CallFireResultEnum),
} satisfies Record<keyof typeof CALL_ENUM_FIELDS, unknown>;

const BOOLEAN_DESCRIPTIONS: Record<keyof typeof CALL_BOOLEAN_FIELDS, string> = {
  isLeg: 'Only legs (true) or only top-level calls (false).',
  hasRecording: 'Only calls with (true) or without (false) a stored recording.',
  answered: 'Only answered (true) or unanswered (false) calls.',
};

export type CallFilterInput = Omit<CallFilterValue, 'parentId' | 'AND' | 'OR' | 'NOT'> & {
  parentId?: string | null;
  AND?: CallFilterInput[] | null;
  OR?: CallFilterInput[] | null;
  NOT?: CallFilterInput | null;
};

/** A filter field narrows by the Call field of the same name, whose description says what it holds. */
const about = (field: string) => `Calls whose ${field} matches (see Call.${field}).`;

export const CallFilter = builder.inputRef<CallFilterInput>('CallFilter').implement({
  description:
    'Narrows a list of calls. Every field given must hold (AND); AND, OR and NOT compose filters. Covers the list filters of FreeClimb, Restcomm (To, From, Status, StartTime ranges, ParentCallSid) and the PBX (date range, number lists, extension ids, duration and bridged-duration ranges).',
  fields: (t) => ({
    ...Object.fromEntries(Object.entries(ENUM_FILTERS).map(([name, type]) => [name, t.field({ type, required: false, description: about(name) })])),
    ...Object.fromEntries(Object.keys(CALL_PHONE_FIELDS).map((name) => [name, t.field({ type: PhoneNumberFilter, required: false, description: about(name) })])),
    ...Object.fromEntries(Object.keys(CALL_STRING_FIELDS).map((name) => [name, t.field({ type: StringFilter, required: false, description: about(name) })])),
    ...Object.fromEntries(Object.keys(CALL_KEY_FIELDS).map((name) => [name, t.field({ type: KeyFilter, required: false, description: about(name) })])),
    ...Object.fromEntries(Object.keys(CALL_TIME_FIELDS).map((name) => [name, t.field({ type: DateTimeFilter, required: false, description: about(name) })])),
    ...Object.fromEntries(Object.keys(CALL_INT_FIELDS).map((name) => [name, t.field({ type: IntFilter, required: false, description: about(name) })])),
    ...Object.fromEntries(
      Object.entries(BOOLEAN_DESCRIPTIONS).map(([name, description]) => [name, t.boolean({ required: false, description })]),
    ),
    price: t.field({ type: DecimalFilter, required: false, description: 'Calls whose price amount is in this range.' }),
    parentId: t.id({ required: false, description: 'Only the legs of this call (its global id).' }),
    AND: t.field({ type: [CallFilter], required: false, description: 'Calls that match every one of these filters.' }),
    OR: t.field({ type: [CallFilter], required: false, description: 'Calls that match at least one of these filters.' }),
    NOT: t.field({ type: CallFilter, required: false, description: 'Calls that do not match this filter.' }),
  }),
});

/** Global ids in a filter become database ids, recursively. */
function toFilterValue(input: CallFilterInput | null | undefined): CallFilterValue | null {
  if (!input) return null;
  return {
    ...input,
    parentId: input.parentId != null ? idOfType(input.parentId, 'Call', 'filter.parentId') ?? '0' : null,
    AND: input.AND?.map((inner) => toFilterValue(inner)!) ?? null,
    OR: input.OR?.map((inner) => toFilterValue(inner)!) ?? null,
    NOT: toFilterValue(input.NOT),
  };
}

/** The condition a CallFilter puts on a call's columns (TRUE for none); refuses a filter nothing can match. */
export function callFilterWhere(input: CallFilterInput | null | undefined, column: ColumnAccess): Sql {
  return and(callFilterConditions(toFilterValue(input), column));
}

const CallOrderField = builder.enumType('CallOrderField', {
  description: 'What a list of calls can be ordered by.',
  values: {
    START_TIME: { description: 'When the call started.' },
    END_TIME: { description: 'When the call ended.' },
    DURATION: { description: 'The call’s duration.' },
    PRICE: { description: 'The call’s price.' },
    CREATED_AT: { description: 'When cdrql first stored the call.' },
  } as const,
});

export const CallOrder = orderInput('Call', CallOrderField, 'calls');
