import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { createTestApp, type TestApp } from './helpers/app.js';

const TOKEN = 'metrics-token-0123456789';

/** The value of one sample of the Prometheus text, or undefined when it is absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = Object.fromEntries([...(match[3] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((pair) => [pair[1], pair[2]]));
    if (Object.entries(labels).every(([key, value]) => present[key] === value)) return Number(match[4]);
  }
  return undefined;
}

describe('GET /metrics and the request log', () => {
  let test: TestApp;
  const lines: Array<Record<string, any>> = [];
  beforeAll(async () => {
    const destination = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    test = await createTestApp({
      env: { METRICS_TOKEN: TOKEN, RATE_LIMIT_REQUESTS: '6' },
      logger: createLogger('info', { json: true, destination }),
    });
  });
  afterAll(() => test.drop());

  const scrape = async (authorization = `Bearer ${TOKEN}`) => test.app.fetch('http://test/metrics', { headers: { authorization } });

  it('counts operations by name and outcome, statements, imports and refusals, and logs one line per request', async () => {
    const { result: page, queries } = await test.recordQueries(() => test.post({ query: 'query RecentCalls { calls(first: 3) { nodes { id } } }' }, { 'x-request-id': 'req-42' }));
    expect(page.headers.get('x-request-id')).toBe('req-42');
    expect((await page.json()).data.calls.nodes).toHaveLength(3);
    const bad = await test.gql('query Broken { calls(first: 1) { nodes { nope } } }');
    expect(bad.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const imported = await test.gql('mutation Upsert { upsertCalls(calls: [{ externalId: "m-1", status: COMPLETED }, { externalId: "m-2", status: BUSY }]) { inserted } }');
    expect(imported.data?.upsertCalls).toEqual({ inserted: 2 });
    // The limit is 6 operations: three ran, three more use it up, the seventh is refused.
    for (let i = 0; i < 3; i += 1) await test.gql('query RecentCalls { calls(first: 1) { nodes { id } } }');
    expect((await test.gql('query RecentCalls { calls(first: 1) { nodes { id } } }')).errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');

    const response = await scrape();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(sample(text, 'cdrql_request_duration_seconds_count', { operation: 'RecentCalls', outcome: 'ok' })).toBe(4);
    // Refused before its document is parsed: named only by the request's operationName.
    expect(sample(text, 'cdrql_request_duration_seconds_count', { operation: 'anonymous', outcome: 'RATE_LIMITED' })).toBe(1);
    expect(sample(text, 'cdrql_request_duration_seconds_count', { operation: 'Broken', outcome: 'GRAPHQL_VALIDATION_FAILED' })).toBe(1);
    expect(sample(text, 'cdrql_request_duration_seconds_count', { operation: 'Upsert', outcome: 'ok' })).toBe(1);
    expect(sample(text, 'cdrql_rate_limit_refusals_total')).toBe(1);
    expect(sample(text, 'cdrql_imports_total', { format: 'native' })).toBe(1);
    expect(sample(text, 'cdrql_import_records_total', { outcome: 'inserted' })).toBe(2);
    expect(sample(text, 'cdrql_subscriptions_open')).toBe(0);
    const statements = sample(text, 'cdrql_sql_statement_duration_seconds_count', { outcome: 'ok' })!;
    expect(statements).toBeGreaterThan(4);
    expect(text.includes('cdrql_db_pool_connections{state="max"}')).toBe(test.db.connections !== undefined);

    const requests = lines.filter((line) => line.msg === 'request');
    expect(requests).toHaveLength(7);
    const first = requests[0]!;
    expect(first).toMatchObject({ requestId: 'req-42', operation: 'RecentCalls', account: 'acme', status: 200, outcome: 'ok', level: 30 });
    // The operation's statements; the key's lookup (this request is its first use) is not counted.
    const lookups = queries.filter((text) => /\bapi_keys\b/.test(text));
    expect(lookups).toHaveLength(1);
    expect(first.statements).toBe(queries.length - lookups.length);
    expect(first.statements).toBeGreaterThan(0);
    expect(first.durationMs).toBeGreaterThan(0);
    expect(requests[1]).toMatchObject({ outcome: 'GRAPHQL_VALIDATION_FAILED', statements: 0 });
    expect(requests[1]!.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(requests[2]).toMatchObject({ operation: 'Upsert', outcome: 'ok' });
    // Sent again, RecentCalls is answered by the statement kept for it, and counts against the
    // limit like any other request.
    expect(requests.slice(3, 6).map((line) => line.reused ?? false)).toEqual([false, true, true]);
    expect(requests[6]).toMatchObject({ outcome: 'RATE_LIMITED', status: 429 });
  });

  it('refuses a scrape without the token', async () => {
    expect((await scrape('Bearer wrong-token-0123456789')).status).toBe(401);
    expect((await scrape('')).status).toBe(401);
  });

  it('has no /metrics on the public port without METRICS_TOKEN', async () => {
    const plain = await createTestApp({ database: test });
    try {
      expect((await plain.app.fetch('http://test/metrics')).status).toBe(404);
    } finally {
      await plain.drop();
    }
  });
});
