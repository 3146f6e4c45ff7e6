import { GraphQLError } from 'graphql';
import { listCalls, type CallKeyset, type CallRow } from '../../db/call-queries.js';
import { builder } from '../builder.js';

export const CallRef = builder.objectRef<CallRow>('Call');

builder.node(CallRef, {
  description: 'One call or call leg, as one telephony platform reported it.',
  id: { resolve: (call) => call.id },
  fields: (t) => ({
    source: t.exposeString('source', { description: 'The platform the record was imported from.' }),
    externalId: t.exposeString('externalId', { description: 'The platform’s own id of the call.' }),
    fromAddress: t.exposeString('fromAddress', { nullable: true, description: 'The calling party as the platform gave it.' }),
    toAddress: t.exposeString('toAddress', { nullable: true, description: 'The called party as the platform gave it.' }),
    status: t.exposeString('status'),
    direction: t.exposeString('direction', { nullable: true }),
    startTime: t.expose('startTime', { type: 'DateTime', nullable: true }),
    duration: t.exposeInt('duration', { nullable: true, description: 'Seconds, as the platform reported them.' }),
  }),
});

const DEFAULT_PAGE = 20;
const MAX_PAGE = 100;

function encodeCursor(call: CallRow): string {
  return Buffer.from(JSON.stringify([call.startTime, call.id])).toString('base64url');
}

function decodeCursor(cursor: string): CallKeyset {
  try {
    const [startTime, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [unknown, unknown];
    if ((startTime === null || typeof startTime === 'string') && typeof id === 'string' && /^\d+$/.test(id)) {
      return { startTime, id };
    }
  } catch {
    // reported below
  }
  throw new GraphQLError('The cursor is not one this API issued.', { extensions: { code: 'BAD_USER_INPUT' } });
}

builder.queryField('calls', (t) =>
  t.connection({
    type: CallRef,
    description: 'Calls, newest first.',
    args: {},
    resolve: async (_root, args, ctx) => {
      const first = args.first ?? DEFAULT_PAGE;
      if (first < 0 || first > MAX_PAGE) {
        throw new GraphQLError(`first must be between 0 and ${MAX_PAGE}.`, { extensions: { code: 'BAD_USER_INPUT' } });
      }
      const rows = await listCalls(ctx.db, first + 1, args.after ? decodeCursor(args.after) : undefined);
      const page = rows.slice(0, first);
      return {
        edges: page.map((node) => ({ cursor: encodeCursor(node), node })),
        pageInfo: {
          hasNextPage: rows.length > first,
          hasPreviousPage: Boolean(args.after),
          startCursor: page[0] ? encodeCursor(page[0]) : null,
          endCursor: page.at(-1) ? encodeCursor(page.at(-1)!) : null,
        },
      };
    },
  }),
);
