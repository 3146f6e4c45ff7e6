import { ApiError, execute, type Connection } from './client';
import { drawBreakdown, drawSeries } from './charts';
import { CallDetailQuery, CallsPageQuery, ChartsQuery } from './documents';
import type { CallDirection, CallFilter, CallStatus, CallsPageQuery as CallsPage } from './gql/graphql';

const PAGE_SIZE = 10;
const DAY_MS = 86_400_000;
/** The values the filters offer, typed by the schema's enums: one renamed there fails the type check here. */
const STATUSES: CallStatus[] = ['COMPLETED', 'BUSY', 'NO_ANSWER', 'FAILED', 'CANCELED', 'IN_PROGRESS'];
const DIRECTIONS: CallDirection[] = ['INBOUND', 'OUTBOUND', 'OUTBOUND_API', 'OUTBOUND_DIAL'];

const element = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const input = (id: string) => element<HTMLInputElement>(id);
const select = (id: string) => element<HTMLSelectElement>(id);

let connection: Connection | undefined;
let filter: CallFilter = {};
let page: CallsPage['calls'] | undefined;

function showStatus(message: string, failed = false): void {
  const status = element('status');
  status.textContent = message;
  status.className = failed ? 'failed' : '';
}

function fill(list: HTMLElement, items: string[]): void {
  list.replaceChildren(...items.map((text) => Object.assign(document.createElement('li'), { textContent: text })));
  if (items.length === 0) list.replaceChildren(Object.assign(document.createElement('li'), { textContent: 'none', className: 'none' }));
}

/** The filter the form describes: time window, status, direction, and a number prefix on either party. */
function filterFromForm(): CallFilter {
  const next: CallFilter = {};
  const from = input('from').value;
  const to = input('to').value;
  if (from || to) next.startTime = { ...(from ? { gte: new Date(`${from}Z`).toISOString() } : {}), ...(to ? { lt: new Date(`${to}Z`).toISOString() } : {}) };
  const status = select('status-filter').value as CallStatus | '';
  if (status) next.status = { in: [status] };
  const direction = select('direction').value as CallDirection | '';
  if (direction) next.direction = { in: [direction] };
  const prefix = input('prefix').value.trim();
  if (prefix) next.OR = [{ fromNumber: { startsWith: prefix } }, { toNumber: { startsWith: prefix } }];
  return next;
}

async function loadPage(direction: 'first' | 'next' | 'previous'): Promise<void> {
  if (!connection) return;
  const variables =
    direction === 'next' && page
      ? { first: PAGE_SIZE, after: page.pageInfo.endCursor, filter }
      : direction === 'previous' && page
        ? { last: PAGE_SIZE, before: page.pageInfo.startCursor, filter }
        : { first: PAGE_SIZE, filter };
  const { calls } = await execute(connection, CallsPageQuery, variables);
  page = calls;
  element('total').textContent = `(${calls.totalCount})`;
  element('calls').replaceChildren(
    ...calls.nodes.map((call) => {
      const row = document.createElement('tr');
      row.dataset.id = call.id;
      for (const value of [call.startTime?.replace('T', ' ').slice(0, 19) ?? '', call.fromAddress ?? '', call.toAddress ?? '', call.status, call.direction ?? '', String(call.duration ?? ''), call.source]) {
        row.append(Object.assign(document.createElement('td'), { textContent: value }));
      }
      row.addEventListener('click', () => void guarded(() => openCall(call.id)));
      return row;
    }),
  );
  element<HTMLButtonElement>('prev').disabled = !calls.pageInfo.hasPreviousPage;
  element<HTMLButtonElement>('next').disabled = !calls.pageInfo.hasNextPage;
  element('page-info').textContent = `${calls.nodes.length} of ${calls.totalCount}`;
}

