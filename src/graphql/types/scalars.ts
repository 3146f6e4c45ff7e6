import { Kind, type ValueNode } from 'graphql';
import { UserInputError } from '../../errors.js';
import { builder } from '../builder.js';

const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-](\d{2}):?(\d{2}))?)?$/;

const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const daysIn = (year: number, month: number) => (month === 2 ? (isLeapYear(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31);

/** Why an ISO-8601 string's fields do not name a real instant in years 1-9999, or undefined. */
function calendarProblem(match: RegExpExecArray): string | undefined {
  const [year, month, day, hour = 0, minute = 0, second = 0, offsetHours = 0, offsetMinutes = 0] = match.slice(1).map((part) => (part === undefined ? undefined : Number(part)));
  if (year! < 1) return 'the year must be between 1 and 9999';
  if (month! < 1 || month! > 12) return 'the month must be between 01 and 12';
  if (day! < 1 || day! > daysIn(year!, month!)) return `${match[1]}-${match[2]} has no day ${match[3]}`;
  if (hour > 23 || minute > 59 || second > 59) return 'the time of day must be between 00:00:00 and 23:59:59';
  if (offsetHours > 23 || offsetMinutes > 59) return 'the offset must be between -23:59 and +23:59';
  return undefined;
}

/**
 * A real calendar instant whose UTC year is 1-9999: JavaScript reads 2026-02-30 as 2 March, and
 * PostgreSQL refuses year 0 (or prints a year before 1 with a BC suffix no client expects).
 */
function parseDateTime(value: unknown): Date {
  const match = typeof value === 'string' ? ISO_DATE_TIME.exec(value) : null;
  if (!match) throw new UserInputError(`DateTime must be an ISO-8601 string such as 2026-08-10T17:56:01Z; got ${JSON.stringify(value)}.`);
  const date = new Date(value as string);
  const problem = calendarProblem(match) ?? (Number.isNaN(date.getTime()) || date.getUTCFullYear() < 1 || date.getUTCFullYear() > 9999 ? 'the instant must fall in years 1-9999 UTC' : undefined);
  if (problem) throw new UserInputError(`DateTime ${JSON.stringify(value)} is not a real instant: ${problem}.`);
  return date;
}

const DECIMAL = /^-?\d{1,8}(\.\d{1,6})?$/;

function parseDecimal(value: unknown): string {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  if (typeof text !== 'string' || !DECIMAL.test(text)) {
    throw new UserInputError(`Decimal must be a number with at most 8 integer and 6 fractional digits, such as "-0.0085"; got ${JSON.stringify(value)}.`);
  }
  return text;
}

const literal = (ast: ValueNode) => (ast.kind === Kind.STRING || ast.kind === Kind.INT || ast.kind === Kind.FLOAT ? ast.value : undefined);

builder.scalarType('DateTime', {
  description:
    'An instant as an ISO-8601 string in UTC, such as 2026-08-10T17:56:01.817Z. Inputs may carry an offset; they must name a real calendar date and time in years 0001-9999 UTC.',
  // PostgreSQL already formats stored instants as UTC ISO strings; only Dates need formatting.
  serialize: (value) => (typeof value === 'string' ? value : value.toISOString()),
  parseValue: parseDateTime,
  parseLiteral: (ast) => parseDateTime(ast.kind === Kind.STRING ? ast.value : undefined),
});

builder.scalarType('Decimal', {
  description: 'An exact decimal number as a string, such as "-0.030000", so no precision is lost to floating point.',
  serialize: (value) => value,
  parseValue: parseDecimal,
  parseLiteral: (ast) => parseDecimal(literal(ast)),
});

builder.scalarType('JSON', {
  description: 'Any JSON value: the vendor’s original record, exactly as it was imported.',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: () => {
    throw new UserInputError('JSON values are output only.');
  },
});
