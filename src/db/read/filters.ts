import { UserInputError } from '../../errors.js';
import { arrayLiteral, join, sql, type Sql } from '../sql.js';

/** Filter operators shared by every list; each present operator narrows the list further. */
export interface StringFilter {
  eq?: string | null;
  in?: readonly string[] | null;
  startsWith?: string | null;
  isNull?: boolean | null;
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
  isNull?: boolean | null;
}

const present = <T>(value: T | null | undefined): value is T => value !== null && value !== undefined;

function nonEmpty(path: string, values: readonly unknown[]): void {
  if (values.length === 0) throw new UserInputError(`${path}: an empty list matches nothing; leave the operator out instead.`, { path });
}

/** `isNull`, the one way every filter of a column that can be missing selects rows by it. */
const nullConditions = (column: Sql, isNull: boolean | null | undefined): Sql[] =>
  !present(isNull) ? [] : [isNull ? sql`${column} IS NULL` : sql`${column} IS NOT NULL`];

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export function stringConditions(path: string, column: Sql, filter: StringFilter): Sql[] {
  const out: Sql[] = [];
  if (present(filter.eq)) out.push(sql`${column} = ${filter.eq}`);
  if (present(filter.in)) {
    nonEmpty(`${path}.in`, filter.in);
    out.push(sql`${column} = ANY(${filter.in}::text[])`);
  }
  if (present(filter.startsWith)) out.push(sql`${column} LIKE ${`${escapeLike(filter.startsWith)}%`}`);
  out.push(...nullConditions(column, filter.isNull));
  return out;
}

/**
 * A phone number as people type it, `+1 (415) 555-` or `14155550123`, reduced to the E.164
 * characters cdrql stores: a plus and digits.
 */
export function normalizePhone(path: string, input: string): string {
  const compact = input.replace(/[\s().\-/]/g, '');
  if (!/^\+?\d+$/.test(compact)) {
    throw new UserInputError(`${path}: "${input.slice(0, 100)}" is not a phone number; use digits with an optional leading +.`, { path });
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
export function phoneConditions(path: string, column: Sql, filter: StringFilter): Sql[] {
  const out = stringConditions(path, column, {
    eq: present(filter.eq) ? normalizePhone(`${path}.eq`, filter.eq) : null,
    in: present(filter.in) ? filter.in.map((value) => normalizePhone(`${path}.in`, value)) : null,
    isNull: filter.isNull,
  });
  if (present(filter.startsWith)) {
    const prefix = normalizePhone(`${path}.startsWith`, filter.startsWith);
    const beyond = `${prefix.slice(0, -1)}${String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1)}`;
    out.push(sql`${column} ~>=~ ${prefix}`, sql`${column} ~<~ ${beyond}`);
  }
  return out;
}

/** `type` is the enum's PostgreSQL type, a name of our own model (the filter's declaration). */
export function enumConditions(path: string, column: Sql, type: Sql, filter: EnumFilter): Sql[] {
  const out: Sql[] = [];
  if (present(filter.in)) {
    nonEmpty(`${path}.in`, filter.in);
    // One value as plain equality: before PostgreSQL 17, = ANY on a column after the first of an
    // index cannot be checked inside an ordered index scan, so the dashboard's page read every
    // call of its window from the table to keep the completed inbound ones.
    out.push(filter.in.length === 1 ? sql`${column} = ${filter.in[0]}::${type}` : sql`${column} = ANY(${arrayLiteral(filter.in)}::${type}[])`);
  }
  if (present(filter.notIn)) out.push(sql`${column} <> ALL(${arrayLiteral(filter.notIn)}::${type}[]) OR ${column} IS NULL`);
  if (present(filter.in) && present(filter.notIn) && filter.in.every((value) => filter.notIn!.includes(value))) {
    throw new UserInputError(`${path}: every value in "in" is also in "notIn", so nothing can match.`, { path });
  }
  out.push(...nullConditions(column, filter.isNull));
  return out;
}

/**
 * gt / gte / lt / lte on an ordered column. A range that no value can satisfy (lower bound above
 * the upper one) is an error rather than an empty page.
 */
export function rangeConditions<T extends number | string | Date>(path: string, column: Sql, cast: Sql, filter: RangeFilter<T>, compare: (a: T, b: T) => number): Sql[] {
  const lower = present(filter.gt) ? { value: filter.gt, strict: true } : present(filter.gte) ? { value: filter.gte, strict: false } : undefined;
  const upper = present(filter.lt) ? { value: filter.lt, strict: true } : present(filter.lte) ? { value: filter.lte, strict: false } : undefined;
  if (lower && upper) {
    const order = compare(lower.value, upper.value);
    if (order > 0 || (order === 0 && (lower.strict || upper.strict))) {
      throw new UserInputError(`${path}: the range is empty (its lower bound is not below its upper bound).`, { path });
    }
  }
  const out: Sql[] = [];
  const value = (v: T) => sql`${v instanceof Date ? v.toISOString() : v}::${cast}`;
  if (present(filter.eq)) out.push(sql`${column} = ${value(filter.eq)}`);
  if (present(filter.gt)) out.push(sql`${column} > ${value(filter.gt)}`);
  if (present(filter.gte)) out.push(sql`${column} >= ${value(filter.gte)}`);
  if (present(filter.lt)) out.push(sql`${column} < ${value(filter.lt)}`);
  if (present(filter.lte)) out.push(sql`${column} <= ${value(filter.lte)}`);
  return out;
}

export const compareNumbers = (a: number, b: number) => a - b;
export const compareDates = (a: Date, b: Date) => a.getTime() - b.getTime();
export const compareDecimals = (a: string, b: string) => Number(a) - Number(b);

export function booleanCondition(expression: Sql, wanted: boolean | null | undefined): Sql[] {
  return present(wanted) ? [wanted ? expression : sql`NOT ${expression}`] : [];
}

/** `(a) OR (b) …`. */
export const or = (conditions: readonly Sql[]): Sql => join(conditions.map((condition) => sql`(${condition})`), ' OR ');
