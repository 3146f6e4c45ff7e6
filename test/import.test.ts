import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/auth/api-keys.js';
import { FORMATS, importCalls, type FormatName } from '../src/importers/import.js';
import { statisticsKeeper } from '../src/importers/statistics.js';
import { CALL_DATA_COLUMNS } from '../src/importers/writer.js';
import type { SqlDriver, SqlExecutor } from '../src/db/sql-driver.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { PROCESS_TEST_TIMEOUT, runCli } from './helpers/process.js';

const FIXTURES = new URL('./fixtures/', import.meta.url);
const fixture = (path: string) => readFileSync(new URL(path, FIXTURES), 'utf8');
/** Each fixture's imported rows, reviewed field by field when they were written down. */
const EXPECTED = JSON.parse(fixture('imported.json')) as Record<string, { summary: Record<string, number>; calls: Array<Record<string, unknown>> }>;

/** Instants compare as instants, whatever time zone the database prints them in; numbers as numbers. */
function comparable(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return new Date(value).toISOString();
  if (Array.isArray(value)) return value.map(comparable);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, comparable(v)]));
  return value;
}

/** Restcomm's PascalCase for a name of its JSON: `account_sid` is `AccountSid`. */
const pascal = (name: string) => name.replace(/(^|_)([a-z])/g, (_, _sep: string, letter: string) => letter.toUpperCase());
const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function restcommElement(name: string, value: unknown): string {
  if (value === null || value === undefined) return `<${name}/>`;
  if (typeof value === 'object') return `<${name}>${Object.entries(value).map(([k, v]) => restcommElement(pascal(k), v)).join('')}</${name}>`;
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** A Restcomm JSON document as Restcomm writes it in XML: one `Call`, or a `Calls` page with its paging fields as attributes. */
function restcommXml(document: Record<string, unknown>): string {
  if (!Array.isArray(document.calls)) return `<?xml version="1.0" encoding="UTF-8"?>\n<RestcommResponse>${restcommElement('Call', document)}</RestcommResponse>`;
  const paging = Object.entries(document)
    .filter(([name]) => name !== 'calls' && name !== 'meta')
    .map(([name, value]) => ` ${name.replace(/_/g, '')}="${value === null ? '' : escapeXml(String(value))}"`)
    .join('');
  return `<RestcommResponse>\n  <Calls${paging}>\n${document.calls.map((call) => `    ${restcommElement('Call', call)}`).join('\n')}\n  </Calls>\n</RestcommResponse>`;
}

/** Names without case or underscores, values as text: what a JSON and an XML rendering of one record share. */
function spelledAlike(value: unknown): unknown {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value !== 'object') return String(value);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.replace(/_/g, '').toLowerCase(), spelledAlike(v)]));
}

