import { coerceInputValue, isInputObjectType } from 'graphql';
import { accountScope } from '../db/read/scope.js';
import { UserInputError } from '../errors.js';
import { callFilterWhere } from '../graphql/types/call-filter.js';
import { schema } from '../graphql/schema.js';
import { columnsOf, identifier, sql, type Sql } from '../db/sql.js';

export type CallFilterInput = NonNullable<Parameters<typeof callFilterWhere>[0]>;

const callFilterType = (() => {
  const type = schema.getType('CallFilter');
  if (!isInputObjectType(type)) throw new Error('the schema has no CallFilter input type');
  return type;
})();

/**
 * A CallFilter given as JSON text, coerced against the schema's CallFilter input type exactly as
 * `calls(filter:)` coerces its argument: the same fields, enums, scalars (DateTime, Decimal) and
 * messages. `where` is the path named in messages (`filter` on the command line, the query
 * parameter on HTTP).
 */
export function parseCallFilter(json: string | undefined, where = 'filter'): CallFilterInput | null {
  if (json === undefined || json.trim() === '') return null;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new UserInputError(`${where} is not JSON: ${(error as Error).message}`, { argument: where });
  }
  const problems: string[] = [];
  const coerced = coerceInputValue(value, callFilterType, (path, _invalid, error) => {
    problems.push(`${[where, ...path].join('.')}: ${error.message}`);
  });
  if (problems.length > 0) throw new UserInputError(problems.join('; '), { argument: where });
  return coerced as CallFilterInput;
}

/** The row alias of the calls an export reads. */
export const EXPORTED = identifier('c');

/**
 * The export's condition on the calls under EXPORTED: the account, then the filter. The one place
 * the export turns a CallFilter into SQL, so it follows `calls(filter:)` wherever that goes.
 */
export function exportCondition(accountId: string, filter: CallFilterInput | null): Sql {
  return sql`${accountScope(EXPORTED, accountId)} AND ${callFilterWhere(filter, columnsOf(EXPORTED))}`;
}
