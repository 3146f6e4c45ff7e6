import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { doublingFragments, hostileShapes } from '../bench/hostile-shapes.js';
import { createRandom } from '../src/db/seed/random.js';
import { measureOperation } from '../src/graphql/cost.js';
import { schema } from '../src/graphql/schema.js';
import { createTestApp, type TestApp } from './helpers/app.js';

const BODY_LIMIT = 1_048_576;

describe('hostile documents are refused, with work bounded by their size', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await createTestApp({ seed: { calls: 20 } });
  });
  afterAll(() => test.drop());

  const send = async (body: string) => {
    const { result, queries } = await test.recordQueries(async () => {
      const response = await test.app.fetch('http://test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${test.key}`, 'content-length': String(Buffer.byteLength(body)) },
        body,
      });
      return { status: response.status, body: await response.json() };
    });
    return { ...result, queries };
  };

  for (const shape of hostileShapes(BODY_LIMIT)) {
    it(`refuses ${shape.name} with ${shape.code}`, async () => {
      const { status, body, queries } = await send(shape.body);
      expect(status).toBeLessThan(500);
      expect(body.errors[0].extensions.code).toBe(shape.code);
      // What the checks walked: selections, input values, characters or tokens, never more than the document holds.
      const visited = body.errors[0].extensions.visited as number;
      expect(visited).toBeGreaterThan(0);
      expect(visited).toBeLessThanOrEqual(Buffer.byteLength(shape.body));
      // Nothing reached the database but the key's verification (remembered after the first request).
      expect(queries.filter((q) => !q.includes('api_keys'))).toEqual([]);
      expect((await test.app.fetch('http://test/health')).status).toBe(200);
    });
  }

  it('walks each fragment once: the selections visited grow by two per doubling level', async () => {
    const visits = [];
    for (const levels of [15, 20, 30]) {
      const { body } = await send(JSON.stringify({ query: doublingFragments(levels) }));
      visits.push(body.errors?.[0]?.extensions?.visited);
    }
    // calls, nodes and the spread of the operation, F0's id, two spreads per level.
    expect(visits).toEqual([3 + 1 + 2 * 15, 3 + 1 + 2 * 20, 3 + 1 + 2 * 30]);
  });

  it('measures a fragment spread twice as twice its cost', async () => {
    const { body } = await send(JSON.stringify({ query: doublingFragments(15) }));
    // calls (1) + nodes (1) + one page of 1 call × 2^15 ids.
    expect(body.errors[0].extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY', cost: 2 + 2 ** 15 });
    const small = await test.gql(doublingFragments(3));
    expect(small.errors).toBeUndefined();
    expect(small.data!.calls.nodes).toHaveLength(1);
  });

  it('judges every request of a repeated document by its own variables (checks remembered per document)', async () => {
    // Oracle: the cost measured afresh for each request's variables, and the NUL rule, against
    // what the server (which remembers each document's measures and literal checks) answers.
    const query = 'query Repeated($first: Int!, $legs: Int!, $prefix: String) { calls(first: $first, filter: { fromNumber: { startsWith: $prefix } }) { nodes { id legs(first: $legs) { nodes { id legs(first: $legs) { nodes { id } } } } } } }';
    const document = parse(query);
    const random = createRandom(20261202);
    for (let i = 0; i < 40; i += 1) {
      const variables = { first: random.int(1, 100), legs: random.int(1, 100), prefix: random.pick([null, '+1', 'a\u0000b']) };
      const cost = measureOperation(schema, document, 'Repeated', variables, { defaultPageSize: 20, listSize: 5 }).cost;
      const expected = variables.prefix?.includes('\u0000') ? 'BAD_USER_INPUT' : cost > 25_000 ? 'QUERY_TOO_COSTLY' : undefined;
      const { body } = await send(JSON.stringify({ query, variables }));
      expect(body.errors?.[0]?.extensions?.code, JSON.stringify({ i, variables, cost })).toBe(expected);
      if (!expected) expect(body.data.calls.nodes).toBeInstanceOf(Array);
    }
  });

  it('refuses input nested past MAX_INPUT_DEPTH and names where', async () => {
    let filter: Record<string, unknown> = { isLeg: false };
    for (let i = 0; i < 30; i += 1) filter = { NOT: filter };
    const { body } = await send(JSON.stringify({ query: 'query($f: CallFilter) { calls(filter: $f) { totalCount } }', variables: { f: filter } }));
    expect(body.errors[0].extensions).toMatchObject({ code: 'NESTING_TOO_DEEP', maxInputDepth: 20 });
    expect(body.errors[0].extensions.argumentPath).toEqual(['$f', ...Array.from({ length: 20 }, () => 'NOT')]);
    let allowed: Record<string, unknown> = { isLeg: false };
    for (let i = 0; i < 10; i += 1) allowed = { NOT: allowed };
    const answered = await test.gql('query($f: CallFilter) { calls(filter: $f) { totalCount } }', { f: allowed });
    expect(answered.errors).toBeUndefined();
  });

  it('keeps the limits of ordinary documents: a depth bomb and an alias bomb are coded', async () => {
    let selection = 'id';
    for (let i = 0; i < 12; i += 1) selection = `legs(first: 1) { nodes { ${selection} } }`;
    const deep = await test.gql(`{ calls(first: 1) { nodes { ${selection} } } }`);
    expect(deep.errors![0]!.extensions).toMatchObject({ code: 'QUERY_TOO_DEEP', maxDepth: 10 });
    const aliases = await test.gql(`{ ${Array.from({ length: 16 }, (_, i) => `a${i}: __typename`).join(' ')} }`);
    expect(aliases.errors![0]!.extensions).toMatchObject({ code: 'TOO_MANY_ALIASES', aliases: 16, maxAliases: 15 });
  });

  it('codes a syntax error', async () => {
    const { status, body } = await send(JSON.stringify({ query: '{ calls(first: 1) { nodes { id } }' }));
    expect(status).toBeLessThan(500);
    expect(body.errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
  });
});

