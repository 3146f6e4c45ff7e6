/**
 * The benchmark's workloads, W1 to W4 (bench/workloads/*.graphql), with variables chosen from the
 * benchmark database so that every run of every tool asks the same questions of the same data.
 *
 *   import { loadWorkloads } from './workloads.js';
 *   const workloads = await loadWorkloads(db.sql, 'acme'); // any { query(text, params) => rows }
 *   for (const w of workloads) post({ query: w.query, operationName: w.operationName, variables: w.variables });
 *
 * `loadWorkloads(sql, account)` returns, in this order:
 * - `W1 dashboard list`: the account's completed inbound calls of the last 7 whole UTC days that
 *   have such calls, newest first, first 50 (with totalCount);
 * - `W2 first page`: the first 50, newest first and with no cursor, of the account's calls that
 *   started before the call of W2's deep cursor: the deep page's 50 calls, so that the two
 *   pages differ by depth alone (pages of different calls differ by what the calls hold: legs,
 *   parents, attempts);
 * - `W2 deep page`: the account's calls that started before the day after its last call, newest
 *   first, 50 after a cursor at least 20,000 rows deep (computed with SQL, as bench/pages.ts
 *   does) on a call whose start time the next call does not share;
 * - `W3 dashboard statistics`: the 30 local days in America/New_York that end at the local midnight
 *   after the account's last call, as a daily series and a top-10 DID breakdown;
 * - `W4 node lookups`: 50 of the account's calls that have legs, by global id.
 * Names start with W1 … W4 (and W2's with "W2 first" / "W2 deep"): the runner selects by prefix.
 */
import { readFileSync } from 'node:fs';
import { identifier, isoTime, sql as typed } from '../src/db/sql.js';
import { cursorSql } from '../src/graphql/read/cursor.js';

export type OperationName = 'DashboardList' | 'DeepPage' | 'DashboardStatistics' | 'NodeLookups' | 'NextPage';

export interface Workload {
  name: string;
  operationName: OperationName;
  /** The text of the workload's .graphql file. */
  query: string;
  variables: Record<string, unknown>;
}

/** Anything that runs one SQL statement and returns its rows: cdrql's `db.sql`, or a wrapped pg client. */
export interface SqlRunner {
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
}

/** The cursor cdrql gives the call `id` in the calls list newest first, written by the API's own cursor SQL. */
export async function callsCursor(runner: SqlRunner, id: string): Promise<string> {
  const c = identifier('c');
  const statement = typed`SELECT ${cursorSql('calls', 'START_TIME_DESC', isoTime(typed`${c}.start_time`), typed`${c}.id`)} AS cursor FROM calls ${c} WHERE ${c}.id = ${id}::bigint`;
  const [row] = await runner.query<{ cursor: string }>(statement.text, statement.values);
  return row!.cursor;
}

const documentOf = (file: string) => readFileSync(new URL(`./workloads/${file}`, import.meta.url), 'utf8');

export const DOCUMENTS: Record<OperationName, string> = {
  DashboardList: documentOf('w1-dashboard-list.graphql'),
  DeepPage: documentOf('w2-deep-page.graphql'),
  DashboardStatistics: documentOf('w3-dashboard-statistics.graphql'),
  NodeLookups: documentOf('w4-node-lookups.graphql'),
  NextPage: documentOf('w5-next-page.graphql'),
};

export const PAGE_SIZE = 50;
export const DEEP_PAGE_DEPTH = 20_000;
export const STATISTICS_DAYS = 30;
export const STATISTICS_TIME_ZONE = 'America/New_York';
export const NODE_LOOKUPS = 50;

