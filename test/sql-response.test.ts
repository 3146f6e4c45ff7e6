import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, revokeApiKey } from '../src/auth/api-keys.js';
import type { ApiKeyScope } from '../src/db/generated/enums.js';
import { createLogger } from '../src/logger.js';
import { createTestApp, type TestApp } from './helpers/app.js';

const workload = (file: string) => readFileSync(new URL(`../bench/workloads/${file}`, import.meta.url), 'utf8');

/** A statement that writes a whole response (src/graphql/read/execute.ts). */
const RENDERED = /^SELECT '\{"data":'/;

/*
 * Every operation here runs on two servers over one database: one that lets PostgreSQL write the
 * responses it can (the default) and one that executes every field with graphql-js, the reference
 * implementation, each root field running its own planned statement (SQL_RESPONSES=false). Their answers must be the same JSON,
 * key order included; the whitespace PostgreSQL puts between members is the only difference
 * allowed.
 */
describe('responses written in SQL', () => {
  let rendered: TestApp;
  let executed: TestApp;
  const ids: Record<string, string[]> = {};

  beforeAll(async () => {
    rendered = await createTestApp();
    executed = await createTestApp({ database: rendered, env: { SQL_RESPONSES: 'false' } });
    // Text that JSON must escape, and calls of another account that must stay invisible.
    await rendered.db.sql.query(
      `INSERT INTO calls (account_id, source, external_id, status, start_time, caller_name, payload)
       VALUES ('acme', 'NATIVE', 'esc-1', 'COMPLETED', '2026-09-02T08:00:00Z', $1, '{}')`,
      ['quote " backslash \\ newline \n tab \t bell \u0007 unicode é ☎ 😀 </script>'],
    );
    const rows = await rendered.db.sql.query<{ kind: string; id: string; account_id: string }>(
      `(SELECT 'Call' AS kind, id::text, account_id FROM calls WHERE parent_id IS NOT NULL ORDER BY id LIMIT 3)
       UNION ALL (SELECT 'Call', id::text, account_id FROM calls WHERE account_id <> 'acme' ORDER BY id LIMIT 1)
       UNION ALL (SELECT 'CallRecord', id::text, account_id FROM call_records WHERE account_id = 'acme' ORDER BY id LIMIT 2)
       UNION ALL (SELECT 'Recording', id::text, account_id FROM recordings WHERE account_id = 'acme' ORDER BY id LIMIT 2)`,
    );
    for (const row of rows) (ids[row.kind] ??= []).push(encodeGlobalID(row.kind, row.id));
    // Keys are verified once and then remembered: no key lookup in the statements compared below.
    await rendered.gql('{ __typename }');
    await executed.gql('{ __typename }');
  });
  afterAll(async () => {
    await executed?.drop();
    await rendered?.drop();
  });

  /**
   * Runs the operation on the default server and on `reference`; returns the default's answer,
   * parsed, and whether SQL wrote it.
   */
  async function compare(query: string, variables: Record<string, unknown> = {}, reference = executed) {
    const run = await rendered.recordQueries(async () => (await rendered.post({ query, variables })).text());
    const expected = await (await reference.post({ query, variables })).text();
    expect(JSON.stringify(JSON.parse(run.result))).toBe(expected);
    return { response: JSON.parse(run.result), written: run.queries.length === 1 && RENDERED.test(run.queries[0]!.trim()) };
  }

  async function expectWritten(query: string, variables: Record<string, unknown> = {}) {
    const { response, written } = await compare(query, variables);
    expect(response.errors).toBeUndefined();
    expect(written).toBe(true);
    return response.data;
  }

  it('writes the benchmark’s call lists and node lookups', async () => {
    const window = { from: '2020-01-01T00:00:00Z', to: '2030-01-01T00:00:00Z' };
    const list = await expectWritten(workload('w1-dashboard-list.graphql'), { ...window, first: 20 });
    expect(list.calls.totalCount).toBeGreaterThan(20);
    expect(list.calls.edges).toHaveLength(20);
    const first = await expectWritten(workload('w2-deep-page.graphql'), { first: 50, until: window.to });
    const deep = await expectWritten(workload('w2-deep-page.graphql'), { first: 50, until: window.to, after: first.calls.pageInfo.endCursor });
    expect(deep.calls.pageInfo.hasPreviousPage).toBe(true);
    const legs = await rendered.db.sql.query<{ id: string }>(`SELECT DISTINCT parent_id::text AS id FROM calls WHERE account_id = 'acme' AND parent_id IS NOT NULL LIMIT 50`);
    const nodes = await expectWritten(workload('w4-node-lookups.graphql'), { ids: legs.map((row) => encodeGlobalID('Call', row.id)) });
    expect(nodes.nodes.every((node: any) => node.legs.nodes.length > 0)).toBe(true);
  });

  it('pages forwards and backwards, by every order, with cursors from edges and pageInfo', async () => {
    const PAGE = /* GraphQL */ `
      query Page($first: Int, $after: String, $last: Int, $before: String, $orderBy: CallOrder) {
        calls(first: $first, after: $after, last: $last, before: $before, orderBy: $orderBy) {
          totalCount
          pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
          edges { cursor node { id startTime endTime duration } }
        }
      }
    `;
    for (const field of ['START_TIME', 'END_TIME', 'DURATION', 'PRICE', 'CREATED_AT']) {
      for (const direction of ['ASC', 'DESC']) {
        const orderBy = { field, direction };
        const first = await expectWritten(PAGE, { first: 7, orderBy });
        const next = await expectWritten(PAGE, { first: 7, after: first.calls.pageInfo.endCursor, orderBy });
        await expectWritten(PAGE, { last: 3, before: next.calls.pageInfo.startCursor, orderBy });
        await expectWritten(PAGE, { last: 5, orderBy });
      }
    }
    await expectWritten(PAGE, { first: 0 });
    await expectWritten(PAGE, { last: 0 });
  });

  it('follows aliases, fragments, __typename and @skip / @include as execution does', async () => {
    const query = /* GraphQL */ `
      query Shapes($withLegs: Boolean!, $skipParent: Boolean!) {
        __typename
        recent: calls(first: 4, filter: { isLeg: true }) {
          __typename
          nodes { ...CallFields parent @skip(if: $skipParent) { id __typename } }
          pageInfo { __typename endCursor }
        }
        older: calls(last: 2, orderBy: { field: DURATION, direction: ASC }) {
          edges { __typename node { ... on Call { externalId } ... on Node { id } } }
          nodes { status id }
        }
      }
      fragment CallFields on Call {
        __typename
        caller: callerName
        id
        legs(first: 2) @include(if: $withLegs) { totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor } }
        recordings(first: 1) { totalCount nodes { id url lengthSeconds recordedAt } pageInfo { hasNextPage } }
        records { attempt id result billedAmount answerTime recordings { id name call { id } callRecord { attempt } } }
        answered isLeg hasRecording source status direction sipStatus broadcastId createdAt
      }
    `;
    await expectWritten(query, { withLegs: true, skipParent: false });
    await expectWritten(query, { withLegs: false, skipParent: true });
  });

  it('answers in the document\'s field order, fragments first, last or between fields', async () => {
    const queries = [
      `query ($skip: Boolean!) { calls(first: 3, filter: { isLeg: true }) { nodes { ...Names parent @skip(if: $skip) { id } status } } }
       fragment Names on Call { id callerName }`,
      `{ calls(first: 3) { edges { node { ... on Node { id } externalId ... on Call { status } } } } }`,
      `{ calls(first: 3) { nodes { ...Ids status ...Kinds } } } fragment Ids on Node { id } fragment Kinds on Call { direction id }`,
      `{ calls(first: 3) { nodes { status price { currency } ...Ids } } } fragment Ids on Node { id __typename }`,
    ];
    for (const query of queries) {
      await expectWritten(query, { skip: false });
    }
  });

  it('writes the README\'s first example, and every field of a call, in one statement', async () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const example = /```graphql\n(\{[\s\S]*?\n\})\n```/.exec(readme)![1]!;
    expect(example).toContain('questionResponses');
    await expectWritten(example);
    await expectWritten(`{ calls(first: 5) { nodes { extension { id name type groupId externalNumber } quality { rate maxRate } payload price { amount currency } } } }`);
  });

  it('gives each alias of a relation its own arguments, under edges and nodes alike', async () => {
    const data = await expectWritten(`{ calls(first: 5, filter: { isLeg: false }) {
      edges { node { legs(first: 1) { nodes { id } } x: legs(first: 2) { nodes { id } } } }
      nodes { legs(first: 3) { nodes { id } } x: recordings(first: 2) { nodes { id url } } }
    } }`);
    for (const [index, edge] of data.calls.edges.entries()) {
      const node = data.calls.nodes[index];
      expect(edge.node.legs.nodes.length).toBeLessThanOrEqual(1);
      expect(node.legs.nodes.slice(0, edge.node.legs.nodes.length)).toEqual(edge.node.legs.nodes);
      expect(edge.node.x.nodes.length).toBeLessThanOrEqual(2);
      for (const recording of node.x.nodes) expect(Buffer.from(recording.id, 'base64').toString()).toMatch(/^Recording:/);
    }
  });

  it('reads no relation a directive leaves out', async () => {
    const { statements } = await rendered.recordQueries(() =>
      rendered.gql(`query ($no: Boolean!) { calls(first: 2) { nodes { id legs(first: 500) @include(if: $no) { nodes { id } } ...F @skip(if: true) } } }
        fragment F on Call { recordings(first: 500) { nodes { id } } }`, { no: false }),
    );
    expect(statements).toHaveLength(1);
    expect(statements[0]!.query).not.toContain('parent_id =');
    expect(statements[0]!.query).not.toContain('FROM recordings');
  });

  it('pages on with only hasNextPage and endCursor, binding only what the statement uses', async () => {
    const first = await expectWritten(`{ calls(first: 2) { pageInfo { hasNextPage endCursor } nodes { id } } }`);
    const query = `query ($cursor: String!) { calls(first: 2, after: $cursor) { pageInfo { hasNextPage endCursor } nodes { id } } }`;
    const { statements } = await rendered.recordQueries(() => rendered.gql(query, { cursor: first.calls.pageInfo.endCursor }));
    const placeholders = new Set(statements[0]!.query.match(/\$\d+/g));
    expect(placeholders.size).toBe(statements[0]!.params.length);
    await expectWritten(query, { cursor: first.calls.pageInfo.endCursor });
  });

  it('writes the schema’s names into the statement and binds any other text a client chose', async () => {
    const query = `{ calls(first: 2) { aliasChosen: nodes { id __typename callerName: externalId } } }`;
    const { statements } = await rendered.recordQueries(() => rendered.gql(query));
    const [statement] = statements;
    expect(statement!.query).toContain(`'calls'::text`);
    expect(statement!.query).toContain(`'__typename'::text, 'Call'::text`);
    // Only the schema's own names are written in, whatever they key (an alias may be one of them):
    // any other text a client chose is bound.
    expect(statement!.query).toContain(`'callerName'::text, t`);
    expect(statement!.query).not.toContain('aliasChosen');
    expect(statement!.params).toContain('aliasChosen');
    await expectWritten(query);
  });

  it('escapes text as JSON.stringify does', async () => {
    const data = await expectWritten(`{ calls(first: 1, filter: { externalId: { eq: "esc-1" } }) { nodes { externalId callerName } } }`);
    expect(data.calls.nodes[0].callerName).toContain('😀');
  });

  it('filters as execution does', async () => {
    const LIST = `query ($filter: CallFilter) { calls(first: 20, filter: $filter) { totalCount nodes { id fromNumber status } } }`;
    for (const filter of [
      { status: { in: ['COMPLETED', 'NO_ANSWER'] }, direction: { in: ['INBOUND'] } },
      { fromNumber: { startsWith: '+1' } },
      { OR: [{ status: { in: ['BUSY'] } }, { isLeg: true }] },
      { startTime: { gte: '2026-01-01T00:00:00Z', lt: '2026-06-01T00:00:00Z' } },
    ]) {
      await expectWritten(LIST, { filter });
    }
    await expectWritten(`{ recordings(first: 3, filter: { lengthSeconds: { gte: 10 } }) { totalCount edges { cursor node { id call { externalId } } } } }`);
  });

  it('finds nodes of every type in order, null for ids not visible or of no type', async () => {
    const NODES = /* GraphQL */ `
      query ($ids: [ID!]!, $one: ID!) {
        nodes(ids: $ids) {
          __typename id
          ... on Call { externalId legs(first: 1) { nodes { id } } }
          ... on CallRecord { attempt call { id } }
          ... on Recording { url callRecord { id } }
        }
        node(id: $one) { id ... on Recording { lengthSeconds } }
        call(id: $one) { id }
      }
    `;
    const all = [...ids.Call!, ...ids.CallRecord!, ...ids.Recording!, encodeGlobalID('Nothing', '1'), encodeGlobalID('Call', '999999999')];
    const data = await expectWritten(NODES, { ids: all, one: ids.Recording![0] });
    expect(data.nodes).toHaveLength(all.length);
    expect(data.nodes.filter((node: any) => node === null)).toHaveLength(3); // the other account's call, Nothing, the missing call
    expect(data.call).toBeNull();
    await expectWritten(NODES, { ids: [], one: ids.Call![0] });
  });

  it('leaves operations it cannot write to the executor it would have run without, errors included', async () => {
    const cases: Array<[string, Record<string, unknown>?]> = [
      [`{ calls(first: 2) { nodes { id } } callSeries(interval: DAY, from: "2026-01-01T00:00:00Z", to: "2026-01-03T00:00:00Z") { start } }`],
      [`{ calls(first: 1000) { nodes { id } } }`],
      [`{ calls(first: 1, after: "bogus") { nodes { id } } }`],
      [`query ($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: ['not-an-id'] }],
      [`{ calls(first: 1) { nodes { legs(first: 1, after: "bogus") { nodes { id } } } } }`],
      // Nothing to read: a statement would only cost a round trip.
      [`{ __typename }`],
    ];
    for (const [query, variables] of cases) {
      const { written } = await compare(query, variables);
      expect(written).toBe(false);
    }
  });
});

/*
 * A request sent again, by a key of the same account and scopes, with the same text, operation
 * name and variables, is answered by the statement kept for it before it is parsed
 * (src/graphql/read/execute.ts). Everything the statement depends on is in what it is kept under;
 * what depends on the request itself (the key, its rate limit, persisted operations) still runs.
 */
describe('a request sent again', () => {
  let app: TestApp;
  let executed: TestApp;
  const lines: Array<Record<string, any>> = [];
  const QUERY = '{ calls(first: 3) { nodes { id externalId fromNumber } } }';

  beforeAll(async () => {
    const destination = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    // Keys are looked up on every request, so that a revoked one is refused at once.
    app = await createTestApp({ env: { API_KEY_CACHE_SECONDS: '0' }, logger: createLogger('info', { json: true, destination }) });
    executed = await createTestApp({ database: app, env: { SQL_RESPONSES: 'false' } });
  });
  afterAll(async () => {
    await executed?.drop();
    await app?.drop();
  });

  /** Posts as `key`; the answer's text, its log line and the statements it ran but the key's lookup. */
  async function send(body: Record<string, unknown>, key = app.key) {
    const run = await app.recordQueries(async () => (await app.post(body, { authorization: `Bearer ${key}` })).text());
    return { text: run.result, log: lines.at(-1)!, queries: run.queries.filter((text) => !/\bapi_keys\b/.test(text)) };
  }
  const keyOf = async (accountId: string, scopes: ApiKeyScope[]) => (await createApiKey(app.db.prisma, { accountId, name: 'again', scopes }, 'cli')).key;

  it('is answered by the statement kept for it, as the first time, named in the log as validation names it', async () => {
    const query = 'query Recent($first: Int!) { calls(first: $first) { totalCount nodes { id startTime legs(first: 1) { nodes { id } } } } }';
    const first = await send({ query, variables: { first: 4 } });
    const again = await send({ query, variables: { first: 4 } });
    expect(first.log).toMatchObject({ operation: 'Recent', account: 'acme', statements: 1, outcome: 'ok' });
    expect(first.log.reused).toBeUndefined();
    expect(again.log).toMatchObject({ operation: 'Recent', account: 'acme', statements: 1, outcome: 'ok', reused: true });
    expect(again.text).toBe(first.text);
    expect(again.queries).toEqual(first.queries);
    expect(again.queries[0]).toMatch(RENDERED);
    expect(JSON.stringify(JSON.parse(again.text))).toBe(await (await executed.post({ query, variables: { first: 4 } })).text());

    // Other variables, or another operation of the same text, are planned anew.
    const other = await send({ query, variables: { first: 2 } });
    expect(other.log.reused).toBeUndefined();
    expect(JSON.parse(other.text).data.calls.nodes).toHaveLength(2);
    const named = 'query A { calls(first: 1) { nodes { id } } } query B { calls(first: 2) { nodes { id } } }';
    await send({ query: named, operationName: 'A' });
    const b = await send({ query: named, operationName: 'B' });
    expect(b.log.reused).toBeUndefined();
    expect(JSON.parse(b.text).data.calls.nodes).toHaveLength(2);
  });

  it('is kept apart per account and per key scopes', async () => {
    await send({ query: QUERY });
    const other = await send({ query: QUERY }, await keyOf('globex', ['READ']));
    expect(other.log).toMatchObject({ account: 'globex' });
    expect(other.log.reused).toBeUndefined();
    const theirs = await (await executed.post({ query: QUERY }, { authorization: `Bearer ${await keyOf('globex', ['READ'])}` })).text();
    expect(JSON.stringify(JSON.parse(other.text))).toBe(theirs);
    expect(other.text).not.toBe((await send({ query: QUERY })).text);

    // The same account's READ key reads what the full key reads, from a statement of its own.
    const read = await keyOf('acme', ['READ']);
    const byRead = await send({ query: QUERY }, read);
    expect(byRead.log.reused).toBeUndefined();
    expect((await send({ query: QUERY }, read)).log.reused).toBe(true);
  });

  it('still refuses variables nested too deep, sent with a text whose statement is kept', async () => {
    const query = 'query ($filter: CallFilter) { calls(first: 1, filter: $filter) { nodes { id } } }';
    await send({ query, variables: { filter: {} } });
    expect((await send({ query, variables: { filter: {} } })).log.reused).toBe(true);
    // Deeper than JSON.stringify can write, so written here by hand.
    const levels = 20_000;
    const body = `{"query":${JSON.stringify(query)},"variables":{"filter":${'{"NOT":'.repeat(levels)}{}${'}'.repeat(levels)}}}`;
    const response = await app.app.fetch('http://test/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${app.key}` }, body });
    expect(response.status).toBeLessThan(500);
    expect((await response.json()).errors[0].extensions.code).toBe('NESTING_TOO_DEEP');
  });

  it('still checks its key: a revoked key is refused though a statement is kept for it', async () => {
    const { key, apiKey } = await createApiKey(app.db.prisma, { accountId: 'acme', name: 'revoked', scopes: ['READ'] }, 'cli');
    await send({ query: QUERY }, key);
    expect((await send({ query: QUERY }, key)).log.reused).toBe(true);
    await revokeApiKey(app.db.prisma, 'acme', apiKey.id, 'cli');
    const refused = await send({ query: QUERY }, key);
    expect(JSON.parse(refused.text).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(refused.queries).toEqual([]);
  });

  it('falls back to execution once when its kept statement fails, with a coded error and no second try', async () => {
    const query = '{ calls(first: 2) { nodes { id externalId } } }';
    const answer = (await send({ query })).text;
    await app.db.sql.exec('ALTER TABLE calls RENAME COLUMN external_id TO external_id_away');
    try {
      const failed = await send({ query });
      const body = JSON.parse(failed.text);
      expect(body.errors[0].extensions.code).toBe('INTERNAL_SERVER_ERROR');
      expect(failed.text).not.toContain('external_id');
      // The kept statement once, then execution's own statement for the root field.
      expect(failed.queries.filter((text) => RENDERED.test(text.trim()))).toHaveLength(1);
      expect(failed.queries).toHaveLength(2);
      expect(failed.log.reused).toBeUndefined();
    } finally {
      await app.db.sql.exec('ALTER TABLE calls RENAME COLUMN external_id_away TO external_id');
    }
    const again = await send({ query });
    expect(again.text).toBe(answer);
    expect(again.log.reused).toBe(true);
  });
});
