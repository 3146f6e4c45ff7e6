import { timingSafeEqual } from 'node:crypto';
import type { RequestListener } from 'node:http';
import type { Plugin } from 'graphql-yoga';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Database } from '../db/client.js';
import type { QueryObserver } from '../db/sql-driver.js';
import type { ImportCounts } from '../telemetry.js';

export const METRICS_PATH = '/metrics';

/**
 * Operation names come from clients: a label per name would let any client grow the metrics
 * without bound. The first names seen keep their own label; later ones, and names that are not
 * plain GraphQL names, count as `other`.
 */
const MAX_OPERATION_LABELS = 200;
const OPERATION_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;

export interface RequestOutcome {
  operation: string | undefined;
  /** `ok`, or the `extensions.code` of the first error (RATE_LIMITED, BAD_USER_INPUT, …). */
  outcome: string;
  /** From the request's arrival to its response's headers. */
  durationMs: number;
  imports: readonly ImportCounts[];
}

/**
 * The Prometheus metrics of one application, in a registry of its own (several applications in
 * one process, as in the tests, each count their own). Requests are counted and timed once, from
 * the request log's record, under the bounded operation labels below. Yoga's prometheus plugin is
 * not used: it labels by the client's operation name without a bound, and walks every document
 * with a TypeInfo for deprecated fields on each request.
 */
export function createMetrics(db: Database) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const durations = new Histogram({
    name: 'cdrql_request_duration_seconds',
    help: 'GraphQL and export requests by operation name and outcome (ok or the error code): time from arrival to the response headers; _count counts them',
    labelNames: ['operation', 'outcome'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const statements = new Histogram({
    name: 'cdrql_sql_statement_duration_seconds',
    help: 'SQL statements run through the SQL driver (reads, imports, exports, migrations) and their durations; _count is the number of statements',
    labelNames: ['outcome'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });
  const refusals = new Counter({ name: 'cdrql_rate_limit_refusals_total', help: 'Operations refused because their API key used up its rate limit', registers: [registry] });
  const imports = new Counter({ name: 'cdrql_imports_total', help: 'Imports through the API by format (dry runs not counted)', labelNames: ['format'] as const, registers: [registry] });
  const importRecords = new Counter({
    name: 'cdrql_import_records_total',
    help: 'Records imported through the API by what became of them',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const subscriptions = new Gauge({ name: 'cdrql_subscriptions_open', help: 'GraphQL subscriptions open now', registers: [registry] });
  const connections = db.connections;
  if (connections) {
    new Gauge({
      name: 'cdrql_db_pool_connections',
      help: 'Connections of the PostgreSQL pool: open, idle, requests waiting for one, and the most it opens',
      labelNames: ['state'] as const,
      registers: [registry],
      collect() {
        const now = connections();
        for (const state of ['open', 'idle', 'waiting', 'max'] as const) this.set({ state }, now[state]);
      },
    });
  }

  const operationLabels = new Set<string>();
  const operationLabel = (name: string | undefined) => {
    if (name === undefined) return 'anonymous';
    if (!OPERATION_NAME.test(name)) return 'other';
    if (operationLabels.has(name)) return name;
    if (operationLabels.size >= MAX_OPERATION_LABELS) return 'other';
    operationLabels.add(name);
    return name;
  };

  const observeStatement: QueryObserver = () => {
    const end = statements.startTimer();
    return (failed) => end({ outcome: failed ? 'failed' : 'ok' });
  };
  const stopObserving = db.onQuery(observeStatement);

  const plugins: Plugin[] = [
    {
      onSubscribe: () => ({
        onSubscribeResult: ({ result }) => {
          if (!(Symbol.asyncIterator in result)) return;
          subscriptions.inc();
          return { onEnd: () => subscriptions.dec() };
        },
      }),
    },
  ];

  return {
    registry,
    plugins,
    /** Counts a finished request: called once per request, with what it did. */
    recordRequest({ operation, outcome, durationMs, imports: done }: RequestOutcome) {
      durations.observe({ operation: operationLabel(operation), outcome }, durationMs / 1000);
      if (outcome === 'RATE_LIMITED') refusals.inc();
      for (const counts of done) {
        if (counts.dryRun) continue;
        imports.inc({ format: counts.format });
        for (const result of ['inserted', 'updated', 'unchanged', 'rejected'] as const) importRecords.inc({ outcome: result }, counts[result]);
      }
    },
    dispose() {
      stopObserving();
      registry.clear();
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** The listener on METRICS_PORT: GET /metrics in Prometheus's text format, nothing else. */
export function metricsListener(metrics: Metrics): RequestListener {
  return async (request, response) => {
    if (request.method !== 'GET' || new URL(request.url ?? '/', 'http://metrics').pathname !== METRICS_PATH) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(await metrics.registry.metrics());
  };
}

/**
 * `GET /metrics` on the public port, for a scraper that sends `Authorization: Bearer <token>`;
 * without a token setting the path stays unknown (404), and METRICS_PORT serves them instead.
 */
export function useMetricsEndpoint(metrics: Metrics, token: string): Plugin {
  const expected = Buffer.from(`Bearer ${token}`);
  return {
    async onRequest({ url, request, endResponse }) {
      if (url.pathname !== METRICS_PATH) return;
      const given = Buffer.from(request.headers.get('authorization') ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        endResponse(new Response('metrics need Authorization: Bearer <METRICS_TOKEN>\n', { status: 401, headers: { 'www-authenticate': 'Bearer realm="cdrql metrics"' } }));
        return;
      }
      endResponse(new Response(await metrics.registry.metrics(), { headers: { 'content-type': metrics.registry.contentType } }));
    },
  };
}