async function openCall(id: string): Promise<void> {
  if (!connection) return;
  const { call } = await execute(connection, CallDetailQuery, { id });
  if (!call) return showStatus('that call is not visible to this key', true);
  element('detail').hidden = false;
  element('detail-title').textContent = `${call.source} ${call.externalId}`;
  const fields: Array<[string, string]> = [
    ['status', call.status],
    ['direction', call.direction ?? ''],
    ['from', call.fromAddress ?? ''],
    ['to', call.toAddress ?? ''],
    ['started', call.startTime ?? ''],
    ['answered', call.answerTime ?? ''],
    ['ended', call.endTime ?? ''],
    ['seconds', String(call.duration ?? '')],
    ['price', call.price ? `${call.price.amount} ${call.price.currency ?? ''}` : ''],
  ];
  element('detail-fields').replaceChildren(
    ...fields.flatMap(([name, value]) => [Object.assign(document.createElement('dt'), { textContent: name }), Object.assign(document.createElement('dd'), { textContent: value })]),
  );
  fill(element('legs'), call.legs.nodes.map((leg) => `${leg.externalId}: ${leg.status} to ${leg.toAddress ?? '?'}, ${leg.duration ?? 0} s`));
  fill(element('attempts'), call.records.map((record) => `#${record.attempt} ${record.result ?? ''} at ${record.originateTime ?? '?'}, ${record.duration ?? 0} s`));
  fill(element('recordings'), call.recordings.nodes.map((recording) => `${recording.name ?? recording.id} (${recording.lengthSeconds ?? '?'} s) ${recording.url ?? ''}`));
}

/** The 30 days up to the window's end, or else up to the newest start in view (calls not started yet list first). */
async function loadCharts(): Promise<void> {
  if (!connection) return;
  const newest = page?.nodes.find((call) => call.startTime)?.startTime;
  const end = filter.startTime?.lt ? new Date(filter.startTime.lt) : newest ? new Date(Date.parse(newest) + DAY_MS) : new Date();
  const endDay = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth(), end.getUTCDate()) + DAY_MS);
  const from = new Date(endDay.getTime() - 30 * DAY_MS);
  const { startTime: _window, ...rest } = filter;
  const data = await execute(connection, ChartsQuery, { from: from.toISOString(), to: endDay.toISOString(), filter: rest });
  element('series-end').textContent = endDay.toISOString().slice(0, 10);
  drawSeries(element('series-chart'), data.callSeries);
  drawBreakdown(element('breakdown'), data.callBreakdown.rows);
}

async function guarded(work: () => Promise<void>): Promise<void> {
  try {
    showStatus('loading…');
    await work();
    showStatus('');
  } catch (error) {
    showStatus(error instanceof ApiError ? `${error.code ?? 'error'}: ${error.message}` : String(error), true);
  }
}

function start(): void {
  for (const [id, values] of [['status-filter', STATUSES], ['direction', DIRECTIONS]] as const) {
    select(id).append(...values.map((value) => Object.assign(document.createElement('option'), { value, textContent: value })));
  }
  input('api-url').value = new URLSearchParams(location.search).get('api') ?? 'http://localhost:4000';
  input('api-key').value = sessionStorage.getItem('cdrql-key') ?? '';
  element('key-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const candidate = { url: input('api-url').value, key: input('api-key').value.trim() };
    void guarded(async () => {
      connection = candidate;
      try {
        await loadPage('first');
      } catch (error) {
        connection = undefined;
        throw error;
      }
      sessionStorage.setItem('cdrql-key', candidate.key);
      element('dashboard').hidden = false;
      await loadCharts();
    });
  });
  element('filters').addEventListener('submit', (event) => {
    event.preventDefault();
    filter = filterFromForm();
    void guarded(async () => {
      await loadPage('first');
      await loadCharts();
    });
  });
  element('next').addEventListener('click', () => void guarded(() => loadPage('next')));
  element('prev').addEventListener('click', () => void guarded(() => loadPage('previous')));
}

start();
