import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type Listening } from '../src/server/http.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { PROCESS_TEST_TIMEOUT } from './helpers/process.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(ROOT, 'examples/dashboard/dist');
const ARTIFACTS = join(ROOT, '.ci/artifacts/dashboard');
const CHROMIUM = '/usr/bin/chromium';

const missing = !existsSync(CHROMIUM)
  ? `${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`
  : !existsSync(join(DIST, 'index.html'))
    ? 'the example is not built: npm --prefix examples/dashboard ci && npm --prefix examples/dashboard run build (.ci/run does)'
    : undefined;
if (missing) process.stderr.write(`dashboard browser test skipped: ${missing}\n`);

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };

/** The built example on a port of its own: another origin than cdrql's, as a deployed dashboard is. */
function serveStatic(): Promise<Server> {
  const server = createServer((request, response) => {
    const path = normalize(new URL(request.url ?? '/', 'http://static').pathname).replace(/^(\.\.[/\\])+/, '');
    const file = join(DIST, path === '/' ? 'index.html' : path);
    if (!file.startsWith(DIST) || !existsSync(file)) return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('the dashboard example in Chromium', { timeout: PROCESS_TEST_TIMEOUT }, () => {
  let test: TestApp;
  let api: Listening;
  let site: Server;
  let browser: Browser;
  let page: Page;
  let step = 0;
  const shot = async (name: string) => {
    step += 1;
    await page.screenshot({ path: join(ARTIFACTS, `${String(step).padStart(2, '0')}-${name}.png`), fullPage: true });
  };
  const rowIds = () => page.$$eval('#calls tr', (rows) => rows.map((row) => (row as HTMLElement).dataset.id));
  /** Ids of the calls the API lists for a filter, as the oracle of what the page shows. */
  const idsByApi = async (filter: unknown, count: number) =>
    ((await test.gql('query($f: CallFilter, $n: Int) { calls(first: $n, filter: $f) { totalCount nodes { id } } }', { f: filter, n: count })).data!.calls) as {
      totalCount: number;
      nodes: Array<{ id: string }>;
    };

  beforeAll(async () => {
    if (missing) return;
    mkdirSync(ARTIFACTS, { recursive: true });
    test = await createTestApp();
    api = await listen(test.app, { port: 0, host: '127.0.0.1', shutdownTimeoutMs: 1000 });
    site = await serveStatic();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  });
  afterAll(async () => {
    if (missing) return;
    await browser?.close();
    await new Promise((resolve) => site?.close(resolve));
    await api?.close();
    await test?.drop();
  });

  it.skipIf(missing !== undefined)(`takes a key, filters, pages both ways, opens a call's legs and draws the charts${missing ? ` (skipped: ${missing})` : ''}`, async () => {
    const { port } = site.address() as AddressInfo;
    await page.goto(`http://127.0.0.1:${port}/?api=${encodeURIComponent(api.url.replace('localhost', '127.0.0.1'))}`);
    await shot('key-entry');

    // A wrong key is refused with the API's message; the right one opens the dashboard.
    await page.fill('#api-key', 'cdrql_wrong_key');
    await page.click('#connect');
    await page.waitForSelector('#status.failed');
    expect(await page.textContent('#status')).toContain('UNAUTHENTICATED');
    await page.fill('#api-key', test.key);
    await page.click('#connect');
    await page.waitForSelector('#calls tr');
    const all = await idsByApi({}, 10);
    expect(await rowIds()).toEqual(all.nodes.map((node) => node.id));
    expect(await page.textContent('#total')).toBe(`(${all.totalCount})`);
    await shot('calls');

    // A filter: completed calls only.
    const completed = await idsByApi({ status: { in: ['COMPLETED'] } }, 20);
    await page.selectOption('#status-filter', 'COMPLETED');
    await page.click('#apply');
    await page.waitForFunction((total) => document.querySelector('#total')?.textContent === `(${total})`, completed.totalCount);
    expect(await rowIds()).toEqual(completed.nodes.slice(0, 10).map((node) => node.id));
    expect(new Set(await page.$$eval('#calls tr td:nth-child(4)', (cells) => cells.map((cell) => cell.textContent)))).toEqual(new Set(['COMPLETED']));
    await shot('filtered');

    // Next page, then back.
    await page.click('#next');
    await page.waitForFunction((first) => (document.querySelector('#calls tr') as HTMLElement | null)?.dataset.id === first, completed.nodes[10]!.id);
    expect(await rowIds()).toEqual(completed.nodes.slice(10, 20).map((node) => node.id));
    expect(await page.isDisabled('#prev')).toBe(false);
    await shot('next-page');
    await page.click('#prev');
    await page.waitForFunction((first) => (document.querySelector('#calls tr') as HTMLElement | null)?.dataset.id === first, completed.nodes[0]!.id);
    expect(await rowIds()).toEqual(completed.nodes.slice(0, 10).map((node) => node.id));
    expect(await page.isDisabled('#prev')).toBe(true);
    await shot('previous-page');

    // A call with legs, found through the number prefix filter, opened from the list.
    const parents = (await test.gql('{ calls(first: 100, filter: { isLeg: false }) { nodes { id fromNumber legs(first: 20) { totalCount nodes { externalId } } } } }')).data!.calls.nodes as Array<{
      id: string;
      fromNumber: string | null;
      legs: { totalCount: number; nodes: Array<{ externalId: string }> };
    }>;
    const parent = parents.find((call) => call.legs.totalCount > 1 && call.fromNumber)!;
    expect(parent).toBeDefined();
    await page.selectOption('#status-filter', '');
    await page.fill('#prefix', parent.fromNumber!);
    await page.click('#apply');
    await page.waitForSelector(`#calls tr[data-id="${parent.id}"]`);
    await page.click(`#calls tr[data-id="${parent.id}"]`);
    await page.waitForSelector('#legs li:not(.none)');
    const legs = await page.$$eval('#legs li', (items) => items.map((item) => item.textContent ?? ''));
    expect(legs).toHaveLength(parent.legs.totalCount);
    for (const leg of parent.legs.nodes) expect(legs.some((text) => text.startsWith(`${leg.externalId}:`))).toBe(true);
    await shot('call-legs');

    // The charts, for the filter in force: 30 daily buckets whose sum is the API's, drawn on a canvas.
    await page.waitForFunction(() => document.querySelector('#series-chart')?.getAttribute('data-buckets') === '30');
    const chart = await page.$eval('#series-chart', (node) => {
      const canvas = node.querySelector('canvas')!;
      const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) painted += 1;
      return { calls: Number((node as HTMLElement).dataset.calls), painted };
    });
    expect(chart.painted).toBeGreaterThan(500);
    const end = await page.textContent('#series-end');
    const to = new Date(`${end}T00:00:00Z`);
    const from = new Date(to.getTime() - 30 * 86_400_000);
    const series = (await test.gql('query($from: DateTime!, $to: DateTime!, $f: CallFilter) { callSeries(from: $from, to: $to, interval: DAY, filter: $f) { measures { total } } }', {
      from: from.toISOString(),
      to: to.toISOString(),
      f: { OR: [{ fromNumber: { startsWith: parent.fromNumber } }, { toNumber: { startsWith: parent.fromNumber } }] },
    })).data!.callSeries as Array<{ measures: { total: number } }>;
    expect(chart.calls).toBe(series.reduce((sum, bucket) => sum + bucket.measures.total, 0));
    expect(chart.calls).toBeGreaterThan(0);
    expect(await page.$$eval('#breakdown li', (items) => items.length)).toBeGreaterThan(0);
    await shot('charts');
  });
});
