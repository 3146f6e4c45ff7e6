import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/auth/api-keys.js';
import { openDatabase } from '../src/db/client.js';
import { createRandom } from '../src/db/seed/random.js';
import type { SqlExecutor } from '../src/db/sql-driver.js';
import { createLiveHub } from '../src/live/hub.js';
import { MAX_EVENTS_PER_NOTIFICATION, publishCalls } from '../src/live/publish.js';
import { createLogger } from '../src/logger.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { SseReader, timestampedHeaders, twilioHeaders } from './helpers/live.js';

/**
 * Two instances on one database: on a PostgreSQL server two databases handles (two pools, two
 * LISTEN connections) as two processes would have; on PGlite two apps on the one embedded
 * database, which is all PGlite can share.
 */
let database: TestDatabase;
let a: TestApp;
let b: TestApp;
let closeSecond: () => Promise<void> = async () => {};
let globexKey: string;

const JAMBONZ_SECRET = 'jambonz-webhook-secret';
const FREECLIMB_SECRET = 'freeclimb-signing-secret';
const RESTCOMM_TOKEN = 'restcomm-auth-token';
const endpoints: Record<string, { id: string; secret: string }> = {};

async function createEndpoint(app: TestApp, format: string, secret?: string, key?: string) {
  const response = await app.post(
    {
      query: `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret endpoint { id path format } problems { path message } } }`,
      variables: { input: { format, name: `${format} test`, secret } },
    },
    key ? { authorization: `Bearer ${key}` } : {},
  );
  const body = (await response.json()) as any;
  return body.data.createWebhookEndpoint;
}

function post(app: TestApp, path: string, body: string, headers: Record<string, string>, contentType = 'application/json') {
  return app.app.fetch(`http://test${path}`, {
    method: 'POST',
    headers: { 'content-type': contentType, 'content-length': String(Buffer.byteLength(body)), ...headers },
    body,
  });
}

const jambonzBody = (callSid: string, status: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ call_sid: callSid, account_sid: 'acct', direction: 'inbound', from: '+15083084809', to: '+15083728299', call_status: status, ...extra });

function postJambonz(app: TestApp, endpoint: { id: string; secret: string }, body: string, at?: number) {
  return post(app, `/webhooks/jambonz/${endpoint.id}`, body, timestampedHeaders('jambonz-signature', endpoint.secret, body, at));
}

async function subscribe(app: TestApp, query: string, headers: Record<string, string> = {}, variables?: Record<string, unknown>) {
  const response = await app.app.fetch('http://test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${app.key}`, ...headers },
    body: JSON.stringify({ query, variables }),
  });
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const reader = new SseReader(response);
  await reader.start();
  await waitForSubscriptions(app, 1);
  return reader;
}

