import { execute, GraphQLError, Kind, print, type DocumentNode, type ExecutionResult, type GraphQLResolveInfo } from 'graphql';
import { columnsOf, sql, type Sql } from '../../db/sql.js';
import type { CallEvent, LiveHub, Subscription, View } from '../../live/hub.js';
import { builder } from '../builder.js';
import type { Context } from '../context.js';
import { loadCall, CallRef } from './call.js';
import { readerOf } from '../read/execute.js';
import { CallFilter, callFilterWhere, type CallFilterInput } from './call-filter.js';

builder.subscriptionType({ description: 'Calls of the caller’s account as they change, live.', authScopes: { read: true } });

/** The subscription context: the request's, with this instance's live hub (set by createApp). */
type LiveContext = Context & { live: LiveHub };

/*
 * How results reach subscribers. graphql-js would execute a subscription's operation once per
 * event and subscriber; here the operation is executed once per batch of events for all the
 * subscribers of an account that sent the same operation and variables with the same scopes (a
 * view, live/hub.ts), and its results are serialised once. The field's stream yields these results
 * as they are: the server's plugin (server/live.ts) hands the stream to the transport without
 * executing anything more per event.
 */

/**
 * Results as one piece of an SSE stream. Yoga's SSE transport writes each value a subscription
 * yields as `event: next`, `data: ` + its `stringify()`, and a blank line; a text that ends one
 * event and begins the next makes one write carry a whole batch. Each event also gets an `id:`
 * line, its event id, which a reconnecting EventSource sends back as Last-Event-ID.
 */
class SseResults {
  /** Called unbound by yoga's result processor, hence an arrow function. */
  readonly stringify = (): string => this.text;

  constructor(private readonly text: string) {}
}

const BETWEEN_EVENTS = '\n\nevent: next\ndata: ';

/** One event's result; `text` is its SSE text, when it has no errors (an error is masked by yoga first). */
interface Delivery {
  sequence: string;
  result: ExecutionResult;
  text: string | undefined;
}

/** A batch's results for every subscriber of a view, in the order of their events, and as one write when none has errors. */
interface Rendered {
  deliveries: Delivery[];
  whole: SseResults | undefined;
}

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

function endingError(subscription: Subscription<unknown>): GraphQLError | undefined {
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
 * The view of a subscriber: its operation as graphql-js executes it for each event (the
 * subscription, its fragments and the request's variables), for its account and scopes.
 */
function callView(ctx: LiveContext, info: GraphQLResolveInfo, filter: CallFilterInput | null | undefined): View<Rendered> {
  const document: DocumentNode = { kind: Kind.DOCUMENT, definitions: [info.operation, ...Object.values(info.fragments)] };
  const variableValues = ctx.params.variables ?? {};
  const where = callFilterWhere(filter, columnsOf(sql`c`));
  return {
    key: JSON.stringify([...readerOf(ctx), print(document), variableValues]),
    async render(events) {
      // A context per render: its loaders answer every call of the batch with one statement, and
      // never a later change from an earlier one's cache.
      const shared: LiveContext = { ...ctx, plannedLoaders: new WeakMap() };
      const matched = await matching(shared, where, events);
      const results = await Promise.all(matched.map((event) => execute({ schema: info.schema, document, variableValues, contextValue: shared, rootValue: event })));
      const deliveries = matched.map(({ sequence }, i): Delivery => {
        const result = { ...results[i]!, extensions: { ...results[i]!.extensions, eventId: sequence } };
        return { sequence, result, text: result.errors ? undefined : `${JSON.stringify(result)}\nid: ${sequence}` };
      });
      const whole = deliveries.every((delivery) => delivery.text !== undefined) ? new SseResults(deliveries.map((delivery) => delivery.text).join(BETWEEN_EVENTS)) : undefined;
      return { deliveries, whole };
    },
  };
}

/**
 * What one subscriber writes of the renders it took, leaving out the events up to the sequence
 * `sent` (sent already): one value for all (the render's own, shared, when it took one), split
 * only around results with errors.
 */
function* writes(rendered: Rendered[], sent: bigint | null): Generator<ExecutionResult | SseResults> {
  const skip = (delivery: Delivery) => sent !== null && BigInt(delivery.sequence) <= sent;
  if (rendered.length === 1 && rendered[0]!.whole && !rendered[0]!.deliveries.some(skip)) {
    if (rendered[0]!.deliveries.length > 0) yield rendered[0]!.whole;
    return;
  }
  let texts: string[] = [];
  for (const { deliveries } of rendered) {
    for (const delivery of deliveries) {
      if (skip(delivery)) continue;
      if (delivery.text !== undefined) {
        texts.push(delivery.text);
        continue;
      }
      if (texts.length > 0) yield new SseResults(texts.join(BETWEEN_EVENTS));
      texts = [];
      yield delivery.result;
    }
  }
  if (texts.length > 0) yield new SseResults(texts.join(BETWEEN_EVENTS));
}

/**
 * The account's changed calls that match the filter, as results: first those after `after` (a
 * reconnect), then live ones. The subscription is registered before the missed events are read,
 * so nothing committed in between falls through. An event seen both ways is sent once: live
 * events at or below the last one replayed are left out, since per account sequences are taken,
 * and events delivered, in commit order (publishCalls): a live event above it was committed after
 * the replay was read, and one at or below it was replayed.
 */
async function* callChanges(ctx: LiveContext, view: View<Rendered>, after: string | null): AsyncGenerator<ExecutionResult | SseResults> {
  const subscription = await ctx.live.subscribe(ctx.accountId, ctx.credentials.keyId, view);
  try {
    // Refusals are thrown from the stream: the client receives them as its first result.
    if (after !== null && !EVENT_ID.test(after)) throw new GraphQLError(`after: "${after}" is not an event id.`, { extensions: { code: 'BAD_USER_INPUT', argument: 'after' } });
    const refused = endingError(subscription);
    if (refused) throw refused;
    let sent: bigint | null = null;
    if (after !== null) {
      const missed = await ctx.live.missedSince(ctx.accountId, after);
      if (missed.length > 0) {
        sent = BigInt(missed.at(-1)!.sequence);
        yield* writes([await view.render(missed)], null);
      }
    }
    for (let rendered = await subscription.next(); rendered !== null; rendered = await subscription.next()) {
      yield* writes(await Promise.all(rendered), sent);
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
      'Every call of the account that is created or changes (by an import, upsertCalls or a platform’s webhook) and matches the filter, with the selection asked for, as each change is committed. Each result’s extensions.eventId identifies the change (over SSE it is also the event’s id): reconnect with it (as the Last-Event-ID header or `after`) to receive what was missed in the last minutes first. Null when the call is no longer there by the time it is read.',
    args: {
      filter: t.arg({ type: CallFilter, required: false, description: 'Only the calls that match.' }),
      after: t.arg.string({ required: false, description: 'The last event id received: the changes after it (within the replay window) come first. The Last-Event-ID header does the same.' }),
    },
    // The stream's values are the results themselves (see above), not the events Pothos types it with.
    subscribe: (_root, args, ctx, info) =>
      callChanges(ctx as LiveContext, callView(ctx as LiveContext, info, args.filter), args.after ?? ctx.request.headers.get('last-event-id')) as AsyncIterable<never>,
    // Executed by each view's render, for one event.
    resolve: (event: CallEvent, _args, ctx, info) => loadCall(ctx, info, event.callId),
  }),
);
