import { UserInputError } from '../../errors.js';
import type { OrderColumn } from './declarations.js';
import { schemaText, sql, type Sql } from '../../db/sql.js';

/*
 * A cursor is base64url (no padding) of the JSON `[list, order, value, id]`: the list and ordering
 * it was made for, the row's sort value as text (null when the row has none) and its id. PostgreSQL
 * writes cursors (`cursorSql`); the API reads them back (`decodeCursor`), and nothing else touches
 * their format.
 */

/** A position in a list: the sort value as text (null sorts above every value) and the id. */
export interface Keyset {
  value: string | null;
  id: string;
}

const BIGINT_MAX = 9223372036854775807n;

/** Whether text is a value of the order column's type that PostgreSQL will take. */
function validValue(type: OrderColumn['type'], value: string): boolean {
  switch (type) {
    case 'integer':
      return /^-?\d{1,10}$/.test(value) && Math.abs(Number(value)) <= 2147483647;
    case 'numeric':
      return /^-?\d{1,20}(\.\d{1,20})?$/.test(value);
    case 'timestamptz':
      return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(value) && !Number.isNaN(Date.parse(value)) && new Date(value).toISOString() === value;
  }
}

function validId(idType: 'bigint' | 'text', id: string): boolean {
  if (idType === 'text') return id.length > 0 && id.length <= 64 && !/[\u0000\uD800-\uDFFF]/.test(id);
  return /^\d{1,19}$/.test(id) && BigInt(id) <= BIGINT_MAX;
}

/** The keyset in `cursor`, refused unless this API issued it for this list and ordering. */
export function decodeCursor(argument: string, cursor: string, list: string, order: string, orderColumn: OrderColumn, idType: 'bigint' | 'text'): Keyset {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 4 ||
    typeof parsed[0] !== 'string' ||
    typeof parsed[1] !== 'string' ||
    !(parsed[2] === null || typeof parsed[2] === 'string') ||
    typeof parsed[3] !== 'string'
  ) {
    throw new UserInputError(`${argument}: not a cursor this API issued.`, { argument });
  }
  if (parsed[0] !== list || parsed[1] !== order) {
    throw new UserInputError(`${argument}: this cursor belongs to another list or ordering (${parsed[0].slice(0, 40)} by ${parsed[1].slice(0, 40)}).`, { argument });
  }
  const [, , value, id] = parsed as [string, string, string | null, string];
  if ((value !== null && !validValue(orderColumn.type, value)) || !validId(idType, id)) {
    throw new UserInputError(`${argument}: not a cursor this API issued.`, { argument });
  }
  return { value, id };
}

/**
 * The cursor of the row whose sort value is `valueText` (text or NULL) and whose id is `id`, in
 * SQL. The replace() calls drop the line breaks encode() puts every 76 characters and map + and /
 * to - and _ (translate() does the same character by character, looking each one up, at a higher
 * cost on a page of cursors); rtrim() drops the padding.
 */
export function cursorSql(list: string, order: string, valueText: Sql, id: Sql): Sql {
  const json = sql`${schemaText(`["${list}","${order}",`)} || COALESCE(to_json(${valueText})::text, 'null') || ',' || to_json(${id}::text)::text || ']'`;
  return sql`rtrim(replace(replace(replace(encode(convert_to(${json}, 'UTF8'), 'base64'), E'\\n', ''), '+', '-'), '/', '_'), '=')`;
}
