import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/auth/api-keys.js';
import { openDatabase } from '../src/db/client.js';
import { exportBatches, exportColumns } from '../src/export/calls.js';
import { parseCallFilter } from '../src/export/filter.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { PROCESS_TEST_TIMEOUT, runCli } from './helpers/process.js';

/**
 * An RFC 4180 reader written for the test, apart from the writer: fields split on commas, quoted
 * fields may hold commas, CRLF and doubled quotes; every record must end in CRLF. A null (an
 * empty unquoted field) reads as null, an empty quoted field as ''.
 */
function parseCsv(text: string): Array<Array<string | null>> {
  const records: Array<Array<string | null>> = [];
  let record: Array<string | null> = [];
  let i = 0;
  while (i < text.length) {
    let field: string | null;
    if (text[i] === '"') {
      field = '';
      i += 1;
      for (;;) {
        const quote = text.indexOf('"', i);
        if (quote < 0) throw new Error('unterminated quoted field');
        field += text.slice(i, quote);
        i = quote + 1;
        if (text[i] === '"') {
          field += '"';
          i += 1;
        } else break;
      }
    } else {
      let end = i;
      while (end < text.length && text[end] !== ',' && text[end] !== '\r') end += 1;
      const raw = text.slice(i, end);
      if (raw.includes('"') || raw.includes('\n')) throw new Error(`bare field with a quote or LF: ${raw}`);
      field = raw === '' ? null : raw;
      i = end;
    }
    record.push(field);
    if (text[i] === ',') i += 1;
    else if (text.startsWith('\r\n', i)) {
      records.push(record);
      record = [];
      i += 2;
    } else throw new Error(`expected , or CRLF at ${i}`);
  }
  return records;
}

const FILTER = { status: { in: ['COMPLETED', 'BUSY'] }, fromNumber: { startsWith: '+1' } };

