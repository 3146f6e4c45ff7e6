import { decodeGlobalID, encodeGlobalID } from '@pothos/plugin-relay';
import { UserInputError } from '../../errors.js';

export interface NodeId {
  typename: string;
  id: string;
}

/** A global id as cdrql issues it, or a clear error; the database id must be a positive integer. */
export function parseNodeId(globalId: string, argument: string): NodeId {
  let decoded: NodeId | undefined;
  try {
    decoded = decodeGlobalID(globalId);
  } catch {
    decoded = undefined;
  }
  if (!decoded || !/^[A-Za-z]+$/.test(decoded.typename) || !/^\d{1,19}$/.test(decoded.id) || encodeGlobalID(decoded.typename, decoded.id) !== globalId) {
    throw new UserInputError(`${argument}: "${globalId}" is not an id this API issued.`, { argument });
  }
  return decoded;
}

/** The database id behind a global id of `typename`, or null when the id names another type. */
export function decodeNodeId(globalId: string, typename: string, argument: string): string | null {
  const decoded = parseNodeId(globalId, argument);
  return decoded.typename === typename ? decoded.id : null;
}
