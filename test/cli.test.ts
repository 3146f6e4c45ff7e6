import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_KEYS } from '../src/db/seed/demo-keys.js';
import { createServerDatabase } from './helpers/database.js';
import { graphql, PROCESS_TEST_TIMEOUT, runCli, runServer, startServer } from './helpers/process.js';
import { NEEDS_REDIS, NO_REDIS, REDIS_URL } from './helpers/redis.js';

const COUNT = '{ calls(first: 100) { edges { node { id } } pageInfo { hasNextPage } } }';

describe('npm start on the embedded database', { timeout: PROCESS_TEST_TIMEOUT }, () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cdrql-pglite-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('migrates, seeds the demo data and serves it, with the demo key in GraphiQL in development', async () => {
    const server = await startServer({ PGLITE_DIR: dir, NODE_ENV: 'development' });
    try {
      expect(server.output()).toContain(`database: embedded PGlite at ${dir}`);
      expect(server.output()).toMatch(/seeded demo data: 2 accounts, 400 calls/);
      for (const demo of DEMO_KEYS) expect(server.output()).toContain(`demo API key of account ${demo.accountId}: ${demo.key}`);
      const body = await graphql(server.url, COUNT);
      expect(body.data.calls.edges).toHaveLength(100);
      expect((await fetch(`${server.url}/ready`)).status).toBe(200);
      const graphiql = await (await fetch(`${server.url}/graphql`, { headers: { accept: 'text/html' } })).text();
      expect(graphiql).toContain(`Bearer ${DEMO_KEYS[0].key}`);
    } finally {
      expect(await server.stop()).toBe(0);
    }
    expect(server.output()).toContain('stopped');
  });

  it('lets an in-flight request finish on SIGTERM, then exits cleanly', async () => {
    const server = await startServer({ PGLITE_DIR: dir });
    const body = JSON.stringify({ query: COUNT });
    const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const headers = { 'content-type': 'application/json', 'content-length': body.length, authorization: `Bearer ${DEMO_KEYS[0].key}` };
      const req = request(`${server.url}/graphql`, { method: 'POST', headers }, (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body: text }));
      });
      req.on('error', reject);
      // Half the body now, the rest after SIGTERM: the request is in flight when shutdown begins.
      req.write(body.slice(0, 10));
      setTimeout(() => {
        server.child.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(10)), 300);
      }, 200);
    });
    const answered = await response;
    expect(answered.status).toBe(200);
    expect(JSON.parse(answered.body).data.calls.edges).toHaveLength(100);
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain('SIGTERM: finishing in-flight requests');
  });

  it('ends open subscription streams on SIGTERM instead of waiting out the shutdown timeout', async () => {
    const server = await startServer({ PGLITE_DIR: dir, SHUTDOWN_TIMEOUT_SECONDS: '60' });
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${DEMO_KEYS[0].key}` },
      body: JSON.stringify({ query: 'subscription { callChanged { externalId } }' }),
    });
    const reader = response.body!.getReader();
    await reader.read();
    const signalled = Date.now();
    server.child.kill('SIGTERM');
    let text = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += new TextDecoder().decode(chunk.value);
    expect(text).toContain('event: complete');
    expect(await server.exited).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(30_000);
  });

  it('finds its data intact after a restart, also after SIGKILL, without seeding again', async () => {
    const first = await startServer({ PGLITE_DIR: dir });
    expect(first.output()).not.toContain('seeded demo data');
    expect(await first.stop('SIGKILL')).toBe(null);
    const second = await startServer({ PGLITE_DIR: dir });
    try {
      expect(second.output()).not.toContain('seeded demo data');
      expect(second.output()).toContain('migrations: 0 applied');
      const body = await graphql(second.url, COUNT);
      expect(body.data.calls.edges).toHaveLength(100);
    } finally {
      await second.stop();
    }
  });

  it('serves from its bundle what the sources serve: a CallFire XML import, planned queries, statistics', async () => {
    const server = await startServer({ PGLITE_DIR: dir });
    try {
      const xml = readFileSync(new URL('fixtures/callfire/05-php-sdk-callfinished-notification-inbound.xml', import.meta.url), 'utf8').replace('<Call id="1234">', '<Call id="991234">');
      const imported = await graphql(server.url, `mutation { importCalls(format: CALLFIRE, data: ${JSON.stringify(xml)}) { inserted updated unchanged rejected problems { message } } }`);
      expect(imported.data.importCalls).toEqual({ inserted: 1, updated: 0, unchanged: 0, rejected: 0, problems: [] });
      const call = '{ calls(first: 1, filter: { externalId: { eq: "991234" } }) { nodes { source fromNumber direction records { result billedAmount } } } }';
      // Twice: the second answer comes from the statement kept for the document.
      for (const answer of [await graphql(server.url, call), await graphql(server.url, call)]) {
        expect(answer.data.calls.nodes).toEqual([{ source: 'CALLFIRE', fromNumber: '+15551231234', direction: 'INBOUND', records: [{ result: 'LA', billedAmount: '1.666700' }] }]);
      }
      const statistics = await graphql(server.url, '{ callStatistics(filter: { externalId: { eq: "991234" } }) { byStatus { value count } } }');
      expect(statistics.data.callStatistics.byStatus).toEqual([{ value: 'COMPLETED', count: 1 }]);
    } finally {
      await server.stop();
    }
  });

  it.skipIf(NO_REDIS)(`keeps rate limits in Redis from its bundle${NEEDS_REDIS}`, async () => {
    const redis = new Redis(REDIS_URL!);
    const server = await startServer({ PGLITE_DIR: dir, REDIS_URL, RATE_LIMIT_REQUESTS: '1000' });
    try {
      const counter = `cdrql:rate:${DEMO_KEYS[0].id}`;
      await redis.del(counter);
      for (let i = 0; i < 3; i += 1) await graphql(server.url, COUNT);
      // At least: another suite sharing this Redis may count the same demo key meanwhile.
      expect(Number(await redis.get(counter))).toBeGreaterThanOrEqual(3);
    } finally {
      await server.stop();
      redis.disconnect();
    }
  });

  it('says so when the port is taken', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const run = runServer({ PORT: String(port), PGLITE_DIR: dir });
      expect(await run.exited).toBe(1);
      expect(run.output()).toContain(`error: Port ${port} is already in use`);
      expect(run.output()).not.toMatch(/\n\s+at /);
    } finally {
      blocker.close();
    }
  });
});

describe('npm start\'s bundle', { timeout: PROCESS_TEST_TIMEOUT }, () => {
  const bundle = new URL('../.build/cli/serve.mjs', import.meta.url);
  const digest = new URL('../.build/cli/serve.mjs.digest', import.meta.url);
  // An invalid setting stops the server right after its bundle is loaded.
  const startAndStop = async () => expect(await runServer({ PORT: 'eighty' }).exited).toBe(1);

  it('is made again only when what it is made of changed', async () => {
    await startAndStop();
    const made = statSync(bundle).mtimeMs;
    await startAndStop();
    expect(statSync(bundle).mtimeMs).toBe(made);
    writeFileSync(digest, 'of other sources');
    await startAndStop();
    expect(statSync(bundle).mtimeMs).toBeGreaterThan(made);
    expect(readFileSync(digest, 'utf8')).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('DATABASE_URL', { timeout: PROCESS_TEST_TIMEOUT }, () => {
  it.each([
    ['postgresql://postgres@127.0.0.1:1/cdrql', 'error: Cannot connect to PostgreSQL at 127.0.0.1:1/cdrql'],
    ['postgresql://postgres@no-such-host.invalid:5432/cdrql', 'error: Cannot connect to PostgreSQL at no-such-host.invalid:5432/cdrql'],
    ['not a url', 'error: DATABASE_URL is not a URL'],
    ['mysql://root@localhost/cdrql', 'error: DATABASE_URL has the scheme "mysql:"'],
  ])('%s fails start-up with a one-line message', async (url, message) => {
    const run = runServer({ DATABASE_URL: url, PORT: '0' });
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain(message);
    expect(run.output()).not.toMatch(/\n\s+at /);
  });

  it('rejects an invalid setting with every problem listed', async () => {
    const run = runServer({ PORT: 'eighty', LOG_LEVEL: 'loud' });
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain('error: Invalid configuration:');
    expect(run.output()).toContain('PORT');
    expect(run.output()).toContain('LOG_LEVEL');
  });

  it.runIf(process.env.DATABASE_URL)('serves the same build from a PostgreSQL server', async () => {
    const database = (await createServerDatabase())!;
    try {
      const server = await startServer({ DATABASE_URL: database.url });
      try {
        expect(server.output()).toContain('database: PostgreSQL at 127.0.0.1:5432/cdrql_test_');
        expect(server.output()).toMatch(/seeded demo data: 2 accounts, 400 calls/);
        expect((await graphql(server.url, COUNT)).data.calls.edges).toHaveLength(100);
      } finally {
        expect(await server.stop()).toBe(0);
      }
    } finally {
      await database.drop();
    }
  });
});

describe('npm run keys', { timeout: PROCESS_TEST_TIMEOUT }, () => {
  it('creates, lists and revokes keys, and a revoked key is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cdrql-pglite-'));
    try {
      expect(await runCli('seed', ['--calls', '20'], { PGLITE_DIR: dir }).exited).toBe(0);
      const create = runCli('keys', ['create', '--account', 'acme', '--name', 'nightly import', '--scopes', 'read,write'], { PGLITE_DIR: dir });
      expect(await create.exited).toBe(0);
      const [, id, key] = /created ([a-z0-9]{12}) for acme \(read, write\)\n(cdrql_\S+)\n/.exec(create.output()) ?? [];
      expect(key).toMatch(/^cdrql_[a-z0-9]{12}_/);
      const list = runCli('keys', ['list', '--account', 'acme'], { PGLITE_DIR: dir });
      expect(await list.exited).toBe(0);
      expect(list.output()).toMatch(new RegExp(`${id}\tacme\tnightly import\tread,write\t.+\tactive`));
      expect(list.output()).not.toContain(key!.slice(20));

      const server = await startServer({ PGLITE_DIR: dir });
      expect((await graphql(server.url, COUNT, key)).data.calls.edges.length).toBeGreaterThan(0);
      await server.stop();
      const revoke = runCli('keys', ['revoke', id!], { PGLITE_DIR: dir });
      expect(await revoke.exited).toBe(0);
      expect(revoke.output()).toContain(`revoked ${id} of acme`);
      const again = await startServer({ PGLITE_DIR: dir });
      try {
        expect((await graphql(again.url, COUNT, key)).errors[0].extensions.code).toBe('UNAUTHENTICATED');
      } finally {
        await again.stop();
      }

      const bad = runCli('keys', ['create', '--account', 'acme', '--name', 'x', '--scopes', 'read,root'], { PGLITE_DIR: dir });
      expect(await bad.exited).toBe(1);
      expect(bad.output()).toContain('error: --scopes takes read, write and admin');
      const missing = runCli('keys', ['create', '--account', 'nobody', '--name', 'x'], { PGLITE_DIR: dir });
      expect(await missing.exited).toBe(1);
      expect(missing.output()).toContain('error: There is no account "nobody".');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('npm run webhooks', { timeout: PROCESS_TEST_TIMEOUT }, () => {
  it('creates, lists and revokes endpoints; the secret it makes is printed once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cdrql-pglite-'));
    try {
      expect(await runCli('seed', ['--calls', '20'], { PGLITE_DIR: dir }).exited).toBe(0);
      const pbx = runCli('webhooks', ['create', '--account', 'acme', '--format', 'pbx', '--name', 'pbx relay'], { PGLITE_DIR: dir });
      expect(await pbx.exited).toBe(0);
      const [, id, secret] = /created (wh_[a-f0-9]{12}) for acme \(pbx\): POST \/webhooks\/pbx\/wh_[a-f0-9]{12}\n(whsec_\S+)\nThis is the only time/.exec(pbx.output()) ?? [];
      expect(secret).toBeDefined();
      const jambonz = runCli('webhooks', ['create', '--account', 'acme', '--format', 'jambonz', '--name', 'jambonz', '--secret', 'jambonz-secret'], { PGLITE_DIR: dir });
      expect(await jambonz.exited).toBe(0);
      expect(jambonz.output()).not.toContain('jambonz-secret');
      const list = runCli('webhooks', ['list'], { PGLITE_DIR: dir });
      expect(await list.exited).toBe(0);
      expect(list.output()).toMatch(new RegExp(`${id}\tacme\tpbx\tpbx relay\t.+\tactive`));
      expect(list.output()).not.toContain(secret!);
      const revoke = runCli('webhooks', ['revoke', id!], { PGLITE_DIR: dir });
      expect(await revoke.exited).toBe(0);
      expect(revoke.output()).toContain(`revoked ${id} of acme`);

      // Refused before the database is opened.
      const unsigned = runCli('webhooks', ['create', '--account', 'acme', '--format', 'freeclimb', '--name', 'x'], { PGLITE_DIR: dir });
      const unknown = runCli('webhooks', ['create', '--account', 'acme', '--format', 'twilio', '--name', 'x'], { PGLITE_DIR: dir });
      expect(await unsigned.exited).toBe(1);
      expect(unsigned.output()).toContain('error: freeclimb signs its callbacks with a secret of its own');
      expect(await unknown.exited).toBe(1);
      expect(unknown.output()).toContain('error: the format must be one of freeclimb, restcomm, pbx, callfire, jambonz; got "twilio"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('db:migrate and db:seed', { timeout: PROCESS_TEST_TIMEOUT }, () => {
  it('migrate, then seed a chosen size, and report what they did', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cdrql-pglite-'));
    try {
      const migrate = runCli('migrate', [], { PGLITE_DIR: dir });
      expect(await migrate.exited).toBe(0);
      expect(migrate.output()).toMatch(/applied 20261123000000_init\napplied 20261123010000_order_indexes\napplied 20261123020000_api_keys_audit/);
      const seed = runCli('seed', ['--calls', '120', '--accounts', '3'], { PGLITE_DIR: dir });
      expect(await seed.exited).toBe(0);
      expect(seed.output()).toMatch(/3 accounts, 120 calls, \d+ call records, \d+ recordings in [\d.]+ s \(\d+ rows\/s\)/);
      const bad = runCli('seed', ['--calls', 'many'], { PGLITE_DIR: dir });
      expect(await bad.exited).toBe(1);
      expect(bad.output()).toContain('error: --calls must be a positive whole number');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('production defaults', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cdrql-production-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const introspect = (url: string, key: string) => graphql(url, '{ __schema { queryType { name } } }', key);
  const graphiqlPage = async (url: string) => {
    const response = await fetch(`${url}/graphql`, { headers: { accept: 'text/html' } });
    return { status: response.status, text: await response.text() };
  };

  it('seeds nothing, serves no GraphiQL and answers no introspection unless asked', { timeout: PROCESS_TEST_TIMEOUT }, async () => {
    const closed = await startServer({ PGLITE_DIR: dir, NODE_ENV: 'production' });
    try {
      expect(closed.output()).not.toMatch(/seeded demo data/);
      expect(closed.output()).not.toContain(DEMO_KEYS[0].key);
      const refused = await graphql(closed.url, '{ calls(first: 1) { totalCount } }');
      expect(refused.errors[0].extensions.code).toBe('UNAUTHENTICATED');
      const page = await graphiqlPage(closed.url);
      expect(page.text).not.toContain('<title>cdrql</title>');
      expect(page.status).toBeLessThan(500);
    } finally {
      expect(await closed.stop()).toBe(0);
    }
    // Asked by name: the demo data, and GraphiQL (with introspection, which follows it) without a key in the page.
    const open = await startServer({ PGLITE_DIR: dir, NODE_ENV: 'production', SEED_ON_START: 'demo', GRAPHIQL: 'true' });
    try {
      expect(open.output()).toMatch(/seeded demo data: 2 accounts/);
      const page = await graphiqlPage(open.url);
      expect(page.text).toContain('<title>cdrql</title>');
      expect(page.text).not.toContain(DEMO_KEYS[0].key);
      expect((await introspect(open.url, DEMO_KEYS[0].key)).data.__schema.queryType.name).toBe('Query');
    } finally {
      expect(await open.stop()).toBe(0);
    }
    const noIntrospection = await startServer({ PGLITE_DIR: dir, NODE_ENV: 'production' });
    try {
      const answer = await introspect(noIntrospection.url, DEMO_KEYS[0].key);
      expect(answer.errors[0].message).toContain('introspection');
      expect(answer.errors[0].extensions.code).toBeTruthy();
    } finally {
      expect(await noIntrospection.stop()).toBe(0);
    }
  });
});