/** How cdrql renders an instant (src/db/read/sql.ts isoTime), so cursors computed here match its own. */
const ISO = (column: string) => `to_char((${column}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** The 7 whole UTC days before the day of the account's last completed inbound call. */
const W1_WINDOW = `
  SELECT ${ISO("day - interval '7 days'")} AS "from", ${ISO('day')} AS "to"
    FROM (SELECT date_trunc('day', max(start_time)) AS day FROM calls
           WHERE account_id = $1 AND status = 'COMPLETED' AND direction = 'INBOUND') last`;

/** The last row of W1's first page: W5 pages on after it. */
const W1_PAGE_END = `
  SELECT id::text AS id FROM calls
   WHERE account_id = $1 AND status = 'COMPLETED' AND direction = 'INBOUND' AND start_time >= $2::timestamptz AND start_time < $3::timestamptz
   ORDER BY start_time DESC, id DESC OFFSET $4 - 1 LIMIT 1`;

/**
 * The end of W2's list (the day after the account's last call), and its first row at least
 * DEEP_PAGE_DEPTH deep, newest first, whose start time the next row does not share: the rows
 * after it are then exactly those that started before it.
 */
const W2_DEEP_ROW = `
  WITH u AS (SELECT date_trunc('day', max(start_time)) + interval '1 day' AS until FROM calls WHERE account_id = $1),
  listed AS (
    SELECT c.id, c.start_time, lead(c.start_time) OVER (ORDER BY c.start_time DESC, c.id DESC) AS next_start, u.until
      FROM calls c, u WHERE c.account_id = $1 AND c.start_time < u.until
     ORDER BY c.start_time DESC, c.id DESC OFFSET $2)
  SELECT id::text AS id, ${ISO('start_time')} AS start, ${ISO('until')} AS until
    FROM listed WHERE next_start < start_time LIMIT 1`;

/** Local midnights in the time zone: after the last call's day, and STATISTICS_DAYS local days before it. */
const W3_WINDOW = `
  SELECT ${ISO('(local_end - make_interval(days => $3::int)) AT TIME ZONE $2::text')} AS "from", ${ISO('local_end AT TIME ZONE $2::text')} AS "to"
    FROM (SELECT date_trunc('day', max(start_time) AT TIME ZONE $2::text) + interval '1 day' AS local_end FROM calls WHERE account_id = $1) last`;

/** Calls of the account that have legs, spread over the data by a hash rather than the newest few. */
const W4_CALLS = `
  SELECT p.id::text AS id FROM calls p
   WHERE p.account_id = $1 AND EXISTS (SELECT 1 FROM calls l WHERE l.parent_id = p.id AND l.account_id = $1)
   ORDER BY md5(p.id::text) LIMIT $2`;

export const callGlobalId = (id: string) => Buffer.from(`Call:${id}`).toString('base64');

/** The five workload requests for `account` on the database `sql` reads. */
export async function loadWorkloads(sql: SqlRunner, account: string): Promise<Workload[]> {
  const [w1] = await sql.query<{ from: string | null; to: string | null }>(W1_WINDOW, [account]);
  if (!w1?.from || !w1.to) throw new Error(`Account "${account}" has no completed inbound calls to list.`);

  const [w1End] = await sql.query<{ id: string }>(W1_PAGE_END, [account, w1.from, w1.to, PAGE_SIZE]);
  if (!w1End) throw new Error(`Account "${account}" has fewer than ${PAGE_SIZE} completed inbound calls in W1's window.`);

  const [deep] = await sql.query<{ id: string; start: string; until: string }>(W2_DEEP_ROW, [account, DEEP_PAGE_DEPTH]);
  if (!deep) throw new Error(`Account "${account}" has fewer than ${DEEP_PAGE_DEPTH + 1} calls.`);

  const [w3] = await sql.query<{ from: string | null; to: string | null }>(W3_WINDOW, [account, STATISTICS_TIME_ZONE, STATISTICS_DAYS]);
  if (!w3?.from || !w3.to) throw new Error(`Account "${account}" has no calls.`);

  const parents = await sql.query<{ id: string }>(W4_CALLS, [account, NODE_LOOKUPS]);
  if (parents.length < NODE_LOOKUPS) throw new Error(`Account "${account}" has fewer than ${NODE_LOOKUPS} calls with legs.`);

  return [
    { name: 'W1 dashboard list', operationName: 'DashboardList', query: DOCUMENTS.DashboardList, variables: { from: w1.from, to: w1.to, first: PAGE_SIZE } },
    { name: 'W2 first page', operationName: 'DeepPage', query: DOCUMENTS.DeepPage, variables: { after: null, first: PAGE_SIZE, until: deep.start } },
    {
      name: 'W2 deep page',
      operationName: 'DeepPage',
      query: DOCUMENTS.DeepPage,
      variables: { after: await callsCursor(sql, deep.id), first: PAGE_SIZE, until: deep.until },
    },
    {
      name: 'W3 dashboard statistics',
      operationName: 'DashboardStatistics',
      query: DOCUMENTS.DashboardStatistics,
      variables: { from: w3.from, to: w3.to, timeZone: STATISTICS_TIME_ZONE },
    },
    { name: 'W4 node lookups', operationName: 'NodeLookups', query: DOCUMENTS.NodeLookups, variables: { ids: parents.map((row) => callGlobalId(row.id)) } },
    {
      name: 'W5 next page',
      operationName: 'NextPage',
      query: DOCUMENTS.NextPage,
      variables: { from: w1.from, to: w1.to, first: PAGE_SIZE, after: await callsCursor(sql, w1End.id) },
    },
  ];
}
