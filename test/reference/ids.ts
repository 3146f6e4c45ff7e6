import { GraphQLError } from 'graphql';

/*
 * Global ids and cursors as the API prints them, written from their documented byte format and
 * sharing no code with src/: a global id is standard base64 of `Type:id`; a cursor is unpadded
 * base64url of the JSON array [list, ordering, sort value as text or null, id as text].
 */

/** The error every refused input gets, as the API's contract names it. */
export const badInput = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });

export const globalId = (typename: string, id: bigint) => Buffer.from(`${typename}:${id}`, 'utf8').toString('base64');

/** `{ typename, id }` of a global id this API could have issued, else a BAD_USER_INPUT error. */
export function parseGlobalId(text: string): { typename: string; id: bigint } {
  const decoded = Buffer.from(text, 'base64').toString('latin1');
  const match = /^([A-Za-z]+):([0-9]{1,19})$/.exec(decoded);
  // Only the one canonical spelling names an object: padding, line breaks or URL-safe letters do not.
  if (!match || Buffer.from(decoded, 'latin1').toString('base64') !== text) throw badInput(`not a global id: ${text}`);
  return { typename: match[1]!, id: BigInt(match[2]!) };
}

export const makeCursor = (list: string, ordering: string, value: string | null, id: bigint) =>
  Buffer.from(JSON.stringify([list, ordering, value, String(id)]), 'utf8').toString('base64url');

/** A cursor's sort value (text, or null) and id, refused unless it was made for this list and ordering. */
export function parseCursor(text: string, list: string, ordering: string): { value: string | null; id: bigint } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw badInput(`not a cursor: ${text}`);
  }
  if (!Array.isArray(parsed) || parsed.length !== 4) throw badInput(`not a cursor: ${text}`);
  const [cursorList, cursorOrdering, value, id] = parsed as unknown[];
  if (typeof cursorList !== 'string' || typeof cursorOrdering !== 'string') throw badInput(`not a cursor: ${text}`);
  if (!(value === null || typeof value === 'string') || typeof id !== 'string' || !/^[0-9]{1,19}$/.test(id)) throw badInput(`not a cursor: ${text}`);
  if (cursorList !== list || cursorOrdering !== ordering) throw badInput(`a cursor of ${cursorList} by ${cursorOrdering}, not of ${list} by ${ordering}`);
  return { value, id: BigInt(id) };
}