/** Waits until the app holds `atLeast` subscriptions, each registered with the hub and listening. */
async function waitForSubscriptions(app: TestApp, atLeast: number) {
  for (let i = 0; i < 200 && app.app.live.openSubscriptions() < atLeast; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(app.app.live.openSubscriptions()).toBeGreaterThanOrEqual(atLeast);
}

/** A promise opened from outside: a transaction held open until the test lets it commit. */
function gate() {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Some calls of an account, to publish changes of. */
const callsOf = async (accountId: string, n: number) =>
  (await database.db.sql.query<{ id: string }>(`SELECT id::text AS id FROM calls WHERE account_id = $1 ORDER BY id LIMIT $2`, [accountId, n])).map((row) => row.id);

beforeAll(async () => {
  database = await createTestDatabase();
  a = await createTestApp({ database });
  if (database.url) {
    const second = await openDatabase({ url: database.url, poolSize: 4, preparedStatements: 100, pgliteDir: 'memory://', statementTimeoutMs: 0 }, { logQueries: true });
    closeSecond = () => second.close();
    b = await createTestApp({ database: { db: second, url: database.url, drop: async () => {} } });
  } else {
    b = await createTestApp({ database });
  }
  ({ key: globexKey } = await createApiKey(database.db.prisma, { accountId: 'globex', name: 'globex', scopes: ['READ', 'WRITE', 'ADMIN'] }, 'cli'));
  endpoints.jambonz = { id: (await createEndpoint(a, 'jambonz', JAMBONZ_SECRET)).endpoint.id, secret: JAMBONZ_SECRET };
  endpoints.freeclimb = { id: (await createEndpoint(a, 'freeclimb', FREECLIMB_SECRET)).endpoint.id, secret: FREECLIMB_SECRET };
  endpoints.restcomm = { id: (await createEndpoint(a, 'restcomm', RESTCOMM_TOKEN)).endpoint.id, secret: RESTCOMM_TOKEN };
  const pbx = await createEndpoint(a, 'pbx');
  endpoints.pbx = { id: pbx.endpoint.id, secret: pbx.secret };
  endpoints.globexJambonz = { id: (await createEndpoint(a, 'jambonz', JAMBONZ_SECRET, globexKey)).endpoint.id, secret: JAMBONZ_SECRET };
}, 120_000);

afterAll(async () => {
  await b?.drop();
  await closeSecond();
  await a?.drop();
  await database?.drop();
});

describe('webhook endpoints', () => {
  it('are made and revoked like API keys: the secret cdrql makes is shown once; vendor formats need the vendor’s', async () => {
    const made = await createEndpoint(a, 'callfire');
    expect(made.secret).toMatch(/^whsec_/);
    expect(made.endpoint.path).toBe(`/webhooks/callfire/${made.endpoint.id}`);
    expect((await createEndpoint(a, 'jambonz', JAMBONZ_SECRET)).secret).toBeNull();
    const missing = await createEndpoint(a, 'freeclimb');
    expect(missing.endpoint).toBeNull();
    expect(missing.problems[0].path).toEqual(['input', 'secret']);
    expect((await createEndpoint(a, 'nope')).problems[0].path).toEqual(['input', 'format']);
    const listed = await a.gql(`{ webhookEndpoints { id format revokedAt } }`);
    expect(listed.data!.webhookEndpoints.map((e: { id: string }) => e.id)).toContain(made.endpoint.id);
    const revoked = await a.gql(`mutation($id: ID!) { revokeWebhookEndpoint(id: $id) { endpoint { revokedAt } problems { message } } }`, { id: made.endpoint.id });
    expect(revoked.data!.revokeWebhookEndpoint.endpoint.revokedAt).not.toBeNull();
    const body = JSON.stringify({ calls: [] });
    const refused = await post(a, `/webhooks/callfire/${made.endpoint.id}`, body, timestampedHeaders('cdrql-signature', made.secret, body));
    expect(refused.status).toBe(404);
  });

  it('belong to their account: another account’s key cannot revoke them', async () => {
    const other = await a.post(
      { query: `mutation($id: ID!) { revokeWebhookEndpoint(id: $id) { endpoint { id } problems { message } } }`, variables: { id: endpoints.jambonz!.id } },
      { authorization: `Bearer ${globexKey}` },
    );
    expect(((await other.json()) as any).data.revokeWebhookEndpoint.endpoint).toBeNull();
  });
});

describe('webhooks', () => {
  it('write the call through the importer and answer after commit; a retry changes nothing', async () => {
    const body = jambonzBody('cb-1', 'in-progress');
    const now = Math.floor(Date.now() / 1000);
    const first = await postJambonz(a, endpoints.jambonz!, body, now - 10);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ inserted: 1, updated: 0, unchanged: 0, stale: 0 });
    const call = await b.gql(`{ calls(filter: { externalId: { eq: "cb-1" } }) { nodes { source status vendorStatus fromNumber } } }`);
    expect(call.data!.calls.nodes).toEqual([{ source: 'JAMBONZ', status: 'IN_PROGRESS', vendorStatus: 'in-progress', fromNumber: '+15083084809' }]);
    // The platform retries: a new request (another timestamp), the same event.
    const retry = await postJambonz(a, endpoints.jambonz!, body, now - 5);
    expect(await retry.json()).toEqual({ inserted: 0, updated: 0, unchanged: 1, stale: 0 });
  });

  it('refuse a bad signature, a stale timestamp and a replay', async () => {
    const body = jambonzBody('cb-sig', 'ringing');
    const wrong = await post(a, `/webhooks/jambonz/${endpoints.jambonz!.id}`, body, timestampedHeaders('jambonz-signature', 'not-the-secret', body));
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as any).error.code).toBe('BAD_SIGNATURE');
    const unsigned = await post(a, `/webhooks/jambonz/${endpoints.jambonz!.id}`, body, {});
    expect(unsigned.status).toBe(401);
    const tampered = await post(a, `/webhooks/jambonz/${endpoints.jambonz!.id}`, body.replace('ringing', 'completed'), timestampedHeaders('jambonz-signature', JAMBONZ_SECRET, body));
    expect(tampered.status).toBe(401);
    const stale = await postJambonz(a, endpoints.jambonz!, body, Math.floor(Date.now() / 1000) - 301);
    expect(stale.status).toBe(401);
    expect(((await stale.json()) as any).error.code).toBe('STALE_TIMESTAMP');
    const future = await postJambonz(a, endpoints.jambonz!, body, Math.floor(Date.now() / 1000) + 301);
    expect(((await future.json()) as any).error.code).toBe('STALE_TIMESTAMP');
    const headers = timestampedHeaders('jambonz-signature', JAMBONZ_SECRET, body);
    expect((await post(a, `/webhooks/jambonz/${endpoints.jambonz!.id}`, body, headers)).status).toBe(200);
    const replay = await post(a, `/webhooks/jambonz/${endpoints.jambonz!.id}`, body, headers);
    expect(replay.status).toBe(409);
    expect(((await replay.json()) as any).error.code).toBe('REPLAYED');
    // The same signature on the other instance is a replay too: the store is the database.
    expect((await post(b, `/webhooks/jambonz/${endpoints.jambonz!.id}`, body, headers)).status).toBe(409);
    // A signature for one endpoint does not open another's format or id.
    expect((await post(a, `/webhooks/freeclimb/${endpoints.jambonz!.id}`, body, headers)).status).toBe(404);
  });

  it('take FreeClimb JSON, Restcomm form callbacks signed with X-Twilio-Signature, and the PBX with cdrql’s signature', async () => {
    const freeclimb = JSON.stringify({ callId: 'CAfc1', accountId: 'AC1', from: '+13125551212', to: '+13125550000', status: 'completed', direction: 'inbound', revision: 3 });
    expect((await post(a, `/webhooks/freeclimb/${endpoints.freeclimb!.id}`, freeclimb, timestampedHeaders('freeclimb-signature', FREECLIMB_SECRET, freeclimb))).status).toBe(200);

    const url = `http://test/webhooks/restcomm/${endpoints.restcomm!.id}`;
    const form = new URLSearchParams({ CallSid: 'CArc1', AccountSid: 'ACrc', From: '+14155550100', To: '+14155550199', CallStatus: 'busy', Direction: 'outbound-api', Timestamp: new Date().toUTCString() });
    const good = await post(a, `/webhooks/restcomm/${endpoints.restcomm!.id}`, form.toString(), twilioHeaders(RESTCOMM_TOKEN, url, form), 'application/x-www-form-urlencoded');
    expect(good.status).toBe(200);
    const otherUrl = await post(a, `/webhooks/restcomm/${endpoints.restcomm!.id}`, form.toString(), twilioHeaders(RESTCOMM_TOKEN, `${url}?x=1`, form), 'application/x-www-form-urlencoded');
    expect(otherUrl.status).toBe(401);
    const old = new URLSearchParams({ CallSid: 'CArc2', CallStatus: 'busy', Timestamp: new Date(Date.now() - 600_000).toUTCString() });
    const stale = await post(a, `/webhooks/restcomm/${endpoints.restcomm!.id}`, old.toString(), twilioHeaders(RESTCOMM_TOKEN, url, old), 'application/x-www-form-urlencoded');
    expect(((await stale.json()) as any).error.code).toBe('STALE_TIMESTAMP');

    const pbx = JSON.stringify({ call_uuid: 'pbx-1', start_time: '2026-12-01 10:00:00', result: 'answered', from_username: '100', to_username: '+14155550123' });
    const pbxAnswer = await post(a, `/webhooks/pbx/${endpoints.pbx!.id}`, pbx, timestampedHeaders('cdrql-signature', endpoints.pbx!.secret, pbx));
    expect(pbxAnswer.status).toBe(200);

    const calls = await a.gql(`{ calls(filter: { externalId: { in: ["CAfc1", "CArc1", "pbx-1"] } }, orderBy: { field: CREATED_AT, direction: ASC }) { nodes { externalId source status } } }`);
    expect(calls.data!.calls.nodes).toEqual([
      { externalId: 'CAfc1', source: 'FREECLIMB', status: 'COMPLETED' },
      { externalId: 'CArc1', source: 'RESTCOMM', status: 'BUSY' },
      { externalId: 'pbx-1', source: 'PBX', status: 'COMPLETED' },
    ]);
  });

  it('refuse bodies over the limit and records that cannot be read, writing nothing', async () => {
    const big = JSON.stringify({ call_sid: 'big', pad: 'x'.repeat(300_000) });
    expect((await post(a, `/webhooks/jambonz/${endpoints.jambonz!.id}`, big, timestampedHeaders('jambonz-signature', JAMBONZ_SECRET, big))).status).toBe(413);
    const bad = JSON.stringify({ call_status: 'completed' });
    const refused = await postJambonz(a, endpoints.jambonz!, bad);
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as any).error.message).toContain('call_sid');
  });

  it('link a child leg that came first when its parent arrives', async () => {
    expect((await postJambonz(a, endpoints.jambonz!, jambonzBody('leg-1', 'in-progress', { parent_call_sid: 'parent-1', direction: 'outbound' }))).status).toBe(200);
    expect((await postJambonz(a, endpoints.jambonz!, jambonzBody('parent-1', 'in-progress'))).status).toBe(200);
    const leg = await a.gql(`{ calls(filter: { externalId: { eq: "leg-1" } }) { nodes { parent { externalId } } } }`);
    expect(leg.data!.calls.nodes[0].parent).toEqual({ externalId: 'parent-1' });
  });
});

