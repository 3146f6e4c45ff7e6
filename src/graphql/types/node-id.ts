import { encodeGlobalID } from '@pothos/plugin-relay';
import { UserInputError } from '../../errors.js';
import { builder, type AppTypes } from '../builder.js';

export interface NodeId {
  typename: string;
  id: string;
}

const DECODED_NODE_ID = /^([A-Za-z]+):(\d{1,19})$/;

/**
 * A global id as cdrql issues it (base64 of `Type:id`, as Pothos encodes it), or a clear error;
 * the database id must be a positive integer. Only the canonical encoding is accepted, so one
 * object has one id. Read with Buffer directly: nodes(ids) parses up to 100 per request.
 */
export function parseNodeId(globalId: string, argument: string): NodeId {
  const text = Buffer.from(globalId, 'base64').toString('latin1');
  const match = DECODED_NODE_ID.exec(text);
  if (!match || Buffer.from(text, 'latin1').toString('base64') !== globalId) {
    throw new UserInputError(`${argument}: "${globalId}" is not an id this API issued.`, { argument });
  }
  return { typename: match[1]!, id: match[2]! };
}

/** The database id behind a global id of `typename`, or null when the id names another type. */
export function decodeNodeId(globalId: string, typename: string, argument: string): string | null {
  const decoded = parseNodeId(globalId, argument);
  return decoded.typename === typename ? decoded.id : null;
}

/**
 * The options that make an object type a Node with a global id: builder.node's id field wraps
 * its resolver in an async one, a promise per id (some 400 in a page of calls with legs and
 * recordings), where this one is a plain function of the row.
 */
export function nodeOptions<Row extends { id: string }>(typename: string) {
  return {
    interfaces: [builder.nodeInterfaceRef()],
    id: (t: PothosSchemaTypes.ObjectFieldBuilder<AppTypes, Row>) =>
      t.id({ description: 'An opaque global id: node(id) finds the object again.', resolve: (row) => encodeGlobalID(typename, row.id) }),
  };
}