describe('importing the five vendor formats', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await createTestApp({ seed: { calls: 2 } });
    await test.db.sql.query(`INSERT INTO accounts (id, name) VALUES ('imports', 'Imports')`);
  });
  afterAll(() => test.drop());
  beforeEach(async () => {
    await test.db.sql.query(`DELETE FROM calls WHERE account_id = 'imports'`);
  });

  const run = (format: FormatName, data: string, options: { dryRun?: boolean; batchSize?: number } = {}) =>
    importCalls(test.db.sql, Readable.from([data]), { format, accountId: 'imports', defaultRegion: 'US', ...options });

  /** Every call of the account with every non-null column, its attempts, and the parent it is linked to. */
  async function importedRows() {
    const rows = await test.db.sql.query<{ j: Record<string, unknown>; attempts: Array<Record<string, unknown>> | null; parent: string | null }>(
      `SELECT to_jsonb(c) - 'id' - 'account_id' - 'created_at' - 'updated_at' - 'payload' - 'parent_id' AS j,
              (SELECT jsonb_agg(to_jsonb(r) - 'id' - 'account_id' - 'call_id' ORDER BY attempt) FROM call_records r WHERE r.call_id = c.id) AS attempts,
              (SELECT p.external_id FROM calls p WHERE p.id = c.parent_id) AS parent
         FROM calls c WHERE account_id = 'imports' ORDER BY id`,
    );
    const present = (object: Record<string, unknown>) => Object.fromEntries(Object.entries(object).filter(([, v]) => v !== null));
    return rows.map((row) => ({
      ...present(row.j),
      ...(row.attempts ? { attempts: row.attempts.map(present) } : {}),
      ...(row.parent ? { linkedParent: row.parent } : {}),
    }));
  }

  const files = Object.keys(FORMATS).flatMap((format) => readdirSync(new URL(`${format}/`, FIXTURES)).map((file) => [format, file] as const));

  it('has a fixture for every vendor, and an expectation for every fixture', () => {
    expect(new Set(files.map(([format]) => format))).toEqual(new Set(Object.keys(FORMATS)));
    expect(files.map(([format, file]) => `${format}/${file}`).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(files)('%s/%s imports field by field as expected, keeping the original', async (format, file) => {
    const data = fixture(`${format}/${file}`);
    const summary = await run(format as FormatName, data);
    const expected = EXPECTED[`${format}/${file}`]!;
    expect(summary).toEqual({ stale: 0, fault: null, hint: null, ...expected.summary, problems: [] });
    expect(comparable(await importedRows())).toEqual(comparable(expected.calls));
    const payloads = await test.db.sql.query<{ payload: unknown }>(`SELECT payload FROM calls WHERE account_id = 'imports' ORDER BY id`);
    for (const { payload } of payloads) expect(typeof payload).toBe('object');
  });

  it.each(files.filter(([format]) => format === 'restcomm'))('%s/%s stores the same rows from Restcomm XML as from its JSON', async (_format, file) => {
    const json = JSON.parse(fixture(`restcomm/${file}`)) as Record<string, unknown>;
    const rows = async () =>
      test.db.sql.query<{ j: Record<string, unknown>; payload: Record<string, unknown> }>(
        `SELECT to_jsonb(c) - 'id' - 'created_at' - 'updated_at' - 'payload' - 'parent_id' AS j, payload FROM calls c WHERE account_id = 'imports' ORDER BY external_id`,
      );
    const fromJson = await run('restcomm', JSON.stringify(json));
    const jsonRows = await rows();
    await test.db.sql.query(`DELETE FROM calls WHERE account_id = 'imports'`);
    const fromXml = await run('restcomm', restcommXml(json));
    const xmlRows = await rows();
    expect(fromXml).toEqual(fromJson);
    expect(xmlRows.length).toBeGreaterThan(0);
    expect(xmlRows.map((row) => row.j)).toEqual(jsonRows.map((row) => row.j));
    // The payload keeps each rendering's own names: the same values under the same names once spelt alike.
    expect(xmlRows.map((row) => spelledAlike(row.payload))).toEqual(jsonRows.map((row) => spelledAlike(row.payload)));
  });

  it('keeps the fields of a CallFire notification’s envelope in the stored payload', async () => {
    await run('callfire', fixture('callfire/05-php-sdk-callfinished-notification-inbound.xml'));
    const [row] = await test.db.sql.query<{ payload: Record<string, unknown> }>(`SELECT payload FROM calls WHERE account_id = 'imports'`);
    expect(row!.payload).toMatchObject({ SubscriptionId: '1234', '@id': '1234', State: 'FINISHED' });
  });

  it('writes every data column the table has', async () => {
    const columns = await test.db.sql.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'calls'
          AND column_name NOT IN ('id', 'account_id', 'parent_id', 'revision', 'created_at', 'updated_at')`,
    );
    expect(columns.map((c) => c.column_name).sort()).toEqual([...CALL_DATA_COLUMNS].sort());
  });

  it('changes nothing when the same file is imported twice', async () => {
    const data = fixture('callfire/04-api11-json-contact-history-multi-attempt.json');
    expect(await run('callfire', data)).toMatchObject({ inserted: 2, updated: 0, unchanged: 0 });
    const before = await test.db.sql.query(`SELECT id, revision, updated_at FROM calls WHERE account_id = 'imports' ORDER BY id`);
    expect(await run('callfire', data)).toMatchObject({ inserted: 0, updated: 0, unchanged: 2, rejected: 0 });
    expect(await test.db.sql.query(`SELECT id, revision, updated_at FROM calls WHERE account_id = 'imports' ORDER BY id`)).toEqual(before);
    const [attempts] = await test.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM call_records WHERE account_id = 'imports'`);
    expect(attempts!.n).toBe(7);
  });

  it('updates a changed record in place, raising its revision and updatedAt', async () => {
    await run('freeclimb', fixture('freeclimb/02-ruby-sdk-list-calls-page.json'));
    const [before] = await test.db.sql.query<{ id: string; updated_at: Date }>(`SELECT id::text, updated_at FROM calls WHERE account_id = 'imports'`);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await run('freeclimb', fixture('freeclimb/derived-05-list-same-call-revision2-completed.json'))).toMatchObject({ inserted: 0, updated: 1 });
    const [after] = await test.db.sql.query<{ id: string; revision: number; status: string; vendor_revision: number; updated_at: Date }>(
      `SELECT id::text, revision, status, vendor_revision, updated_at FROM calls WHERE account_id = 'imports'`,
    );
    expect(after).toMatchObject({ id: before!.id, revision: 2, status: 'COMPLETED', vendor_revision: 2 });
    expect(new Date(after!.updated_at).getTime()).toBeGreaterThan(new Date(before!.updated_at).getTime());
  });

  it('keeps the newer version when an older one comes after it, and counts the older one stale', async () => {
    await run('freeclimb', fixture('freeclimb/derived-05-list-same-call-revision2-completed.json'));
    expect(await run('freeclimb', fixture('freeclimb/02-ruby-sdk-list-calls-page.json'))).toMatchObject({ inserted: 0, updated: 0, unchanged: 0, stale: 1 });
    const [row] = await test.db.sql.query(`SELECT revision, status, vendor_revision FROM calls WHERE account_id = 'imports'`);
    expect(row).toEqual({ revision: 1, status: 'COMPLETED', vendor_revision: 2 });
  });

  it('ends with the same rows whatever order a history of versions is imported in', async () => {
    const freeclimb = (revision: number, status: string) => ({ callId: 'CA-h', revision, status, from: '+12093231234', to: '+12098900611', dateUpdated: 'Thu, 13 Oct 2019 17:51:56 GMT', duration: revision * 10 });
    const restcomm = (minute: number, status: string) => ({ sid: 'CA-h', status, date_updated: `Fri, 18 Oct 2019 17:0${minute}:00 +0000`, duration: String(minute) });
    const callfire = (minute: number, results: string[]) => ({
      '@id': '77',
      State: 'FINISHED',
      FinalResult: results.at(-1),
      Modified: `2024-01-01T10:0${minute}:00Z`,
      CallRecord: results.map((result, i) => ({ '@id': String(100 + i), Result: result, OriginateTime: `2024-01-01T09:0${i}:00Z` })),
    });
    const jambonz = (status: string) => ({ call_sid: 'h', call_status: status, direction: 'inbound' });
    const histories: Array<[FormatName, unknown[]]> = [
      ['freeclimb', [freeclimb(1, 'queued'), freeclimb(2, 'inProgress'), freeclimb(3, 'completed')]],
      ['restcomm', [restcomm(1, 'completed'), restcomm(2, 'ringing'), restcomm(3, 'completed')]],
      ['callfire', [callfire(1, ['BUSY']), callfire(2, ['BUSY', 'NO_ANS']), callfire(3, ['BUSY', 'NO_ANS', 'LA'])]],
      ['jambonz', [jambonz('trying'), jambonz('early-media'), jambonz('in-progress'), jambonz('completed')]],
    ];
    const orders = <T,>(items: T[]): T[][] => (items.length <= 1 ? [items] : items.flatMap((item, i) => orders([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest])));
    const state = async () =>
      test.db.sql.query(
        `SELECT to_jsonb(c) - 'id' - 'revision' - 'created_at' - 'updated_at' AS call,
                (SELECT jsonb_agg(to_jsonb(r) - 'id' - 'call_id' ORDER BY attempt) FROM call_records r WHERE r.call_id = c.id) AS attempts
           FROM calls c WHERE account_id = 'imports' ORDER BY external_id`,
      );
    for (const [format, versions] of histories) {
      await test.db.sql.query(`DELETE FROM calls WHERE account_id = 'imports'`);
      await run(format, JSON.stringify(versions.at(-1)));
      const expected = await state();
      for (const order of orders(versions)) {
        // Each version a file of its own, then all of them in one file (one batch, in rounds).
        await test.db.sql.query(`DELETE FROM calls WHERE account_id = 'imports'`);
        for (const version of order) await run(format, JSON.stringify(version));
        expect(await state(), `${format} ${JSON.stringify(order)}`).toEqual(expected);
        await test.db.sql.query(`DELETE FROM calls WHERE account_id = 'imports'`);
        const summary = await run(format, JSON.stringify(order));
        expect(await state()).toEqual(expected);
        expect(summary.inserted + summary.updated + summary.stale + summary.unchanged).toBe(versions.length);
      }
    }
  });

  it('links a leg to a parent that arrives in a later batch or file', async () => {
    await run('jambonz', fixture('jambonz/06-jambonz-docs-webhook-outbound-child-leg.json'));
    const unlinked = await test.db.sql.query(`SELECT 1 FROM calls WHERE account_id = 'imports' AND parent_id IS NOT NULL`);
    expect(unlinked).toHaveLength(0);
    await run('jambonz', fixture('jambonz/05-jambonz-docs-webhook-inbound-in-progress.json'));
    const [leg] = await test.db.sql.query<{ parent: string }>(
      `SELECT p.external_id AS parent FROM calls c JOIN calls p ON p.id = c.parent_id WHERE c.account_id = 'imports' AND c.external_id = 'ddd6d4b2-ba3f-42fb-9845-8abdac047097'`,
    );
    expect(leg!.parent).toBe('1fe62f7c-ebb9-4b96-b75b-7d04ff2b195d');

    // The same, with a batch boundary between the child and its parent in one file.
    await test.db.sql.query(`DELETE FROM calls WHERE account_id = 'imports'`);
    await run('freeclimb', fixture('freeclimb/derived-04-list-child-before-parent.json'), { batchSize: 1 });
    const [linked] = await test.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM calls WHERE account_id = 'imports' AND parent_id IS NOT NULL`);
    expect(linked!.n).toBe(1);
  });

  it('writes batches at once yet keeps each call’s versions in input order, and links legs across them', async () => {
    const call = (callId: string, status: string, duration: number, parentCallId: string | null = null) =>
      ({ callId, parentCallId, from: '+12093231234', to: '+12098900611', status, duration, startTime: 'Thu, 13 Oct 2019 17:51:56 GMT' });
    // Two batches in flight: A's first version ends the first, its second opens the second, which
    // would overtake it if the two were written at once; B names A as its parent.
    const fillers = (from: number) => Array.from({ length: 199 }, (_, i) => call(`F${from + i}`, 'completed', i));
    const calls = [...fillers(0), call('A', 'queued', 0), call('A', 'completed', 60), call('B', 'completed', 30, 'A'), ...fillers(199)];
    const summary = await importCalls(test.db.sql, Readable.from([JSON.stringify({ calls })]), { format: 'freeclimb', accountId: 'imports', batchSize: 200, lanes: 2 });
    expect(summary).toMatchObject({ inserted: 400, updated: 1, unchanged: 0, rejected: 0 });
    const rows = await test.db.sql.query<{ external_id: string; status: string; duration: number; revision: number; parent: string | null }>(
      `SELECT c.external_id, c.status, c.duration, c.revision, p.external_id AS parent
         FROM calls c LEFT JOIN calls p ON p.id = c.parent_id WHERE c.account_id = 'imports' AND c.external_id IN ('A', 'B') ORDER BY c.external_id`,
    );
    expect(rows).toEqual([
      { external_id: 'A', status: 'COMPLETED', duration: 60, revision: 2, parent: null },
      { external_id: 'B', status: 'COMPLETED', duration: 30, revision: 1, parent: 'A' },
    ]);
  });

  it('moves a leg to the parent a later version names, or to none', async () => {
    const call = (callId: string, parentCallId: string | null = null) =>
      JSON.stringify({ calls: [{ callId, parentCallId, from: '+12093231234', to: '+12098900611', status: 'completed', startTime: 'Thu, 13 Oct 2019 17:51:56 GMT' }] });
    const parentOfLeg = async () =>
      (await test.db.sql.query<{ parent: string | null }>(
        `SELECT p.external_id AS parent FROM calls c LEFT JOIN calls p ON p.id = c.parent_id WHERE c.account_id = 'imports' AND c.external_id = 'L'`,
      ))[0]!.parent;
    await run('freeclimb', call('P'));
    await run('freeclimb', call('Q'));
    await run('freeclimb', call('L', 'P'));
    expect(await parentOfLeg()).toBe('P');
    expect(await run('freeclimb', call('L', 'Q'))).toMatchObject({ updated: 1 });
    expect(await parentOfLeg()).toBe('Q');
    // A parent that has not arrived yet: the leg waits for it rather than keeping Q.
    await run('freeclimb', call('L', 'R'));
    expect(await parentOfLeg()).toBe(null);
    await run('freeclimb', call('R'));
    expect(await parentOfLeg()).toBe('R');
    await run('freeclimb', call('L'));
    expect(await parentOfLeg()).toBe(null);
  });

  it('keeps each record as the vendor wrote it, member order and spacing included', async () => {
    // jsonb would put "to" before "from" and "callId" before "status" (shorter names first).
    const first = `{"status": "completed", "callId": "CA-order-1", "from": "+12093231234",\n "to": "+12098900611", "startTime": "Thu, 13 Oct 2019 17:51:56 GMT", "price": 0.0100}`;
    const second = `{"callId":"CA-order-2","to":"+12098900611","from":"+12093231234","status":"queued","note":"tab\\there"}`;
    const list = `{"calls": [${first}, ${second}]}`;
    expect(await run('freeclimb', list)).toMatchObject({ inserted: 2 });
    const stored = await test.db.sql.query<{ payload: string }>(`SELECT payload::text AS payload FROM calls WHERE account_id = 'imports' ORDER BY external_id`);
    expect(stored.map((row) => row.payload)).toEqual([first, second]);
    // The same file again changes nothing; one call as a document of its own keeps its text too.
    expect(await run('freeclimb', list)).toMatchObject({ inserted: 0, updated: 0, unchanged: 2 });
    const single = `{"callId":"CA-order-3","status":"ringing","from":"+12093231234","to":"+12098900611"}`;
    await run('freeclimb', `\n${single}\n`);
    const [one] = await test.db.sql.query<{ payload: string }>(`SELECT payload::text AS payload FROM calls WHERE account_id = 'imports' AND external_id = 'CA-order-3'`);
    expect(one!.payload).toBe(single);
  });

  it('writes a record longer than a chunk of COPY text whole, between short ones', async () => {
    const short = (id: string) => `{"callId":"${id}","status":"queued"}`;
    const long = `{"callId":"CA-long","status":"completed","note":"${'x'.repeat(100_000)}"}`;
    expect(await run('freeclimb', `{"calls": [${short('CA-short-1')}, ${long}, ${short('CA-short-2')}]}`)).toMatchObject({ inserted: 3, rejected: 0 });
    const stored = await test.db.sql.query<{ external_id: string; payload: string }>(
      `SELECT external_id, payload::text AS payload FROM calls WHERE account_id = 'imports' ORDER BY external_id`,
    );
    expect(stored).toEqual([
      { external_id: 'CA-long', payload: long },
      { external_id: 'CA-short-1', payload: short('CA-short-1') },
      { external_id: 'CA-short-2', payload: short('CA-short-2') },
    ]);
  });

  it('counts a dry run as the real import of the same file, when a call repeats across batches', async () => {
    const call = (callId: string, duration: number) => ({ callId, from: '+12093231234', to: '+12098900611', status: 'completed', duration, startTime: 'Thu, 13 Oct 2019 17:51:56 GMT' });
    const data = JSON.stringify({ calls: [call('A', 10), call('B', 5), call('A', 20), call('B', 5)] });
    const counts = { inserted: 2, updated: 1, unchanged: 1, rejected: 0 };
    expect(await run('freeclimb', data, { dryRun: true, batchSize: 1 })).toMatchObject(counts);
    expect(await test.db.sql.query(`SELECT 1 FROM calls WHERE account_id = 'imports'`)).toHaveLength(0);
    expect(await run('freeclimb', data, { batchSize: 1 })).toMatchObject(counts);
  });

  it('maps CallFire XML attempts, IVR answers and recordings', async () => {
    const xml = `<?xml version="1.0"?><r:ResourceList xmlns="http://api.callfire.com/data" xmlns:r="http://api.callfire.com/resource">
      <Call id="5001"><FromNumber>12132609784</FromNumber><ToNumber context="x">19196991764</ToNumber><State>FINISHED</State>
        <Inbound>false</Inbound><Created>2014-06-16T19:34:29Z</Created><Modified>2014-06-16T19:40:14Z</Modified><FinalResult>LA</FinalResult>
        <Label><Name>renewals</Name></Label>
        <CallRecord id="6002"><Result>LA</Result><OriginateTime>2014-06-16T19:38:00Z</OriginateTime><AnswerTime>2014-06-16T19:38:05Z</AnswerTime>
          <FinishTime>2014-06-16T19:39:00Z</FinishTime><Duration>55</Duration><BilledAmount>1.0</BilledAmount>
          <QuestionResponse><Question>satisfaction</Question><Response>5</Response></QuestionResponse>
          <QuestionResponse><Question>callback</Question><Response>no</Response></QuestionResponse>
          <RecordingMeta id="7003"><Name>call-5001</Name><Created>2014-06-16T19:38:05Z</Created><LengthInSeconds>55</LengthInSeconds></RecordingMeta>
        </CallRecord>
        <CallRecord id="6001"><Result>NO_ANS</Result><OriginateTime>2014-06-16T19:34:29Z</OriginateTime><FinishTime>2014-06-16T19:35:00Z</FinishTime><Duration>0</Duration></CallRecord>
      </Call></r:ResourceList>`;
    expect(await run('callfire', xml)).toMatchObject({ inserted: 1, rejected: 0 });
    const [call] = await test.db.sql.query<Record<string, unknown>>(
      `SELECT label, start_time, answer_time, end_time, duration, status, callfire_final_result FROM calls WHERE account_id = 'imports'`,
    );
    expect(comparable(call)).toEqual({
      label: 'renewals',
      start_time: '2014-06-16T19:34:29.000Z',
      answer_time: '2014-06-16T19:38:05.000Z',
      end_time: '2014-06-16T19:39:00.000Z',
      duration: 55,
      status: 'COMPLETED',
      callfire_final_result: 'LA',
    });
    const attempts = await test.db.sql.query<Record<string, unknown>>(
      `SELECT attempt, external_id, result, question_responses, (SELECT json_agg(json_build_object('id', external_id, 'name', name, 'length', length_seconds))
         FROM recordings r WHERE r.call_record_id = cr.id) AS recordings FROM call_records cr WHERE account_id = 'imports' ORDER BY attempt`,
    );
    expect(attempts).toEqual([
      { attempt: 1, external_id: '6001', result: 'NO_ANS', question_responses: [], recordings: null },
      {
        attempt: 2,
        external_id: '6002',
        result: 'LA',
        question_responses: [{ question: 'satisfaction', response: '5' }, { question: 'callback', response: 'no' }],
        recordings: [{ id: '7003', name: 'call-5001', length: 55 }],
      },
    ]);
  });

  it('rejects bad records with their position and reason, and writes the rest whole', async () => {
    const page = JSON.parse(fixture('restcomm/06-twilio-python-calls-page-child-legs-amd.json'));
    const [good, other] = page.calls;
    const badTime = { ...good, sid: 'CA-bad-time', start_time: 'yesterday afternoon' };
    const noSid = { ...good, sid: null };
    const badCurrency = { ...other, sid: 'CA-bad-currency', price_unit: 'DOLLARS' };
    const nul = { ...other, sid: 'CA-nul', caller_name: 'a\u0000b' };
    const summary = await run('restcomm', JSON.stringify({ calls: [good, badTime, noSid, badCurrency, other, nul] }));
    expect(summary).toEqual({
      inserted: 2,
      updated: 0,
      unchanged: 0,
      stale: 0,
      fault: null,
      hint: null,
      rejected: 4,
      problems: [
        { position: 2, externalId: 'CA-bad-time', message: 'start_time is not a time cdrql can read: "yesterday afternoon"' },
        { position: 3, externalId: null, message: 'sid is missing' },
        { position: 4, externalId: 'CA-bad-currency', message: 'price_unit is not an ISO 4217 currency code such as USD: "DOLLARS"' },
        // PostgreSQL's own message is not quoted: it is not written for the sender of the record.
        { position: 6, externalId: 'CA-nul', message: expect.stringMatching(/^the database refused it: it holds a NUL character|^the database refused it: it holds text that is not valid UTF-8/) },
      ],
    });
    const stored = await test.db.sql.query<{ external_id: string }>(`SELECT external_id FROM calls WHERE account_id = 'imports' ORDER BY external_id`);
    expect(stored.map((s) => s.external_id)).toEqual([good.sid, other.sid].sort());
  });

  it('counts exactly in a dry run and keeps nothing', async () => {
    const data = fixture('jambonz/seed-list-calls.json');
    expect(await run('jambonz', data, { dryRun: true })).toMatchObject({ inserted: 4, updated: 0, unchanged: 0 });
    expect(await test.db.sql.query(`SELECT 1 FROM calls WHERE account_id = 'imports'`)).toHaveLength(0);
    await run('jambonz', data);
    expect(await run('jambonz', data, { dryRun: true })).toMatchObject({ inserted: 0, unchanged: 4 });
  });

  it('analyzes calls once an import has grown it past its statistics, and not before', async () => {
    const counts = async () =>
      (await test.db.sql.query<{ estimated: number; rows: number }>(`SELECT reltuples::float8 AS estimated, (SELECT count(*)::float8 FROM calls) AS rows FROM pg_class WHERE oid = 'calls'::regclass`))[0]!;
    const keeper = await statisticsKeeper(test.db.sql);
    await test.db.sql.query(`INSERT INTO calls (account_id, source, external_id, status, payload) SELECT 'imports', 'NATIVE', 'bulk-' || n, 'COMPLETED', '{}' FROM generate_series(1, 500) n`);
    const before = await counts();
    expect(before.estimated).toBeLessThan(before.rows);
    keeper.inserted(9_999);
    await keeper.settled();
    expect((await counts()).estimated).toBe(before.estimated);
    keeper.inserted(10_000);
    await keeper.settled();
    expect((await counts()).estimated).toBe(before.rows);
  });

  it('writes and links every record read before the input broke, then reports where it broke', async () => {
    const call = (callId: string, parentCallId: string | null = null) =>
      JSON.stringify({ callId, parentCallId, from: '+12093231234', to: '+12098900611', status: 'completed', startTime: 'Thu, 13 Oct 2019 17:51:56 GMT' });
    // Seven whole records, batches of two (the last leg names the first call), then a cut.
    const text = `{"calls": [\n${['P', 'A', 'B', 'C', 'D', 'E'].map((id) => call(id)).join(',\n')},\n${call('L', 'P')},\n{"callId": "cut`;
    for (const chunks of [[text], text.match(/[^]{1,50}/g)!]) {
      await test.db.sql.query(`DELETE FROM calls WHERE account_id = 'imports'`);
      const summary = await importCalls(test.db.sql, Readable.from(chunks), { format: 'freeclimb', accountId: 'imports', batchSize: 2, lanes: 2 });
      expect(summary).toMatchObject({ inserted: 7, rejected: 0 });
      expect(summary.fault).toBe('the input is not valid JSON after record 7: the document ends early (line 9, column 16)');
      const rows = await test.db.sql.query<{ external_id: string; parent: string | null }>(
        `SELECT c.external_id, p.external_id AS parent FROM calls c LEFT JOIN calls p ON p.id = c.parent_id
          WHERE c.account_id = 'imports' ORDER BY c.external_id`,
      );
      expect(rows).toEqual(['A', 'B', 'C', 'D', 'E', 'L', 'P'].map((id) => ({ external_id: id, parent: id === 'L' ? 'P' : null })));
    }
  });

  it('reports an input that is not JSON with where it broke', async () => {
    expect((await run('pbx', '{"calls": [{"call_uuid": "x", "result": "busy"}, {"call_uuid": ')).fault).toMatch(/^the input is not valid JSON after record 1: the document ends early \(line 1, column 64\)$/);
    expect((await run('pbx', '<calls/>')).fault).toBe('pbx input is JSON; this looks like XML');
    expect((await run('pbx', '\uFEFF{"calls": [{"call_uuid": "bom", "result": "busy"}]}'))).toMatchObject({ inserted: 1, fault: null });
  });

  it('rejects a record over the size limit with its place, and writes the others', async () => {
    const big = JSON.stringify({ call_uuid: 'big', result: 'busy', note: 'x'.repeat(5000) });
    const summary = await importCalls(test.db.sql, Readable.from([`{"calls": [{"call_uuid": "a", "result": "busy"},\n${big}, {"call_uuid": "b", "result": "busy"}]}`]), {
      format: 'pbx',
      accountId: 'imports',
      maxRecordCharacters: 2000,
    });
    expect(summary).toMatchObject({ inserted: 2, rejected: 1, fault: null });
    expect(summary.problems).toEqual([{ position: 2, externalId: null, message: `the record is ${big.length} characters long, over the limit of 2000 (line 2, column 1)` }]);
  });

  it('says which format the records look like when every one lacks the id field', async () => {
    const summary = await run('restcomm', fixture('freeclimb/02-ruby-sdk-list-calls-page.json'));
    expect(summary).toMatchObject({ inserted: 0, rejected: 1, hint: "every record lacks restcomm's sid: they look like freeclimb records (--format freeclimb)" });
    expect((await run('pbx', JSON.stringify([{ nothing: 1 }]))).hint).toBe("every record lacks pbx's call_uuid: they do not look like pbx records");
    expect((await run('pbx', JSON.stringify([{ nothing: 1 }, { call_uuid: 'u', result: 'busy' }]))).hint).toBe(null);
  });

  it('writes the audit event in the transaction of the import’s last write', async () => {
    // Each transaction numbered, each statement with the number of its transaction (0: none).
    const log: Array<[number, string]> = [];
    let transactions = 0;
    const logged = (executor: SqlExecutor, tx: number): SqlExecutor => ({
      query: (text, params) => (log.push([tx, text]), executor.query(text, params)),
      exec: (script) => (log.push([tx, script]), executor.exec(script)),
      copyFrom: (target, chunks) => (log.push([tx, `COPY ${target}`]), executor.copyFrom(target, chunks)),
    });
    const sql: SqlDriver = {
      ...test.db.sql,
      ...logged(test.db.sql, 0),
      transaction: (work) => {
        const n = ++transactions;
        return test.db.sql.transaction((tx) => work(logged(tx, n)));
      },
    };
    const calls = Array.from({ length: 7 }, (_, i) => ({ call_uuid: `audit-${i}`, result: 'busy' }));
    const summary = await importCalls(sql, Readable.from([JSON.stringify({ calls })]), { format: 'pbx', accountId: 'imports', batchSize: 3, actor: 'cli' });
    expect(summary).toMatchObject({ inserted: 7 });
    const audit = log.find(([, text]) => text.includes('INSERT INTO audit_events'));
    const writes = log.filter(([, text]) => /^COPY calls|INSERT INTO calls|UPDATE calls/.test(text.trim()));
    expect(audit?.[0]).toBe(writes.at(-1)![0]);
    expect(audit?.[0]).toBe(transactions);
    const [event] = await test.db.sql.query(`SELECT actor, api_key_id, details FROM audit_events WHERE action = 'calls.import' AND account_id = 'imports'`);
    expect(event).toEqual({ actor: 'cli', api_key_id: null, details: { format: 'pbx', inserted: 7, updated: 0, unchanged: 0, stale: 0, rejected: 0 } });
  });
});

describe('GraphQL ingest', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await createTestApp({ seed: { calls: 2 } });
  });
  afterAll(() => test.drop());

  it('imports a vendor document and audits it with the key', async () => {
    const mutation = `mutation($data: String!, $dry: Boolean) { importCalls(format: JAMBONZ, data: $data, dryRun: $dry) { inserted updated unchanged rejected dryRun problems { position message } } }`;
    const data = fixture('jambonz/seed-list-calls.json');
    expect((await test.gql(mutation, { data, dry: true })).data!.importCalls).toMatchObject({ inserted: 4, dryRun: true });
    expect((await test.gql(mutation, { data })).data!.importCalls).toEqual({ inserted: 4, updated: 0, unchanged: 0, rejected: 0, dryRun: false, problems: [] });
    expect((await test.gql(mutation, { data })).data!.importCalls).toMatchObject({ inserted: 0, unchanged: 4 });
    const found = await test.gql(`{ callByExternalId(source: JAMBONZ, externalId: "a4941f23-66b8-4b52-b495-94192adee7ec") { fromNumber status duration } }`);
    expect(found.data!.callByExternalId).toEqual({ fromNumber: '+84899199628', status: 'COMPLETED', duration: 5 });
    const audit = await test.db.sql.query<{ api_key_id: string; details: Record<string, unknown> }>(`SELECT api_key_id, details FROM audit_events WHERE action = 'calls.import'`);
    expect(audit).toEqual([{ api_key_id: test.key.split('_')[1], details: { format: 'jambonz', inserted: 4, updated: 0, unchanged: 0, stale: 0, rejected: 0 } }]);
  });

  it('takes native CallInputs with the same summary and per-record problems', async () => {
    const mutation = `mutation($calls: [CallInput!]!) { upsertCalls(calls: $calls) { inserted updated unchanged rejected problems { position externalId message } } }`;
    const calls = [
      { externalId: 'n-1', from: '+1 (415) 555-0100', to: 'alice', startTime: '2026-10-01T10:00:00Z', endTime: '2026-10-01T10:01:30Z', status: 'COMPLETED', price: { amount: '0.012', currency: 'usd' } },
      { externalId: 'n-2', parentExternalId: 'n-1', status: 'BUSY', duration: 0 },
      { externalId: 'n-3', status: 'FAILED', price: { amount: '123456789.5' } },
    ];
    const first = await test.gql(mutation, { calls });
    expect(first.errors?.[0]?.message).toContain('Decimal must be a number');
    const ok = await test.gql(mutation, { calls: calls.slice(0, 2) });
    expect(ok.data!.upsertCalls).toEqual({ inserted: 2, updated: 0, unchanged: 0, rejected: 0, problems: [] });
    const call = await test.gql(`{ callByExternalId(source: NATIVE, externalId: "n-1") { fromNumber toAddress toNumber duration price { amount currency } legs { nodes { externalId } } } }`);
    expect(call.data!.callByExternalId).toEqual({
      fromNumber: '+14155550100',
      toAddress: 'alice',
      toNumber: null,
      duration: 90,
      price: { amount: '0.012000', currency: 'USD' },
      legs: { nodes: [{ externalId: 'n-2' }] },
    });
    expect((await test.gql(mutation, { calls: calls.slice(0, 2) })).data!.upsertCalls).toMatchObject({ unchanged: 2 });
  });

  it('refuses documents over the batch bound and readers without the WRITE scope', async () => {
    const many = JSON.stringify(Array.from({ length: 1001 }, (_, i) => ({ call_sid: `s-${i}`, call_status: 'completed' })));
    const big = await test.gql(`mutation($data: String!) { importCalls(format: JAMBONZ, data: $data) { inserted } }`, { data: many });
    expect(big.errors?.[0]).toMatchObject({ message: 'data: at most 1000 records per request', extensions: { code: 'BAD_USER_INPUT' } });
    const [count] = await test.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM calls WHERE external_id LIKE 's-%'`);
    expect(count!.n).toBe(0);
    const bad = await test.gql(`mutation($data: String!) { importCalls(format: PBX, data: $data) { inserted } }`, { data: '{"calls": [{"call_uuid": ' });
    expect(bad.errors?.[0]?.message).toMatch(/^data: the input is not valid JSON/);
    const { key: reader } = await createApiKey(test.db.prisma, { accountId: 'acme', name: 'reader', scopes: ['READ'] }, 'cli');
    const denied = await (await test.post({ query: 'mutation { upsertCalls(calls: [{ externalId: "x", status: BUSY }]) { inserted } }' }, { authorization: `Bearer ${reader}` })).json();
    expect(denied.errors[0].extensions.code).toBe('FORBIDDEN');
  });
});

describe('npm run import', { timeout: PROCESS_TEST_TIMEOUT }, () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cdrql-import-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('streams a large file, summarises, and is idempotent; rejections give a non-zero exit', async () => {
    const env = { PGLITE_DIR: join(dir, 'db') };
    const file = join(dir, 'pbx.json');
    const calls = Array.from({ length: 5000 }, (_, i) => ({
      call_uuid: `uuid-${i}`,
      flow: i % 2 ? 'in' : 'out',
      from_username: `1415555${String(i).padStart(4, '0')}`,
      to_username: '101',
      init_time_gmt: '2024-03-05 14:01:55',
      hangup_time_gmt: '2024-03-05 14:05:30.76',
      duration: 215,
      result: i === 4321 ? 'teleported' : 'answered',
      hangup_disposition: i === 17 ? 'nonsense' : 'callee_bye',
    }));
    writeFileSync(file, JSON.stringify({ calls, page: 1, per_page: 5000, order: 'asc' }));

    const first = runCli('import', ['--format', 'pbx', '--account', 'tenant', '--create-account', file], env);
    expect(await first.exited).toBe(0);
    expect(first.output()).toContain('inserted 5000, updated 0, unchanged 0, stale 0, rejected 0');
    const again = runCli('import', ['--format', 'pbx', '--account', 'tenant', file], env);
    expect(await again.exited).toBe(0);
    expect(again.output()).toContain('inserted 0, updated 0, unchanged 5000, stale 0, rejected 0');

    writeFileSync(file, JSON.stringify({ calls: [{ call_uuid: 'late', result: 'busy', init_time_gmt: 'teatime' }, calls[0]] }));
    const dry = runCli('import', ['--format', 'pbx', '--account', 'tenant', '--dry-run', file], env);
    expect(await dry.exited).toBe(1);
    expect(dry.output()).toContain('inserted 0, updated 0, unchanged 1, stale 0, rejected 1 (dry run: nothing was written)');
    expect(dry.output()).toContain('rejected record 1 (late): init_time_gmt is not a time cdrql can read: "teatime"');

    // A file cut inside its last record: every whole record is written, the summary is printed, then the fault.
    writeFileSync(file, JSON.stringify({ calls: calls.slice(0, 7) }).slice(0, -30));
    const cut = runCli('import', ['--format', 'pbx', '--account', 'cut', '--create-account', '--batch-size', '3', file], env);
    expect(await cut.exited).toBe(1);
    expect(cut.output()).toMatch(/inserted 6, updated 0, unchanged 0, stale 0, rejected 0\nerror: .*pbx\.json: the input is not valid JSON after record 6: the document ends early \(line 1, column \d+\); the records before it are counted above/);

    const usage = runCli('import', ['--format', 'fax', '--account', 'tenant', file], env);
    expect(await usage.exited).toBe(1);
    expect(usage.output()).toContain('error: --format must be one of freeclimb, restcomm, pbx, callfire, jambonz');
    const missing = runCli('import', ['--format', 'pbx', '--account', 'nobody', file], env);
    expect(await missing.exited).toBe(1);
    expect(missing.output()).toContain('error: There is no account "nobody"; add --create-account to create it.');
  });
});
