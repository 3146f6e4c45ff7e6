import { GraphQLError, Kind } from 'graphql';
import { builder } from '../builder.js';

function parseDateTime(value: unknown): Date {
  const date = typeof value === 'string' ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime()) || !/T|\d{4}-\d{2}-\d{2}$/.test(value as string)) {
    throw new GraphQLError(`DateTime must be an ISO-8601 string such as 2026-08-10T17:56:01Z; got ${JSON.stringify(value)}`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return date;
}

builder.scalarType('DateTime', {
  description: 'An instant as an ISO-8601 string in UTC, such as 2026-08-10T17:56:01.817Z.',
  serialize: (value) => (value instanceof Date ? value : new Date(value)).toISOString(),
  parseValue: parseDateTime,
  parseLiteral: (ast) => parseDateTime(ast.kind === Kind.STRING ? ast.value : undefined),
});
