import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/auth/api-keys.js';
import { DEMO_KEYS } from '../src/db/seed/demo-keys.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { NEEDS_REDIS, NO_REDIS, REDIS_URL } from './helpers/redis.js';

const CALLS = '{ calls(first: 1) { totalCount } }';

describe('API keys', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await createTestApp();
  });
  afterAll(() => test.drop());

  const expectUnauthorized = async (response: Response, message: string) => {
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="cdrql"');
    const body = await response.json();
    expect(body.errors[0]).toMatchObject({ message, extensions: { code: 'UNAUTHENTICATED' } });
    expect(body.data ?? null).toBeNull();
  };

  it.each([
    [{}, 'An API key is required: send Authorization: Bearer <key>.'],
    [{ authorization: 'Basic dXNlcjpwYXNz' }, 'The Authorization header must be: Bearer <key>.'],
    [{ authorization: 'Bearer not-a-key' }, 'The API key is not valid: it is unknown or revoked.'],
    [{ authorization: `Bearer cdrql_0123456789ab_${'x'.repeat(43)}` }, 'The API key is not valid: it is unknown or revoked.'],
  ])('refuses %j with a 401 and a GraphQL error body', async (headers, message) => {
    const response = await test.app.fetch('http://test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query: CALLS }),
    });
    await expectUnauthorized(response, message);
  });

  it('refuses a key whose secret is wrong, even with a real id', async () => {
    const id = test.key.split('_')[1];
    await expectUnauthorized(await test.post({ query: CALLS }, { authorization: `Bearer cdrql_${id}_${'A'.repeat(43)}` }), 'The API key is not valid: it is unknown or revoked.');
  });

  it('creates a key shown once and stored only as its hash, lists it, and revokes it at once', async () => {
    const created = await test.gql(`mutation { createApiKey(input: { name: "dashboard", scopes: [READ] }) { key apiKey { id prefix name scopes revokedAt } problems { path message } } }`);
    const { key, apiKey, problems } = created.data!.createApiKey;
    expect(problems).toEqual([]);
    expect(key).toMatch(/^cdrql_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    expect(key.startsWith(apiKey.prefix)).toBe(true);
    expect(apiKey).toMatchObject({ name: 'dashboard', scopes: ['READ'], revokedAt: null });

    const [row] = await test.db.sql.query<Record<string, unknown>>('SELECT * FROM api_keys WHERE id = $1', [apiKey.id]);
    expect(row!.secret_hash).toBe(createHash('sha256').update(key).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(key.slice(apiKey.prefix.length));

    expect((await test.post({ query: CALLS }, { authorization: `Bearer ${key}` })).status).toBe(200);
    const listed = await test.gql('{ apiKeys { nodes { id name } } }');
    expect(listed.data!.apiKeys.nodes.map((k: any) => k.id)).toContain(apiKey.id);

    const revoked = await test.gql(`mutation($id: ID!) { revokeApiKey(id: $id) { apiKey { revokedAt } problems { message } } }`, { id: apiKey.id });
    expect(revoked.data!.revokeApiKey.apiKey.revokedAt).toEqual(expect.any(String));
    await expectUnauthorized(await test.post({ query: CALLS }, { authorization: `Bearer ${key}` }), 'The API key is not valid: it is unknown or revoked.');
  });

  it('reports bad mutation input per field instead of failing the request', async () => {
    const { data } = await test.gql(`mutation { createApiKey(input: { name: " ", scopes: [] }) { key problems { path message } } }`);
    expect(data!.createApiKey).toEqual({
      key: null,
      problems: [
        { path: ['input', 'name'], message: 'A key needs a name.' },
        { path: ['input', 'scopes'], message: 'A key needs at least one scope.' },
      ],
    });
  });

  it('enforces scopes: a read key cannot manage keys, a write key cannot read', async () => {
    const { key: reader } = await createApiKey(test.db.prisma, { accountId: 'acme', name: 'reader', scopes: ['READ'] }, 'cli');
    const { key: writer } = await createApiKey(test.db.prisma, { accountId: 'acme', name: 'writer', scopes: ['WRITE'] }, 'cli');
    const asReader = await (await test.post({ query: 'mutation { createApiKey(input: { name: "x", scopes: [ADMIN] }) { key } }' }, { authorization: `Bearer ${reader}` })).json();
    expect(asReader.errors[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    expect(asReader.errors[0].message).toContain('Mutation.createApiKey');
    const asWriter = await (await test.post({ query: CALLS }, { authorization: `Bearer ${writer}` })).json();
    expect(asWriter.errors[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    expect(asWriter.data).toBeNull();
  });

  it('audits every key change with the key that made it', async () => {
    const creator = test.key.split('_')[1];
    const created = await test.gql(`mutation { createApiKey(input: { name: "audited", scopes: [READ] }) { apiKey { id } } }`);
    const id = created.data!.createApiKey.apiKey.id;
    await test.gql(`mutation($id: ID!) { revokeApiKey(id: $id) { apiKey { id } } }`, { id });
    const events = await test.db.sql.query<{ action: string; api_key_id: string; actor: string; target: string }>(
      'SELECT action, api_key_id, actor, target FROM audit_events WHERE target = $1 ORDER BY id',
      [id],
    );
    expect(events).toEqual([
      { action: 'apiKey.create', api_key_id: creator, actor: creator, target: id },
      { action: 'apiKey.revoke', api_key_id: creator, actor: creator, target: id },
    ]);
  });
});

describe('account isolation', () => {
  let acme: TestApp;
  let globex: TestApp;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    acme = await createTestApp();
    globex = await createTestApp({ database: acme, accountId: 'globex' });
    // Both accounts hold a call with the same vendor ids, a leg, an attempt and a recording.
    for (const account of ['acme', 'globex']) {
      const [parent] = await acme.db.sql.query<{ id: string }>(
        `INSERT INTO calls (account_id, source, external_id, status, start_time, payload) VALUES ($1, 'FREECLIMB', 'CA-SHARED', 'COMPLETED', '2026-10-01T10:00:00Z', '{}') RETURNING id::text`,
        [account],
      );
      const [leg] = await acme.db.sql.query<{ id: string }>(
        `INSERT INTO calls (account_id, source, external_id, parent_id, parent_external_id, status, start_time, payload)
         VALUES ($1, 'FREECLIMB', 'CA-SHARED-LEG', $2, 'CA-SHARED', 'COMPLETED', '2026-10-01T10:00:05Z', '{}') RETURNING id::text`,
        [account, parent!.id],
      );
      const [record] = await acme.db.sql.query<{ id: string }>(
        `INSERT INTO call_records (account_id, call_id, attempt) VALUES ($1, $2, 1) RETURNING id::text`,
        [account, parent!.id],
      );
      const [recording] = await acme.db.sql.query<{ id: string }>(
        `INSERT INTO recordings (account_id, call_id, call_record_id, external_id, recorded_at) VALUES ($1, $2, $3, 'RE-SHARED', '2026-10-01T10:00:10Z') RETURNING id::text`,
        [account, parent!.id, record!.id],
      );
      Object.assign(ids, { [`${account}Call`]: parent!.id, [`${account}Leg`]: leg!.id, [`${account}Record`]: record!.id, [`${account}Recording`]: recording!.id });
    }
  });
  afterAll(async () => {
    await globex.drop();
    await acme.drop();
  });

  /** The same operation with another account's id and with an id that exists nowhere answer alike. */
  async function sameAsMissing(query: string, foreignId: string, missingId: string) {
    const foreign = await globex.gql(query, { id: foreignId });
    const missing = await globex.gql(query, { id: missingId });
    expect(foreign.errors).toBeUndefined();
    expect(foreign).toEqual(missing);
    return foreign;
  }

  it('answers another account’s node ids exactly as ids that do not exist', async () => {
    for (const [type, id] of [['Call', ids.acmeCall!], ['Call', ids.acmeLeg!], ['CallRecord', ids.acmeRecord!], ['Recording', ids.acmeRecording!]] as const) {
      const foreign = encodeGlobalID(type, id);
      const missing = encodeGlobalID(type, '987654321');
      const result = await sameAsMissing('query($id: ID!) { node(id: $id) { id } nodes(ids: [$id]) { id } }', foreign, missing);
      expect(result.data).toEqual({ node: null, nodes: [null] });
    }
    const call = await sameAsMissing('query($id: ID!) { call(id: $id) { id } }', encodeGlobalID('Call', ids.acmeCall!), encodeGlobalID('Call', '987654321'));
    expect(call.data).toEqual({ call: null });
  });

  it('finds only its own call by a vendor id both accounts use', async () => {
    const own = await globex.gql('{ callByExternalId(source: FREECLIMB, externalId: "CA-SHARED") { id legs { nodes { id } } records { id recordings { id } } recordings { nodes { id } } } }');
    expect(own.data!.callByExternalId).toEqual({
      id: encodeGlobalID('Call', ids.globexCall!),
      legs: { nodes: [{ id: encodeGlobalID('Call', ids.globexLeg!) }] },
      records: [{ id: encodeGlobalID('CallRecord', ids.globexRecord!), recordings: [{ id: encodeGlobalID('Recording', ids.globexRecording!) }] }],
      recordings: { nodes: [{ id: encodeGlobalID('Recording', ids.globexRecording!) }] },
    });
  });

  it('never lists, counts or filters into another account', async () => {
    const [counts] = await acme.db.sql.query<{ calls: number; recordings: number }>(
      `SELECT (SELECT count(*)::int FROM calls WHERE account_id = 'globex') AS calls, (SELECT count(*)::int FROM recordings WHERE account_id = 'globex') AS recordings`,
    );
    const listed = await globex.gql('{ calls(first: 1) { totalCount } recordings(first: 1) { totalCount } }');
    expect(listed.data).toEqual({ calls: { totalCount: counts!.calls }, recordings: { totalCount: counts!.recordings } });

    const seen = new Set<string>();
    let after: string | undefined;
    for (;;) {
      const { data } = await globex.gql('query($after: String) { calls(first: 100, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }', { after });
      for (const node of data!.calls.nodes) seen.add(node.id);
      if (!data!.calls.pageInfo.hasNextPage) break;
      after = data!.calls.pageInfo.endCursor;
    }
    expect(seen.size).toBe(counts!.calls);
    expect(seen.has(encodeGlobalID('Call', ids.acmeCall!))).toBe(false);

    const legsOfForeignParent = await globex.gql('query($id: ID!) { calls(filter: { parentId: $id }) { totalCount } }', { id: encodeGlobalID('Call', ids.acmeCall!) });
    expect(legsOfForeignParent.data!.calls.totalCount).toBe(0);
    const foreignRecordings = await globex.gql('query($id: ID!) { recordings(filter: { callId: $id }) { totalCount } }', { id: encodeGlobalID('Call', ids.acmeCall!) });
    expect(foreignRecordings.data!.recordings.totalCount).toBe(0);
  });

  it('cannot see or revoke another account’s keys', async () => {
    const acmeKeyId = acme.key.split('_')[1]!;
    const keys = await globex.gql('{ apiKeys { nodes { id } } }');
    expect(keys.data!.apiKeys.nodes.map((k: any) => k.id)).not.toContain(acmeKeyId);
    const revoke = await globex.gql('mutation($id: ID!) { revokeApiKey(id: $id) { apiKey { id } problems { message } } }', { id: acmeKeyId });
    expect(revoke.data!.revokeApiKey).toEqual({ apiKey: null, problems: [{ message: `The account has no API key ${acmeKeyId}.` }] });
    expect((await acme.post({ query: CALLS })).status).toBe(200);
  });
});

describe('costly queries are refused before they run', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await createTestApp();
    await test.gql(CALLS); // the key is verified once, then remembered
  });
  afterAll(() => test.drop());

  const refusedWithoutSql = async (body: unknown, headers?: Record<string, string>) => {
    const { result, queries } = await test.recordQueries(async () => {
      const response = await test.post(body, headers);
      return { status: response.status, body: await response.json() };
    });
    expect(queries).toEqual([]);
    return result;
  };

  it('refuses a depth bomb', async () => {
    let selection = 'id';
    for (let i = 0; i < 12; i += 1) selection = `legs(first: 1) { nodes { ${selection} } }`;
    const { body } = await refusedWithoutSql({ query: `{ calls(first: 1) { nodes { ${selection} } } }` });
    expect(body.errors[0].message).toMatch(/Query depth limit of 10 exceeded, found \d+/);
  });

  it('refuses a cost bomb of nested connections at page size 100', async () => {
    const { body } = await refusedWithoutSql({
      query: `query($n: Int) { calls(first: $n) { nodes { legs(first: $n) { nodes { legs(first: $n) { nodes { id externalId } } } } } } }`,
      variables: { n: 100 },
    });
    expect(body.errors[0]).toMatchObject({ extensions: { code: 'QUERY_TOO_COSTLY', maxCost: 25000 } });
    expect(body.errors[0].extensions.cost).toBeGreaterThan(1_000_000);
  });

  it('lets the dashboard list through under the cost limit', async () => {
    const { data, errors } = await test.gql(`{ calls(first: 100) { totalCount nodes { id externalId status startTime duration parent { id }
      legs(first: 5) { nodes { id status } } records { attempt recordings { id url } } } } }`);
    expect(errors).toBeUndefined();
    expect(data!.calls.nodes).toHaveLength(100);
  });

  it('refuses an alias bomb', async () => {
    const aliases = Array.from({ length: 50 }, (_, i) => `a${i}: calls(first: 1) { totalCount }`).join(' ');
    const { body } = await refusedWithoutSql({ query: `{ ${aliases} }` });
    expect(body.errors[0].message).toMatch(/Aliases limit of 15 exceeded, found 50/);
  });

  it('refuses an oversized body with a 413', async () => {
    const { status, body } = await refusedWithoutSql({ query: CALLS, variables: { padding: 'x'.repeat(1_100_000) } });
    expect(status).toBe(413);
    expect(body.errors[0]).toMatchObject({ extensions: { code: 'PAYLOAD_TOO_LARGE', maxBytes: 1_048_576 } });
  });

  it('refuses a batch of more operations than allowed', async () => {
    const { status, body } = await refusedWithoutSql(Array.from({ length: 6 }, () => ({ query: CALLS })));
    expect(status).toBe(413);
    expect(body.errors[0].message).toBe('Batching is limited to 5 operations per request.');
    const allowed = await test.post(Array.from({ length: 2 }, () => ({ query: CALLS })));
    expect(await allowed.json()).toHaveLength(2);
  });
});

