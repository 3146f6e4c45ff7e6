import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.js';

const CALLS = /* GraphQL */ `
  query Calls($first: Int, $after: String) {
    calls(first: $first, after: $after) {
      edges { cursor node { id externalId source status startTime duration } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

describe('server', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await createTestApp();
  });
  afterAll(() => test.drop());

  it('answers /health and /ready', async () => {
    expect((await test.app.fetch('http://test/health')).status).toBe(200);
    expect((await test.app.fetch('http://test/ready')).status).toBe(200);
  });

  it('serves GraphiQL to a browser', async () => {
    const response = await test.app.fetch('http://test/graphql', { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<title>cdrql</title>');
  });

  it('answers a query from the database', async () => {
    const { data, errors } = await test.gql(CALLS, { first: 5 });
    expect(errors).toBeUndefined();
    const expected = await test.db.sql.query<{ external_id: string }>(
      `SELECT external_id FROM calls WHERE account_id = 'acme' ORDER BY start_time DESC, id DESC LIMIT 5`,
    );
    expect(data!.calls.edges.map((e: any) => e.node.externalId)).toEqual(expected.map((row) => row.external_id));
    expect(data!.calls.pageInfo.hasNextPage).toBe(true);
  });

  it('pages through every call with cursors, none twice', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const { data } = await test.gql(CALLS, { first: 100, after });
      seen.push(...data!.calls.edges.map((e: any) => e.node.id));
      if (!data!.calls.pageInfo.hasNextPage) break;
      after = data!.calls.pageInfo.endCursor;
    }
    const [acme] = await test.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM calls WHERE account_id = 'acme'`);
    expect(acme!.n).toBeGreaterThan(100);
    expect(seen).toHaveLength(acme!.n);
    expect(new Set(seen).size).toBe(acme!.n);
  });

  it('rejects a malformed cursor and an oversized page with a clear error', async () => {
    const bad = await test.gql(CALLS, { after: 'not-a-cursor' });
    expect(bad.errors?.[0]).toMatchObject({ message: 'after: not a cursor this API issued.', extensions: { code: 'BAD_USER_INPUT' } });
    const big = await test.gql(CALLS, { first: 1000 });
    expect(big.errors?.[0]?.message).toBe('first must be between 0 and 100; got 1000.');
  });

  it('reports not ready once the database is gone', async () => {
    await test.db.close();
    expect((await test.app.fetch('http://test/ready')).status).toBe(503);
    expect((await test.app.fetch('http://test/health')).status).toBe(200);
  });
});
