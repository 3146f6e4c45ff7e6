import { UserInputError } from '../../errors.js';
import { schemaText, sql, type Sql } from '../../db/sql.js';

/*
 * A global id is base64 of `Type:id`. PostgreSQL writes them (`globalIdSql`); the API reads them
 * back (`parseGlobalId`); nothing else touches their format.
 */

export interface GlobalId {
  typename: string;
  id: string;
}

const DECODED = /^([A-Za-z]+):(\d{1,19})$/;
const BIGINT_MAX = 9223372036854775807n;

/**
 * The type and database id behind a global id, or a clear error. Only the canonical encoding is
 * accepted, so one object has one id, and the id must fit PostgreSQL's bigint.
 */
export function parseGlobalId(globalId: string, argument: string): GlobalId {
  const text = Buffer.from(globalId, 'base64').toString('latin1');
  const match = DECODED.exec(text);
  if (!match || Buffer.from(text, 'latin1').toString('base64') !== globalId || BigInt(match[2]!) > BIGINT_MAX) {
    throw new UserInputError(`${argument}: "${globalId.slice(0, 100)}" is not an id this API issued.`, { argument });
  }
  return { typename: match[1]!, id: match[2]! };
}

/** The database id behind a global id of `typename`, or null when the id names another type. */
export function idOfType(globalId: string, typename: string, argument: string): string | null {
  const parsed = parseGlobalId(globalId, argument);
  return parsed.typename === typename ? parsed.id : null;
}

/** The global id of the row of `typename` whose id is `id`, in SQL. */
export const globalIdSql = (typename: string, id: Sql): Sql => sql`encode(convert_to(${schemaText(`${typename}:`)} || ${id}::text, 'UTF8'), 'base64')`;