describe('production settings', () => {
  let database: TestDatabase;
  let dir: string;
  const persisted = '{ calls(first: 1) { totalCount } }';
  const hash = createHash('sha256').update(persisted).digest('hex');
  beforeAll(async () => {
    database = await createTestDatabase();
    dir = mkdtempSync(join(tmpdir(), 'cdrql-persisted-'));
    writeFileSync(join(dir, 'operations.json'), JSON.stringify({ [hash]: persisted }));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await database.drop();
  });

  it('accepts only persisted operations when told to', async () => {
    const test = await createTestApp({ database, env: { PERSISTED_OPERATIONS_FILE: join(dir, 'operations.json'), PERSISTED_OPERATIONS_ONLY: 'true' } });
    try {
      const arbitrary = await (await test.post({ query: CALLS })).json();
      expect(arbitrary.errors[0].message).toBe('PersistedQueryOnly');
      const byHash = await (await test.post({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } } })).json();
      expect(byHash.data.calls.totalCount).toBeGreaterThan(0);
      // Its text, sent as a query, is refused though a statement is kept for that text.
      expect(await (await test.post({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } } })).json()).toEqual(byHash);
      expect((await (await test.post({ query: persisted })).json()).errors[0].message).toBe('PersistedQueryOnly');
    } finally {
      await test.drop();
    }
  });

  it('can turn introspection off, and masks internal errors in production', async () => {
    const test = await createTestApp({ database, env: { INTROSPECTION: 'false', NODE_ENV: 'production' } });
    try {
      const introspection = await test.gql('{ __schema { types { name } } }');
      expect(introspection.errors?.[0]?.message).toContain('introspection');
      await test.gql(CALLS);
      await test.db.sql.exec('ALTER TABLE calls RENAME TO calls_away');
      try {
        const failed = await test.gql(CALLS);
        expect(failed.errors?.[0]?.message).toBe('Unexpected error.');
        expect(JSON.stringify(failed)).not.toContain('calls_away');
        expect(JSON.stringify(failed)).not.toContain('relation');
      } finally {
        await test.db.sql.exec('ALTER TABLE calls_away RENAME TO calls');
      }
    } finally {
      await test.drop();
    }
  });
});

