import type { LiveLimits } from '../config.js';
import type { Database } from '../db/client.js';
import type { Logger } from '../logger.js';
import { CALLS_CHANNEL, type CallsNotification } from './publish.js';

/** One committed change of one call: its place in call_events and the call. */
export interface CallEvent {
  sequence: string;
  callId: string;
}

/** Why a subscription ended from the server's side. */
export type Ending = { kind: 'closed' } | { kind: 'too-slow'; queued: number } | { kind: 'too-many'; limit: number };

/**
 * How a subscriber sees its account's events. Subscribers of one account whose views have the
 * same key share one render per batch of events, that of the first of them: two views may have
 * the same key only if their renders give the same result.
 */
export interface View<T> {
  key: string;
  render(events: CallEvent[]): Promise<T>;
}

/** One subscriber's stream of its account's events, rendered, as they are committed. */
export interface Subscription<T> {
  /**
   * The renders of every batch waiting to be sent, oldest first (shared with the other subscribers
   * of the view); waits for the next when there are none; null once ended.
   */
  next(): Promise<Array<Promise<T>> | null>;
  /** Why the stream ended, once next() gave null. */
  ending(): Ending | undefined;
  close(): void;
}

/** How often call_events and webhook_deliveries are pruned. */
const PRUNE_INTERVAL_MS = 60_000;

/**
 * Least time between two renders of one view. Every render is written to every subscriber of the
 * view, one write per subscriber: under a stream of events, batching them this long trades this
 * much latency for a write per subscriber per interval instead of one per event.
 */
const BATCH_INTERVAL_MS = 50;

/**
 * Fans committed call changes out to this instance's subscribers. One LISTEN per instance
 * (started with the first subscriber); a notification names its account, so one for an account
 * with no subscriber here costs nothing. The subscribers of an account are grouped by view: each
 * batch of events is rendered once per view, and every subscriber of the view queues a reference
 * to that one render. Each subscriber's queue is bounded: one that does not take its renders (a
 * client that stopped reading) is ended as too slow instead of holding memory.
 */
