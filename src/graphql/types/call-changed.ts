import { GraphQLError } from 'graphql';
import { columnsOf, sql, type Sql } from '../../db/sql.js';
import type { CallEvent, LiveHub, Subscription } from '../../live/hub.js';
import { builder } from '../builder.js';
import type { Context } from '../context.js';
import { loadCall, CallRef } from './call.js';
import { CallFilter, callFilterWhere, type CallFilterInput } from './call-filter.js';

builder.subscriptionType({ description: 'Calls of the caller’s account as they change, live.', authScopes: { read: true } });

/** The subscription context: the request's, with this instance's live hub (set by createApp). */
type LiveContext = Context & { live: LiveHub };

/**
 * The event each subscription result answers, by the subscription's context: the resolver sets
 * it, and the server's plugin writes it into the result's `extensions.eventId` (server/live.ts).
 * Results of one subscription are executed one after the other, so one slot per context holds.
 */
export const currentEvent = new WeakMap<object, string>();

/** An event id as a client sends it back: the decimal sequence of call_events. */
const EVENT_ID = /^\d{1,19}$/;

/** The events whose call matches the filter, in their order, keeping the latest event of each call. */
async function matching(ctx: Context, where: Sql, events: CallEvent[]): Promise<CallEvent[]> {
  const latest = new Map<string, CallEvent>();
  for (const event of events) latest.set(event.callId, event);
  const statement = sql`SELECT c.id::text AS id FROM calls c
    WHERE c.account_id = ${ctx.accountId} AND c.id = ANY(${[...latest.keys()]}::text[]::bigint[]) AND ${where}`;
  const rows = await ctx.db.sql.query<{ id: string }>(statement.text, statement.values);
  const matched = new Set(rows.map((row) => row.id));
  return [...latest.values()].filter((event) => matched.has(event.callId));
}

function endingError(subscription: Subscription): GraphQLError | undefined {
  const ending = subscription.ending();
  if (ending?.kind === 'too-many') {
    return new GraphQLError(`This API key already holds ${ending.limit} open subscriptions; close one first.`, {
      extensions: { code: 'TOO_MANY_SUBSCRIPTIONS', limit: ending.limit },
    });
  }
  if (ending?.kind === 'too-slow') {
    return new GraphQLError(`The subscriber did not keep up: ${ending.queued} changes were waiting. Reconnect with the last event id to catch up.`, {
      extensions: { code: 'SUBSCRIBER_TOO_SLOW' },
    });
  }
  return undefined;
}

/**
 * The account's changed calls that match the filter: first those after `after` (a reconnect),
 * then live ones. The subscription is registered before the missed events are read, so nothing
 * committed in between falls through; an event seen both ways is sent once.
 */
async function* callChanges(ctx: LiveContext, filter: CallFilterInput | null | undefined, after: string | null): AsyncGenerator<CallEvent> {
  const where = callFilterWhere(filter, columnsOf(sql`c`));
  const subscription = await ctx.live.subscribe(ctx.accountId, ctx.credentials.keyId);
  try {
    // Refusals are thrown from the stream: the client receives them as its first result.
    if (after !== null && !EVENT_ID.test(after)) throw new GraphQLError(`after: "${after}" is not an event id.`, { extensions: { code: 'BAD_USER_INPUT', argument: 'after' } });
    const refused = endingError(subscription);
    if (refused) throw refused;
    const replayed = new Set<string>();
    if (after !== null) {
      const missed = await ctx.live.missedSince(ctx.accountId, after);
      for (const event of missed) replayed.add(event.sequence);
      if (missed.length > 0) yield* await matching(ctx, where, missed);
    }
    for (let events = await subscription.next(); events !== null; events = await subscription.next()) {
      const fresh = replayed.size > 0 ? events.filter((event) => !replayed.has(event.sequence)) : events;
      if (fresh.length > 0) yield* await matching(ctx, where, fresh);
    }
    const ended = endingError(subscription);
    if (ended) throw ended;
  } finally {
    subscription.close();
  }
}

builder.subscriptionField('callChanged', (t) =>
  t.field({
    type: CallRef,
    nullable: true,
    description:
      'Every call of the account that is created or changes (by an import, upsertCalls or a platform’s webhook) and matches the filter, with the selection asked for, as each change is committed. Each result’s extensions.eventId identifies the change: reconnect with it (as the Last-Event-ID header or `after`) to receive what was missed in the last minutes first. Null when the call is no longer there by the time it is read.',
    args: {
      filter: t.arg({ type: CallFilter, required: false, description: 'Only the calls that match.' }),
      after: t.arg.string({ required: false, description: 'The last event id received: the changes after it (within the replay window) come first. The Last-Event-ID header does the same.' }),
    },
    subscribe: (_root, args, ctx) => callChanges(ctx as LiveContext, args.filter, args.after ?? ctx.request.headers.get('last-event-id')),
    resolve: (event: CallEvent, _args, ctx, info) => {
      // One context serves every event of a subscription: its loaders would answer a call's
      // second change from the first one's cache.
      ctx.plannedLoaders = new WeakMap();
      currentEvent.set(ctx, event.sequence);
      return loadCall(ctx, info, event.callId);
    },
  }),
);