describe('rate limits per key and per account', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  const status = async (app: TestApp, key: string) => {
    const response = await app.post({ query: CALLS }, { authorization: `Bearer ${key}` });
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.json() };
  };

  it('refuses the operation past the limit with a retry-after hint, counted per key', async () => {
    const app = await createTestApp({ database, env: { RATE_LIMIT_REQUESTS: '3', RATE_LIMIT_WINDOW_SECONDS: '60' } });
    try {
      for (let i = 0; i < 3; i += 1) expect((await status(app, app.key)).status).toBe(200);
      const refused = await status(app, app.key);
      expect(refused.status).toBe(429);
      expect(Number(refused.retryAfter)).toBeGreaterThan(0);
      expect(refused.body.errors[0]).toMatchObject({ extensions: { code: 'RATE_LIMITED', retryAfterSeconds: Number(refused.retryAfter) } });
      expect(refused.body.errors[0].message).toMatch(/^This API key has used its 3 operations per 60 s; retry in \d+ s\.$/);
      const { key: other } = await createApiKey(database.db.prisma, { accountId: 'acme', name: 'other', scopes: ['READ'] }, 'cli');
      expect((await status(app, other)).status).toBe(200);
    } finally {
      await app.drop();
    }
  });

  it('counts the keys of one account together too, so minting keys does not multiply the budget', async () => {
    const app = await createTestApp({ database, env: { RATE_LIMIT_REQUESTS: '3', RATE_LIMIT_ACCOUNT_REQUESTS: '5', RATE_LIMIT_WINDOW_SECONDS: '60' } });
    try {
      const keys = [app.key];
      for (let i = 0; i < 2; i += 1) keys.push((await createApiKey(database.db.prisma, { accountId: 'acme', name: `minted-${i}`, scopes: ['READ'] }, 'cli')).key);
      const statuses = [];
      for (const key of [...keys, ...keys]) statuses.push((await status(app, key)).status);
      // Five operations of the account pass, whichever key sends them; the sixth is refused.
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
      const refused = await status(app, keys[0]!);
      expect(refused.body.errors[0]).toMatchObject({ extensions: { code: 'RATE_LIMITED', counted: 'account' } });
      expect(refused.body.errors[0].message).toMatch(/^This account's keys have used its 5 operations per 60 s; retry in \d+ s\.$/);
      const { key: globex } = await createApiKey(database.db.prisma, { accountId: 'globex', name: 'other account', scopes: ['READ'] }, 'cli');
      expect((await status(app, globex)).status).toBe(200);
    } finally {
      await app.drop();
    }
  });

  it.skipIf(NO_REDIS)(`shares one limit between two instances through Redis${NEEDS_REDIS}`, async () => {
    const env = { RATE_LIMIT_REQUESTS: '4', RATE_LIMIT_WINDOW_SECONDS: '60', REDIS_URL: REDIS_URL! };
    const one = await createTestApp({ database, env });
    const two = await createTestApp({ database, env });
    try {
      const { key } = await createApiKey(database.db.prisma, { accountId: 'acme', name: `shared-${randomBytes(3).toString('hex')}`, scopes: ['READ'] }, 'cli');
      const statuses = [];
      for (const app of [one, two, one, two, one, two]) statuses.push((await status(app, key)).status);
      expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    } finally {
      await one.drop();
      await two.drop();
    }
  });
});