export function createLiveHub({ db, logger, limits }: { db: Database; logger: Logger; limits: LiveLimits }) {
  const byAccount = new Map<string, Map<string, Group>>();
  const openPerKey = new Map<string, number>();
  let listening: Promise<() => Promise<void>> | undefined;
  let pruner: NodeJS.Timeout | undefined;
  let closed = false;
  /**
   * The highest sequence delivered per account: to catch up from after the LISTEN connection was
   * lost, and to leave out what was delivered already (a catch-up and the notifications after it
   * can name the same events).
   */
  const lastHeard = new Map<string, string>();
  /** Per account, the last delivery queued (see inOrder). */
  const deliveries = new Map<string, Promise<void>>();

  /**
   * The subscribers of one account with one view. Events are rendered in batches, one render at a
   * time and at most one every BATCH_INTERVAL_MS: what arrives meanwhile waits for the next one.
   */
  class Group {
    readonly subscribers = new Set<Subscriber>();
    private pending: CallEvent[] = [];
    private timer: NodeJS.Timeout | undefined;
    private rendering = false;
    private lastRender = -Infinity;

    constructor(
      readonly accountId: string,
      readonly view: View<unknown>,
    ) {}

    add(events: CallEvent[]): void {
      this.pending.push(...events);
      this.schedule();
    }

    private schedule(): void {
      if (this.timer || this.rendering || this.pending.length === 0 || this.subscribers.size === 0) return;
      const wait = this.lastRender + BATCH_INTERVAL_MS - performance.now();
      if (wait <= 0) this.render();
      else this.timer = setTimeout(() => ((this.timer = undefined), this.render()), wait);
    }

    private render(): void {
      const events = this.pending;
      this.pending = [];
      this.lastRender = performance.now();
      this.rendering = true;
      const rendered = this.view.render(events);
      for (const subscriber of this.subscribers) subscriber.push(rendered, events.length);
      // Each subscriber sees a failed render as its own error; here it only ends the render.
      rendered
        .catch((error: Error) => logger.warn(`rendering ${events.length} changes for subscribers failed: ${error.message}`))
        .finally(() => {
          this.rendering = false;
          this.schedule();
        });
    }

    stop(): void {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.pending = [];
    }
  }

  class Subscriber implements Subscription<unknown> {
    private queue: Array<Promise<unknown>> = [];
    /** Events in the renders queued. */
    private queued = 0;
    private wake: (() => void) | undefined;
    private ended: Ending | undefined;

    /** The subscribers it is one of, once it has joined them. */
    group: Group | undefined;

    constructor(readonly keyId: string) {}

    /**
     * Queues the render of a committed batch. A subscriber still holding `queueLimit` events it
     * has not taken is too slow; a batch into a shorter queue is taken whole, however large (an
     * import's batch is bounded by its own size), so a large import does not end subscribers that
     * keep up.
     */
    push(rendered: Promise<unknown>, events: number): void {
      if (this.ended) return;
      if (this.queued >= limits.queueLimit) {
        this.end({ kind: 'too-slow', queued: this.queued + events });
        return;
      }
      this.queue.push(rendered);
      this.queued += events;
      this.wake?.();
    }

    end(ending: Ending): void {
      if (this.ended) return;
      this.ended = ending;
      this.queue = [];
      this.queued = 0;
      detach(this);
      this.wake?.();
    }

    async next(): Promise<Array<Promise<unknown>> | null> {
      while (!this.ended && this.queue.length === 0) await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
      if (this.ended) return null;
      const rendered = this.queue;
      this.queue = [];
      this.queued = 0;
      return rendered;
    }

    ending(): Ending | undefined {
      return this.ended;
    }

    close(): void {
      this.end({ kind: 'closed' });
    }
  }

  function detach(subscriber: Subscriber): void {
    const { group } = subscriber;
    if (!group?.subscribers.delete(subscriber)) return;
    if (group.subscribers.size === 0) {
      group.stop();
      const groups = byAccount.get(group.accountId)!;
      groups.delete(group.view.key);
      if (groups.size === 0) byAccount.delete(group.accountId);
    }
    const open = (openPerKey.get(subscriber.keyId) ?? 1) - 1;
    if (open <= 0) openPerKey.delete(subscriber.keyId);
    else openPerKey.set(subscriber.keyId, open);
  }

  /**
   * Hands events to the account's subscribers, leaving out those at or below the highest sequence
   * delivered before: per account, sequences are taken in commit order (publishCalls) and
   * delivered in that order (inOrder), so such an event is one delivered already.
   */
  function deliver(accountId: string, events: CallEvent[]): void {
    const groups = byAccount.get(accountId);
    if (!groups) return;
    const heard = lastHeard.get(accountId);
    const fresh = heard === undefined ? events : events.filter((event) => BigInt(event.sequence) > BigInt(heard));
    if (fresh.length === 0) return;
    lastHeard.set(accountId, fresh[fresh.length - 1]!.sequence);
    for (const group of groups.values()) group.add(fresh);
  }

  /**
   * Delivers an account's events once those of the notifications before have been: a large
   * change's events are read from call_events first, and a small change notified after it must
   * not overtake them. Notifications of one account come in commit order, which is sequence order.
   */
  function inOrder(accountId: string, events: () => CallEvent[] | Promise<CallEvent[]>, failure: string): void {
    const queued: Promise<void> = (deliveries.get(accountId) ?? Promise.resolve())
      .then(async () => deliver(accountId, await events()))
      .catch((error: Error) => logger.error(`${failure}: ${error.message}`))
      .finally(() => {
        if (deliveries.get(accountId) === queued) deliveries.delete(accountId);
      });
    deliveries.set(accountId, queued);
  }

  /** The events of an account in a range of sequences, for a notification that only names the range. */
  const eventsBetween = (accountId: string, first: string, last: string) =>
    db.sql.query<CallEvent>(
      `SELECT sequence::text AS sequence, call_id::text AS "callId" FROM call_events
        WHERE account_id = $1 AND sequence BETWEEN $2::bigint AND $3::bigint ORDER BY sequence`,
      [accountId, first, last],
    );

  function onNotify(payload: string): void {
    let notification: CallsNotification;
    try {
      notification = JSON.parse(payload) as CallsNotification;
    } catch {
      logger.warn(`ignored a ${CALLS_CHANNEL} notification that is not JSON`);
      return;
    }
    if (!byAccount.has(notification.a)) return;
    const { a: accountId, c: named, f: first, l: last } = notification;
    inOrder(
      accountId,
      () => (named ? named.map(([sequence, callId]) => ({ sequence, callId })) : eventsBetween(accountId, first, last)),
      'reading the events of a large change failed',
    );
  }

  /** After the LISTEN connection was lost and found again: what was committed meanwhile. */
  function catchUp(): void {
    for (const [accountId, heard] of lastHeard) {
      if (!byAccount.has(accountId)) continue;
      inOrder(
        accountId,
        () =>
          db.sql.query<CallEvent>(
            `SELECT sequence::text AS sequence, call_id::text AS "callId" FROM call_events
              WHERE account_id = $1 AND sequence > $2::bigint ORDER BY sequence`,
            [accountId, lastHeard.get(accountId) ?? heard],
          ),
        'catching up after the LISTEN connection was lost failed',
      );
    }
  }

  async function prune(): Promise<void> {
    await db.sql.query(`DELETE FROM call_events WHERE at < now() - make_interval(mins => $1::int)`, [limits.replayMinutes]);
    await db.sql.query('DELETE FROM webhook_deliveries WHERE expires_at < now()');
  }

  function start(): Promise<unknown> {
    if (!listening) {
      // A LISTEN that could not be set up is tried again by the next subscriber.
      listening = db.listen(CALLS_CHANNEL, onNotify, catchUp).catch((error: unknown) => {
        listening = undefined;
        clearInterval(pruner);
        throw error;
      });
      pruner = setInterval(() => prune().catch((error: Error) => logger.warn(`pruning call_events failed: ${error.message}`)), PRUNE_INTERVAL_MS);
      pruner.unref();
    }
    return listening;
  }

  return {
    /**
     * A subscription to the account's events, counted against its key; it hears every event
     * committed after this resolves. Throws when the key holds its limit of subscriptions.
     */
    async subscribe<T>(accountId: string, keyId: string, view: View<T>): Promise<Subscription<T>> {
      const subscriber = new Subscriber(keyId);
      const open = openPerKey.get(keyId) ?? 0;
      if (closed) subscriber.end({ kind: 'closed' });
      else if (open >= limits.maxSubscriptionsPerKey) subscriber.end({ kind: 'too-many', limit: limits.maxSubscriptionsPerKey });
      else {
        openPerKey.set(keyId, open + 1);
        try {
          await start();
        } catch (error) {
          openPerKey.set(keyId, (openPerKey.get(keyId) ?? 1) - 1);
          throw error;
        }
        // Joined only once the LISTEN is in place: from here on every committed event reaches it.
        let accountGroups = byAccount.get(accountId);
        if (!accountGroups) byAccount.set(accountId, (accountGroups = new Map()));
        let group = accountGroups.get(view.key);
        if (!group) accountGroups.set(view.key, (group = new Group(accountId, view)));
        subscriber.group = group;
        group.subscribers.add(subscriber);
        if (closed) subscriber.end({ kind: 'closed' });
      }
      return subscriber as Subscription<T>;
    },

    /** Events of the account after `sequence` and within the replay window, oldest first. */
    missedSince(accountId: string, sequence: string): Promise<CallEvent[]> {
      return db.sql.query<CallEvent>(
        `SELECT sequence::text AS sequence, call_id::text AS "callId" FROM call_events
          WHERE account_id = $1 AND sequence > $2::bigint AND at >= now() - make_interval(mins => $3::int)
          ORDER BY sequence`,
        [accountId, sequence, limits.replayMinutes],
      );
    },

    /** Subscriptions open on this instance. */
    openSubscriptions(): number {
      let n = 0;
      for (const groups of byAccount.values()) for (const group of groups.values()) n += group.subscribers.size;
      return n;
    },

    /** Ends every subscription (their streams complete) and stops listening: on shutdown. */
    async close(): Promise<void> {
      closed = true;
      for (const groups of [...byAccount.values()]) for (const group of [...groups.values()]) for (const subscriber of [...group.subscribers]) subscriber.close();
      clearInterval(pruner);
      const stop = listening;
      listening = undefined;
      if (stop) await (await stop)();
    },
  };
}

export type LiveHub = ReturnType<typeof createLiveHub>;
