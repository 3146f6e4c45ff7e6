import type { Call, Recording } from '../../src/db/generated/client.js';
import { badInput, parseGlobalId } from './ids.js';
import { exact } from './lists.js';

/*
 * CallFilter and RecordingFilter as predicates over Prisma rows, from schema.graphql's
 * descriptions and the README: every operator given must hold; a missing value matches no
 * operator except notIn; AND / OR / NOT compose; inputs that can match nothing (an empty list,
 * an empty range, `in` inside `notIn`, an empty OR) and malformed numbers or ids are errors.
 */

type Predicate<Row> = (row: Row) => boolean;
type Input = Record<string, any> | null | undefined;

/** A call as a filter sees it: its row, and whether any recording of it is stored. */
export interface CallFacts {
  row: Call;
  hasRecording: boolean;
}

const all = <Row>(predicates: Array<Predicate<Row>>): Predicate<Row> => (row) => predicates.every((p) => p(row));
const given = (value: unknown): boolean => value !== null && value !== undefined;

/** isNull: true keeps the rows without a value, false those with one. */
function missing<Row>(read: (row: Row) => unknown, filter: Record<string, any>): Array<Predicate<Row>> {
  return given(filter.isNull) ? [(row) => (read(row) === null) === filter.isNull] : [];
}

function list(values: readonly string[]): readonly string[] {
  if (values.length === 0) throw badInput('an empty list matches nothing');
  return values;
}

function text<Row>(read: (row: Row) => string | null, filter: Input, normalize: (value: string) => string = (value) => value): Array<Predicate<Row>> {
  if (!filter) return [];
  const out: Array<Predicate<Row>> = [];
  if (given(filter.eq)) {
    const eq = normalize(filter.eq);
    out.push((row) => read(row) === eq);
  }
  if (given(filter.in)) {
    const values = list(filter.in).map(normalize);
    out.push((row) => values.includes(read(row) as string));
  }
  if (given(filter.startsWith)) {
    const prefix = normalize(filter.startsWith);
    out.push((row) => read(row)?.startsWith(prefix) ?? false);
  }
  out.push(...missing(read, filter));
  return out;
}

/** A number as people type it ("+1 (415) 555-", "14155550123") as stored: "+" and digits. */
function phone(value: string): string {
  const compact = value.replace(/[\s().\-/]/g, '');
  if (!/^\+?[0-9]+$/.test(compact)) throw badInput(`not a phone number: ${value}`);
  return compact.startsWith('+') ? compact : `+${compact}`;
}

function key(value: string): string {
  if (!/^[0-9]{1,19}$/.test(value)) throw badInput(`not a numeric id: ${value}`);
  return value;
}

function enumeration<Row>(read: (row: Row) => string | null, filter: Input): Array<Predicate<Row>> {
  if (!filter) return [];
  const out: Array<Predicate<Row>> = [];
  if (given(filter.in)) {
    const values = list(filter.in);
    out.push((row) => values.includes(read(row) as string));
  }
  if (given(filter.notIn)) {
    const values: string[] = filter.notIn;
    out.push((row) => !values.includes(read(row) as string));
  }
  if (given(filter.in) && given(filter.notIn) && (filter.in as string[]).every((value) => filter.notIn.includes(value))) {
    throw badInput('every value of in is in notIn');
  }
  out.push(...missing(read, filter));
  return out;
}

/** eq / gt / gte / lt / lte on exact numbers; a range with nothing in it is an error. */
function range<Row>(read: (row: Row) => bigint | null, filter: Input, toExact: (value: any) => bigint): Array<Predicate<Row>> {
  if (!filter) return [];
  const bound = (name: string) => (given(filter[name]) ? toExact(filter[name]) : undefined);
  const [eq, gt, gte, lt, lte] = ['eq', 'gt', 'gte', 'lt', 'lte'].map(bound);
  const lower = gt ?? gte;
  const upper = lt ?? lte;
  if (lower !== undefined && upper !== undefined && (lower > upper || (lower === upper && (gt !== undefined || lt !== undefined)))) {
    throw badInput('an empty range');
  }
  const tests: Array<[bigint | undefined, (value: bigint, bound: bigint) => boolean]> = [
    [eq, (v, b) => v === b],
    [gt, (v, b) => v > b],
    [gte, (v, b) => v >= b],
    [lt, (v, b) => v < b],
    [lte, (v, b) => v <= b],
  ];
  return tests
    .filter(([b]) => b !== undefined)
    .map(([b, test]) => (row: Row) => {
      const value = read(row);
      return value !== null && test(value, b!);
    });
}