describe('demo access', () => {
  it('publishes demo keys that open the demo accounts', async () => {
    const test = await createTestApp();
    try {
      for (const demo of DEMO_KEYS) {
        const body = await (await test.post({ query: '{ calls(first: 1) { nodes { id } } }' }, { authorization: `Bearer ${demo.key}` })).json();
        expect(body.data.calls.nodes).toHaveLength(1);
      }
    } finally {
      await test.drop();
    }
  });
});

describe('keys made by keys', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await createTestApp({ seed: { calls: 5 } });
  });
  afterAll(() => test.drop());

  const CREATE = 'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key apiKey { id scopes } problems { path message } } }';
  const as = async (key: string, query: string, variables?: Record<string, unknown>) =>
    (await test.post({ query, variables }, { authorization: `Bearer ${key}` })).json();

  it('never gives a scope the making key lacks', async () => {
    const { key: adminOnly } = await createApiKey(test.db.prisma, { accountId: 'acme', name: 'admin only', scopes: ['ADMIN'] }, 'cli');
    const wider = await as(adminOnly, CREATE, { input: { name: 'wider', scopes: ['READ', 'WRITE', 'ADMIN'] } });
    expect(wider.data.createApiKey).toEqual({
      key: null,
      apiKey: null,
      problems: [{ path: ['input', 'scopes'], message: 'The key making this one lacks READ, WRITE: a key can only give scopes it has.' }],
    });
    const same = await as(adminOnly, CREATE, { input: { name: 'same', scopes: ['ADMIN'] } });
    expect(same.data.createApiKey.apiKey.scopes).toEqual(['ADMIN']);
  });

  it('revokes the keys a key made, and theirs, with it', async () => {
    const { key: root, apiKey } = await createApiKey(test.db.prisma, { accountId: 'acme', name: 'root', scopes: ['READ', 'ADMIN'] }, 'cli');
    const child = (await as(root, CREATE, { input: { name: 'child', scopes: ['READ', 'ADMIN'] } })).data.createApiKey;
    const grandchild = (await as(child.key, CREATE, { input: { name: 'grandchild', scopes: ['READ'] } })).data.createApiKey;
    const unrelated = (await as(test.key, CREATE, { input: { name: 'unrelated', scopes: ['READ'] } })).data.createApiKey;
    for (const key of [root, child.key, grandchild.key, unrelated.key]) expect((await test.post({ query: CALLS }, { authorization: `Bearer ${key}` })).status).toBe(200);

    const revoked = await test.gql('mutation($id: ID!) { revokeApiKey(id: $id) { apiKey { id revokedAt } problems { message } } }', { id: apiKey.id });
    expect(revoked.data!.revokeApiKey.apiKey.revokedAt).not.toBeNull();
    for (const key of [root, child.key, grandchild.key]) expect((await test.post({ query: CALLS }, { authorization: `Bearer ${key}` })).status).toBe(401);
    expect((await test.post({ query: CALLS }, { authorization: `Bearer ${unrelated.key}` })).status).toBe(200);
    const rows = await test.db.sql.query<{ id: string; created_by_key_id: string | null; revoked: boolean }>(
      'SELECT id, created_by_key_id, revoked_at IS NOT NULL AS revoked FROM api_keys WHERE id = ANY($1::text[]) ORDER BY created_at',
      [[apiKey.id, child.apiKey.id, grandchild.apiKey.id]],
    );
    expect(rows).toEqual([
      { id: apiKey.id, created_by_key_id: null, revoked: true },
      { id: child.apiKey.id, created_by_key_id: apiKey.id, revoked: true },
      { id: grandchild.apiKey.id, created_by_key_id: child.apiKey.id, revoked: true },
    ]);
  });
});