describe('persisted operations', () => {
  let dir: string;
  let test: TestApp;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cdrql-persisted-'));
    writeFileSync(join(dir, 'operations.json'), JSON.stringify({ known: '{ calls(first: 1) { totalCount } }' }));
    test = await createTestApp({ seed: { calls: 5 }, env: { PERSISTED_OPERATIONS_FILE: join(dir, 'operations.json'), PERSISTED_OPERATIONS_ONLY: 'true' } });
  });
  afterAll(async () => {
    await test.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const hash of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'unknown']) {
    it(`answers PERSISTED_QUERY_NOT_IN_LIST for the hash ${hash}`, async () => {
      const response = await test.post({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });
      expect(response.status).toBeLessThan(500);
      const body = await response.json();
      expect(body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    });
  }

  it('answers a known hash', async () => {
    const body = await (await test.post({ extensions: { persistedQuery: { version: 1, sha256Hash: 'known' } } })).json();
    expect(body.data.calls.totalCount).toBeGreaterThan(0);
  });
});

describe.runIf(process.env.DATABASE_URL)('statement time', () => {
  let test: TestApp;
  beforeAll(async () => {
    // A series of a minute's buckets over three years is a statement that runs for seconds: made
    // possible by lifting MAX_BUCKETS, and cut short by a statement_timeout of 200 ms.
    test = await createTestApp({ seed: { calls: 20 }, env: { STATEMENT_TIMEOUT_MS: '200', MAX_BUCKETS: '2000000' } });
  });
  afterAll(() => test.drop());

  const SLOW = '{ callSeries(interval: MINUTE, from: "2024-01-01T00:00:00Z", to: "2027-01-01T00:00:00Z") { start measures { total } } }';

  it('answers a statement past STATEMENT_TIMEOUT_MS with TIMEOUT, and keeps no connection', async () => {
    // More slow statements than the pool has connections (4): each gives its connection back.
    for (let i = 0; i < 6; i += 1) {
      const response = await test.post({ query: SLOW });
      expect(response.status).toBeLessThan(500);
      const body = await response.json();
      expect(body.errors[0]).toMatchObject({ extensions: { code: 'TIMEOUT', statementTimeoutMs: 200 } });
      expect(JSON.stringify(body)).not.toContain('canceling statement');
    }
    const answered = await test.gql('{ calls(first: 1) { totalCount } }');
    expect(answered.data!.calls.totalCount).toBeGreaterThan(0);
  });
});