const timeOf = (date: Date | null) => (date ? BigInt(date.getTime()) : null);
const intOf = (value: number | null) => (value === null ? null : BigInt(value));
const dateInput = (value: Date) => BigInt(value.getTime());
const intInput = (value: number) => BigInt(value);

/** The id of a call given by its global id; another type's id names no call. */
function callIdOf(value: string): bigint {
  const { typename, id } = parseGlobalId(value);
  return typename === 'Call' ? id : 0n;
}

const STRING_FIELDS = [
  'externalId', 'vendorAccountId', 'parentExternalId', 'fromAddress', 'toAddress', 'bridgedAddress', 'callerName',
  'extensionName', 'phoneNumberId', 'applicationId', 'sipCallId', 'label', 'currency', 'vendorStatus', 'vendorResult', 'hangupCause',
] as const;
const PHONE_FIELDS = ['fromNumber', 'toNumber', 'didNumber', 'forwardedFrom', 'diversionNumber'] as const;
const KEY_FIELDS = ['extensionId', 'broadcastId', 'batchId', 'contactId'] as const;
const ENUM_FIELDS = ['source', 'status', 'direction', 'answeredBy', 'hangupDisposition', 'pbxResult', 'callfireState', 'callfireFinalResult'] as const;
const TIME_FIELDS = ['startTime', 'answerTime', 'endTime', 'createdAt', 'updatedAt'] as const;
const INT_FIELDS = ['duration', 'connectDuration', 'bridgedDuration', 'sipStatus'] as const;

export const isLeg = (row: Call) => row.parentId !== null || row.parentExternalId !== null;
export const isAnswered = (row: Call) => row.answerTime !== null || row.status === 'COMPLETED' || row.status === 'IN_PROGRESS';

export function callFilter(filter: Input): Predicate<CallFacts> {
  if (!filter) return () => true;
  const out: Array<Predicate<CallFacts>> = [];
  for (const field of STRING_FIELDS) out.push(...text<CallFacts>(({ row }) => row[field], filter[field]));
  for (const field of PHONE_FIELDS) out.push(...text<CallFacts>(({ row }) => row[field], filter[field], phone));
  for (const field of KEY_FIELDS) out.push(...text<CallFacts>(({ row }) => (row[field] === null ? null : String(row[field])), filter[field], key));
  for (const field of ENUM_FIELDS) out.push(...enumeration<CallFacts>(({ row }) => row[field], filter[field]));
  for (const field of TIME_FIELDS) out.push(...range<CallFacts>(({ row }) => timeOf(row[field]), filter[field], dateInput));
  for (const field of INT_FIELDS) out.push(...range<CallFacts>(({ row }) => intOf(row[field]), filter[field], intInput));
  out.push(...range<CallFacts>(({ row }) => (row.price === null ? null : exact.decimal(row.price.toFixed(6))), filter.price, (value: string) => exact.decimal(value)));
  const booleans: Record<string, (facts: CallFacts) => boolean> = {
    isLeg: ({ row }) => isLeg(row),
    hasRecording: (facts) => facts.hasRecording,
    answered: ({ row }) => isAnswered(row),
  };
  for (const [field, test] of Object.entries(booleans)) {
    if (given(filter[field])) out.push((facts) => test(facts) === filter[field]);
  }
  if (given(filter.parentId)) {
    const parentId = callIdOf(filter.parentId);
    out.push(({ row }) => row.parentId === parentId);
  }
  if (given(filter.AND)) out.push(...(filter.AND as Input[]).map(callFilter));
  if (given(filter.OR)) {
    if (filter.OR.length === 0) throw badInput('an empty OR matches nothing');
    const anyOf = (filter.OR as Input[]).map(callFilter);
    out.push((facts) => anyOf.some((p) => p(facts)));
  }
  if (given(filter.NOT)) {
    const inner = callFilter(filter.NOT);
    out.push((facts) => !inner(facts));
  }
  return all(out);
}

/** Which fields a filter reads beyond the call's own row. */
export function readsRecordings(filter: Input): boolean {
  if (!filter) return false;
  return given(filter.hasRecording) || [...(filter.AND ?? []), ...(filter.OR ?? []), filter.NOT].some(readsRecordings);
}

export function recordingFilter(filter: Input): Predicate<Recording> {
  if (!filter) return () => true;
  const out: Array<Predicate<Recording>> = [];
  if (given(filter.callId)) {
    const callId = callIdOf(filter.callId);
    out.push((row) => row.callId === callId);
  }
  out.push(...text<Recording>((row) => row.name, filter.name));
  out.push(...range<Recording>((row) => timeOf(row.recordedAt), filter.recordedAt, dateInput));
  out.push(...range<Recording>((row) => intOf(row.lengthSeconds), filter.lengthSeconds, intInput));
  return all(out);
}
