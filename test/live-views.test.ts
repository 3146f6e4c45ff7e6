import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/auth/api-keys.js';
import { publishCalls } from '../src/live/publish.js';
import { addEdgeCases } from './differential/edge-cases.js';
import { generateOperations, gid, mulberry32, type Facts, type SubscriptionCase } from './differential/operations.js';
import { createTestApp, type GraphQLResponse, type TestApp } from './helpers/app.js';
import { SseReader } from './helpers/live.js';

/*
 * Subscribers share one execution per view and batch (live/hub.ts, graphql/types/call-changed.ts);
 * each must still receive exactly what its own operation asks for. Subscriptions with selections
 * and filters generated from schema.graphql with a fixed seed (the differential test's generator)
 * are each opened by several subscribers of one account (one view) and one of another account;
 * changes of seeded calls of both accounts are published, interleaved, in a few transactions.
 * Every subscriber's results, in order, must be what the oracle answers when run as a query by
 * the subscriber's key: for each changed call of its account that `calls(filter)` finds, `call(id)`
 * with the same selection. Their statements must not grow with the subscribers.
 */

const SEED = 23;
const ACCOUNTS = ['acme', 'globex'] as const;
/** Subscribers of one subscription per account: the first account's share a view. */
const SUBSCRIBERS = { acme: 3, globex: 1 };
const CHANGED = { acme: 12, globex: 6 };
/** Limits that would refuse generated operations for their size, not their meaning, are lifted. */
const ENV = { MAX_COST: '100000000', MAX_ALIASES: '1000', MAX_DEPTH: '100', RATE_LIMIT_REQUESTS: '1000000', RATE_LIMIT_ACCOUNT_REQUESTS: '1000000', LIVE_MAX_SUBSCRIPTIONS_PER_KEY: '1000' };

type Account = (typeof ACCOUNTS)[number];

interface Subscriber {
  account: Account;
  subscription: SubscriptionCase;
  stream: SseReader;
}

/** What two answers must share: data as JSON text, and each error's path and code. */
const observable = (result: GraphQLResponse) => ({
  data: JSON.stringify(result.data ?? null),
  errors: (result.errors ?? []).map((error) => `${JSON.stringify(error.path ?? null)} ${String(error.extensions?.code)}`).sort(),
});