describe('exporting calls', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await createTestApp();
  });
  afterAll(() => test.drop());

  const download = (query: string, key = test.key) => test.app.fetch(`http://test/export/calls?${query}`, { headers: { authorization: `Bearer ${key}` } });

  /** The external ids calls(filter:) gives, page by page, as the oracle of what matches. */
  async function idsByGraphQL(filter: unknown): Promise<string[]> {
    const ids: string[] = [];
    let after: string | null = null;
    for (;;) {
      const body: any = await test.gql('query($filter: CallFilter, $after: String) { calls(first: 100, after: $after, filter: $filter) { nodes { externalId } pageInfo { hasNextPage endCursor } } }', { filter, after });
      ids.push(...body.data.calls.nodes.map((node: { externalId: string }) => node.externalId));
      if (!body.data.calls.pageInfo.hasNextPage) return ids;
      after = body.data.calls.pageInfo.endCursor;
    }
  }

  it('streams every column of every matching call as RFC 4180 CSV, in id order', async () => {
    const response = await download(`format=csv&filter=${encodeURIComponent(JSON.stringify(FILTER))}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="calls.csv"');
    const [header, ...rows] = parseCsv(await response.text());
    // Every column: the keys of a row as PostgreSQL gives `SELECT *`, in the table's order.
    const [anyRow] = await test.db.sql.query('SELECT * FROM calls LIMIT 1');
    expect(header).toEqual(Object.keys(anyRow!));
    const column = (name: string) => header!.indexOf(name);
    const expected = await idsByGraphQL(FILTER);
    expect(expected.length).toBeGreaterThan(10);
    expect(rows.map((row) => row[column('external_id')]).sort()).toEqual([...expected].sort());
    const ids = rows.map((row) => BigInt(row[column('id')]!));
    expect(ids).toEqual([...ids].sort((a, b) => (a < b ? -1 : 1)));
    for (const row of rows) {
      expect(row[column('account_id')]).toBe('acme');
      expect(['COMPLETED', 'BUSY']).toContain(row[column('status')]);
      expect(row[column('from_number')]).toMatch(/^\+1\d+$/);
      expect(JSON.parse(row[column('payload')]!)).toBeTypeOf('object');
    }
    // Values match the database's, column by column, for one call.
    const sample = rows[0]!;
    const [stored] = await test.db.sql.query<Record<string, unknown>>(
      `SELECT external_id, from_number, duration, price::text AS price, to_char(start_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS start_time FROM calls WHERE id = $1`,
      [sample[column('id')]],
    );
    expect({
      external_id: sample[column('external_id')],
      from_number: sample[column('from_number')],
      duration: sample[column('duration')] === null ? null : Number(sample[column('duration')]),
      price: sample[column('price')],
      start_time: sample[column('start_time')],
    }).toEqual(stored);
  });

  it('quotes text (phone numbers stay text), keeps commas, quotes and line breaks, and tells null from empty', async () => {
    const imported = await test.gql('mutation($calls: [CallInput!]!) { upsertCalls(calls: $calls) { inserted } }', {
      calls: [{ externalId: 'csv-1', from: '+1 415 555 0100', callerName: 'Doe, "JJ"\r\nsecond line', status: 'COMPLETED', startTime: '2026-11-01T10:00:00Z' }],
    });
    expect(imported.data?.upsertCalls).toEqual({ inserted: 1 });
    const text = await (await download(`filter=${encodeURIComponent('{"externalId":{"eq":"csv-1"}}')}`)).text();
    expect(text).toContain(',"+14155550100",');
    const [header, row] = parseCsv(text);
    expect(row![header!.indexOf('caller_name')]).toBe('Doe, "JJ"\r\nsecond line');
    expect(row![header!.indexOf('from_number')]).toBe('+14155550100');
    expect(row![header!.indexOf('hangup_cause')]).toBeNull();
  });

  it('writes NDJSON with the same calls, JSON columns embedded', async () => {
    const text = await (await download(`format=ndjson&filter=${encodeURIComponent(JSON.stringify(FILTER))}`)).text();
    const lines = text.trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(lines.map((line) => line.external_id).sort()).toEqual((await idsByGraphQL(FILTER)).sort());
    expect(lines[0].payload).toBeTypeOf('object');
    expect(typeof lines[0].id).toBe('string');
  });

  it('reads in batches without losing or repeating a call at their edges', async () => {
    const columns = await exportColumns(test.db.sql);
    const seen: string[] = [];
    let batches = 0;
    for await (const batch of exportBatches(test.db.sql, columns, { accountId: 'acme', filter: null, batchSize: 7 })) {
      batches += 1;
      expect(batch.length).toBeLessThanOrEqual(7);
      seen.push(...batch.map((row) => String(row.id)));
    }
    const all = await test.db.sql.query<{ id: string }>(`SELECT id::text AS id FROM calls WHERE account_id = 'acme' ORDER BY calls.id`);
    expect(seen).toEqual(all.map((row) => row.id));
    expect(batches).toBe(Math.ceil(all.length / 7));
  });

  it("gives a key only its own account's calls", async () => {
    const { key } = await createApiKey(test.db.prisma, { accountId: 'globex', name: 'export', scopes: ['READ'] }, 'cli');
    const [header, ...rows] = parseCsv(await (await download('format=csv', key)).text());
    const [{ count }] = (await test.db.sql.query<{ count: string }>(`SELECT count(*)::text AS count FROM calls WHERE account_id = 'globex'`)) as [{ count: string }];
    expect(rows).toHaveLength(Number(count));
    expect(new Set(rows.map((row) => row[header!.indexOf('account_id')]))).toEqual(new Set(['globex']));
  });

  it('refuses a bad filter, a bad format, a missing key and a key without READ', async () => {
    const bad = await download(`filter=${encodeURIComponent('{"status":{"eq":"COMPLETED"}}')}`);
    expect(bad.status).toBe(400);
    expect((await bad.json()).errors[0]).toEqual({ message: 'filter.status: Field "eq" is not defined by type "CallStatusFilter".', extensions: { code: 'BAD_USER_INPUT' } });
    const date = await download(`filter=${encodeURIComponent('{"startTime":{"gte":"yesterday"}}')}`);
    expect((await date.json()).errors[0].message).toMatch(/^filter\.startTime\.gte: /);
    expect((await download('filter=not-json')).status).toBe(400);
    expect((await download('format=xlsx')).status).toBe(400);
    expect((await test.app.fetch('http://test/export/calls')).status).toBe(401);
    const { key } = await createApiKey(test.db.prisma, { accountId: 'acme', name: 'writer', scopes: ['WRITE'] }, 'cli');
    expect((await download('format=csv', key)).status).toBe(403);
  });

  it('coerces a filter as calls(filter:) does: enums, dates and nesting', () => {
    expect(parseCallFilter('{"startTime":{"gte":"2026-01-01T00:00:00Z"},"OR":[{"direction":{"in":["INBOUND"]}}]}')).toEqual({
      startTime: { gte: new Date('2026-01-01T00:00:00Z') },
      OR: [{ direction: { in: ['INBOUND'] } }],
    });
    expect(parseCallFilter('')).toBeNull();
  });
});

describe('npm run export', { timeout: PROCESS_TEST_TIMEOUT }, () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cdrql-export-'));
    const seeded = runCli('seed', [], { PGLITE_DIR: dir });
    expect(await seeded.exited, seeded.output()).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the matching calls to standard output, and names a bad filter', async () => {
    const run = runCli('export', ['--account', 'acme', '--filter', '{"status":{"in":["COMPLETED"]}}', '--format', 'ndjson'], { PGLITE_DIR: dir });
    expect(await run.exited, run.output()).toBe(0);
    const lines = run.output().trimEnd().split('\n').map((line) => JSON.parse(line));
    const db = await openDatabase({ url: undefined, poolSize: 1, preparedStatements: 0, pgliteDir: dir, statementTimeoutMs: 0 });
    try {
      const ids = await db.sql.query<{ id: string }>(`SELECT id::text AS id FROM calls WHERE account_id = 'acme' AND status = 'COMPLETED' ORDER BY calls.id`);
      expect(lines.map((line) => line.id)).toEqual(ids.map((row) => row.id));
    } finally {
      await db.close();
    }
    const bad = runCli('export', ['--account', 'acme', '--filter', '{"duration":{"gte":"long"}}'], { PGLITE_DIR: dir });
    expect(await bad.exited).toBe(1);
    expect(bad.output()).toMatch(/^error: --filter\.duration\.gte: Int cannot represent non-integer value: "long"\n$/);
  });
});
