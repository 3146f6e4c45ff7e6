import { UserInputError } from '../../errors.js';
import { arrayLiteral, type SqlParams } from './sql.js';

/** Filter operators shared by every list; each present operator narrows the list further. */
export interface StringFilter {
  eq?: string | null;
  in?: readonly string[] | null;
  startsWith?: string | null;
}

export interface RangeFilter<T> {
  eq?: T | null;
  gt?: T | null;
  gte?: T | null;
  lt?: T | null;
  lte?: T | null;
}

export interface EnumFilter {
  in?: readonly string[] | null;
  notIn?: readonly string[] | null;
}

const present = <T>(value: T | null | undefined): value is T => value !== null && value !== undefined;

function nonEmpty(path: string, values: readonly unknown[]): void {
  if (values.length === 0) throw new UserInputError(`${path}: an empty list matches nothing; leave the operator out instead.`, { path });
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export function stringConditions(path: string, column: string, filter: StringFilter, params: SqlParams): string[] {
  const out: string[] = [];
  if (present(filter.eq)) out.push(`${column} = ${params.add(filter.eq)}`);
  if (present(filter.in)) {
    nonEmpty(`${path}.in`, filter.in);
    out.push(`${column} = ANY(${params.add(filter.in, 'text[]')})`);
  }
  if (present(filter.startsWith)) out.push(`${column} LIKE ${params.add(`${escapeLike(filter.startsWith)}%`)}`);
  return out;
}

/**
 * A phone number as people type it, `+1 (415) 555-` or `14155550123`, reduced to the E.164
 * characters cdrql stores: a plus and digits.
 */
export function normalizePhone(path: string, input: string): string {
  const compact = input.replace(/[\s().\-/]/g, '');
  if (!/^\+?\d+$/.test(compact)) {
    throw new UserInputError(`${path}: "${input}" is not a phone number; use digits with an optional leading +.`, { path });
  }
  return compact.startsWith('+') ? compact : `+${compact}`;
}

/**
 * A number prefix is read as a byte-order range (`~>=~`, `~<~`) rather than with LIKE: PostgreSQL
 * turns LIKE 'prefix%' into an index range only under the C collation (before 17 not even
 * C.UTF-8) and only for a pattern known at planning, so a prefix read every number of the
 * account. Stored numbers hold only "+" and digits, so the range holds exactly those that start
 * with the prefix; the number indexes are in that order (text_pattern_ops).
 */
export function phoneConditions(path: string, column: string, filter: StringFilter, params: SqlParams): string[] {
  const out = stringConditions(
    path,
    column,
    {
      eq: present(filter.eq) ? normalizePhone(`${path}.eq`, filter.eq) : null,
      in: present(filter.in) ? filter.in.map((value) => normalizePhone(`${path}.in`, value)) : null,
    },
    params,
  );
  if (present(filter.startsWith)) {
    const prefix = normalizePhone(`${path}.startsWith`, filter.startsWith);
    const beyond = `${prefix.slice(0, -1)}${String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1)}`;
    out.push(`${column} ~>=~ ${params.add(prefix)}`, `${column} ~<~ ${params.add(beyond)}`);
  }
  return out;
}

export function enumConditions(path: string, column: string, type: string, filter: EnumFilter, params: SqlParams): string[] {
  const out: string[] = [];
  if (present(filter.in)) {
    nonEmpty(`${path}.in`, filter.in);
    // One value as plain equality: before PostgreSQL 17, = ANY on a column after the first of an
    // index cannot be checked inside an ordered index scan, so the dashboard's page read every
    // call of its window from the table to keep the completed inbound ones.
    out.push(
      filter.in.length === 1
        ? `${column} = ${params.add(filter.in[0], `"${type}"`)}`
        : `${column} = ANY(${params.add(arrayLiteral(filter.in), `"${type}"[]`)})`,
    );
  }
  if (present(filter.notIn)) out.push(`${column} <> ALL(${params.add(arrayLiteral(filter.notIn), `"${type}"[]`)}) OR ${column} IS NULL`);
  if (present(filter.in) && present(filter.notIn) && filter.in.every((value) => filter.notIn!.includes(value))) {
    throw new UserInputError(`${path}: every value in "in" is also in "notIn", so nothing can match.`, { path });
  }
  return out;
}

/**
 * gt / gte / lt / lte on an ordered column. A range that no value can satisfy (lower bound above
 * the upper one) is an error rather than an empty page.
 */
export function rangeConditions<T extends number | string | Date>(
  path: string,
  column: string,
  cast: string,
  filter: RangeFilter<T>,
  params: SqlParams,
  compare: (a: T, b: T) => number,
): string[] {
  const lower = present(filter.gt) ? { value: filter.gt, strict: true } : present(filter.gte) ? { value: filter.gte, strict: false } : undefined;
  const upper = present(filter.lt) ? { value: filter.lt, strict: true } : present(filter.lte) ? { value: filter.lte, strict: false } : undefined;
  if (lower && upper) {
    const order = compare(lower.value, upper.value);
    if (order > 0 || (order === 0 && (lower.strict || upper.strict))) {
      throw new UserInputError(`${path}: the range is empty (its lower bound is not below its upper bound).`, { path });
    }
  }
  const out: string[] = [];
  const value = (v: T) => params.add(v instanceof Date ? v.toISOString() : v, cast);
  if (present(filter.eq)) out.push(`${column} = ${value(filter.eq)}`);
  if (present(filter.gt)) out.push(`${column} > ${value(filter.gt)}`);
  if (present(filter.gte)) out.push(`${column} >= ${value(filter.gte)}`);
  if (present(filter.lt)) out.push(`${column} < ${value(filter.lt)}`);
  if (present(filter.lte)) out.push(`${column} <= ${value(filter.lte)}`);
  return out;
}

export const compareNumbers = (a: number, b: number) => a - b;
export const compareDates = (a: Date, b: Date) => a.getTime() - b.getTime();
export const compareDecimals = (a: string, b: string) => Number(a) - Number(b);

export function booleanCondition(expression: string, wanted: boolean | null | undefined): string[] {
  return present(wanted) ? [wanted ? expression : `NOT ${expression}`] : [];
}
