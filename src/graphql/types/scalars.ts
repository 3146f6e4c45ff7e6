import { Kind, type ValueNode } from 'graphql';
import { UserInputError } from '../../errors.js';
import { builder } from '../builder.js';

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function parseDateTime(value: unknown): Date {
  const date = typeof value === 'string' && ISO_DATE_TIME.test(value) ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) {
    throw new UserInputError(`DateTime must be an ISO-8601 string such as 2026-08-10T17:56:01Z; got ${JSON.stringify(value)}.`);
  }
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
  description: 'An instant as an ISO-8601 string in UTC, such as 2026-08-10T17:56:01.817Z. Inputs may carry an offset.',
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