describe('Subscription.callChanged', () => {
  it('delivers a webhook posted to one instance to a subscriber of the other within a second', async () => {
    const stream = await subscribe(b, `subscription { callChanged { externalId status parent { externalId } } }`);
    // The bound, from the webhook's 2xx (its write committed) to the subscriber's result.
    expect((await postJambonz(a, endpoints.jambonz!, jambonzBody('live-1', 'ringing'))).status).toBe(200);
    const accepted = Date.now();
    const result = await stream.result(1000);
    expect(Date.now() - accepted).toBeLessThan(1000);
    expect(result.data).toEqual({ callChanged: { externalId: 'live-1', status: 'RINGING', parent: null } });
    expect(result.extensions?.eventId).toMatch(/^\d+$/);
    // The same call again: its new state, not the first result's cached one.
    await postJambonz(a, endpoints.jambonz!, jambonzBody('live-1', 'completed'));
    expect((await stream.result(1000)).data).toEqual({ callChanged: { externalId: 'live-1', status: 'COMPLETED', parent: null } });
    await stream.cancel();
  });

  it('never delivers another account’s call, with both accounts’ webhooks interleaved', async () => {
    const acme = await subscribe(b, `subscription { callChanged { externalId } }`);
    const globex = await subscribe(b, `subscription { callChanged { externalId } }`, { authorization: `Bearer ${globexKey}` });
    await waitForSubscriptions(b, 2);
    for (let i = 0; i < 6; i += 1) {
      const [endpoint, prefix] = i % 2 === 0 ? [endpoints.jambonz!, 'iso-acme'] : [endpoints.globexJambonz!, 'iso-globex'];
      expect((await postJambonz(i % 3 === 0 ? a : b, endpoint, jambonzBody(`${prefix}-${i}`, 'ringing'))).status).toBe(200);
    }
    const seen = async (stream: SseReader) => {
      const ids: string[] = [];
      for (let i = 0; i < 3; i += 1) ids.push((await stream.result(2000)).data.callChanged.externalId);
      return ids;
    };
    expect(await seen(acme)).toEqual(['iso-acme-0', 'iso-acme-2', 'iso-acme-4']);
    expect(await seen(globex)).toEqual(['iso-globex-1', 'iso-globex-3', 'iso-globex-5']);
    // Nothing else is queued for either: the next event of each is the marker call below.
    await postJambonz(a, endpoints.jambonz!, jambonzBody('iso-marker', 'ringing'));
    await postJambonz(a, endpoints.globexJambonz!, jambonzBody('iso-marker-globex', 'ringing'));
    expect((await acme.result(2000)).data.callChanged.externalId).toBe('iso-marker');
    expect((await globex.result(2000)).data.callChanged.externalId).toBe('iso-marker-globex');
    await acme.cancel();
    await globex.cancel();
  });

  it('checks the filter in SQL: only matching calls are delivered', async () => {
    // As a variable and written inline.
    const byVariable = await subscribe(a, `subscription($f: CallFilter) { callChanged(filter: $f) { externalId status } }`, {}, { f: { status: { in: ['COMPLETED'] } } });
    const inline = await subscribe(a, `subscription { callChanged(filter: { status: { in: [COMPLETED] } }) { externalId status } }`);
    await waitForSubscriptions(a, 2);
    await postJambonz(a, endpoints.jambonz!, jambonzBody('filter-1', 'ringing'));
    await postJambonz(a, endpoints.jambonz!, jambonzBody('filter-2', 'completed'));
    for (const stream of [byVariable, inline]) {
      expect((await stream.result(2000)).data).toEqual({ callChanged: { externalId: 'filter-2', status: 'COMPLETED' } });
      await stream.cancel();
    }
  });

  it('publishes imports and upsertCalls, and nothing from a write that rolls back (a dry run, a failed transaction)', async () => {
    const stream = await subscribe(b, `subscription { callChanged { externalId source } }`);
    const dry = await a.gql(`mutation { upsertCalls(dryRun: true, calls: [{ externalId: "dry-1", status: COMPLETED }]) { inserted dryRun } }`);
    expect(dry.data!.upsertCalls).toEqual({ inserted: 1, dryRun: true });
    await expect(
      database.db.sql.transaction(async (tx) => {
        const [row] = await tx.query<{ id: string }>(`SELECT id::text AS id FROM calls WHERE account_id = 'acme' LIMIT 1`);
        await publishCalls(tx, 'acme', [row!.id]);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    const upserted = await a.gql(`mutation { upsertCalls(calls: [{ externalId: "native-1", status: COMPLETED }]) { inserted } }`);
    expect(upserted.data!.upsertCalls.inserted).toBe(1);
    expect((await stream.result(2000)).data).toEqual({ callChanged: { externalId: 'native-1', source: 'NATIVE' } });
    const imported = await a.gql(`mutation($data: String!) { importCalls(format: JAMBONZ, data: $data) { inserted } }`, { data: jambonzBody('import-1', 'completed') });
    expect(imported.data!.importCalls.inserted).toBe(1);
    expect((await stream.result(2000)).data).toEqual({ callChanged: { externalId: 'import-1', source: 'JAMBONZ' } });
    await stream.cancel();
  });

  it('replays what a client missed after its Last-Event-ID, then goes on live', async () => {
    const first = await subscribe(a, `subscription { callChanged { externalId } }`);
    await postJambonz(a, endpoints.jambonz!, jambonzBody('replay-0', 'ringing'));
    const seen = await first.result(2000);
    // The SSE event's id, which an EventSource sends back as Last-Event-ID, is the result's eventId.
    expect(seen.id).toBe(seen.extensions!.eventId);
    await first.cancel();
    await postJambonz(a, endpoints.jambonz!, jambonzBody('replay-1', 'ringing'));
    await postJambonz(a, endpoints.jambonz!, jambonzBody('replay-2', 'ringing'));
    const again = await subscribe(b, `subscription { callChanged { externalId } }`, { 'last-event-id': seen.id });
    expect((await again.result(2000)).data.callChanged.externalId).toBe('replay-1');
    expect((await again.result(2000)).data.callChanged.externalId).toBe('replay-2');
    await postJambonz(a, endpoints.jambonz!, jambonzBody('replay-3', 'ringing'));
    expect((await again.result(2000)).data.callChanged.externalId).toBe('replay-3');
    await again.cancel();
  });

  it('resumes without a gap across a slow transaction: an event id is never passed by an earlier commit', async () => {
    const first = await subscribe(a, `subscription { callChanged { externalId label } }`);
    await postJambonz(a, endpoints.jambonz!, jambonzBody('gap-0', 'ringing'));
    let last = (await first.result(2000)).id;
    // A transaction of the account publishes and is slow to commit; a webhook of the account
    // comes meanwhile. Its event must come after the slow one's, for it commits after it.
    const [published, slow] = [gate(), gate()];
    const slowWrite = database.db.sql.transaction(async (tx) => {
      const [row] = await tx.query<{ id: string }>(`UPDATE calls SET label = 'slow' WHERE account_id = 'acme' AND external_id = 'gap-0' RETURNING id::text AS id`);
      await publishCalls(tx, 'acme', [row!.id]);
      published.open();
      await slow.promise;
    });
    await published.promise;
    const webhook = postJambonz(a, endpoints.jambonz!, jambonzBody('gap-1', 'ringing'));
    // The client takes what it is given for a while, then drops the connection.
    for (;;) {
      const result = await first.result(500).catch(() => null);
      if (!result) break;
      last = result.id;
    }
    await first.cancel();
    slow.open();
    await slowWrite;
    expect((await webhook).status).toBe(200);
    await postJambonz(a, endpoints.jambonz!, jambonzBody('gap-2', 'ringing'));
    const again = await subscribe(b, `subscription { callChanged { externalId label } }`, { 'last-event-id': last });
    await postJambonz(a, endpoints.jambonz!, jambonzBody('gap-3', 'ringing'));
    // Up to a marker: nothing else comes between.
    await postJambonz(a, endpoints.jambonz!, jambonzBody('gap-marker', 'ringing'));
    const results = [];
    do results.push(await again.result(2000));
    while (results.at(-1)!.data.callChanged.externalId !== 'gap-marker');
    expect(results.map((result) => result.data.callChanged)).toEqual([
      { externalId: 'gap-0', label: 'slow' },
      { externalId: 'gap-1', label: null },
      { externalId: 'gap-2', label: null },
      { externalId: 'gap-3', label: null },
      { externalId: 'gap-marker', label: null },
    ]);
    const ids = [BigInt(last), ...results.map((result) => BigInt(result.id))];
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1]!)).toBe(true);
    await again.cancel();
  });

  it('refuses a malformed event id', async () => {
    const response = await a.post({ query: `subscription { callChanged(after: "abc") { id } }` }, { accept: 'text/event-stream' });
    const stream = new SseReader(response);
    const result = await stream.result(2000);
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('subscription limits', () => {
  let limited: TestApp;
  beforeAll(async () => {
    limited = await createTestApp({ database, env: { LIVE_MAX_SUBSCRIPTIONS_PER_KEY: '1', LIVE_QUEUE_LIMIT: '2', MAX_COST: '50' } });
  });
  afterAll(() => limited.drop());

  it('prices a subscription as one of its results, against MAX_COST', async () => {
    const costly = new SseReader(await limited.post({ query: `subscription { callChanged { legs(first: 100) { nodes { id } } } }` }, { accept: 'text/event-stream' }));
    expect((await costly.result(2000)).errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COSTLY');
    expect(limited.app.live.openSubscriptions()).toBe(0);
  });

  it('holds at most N open subscriptions per key, and closes streams cleanly on shutdown', async () => {
    const open = await subscribe(limited, `subscription { callChanged { externalId } }`);
    const second = new SseReader(await limited.post({ query: `subscription { callChanged { externalId } }` }, { accept: 'text/event-stream' }));
    expect((await second.result(2000)).errors?.[0]?.extensions?.code).toBe('TOO_MANY_SUBSCRIPTIONS');
    await postJambonz(a, endpoints.jambonz!, jambonzBody('limit-1', 'ringing'));
    expect((await open.result(2000)).data.callChanged.externalId).toBe('limit-1');
    await limited.app.live.close();
    expect(await open.next(2000)).toEqual({ event: 'complete', data: '', id: '' });
    expect(await open.next(2000)).toBeNull();
  });

  it('ends a subscriber that leaves its events waiting, before its queue grows past the limit', async () => {
    const hub = createLiveHub({ db: database.db, logger: createLogger('silent'), limits: { maxSubscriptionsPerKey: 10, queueLimit: 2, replayMinutes: 10 } });
    const slow = await hub.subscribe('acme', 'slow-key', { key: 'events', render: async (events) => events });
    const upsert = (ids: string[]) => a.gql(`mutation($calls: [CallInput!]!) { upsertCalls(calls: $calls) { inserted } }`, { calls: ids.map((externalId) => ({ externalId, status: 'RINGING' })) });
    // A batch larger than the limit into an empty queue is taken whole; the next one finds it waiting.
    await upsert(['slow-1', 'slow-2', 'slow-3']);
    await upsert(['slow-4']);
    for (let i = 0; i < 200 && !slow.ending(); i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(slow.ending()).toEqual({ kind: 'too-slow', queued: 4 });
    expect(await slow.next()).toBeNull();
    expect(hub.openSubscriptions()).toBe(0);
    await hub.close();
  });
});

describe('the live hub', () => {
  it('delivers an account’s events in sequence order: a small change does not overtake a large one read from call_events', async () => {
    const hub = createLiveHub({ db: database.db, logger: createLogger('silent'), limits: { maxSubscriptionsPerKey: 10, queueLimit: 10_000, replayMinutes: 10 } });
    const delivered: string[] = [];
    const subscription = await hub.subscribe('acme', 'order-key', {
      key: 'events',
      render: async (events) => delivered.push(...events.map((event) => event.sequence)),
    });
    const ids = await callsOf('acme', MAX_EVENTS_PER_NOTIFICATION + 1);
    // The first notification names only the range of its sequences, the second its one event.
    // Both in one transaction, so that they arrive together, as two transactions' do under load.
    await database.db.sql.transaction(async (tx) => {
      await publishCalls(tx, 'acme', ids);
      await publishCalls(tx, 'acme', ids.slice(0, 1));
    });
    for (let i = 0; i < 200 && delivered.length < ids.length + 1; i += 1) await sleep(10);
    expect(delivered).toHaveLength(ids.length + 1);
    expect(delivered).toEqual([...delivered].sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : 1)));
    subscription.close();
    await hub.close();
  });
});

/**
 * Per account, event ids (call_events.sequence) are taken in commit order, so that a client that
 * resumes after the last id it saw misses nothing. PostgreSQL only: PGlite has one connection, on
 * which two transactions never overlap.
 */
const ON_SERVER = Boolean(process.env.DATABASE_URL);
describe.skipIf(!ON_SERVER)(`event order${ON_SERVER ? '' : ' (skipped: PostgreSQL only, PGlite runs one transaction at a time)'}`, () => {
  /** The sequence an account's event of `callId` got in the transaction `tx`, read in it. */
  const sequenceIn = async (tx: SqlExecutor, accountId: string, callId: string) =>
    BigInt((await tx.query<{ sequence: string }>(`SELECT max(sequence)::text AS sequence FROM call_events WHERE account_id = $1 AND call_id = $2::bigint`, [accountId, callId]))[0]!.sequence);

  it('holds a second transaction of the account at its publish until the first commits, and numbers it after', async () => {
    const [first, second] = await callsOf('acme', 2);
    const order: string[] = [];
    const [published, commit] = [gate(), gate()];
    let firstSequence = 0n;
    const earlier = database.db.sql.transaction(async (tx) => {
      await publishCalls(tx, 'acme', [first!]);
      firstSequence = await sequenceIn(tx, 'acme', first!);
      published.open();
      await commit.promise;
      order.push('first commits');
    });
    await published.promise;
    let secondSequence = 0n;
    const later = database.db.sql.transaction(async (tx) => {
      await publishCalls(tx, 'acme', [second!]);
      order.push('second published');
      secondSequence = await sequenceIn(tx, 'acme', second!);
    });
    // It waits on the account's advisory lock, not on anything else.
    let waiting = 0;
    for (let i = 0; i < 100 && waiting === 0; i += 1) {
      await sleep(20);
      [{ waiting }] = await database.db.sql.query<{ waiting: number }>(`SELECT count(*)::int AS waiting FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`) as [{ waiting: number }];
    }
    expect(waiting).toBe(1);
    await sleep(200);
    expect(order).toEqual([]);
    commit.open();
    await Promise.all([earlier, later]);
    expect(order).toEqual(['first commits', 'second published']);
    expect(secondSequence > firstSequence).toBe(true);
  });

  it('does not hold another account’s transaction', async () => {
    const [acmeCall] = await callsOf('acme', 1);
    const [globexCall] = await callsOf('globex', 1);
    const [published, commit] = [gate(), gate()];
    const held = database.db.sql.transaction(async (tx) => {
      await publishCalls(tx, 'acme', [acmeCall!]);
      published.open();
      await commit.promise;
    });
    await published.promise;
    const started = performance.now();
    await database.db.sql.transaction((tx) => publishCalls(tx, 'globex', [globexCall!]));
    expect(performance.now() - started).toBeLessThan(1000);
    commit.open();
    await held;
  });

  it('never shows an observer of call_events an event below one it saw, with writers of two accounts at once (generated)', { timeout: 60_000 }, async () => {
    const random = createRandom(20260023);
    const ACCOUNTS = ['acme', 'globex'] as const;
    const rawCalls = { acme: await callsOf('acme', 40), globex: await callsOf('globex', 40) };
    const keyOf = { acme: a.key, globex: globexKey };
    const hookOf = { acme: endpoints.jambonz!, globex: endpoints.globexJambonz! };
    const observer = new pg.Client({ connectionString: database.url });
    await observer.connect();
    const [{ start }] = (await observer.query<{ start: string }>(`SELECT coalesce(max(sequence), 0)::text AS start FROM call_events`)).rows as [{ start: string }];

    /** The calls each committed write changed, per account; rolled-back writes add none. */
    const committed = { acme: new Set<string>(), globex: new Set<string>() };
    const idOf = async (accountId: string, externalId: string) =>
      (await database.db.sql.query<{ id: string }>(`SELECT id::text AS id FROM calls WHERE account_id = $1 AND external_id = $2`, [accountId, externalId]))[0]!.id;
    const gql = async (accountId: (typeof ACCOUNTS)[number], query: string, variables: Record<string, unknown>) => {
      const body = (await (await a.post({ query, variables }, { authorization: `Bearer ${keyOf[accountId]}` })).json()) as any;
      expect(body.errors).toBeUndefined();
      return body.data;
    };
    const write = async (n: number, accountId: (typeof ACCOUNTS)[number], kind: string, delays: number[]) => {
      const externalId = `order-${n}`;
      await sleep(delays[0]!);
      if (kind === 'raw' || kind === 'rolled back') {
        // A transaction that does work, publishes, and is slow to commit (or rolls back).
        const callId = rawCalls[accountId].pop()!;
        const done = database.db.sql.transaction(async (tx) => {
          await tx.query(`UPDATE calls SET label = $2 WHERE id = $1::bigint`, [callId, externalId]);
          await sleep(delays[1]!);
          await publishCalls(tx, accountId, [callId]);
          await sleep(delays[2]!);
          if (kind === 'rolled back') throw new Error('roll back');
        });
        if (kind === 'rolled back') await expect(done).rejects.toThrow('roll back');
        else committed[accountId].add((await done, callId));
      } else if (kind === 'upsertCalls') {
        await gql(accountId, `mutation($calls: [CallInput!]!) { upsertCalls(calls: $calls) { inserted } }`, { calls: [{ externalId, status: 'RINGING' }] });
        committed[accountId].add(await idOf(accountId, externalId));
      } else if (kind === 'dry run') {
        await gql(accountId, `mutation($calls: [CallInput!]!) { upsertCalls(dryRun: true, calls: $calls) { inserted } }`, { calls: [{ externalId, status: 'RINGING' }] });
      } else if (kind === 'importCalls') {
        await gql(accountId, `mutation($data: String!) { importCalls(format: JAMBONZ, data: $data) { inserted } }`, { data: jambonzBody(externalId, 'completed') });
        committed[accountId].add(await idOf(accountId, externalId));
      } else {
        expect((await postJambonz(a, hookOf[accountId], jambonzBody(externalId, 'ringing'))).status).toBe(200);
        committed[accountId].add(await idOf(accountId, externalId));
      }
    };
    const KINDS = ['raw', 'raw', 'rolled back', 'upsertCalls', 'dry run', 'importCalls', 'webhook'];
    const writes = Array.from({ length: 48 }, (_, n) =>
      write(n, random.pick(ACCOUNTS), random.pick(KINDS), [random.int(0, 1500), random.int(0, 40), random.int(0, 80)]),
    );

    // The observer: what a client resuming after the highest id it saw would read, again and again.
    const seen = { acme: new Map<string, string>(), globex: new Map<string, string>() };
    const highest = { acme: BigInt(start), globex: BigInt(start) };
    const gaps: string[] = [];
    const observe = async () => {
      for (const accountId of ACCOUNTS) {
        const { rows } = await observer.query<{ sequence: string; call_id: string }>(
          `SELECT sequence::text AS sequence, call_id::text AS call_id FROM call_events WHERE account_id = $1 AND sequence > $2::bigint ORDER BY sequence`,
          [accountId, start],
        );
        const fresh = rows.filter((row) => !seen[accountId].has(row.sequence));
        for (const row of fresh) {
          if (BigInt(row.sequence) <= highest[accountId]) gaps.push(`${accountId}: event ${row.sequence} appeared after ${highest[accountId]} was seen`);
          seen[accountId].set(row.sequence, row.call_id);
        }
        for (const row of fresh) if (BigInt(row.sequence) > highest[accountId]) highest[accountId] = BigInt(row.sequence);
      }
    };
    let writing = true;
    const settled = Promise.allSettled(writes).then((results) => ((writing = false), results));
    while (writing) {
      await observe();
      await sleep(3);
    }
    for (const result of await settled) if (result.status === 'rejected') throw result.reason;
    await observe();
    await observer.end();

    expect(gaps).toEqual([]);
    for (const accountId of ACCOUNTS) {
      expect(new Set(seen[accountId].values())).toEqual(committed[accountId]);
      expect(seen[accountId].size).toBe(committed[accountId].size);
    }
    expect(committed.acme.size + committed.globex.size).toBeGreaterThan(20);
  });
});