describe('subscribers sharing one execution per view', () => {
  let app: TestApp;
  const keys = {} as Record<Account, string>;
  const changed = {} as Record<Account, bigint[]>;
  let subscriptions: SubscriptionCase[];
  const subscribers: Subscriber[] = [];

  beforeAll(async () => {
    app = await createTestApp({ seed: { calls: 120 }, env: ENV });
    const prisma = app.db.prisma;
    // The generator picks some of the calls it makes (a parent with many legs, attempts with recordings).
    await addEdgeCases(prisma, 'acme');
    keys.acme = app.key;
    keys.globex = (await createApiKey(prisma, { accountId: 'globex', name: 'views', scopes: ['READ', 'WRITE', 'ADMIN'] }, 'cli')).key;
    const facts: Facts = {
      calls: await prisma.call.findMany({ where: { accountId: 'acme' }, orderBy: { id: 'asc' } }),
      records: await prisma.callRecord.findMany({ where: { accountId: 'acme' }, orderBy: { id: 'asc' } }),
      recordings: await prisma.recording.findMany({ where: { accountId: 'acme' }, orderBy: { id: 'asc' } }),
      foreign: {
        call: (await prisma.call.findFirstOrThrow({ where: { accountId: 'globex' } })).id,
        record: (await prisma.callRecord.findFirstOrThrow({ where: { accountId: 'globex' } })).id,
        recording: (await prisma.recording.findFirstOrThrow({ where: { accountId: 'globex' } })).id,
      },
    };
    ({ subscriptions } = generateOperations(facts, SEED));
    const random = mulberry32(SEED);
    for (const account of ACCOUNTS) {
      const ids = (await prisma.call.findMany({ where: { accountId: account }, orderBy: { id: 'asc' }, select: { id: true } })).map((row) => row.id);
      changed[account] = ids.sort(() => random() - 0.5).slice(0, CHANGED[account]);
    }
  }, 60_000);

  afterAll(async () => {
    for (const subscriber of subscribers) await subscriber.stream.cancel();
    await app?.drop();
  });

  it('gives every subscriber what its own operation, run as a query, answers', async () => {
    for (const subscription of subscriptions) {
      for (const account of ACCOUNTS) {
        for (let i = 0; i < SUBSCRIBERS[account]; i += 1) {
          const response = await app.post({ query: subscription.subscription, variables: subscription.variables }, { accept: 'text/event-stream', authorization: `Bearer ${keys[account]}` });
          const stream = new SseReader(response);
          await stream.start();
          subscribers.push({ account, subscription, stream });
        }
      }
    }
    for (let i = 0; i < 500 && app.app.live.openSubscriptions() < subscribers.length; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(app.app.live.openSubscriptions()).toBe(subscribers.length);

    // The oracle, per subscription and account: each changed call as a query by the account's key.
    const expected = new Map<string, Array<ReturnType<typeof observable>>>();
    let delivered = 0;
    for (const subscription of subscriptions) {
      for (const account of ACCOUNTS) {
        const results: Array<ReturnType<typeof observable>> = [];
        for (const id of changed[account]) {
          const callId = gid('Call', id);
          const response = await app.post({ query: subscription.oracle, variables: { ...subscription.variables, callId } }, { authorization: `Bearer ${keys[account]}` });
          const answer = (await response.json()) as GraphQLResponse<{ callChanged: unknown; matches: { totalCount: number; nodes: Array<{ id: string }> } }>;
          expect(answer.data?.matches, `${subscription.oracle}: ${JSON.stringify(answer.errors)}`).toBeTruthy();
          expect(answer.data!.matches.totalCount).toBeLessThanOrEqual(100);
          if (!answer.data!.matches.nodes.some((node) => node.id === callId)) continue;
          const errors = answer.errors?.filter((error) => error.path?.[0] === 'callChanged');
          results.push(observable({ data: { callChanged: answer.data!.callChanged }, ...(errors?.length ? { errors } : {}) }));
        }
        expected.set(`${account} ${subscription.subscription}`, results);
        delivered += results.length * SUBSCRIBERS[account];
      }
    }
    // Generated filters both keep and drop calls.
    expect(delivered).toBeGreaterThan(0);
    expect(delivered).toBeLessThan(subscriptions.length * (CHANGED.acme * SUBSCRIBERS.acme + CHANGED.globex * SUBSCRIBERS.globex));

    // Interleaved, in four transactions: two batches per account.
    const half = (account: Account, part: number) => changed[account].slice(part * (CHANGED[account] / 2), (part + 1) * (CHANGED[account] / 2)).map(String);
    const { statements } = await app.recordQueries(async () => {
      for (const part of [0, 1]) {
        for (const account of ACCOUNTS) await app.db.sql.transaction((tx) => publishCalls(tx, account, half(account, part)));
      }
      for (const subscriber of subscribers) {
        const want = expected.get(`${subscriber.account} ${subscriber.subscription.subscription}`)!;
        const got: Array<ReturnType<typeof observable>> = [];
        while (got.length < want.length) got.push(observable(await subscriber.stream.result(5000)));
        expect(got, `${subscriber.account}: ${subscriber.subscription.subscription} ${JSON.stringify(subscriber.subscription.variables)}`).toEqual(want);
      }
      // Nothing more for anyone: the renders of all four transactions are written by now.
      await new Promise((resolve) => setTimeout(resolve, 300));
      for (const subscriber of subscribers) await expect(subscriber.stream.next(50)).rejects.toThrow('no event');
    });

    // Per view and batch, one statement checks the filter and at most one reads the calls, however
    // many subscribers the view has: 16 views per account, two batches each (or fewer, merged).
    const filters = statements.filter((statement) => statement.query.includes('c.id = ANY('));
    expect(filters.length).toBeGreaterThan(0);
    expect(filters.length).toBeLessThanOrEqual(subscriptions.length * ACCOUNTS.length * 2);
    const reads = statements.filter((statement) => !statement.query.includes('c.id = ANY(') && !statement.query.includes('call_events') && /\bcalls\b/.test(statement.query));
    expect(reads.length).toBeLessThanOrEqual(subscriptions.length * ACCOUNTS.length * 2);
  }, 120_000);
});
