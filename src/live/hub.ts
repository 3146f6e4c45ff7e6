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

/** One subscriber's stream of its account's events, as they are committed. */
export interface Subscription {
  /** Events waiting to be sent, all of them; waits for the next when there are none; null once ended. */
  next(): Promise<CallEvent[] | null>;
  /** Why the stream ended, once next() gave null. */
  ending(): Ending | undefined;
  close(): void;
}

/** How often call_events and webhook_deliveries are pruned. */
const PRUNE_INTERVAL_MS = 60_000;

/**
 * Fans committed call changes out to this instance's subscribers. One LISTEN per instance
 * (started with the first subscriber); a notification names its account, so one for an account
 * with no subscriber here costs nothing. Each subscriber has a bounded queue: one that does not
 * take its events (a client that stopped reading) is ended as too slow instead of holding memory.
 */
export function createLiveHub({ db, logger, limits }: { db: Database; logger: Logger; limits: LiveLimits }) {
  const byAccount = new Map<string, Set<Subscriber>>();
  const openPerKey = new Map<string, number>();
  let listening: Promise<() => Promise<void>> | undefined;
  let pruner: NodeJS.Timeout | undefined;
  let closed = false;
  /** The highest sequence heard per account, to catch up from after the LISTEN connection was lost. */
  const lastHeard = new Map<string, string>();

  class Subscriber implements Subscription {
    private queue: CallEvent[] = [];
    private wake: (() => void) | undefined;
    private ended: Ending | undefined;

    constructor(
      readonly accountId: string,
      readonly keyId: string,
    ) {}

    /**
     * Queues a committed batch. A subscriber still holding `queueLimit` events it has not taken
     * is too slow; a batch into a shorter queue is taken whole, however large (an import's
     * batch is bounded by its own size), so a large import does not end subscribers that keep up.
     */
    push(events: CallEvent[]): void {
      if (this.ended) return;
      if (this.queue.length >= limits.queueLimit) {
        this.end({ kind: 'too-slow', queued: this.queue.length + events.length });
        return;
      }
      this.queue.push(...events);
      this.wake?.();
    }

    end(ending: Ending): void {
      if (this.ended) return;
      this.ended = ending;
      this.queue = [];
      detach(this);
      this.wake?.();
    }

    async next(): Promise<CallEvent[] | null> {
      while (!this.ended && this.queue.length === 0) await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
      if (this.ended) return null;
      const events = this.queue;
      this.queue = [];
      return events;
    }

    ending(): Ending | undefined {
      return this.ended;
    }

    close(): void {
      this.end({ kind: 'closed' });
    }
  }

  function detach(subscriber: Subscriber): void {
    const set = byAccount.get(subscriber.accountId);
    if (!set?.delete(subscriber)) return;
    if (set.size === 0) byAccount.delete(subscriber.accountId);
    const open = (openPerKey.get(subscriber.keyId) ?? 1) - 1;
    if (open <= 0) openPerKey.delete(subscriber.keyId);
    else openPerKey.set(subscriber.keyId, open);
  }

  function deliver(accountId: string, events: CallEvent[]): void {
    const subscribers = byAccount.get(accountId);
    if (!subscribers || events.length === 0) return;
    const last = events[events.length - 1]!.sequence;
    const heard = lastHeard.get(accountId);
    if (heard === undefined || BigInt(last) > BigInt(heard)) lastHeard.set(accountId, last);
    for (const subscriber of subscribers) subscriber.push(events);
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
    if (notification.c) {
      deliver(
        notification.a,
        notification.c.map(([sequence, callId]) => ({ sequence, callId })),
      );
      return;
    }
    eventsBetween(notification.a, notification.f, notification.l).then(
      (events) => deliver(notification.a, events),
      (error: Error) => logger.error(`reading the events of a large change failed: ${error.message}`),
    );
  }

  /** After the LISTEN connection was lost and found again: what was committed meanwhile. */
  function catchUp(): void {
    for (const [accountId, heard] of lastHeard) {
      if (!byAccount.has(accountId)) continue;
      db.sql
        .query<CallEvent>(
          `SELECT sequence::text AS sequence, call_id::text AS "callId" FROM call_events
            WHERE account_id = $1 AND sequence > $2::bigint ORDER BY sequence`,
          [accountId, heard],
        )
        .then(
          (events) => deliver(accountId, events),
          (error: Error) => logger.error(`catching up after the LISTEN connection was lost failed: ${error.message}`),
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
    async subscribe(accountId: string, keyId: string): Promise<Subscription> {
      const subscriber = new Subscriber(accountId, keyId);
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
        let set = byAccount.get(accountId);
        if (!set) byAccount.set(accountId, (set = new Set()));
        set.add(subscriber);
        if (closed) subscriber.end({ kind: 'closed' });
      }
      return subscriber;
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
      for (const set of byAccount.values()) n += set.size;
      return n;
    },

    /** Ends every subscription (their streams complete) and stops listening: on shutdown. */
    async close(): Promise<void> {
      closed = true;
      for (const set of [...byAccount.values()]) for (const subscriber of [...set]) subscriber.close();
      clearInterval(pruner);
      const stop = listening;
      listening = undefined;
      if (stop) await (await stop)();
    },
  };
}

export type LiveHub = ReturnType<typeof createLiveHub>;
