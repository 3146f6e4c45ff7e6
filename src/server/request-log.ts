import { randomUUID } from 'node:crypto';
import { getOperationAST, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from '../logger.js';
import type { RequestRecord } from '../telemetry.js';
import type { Metrics } from './metrics.js';

/** Paths polled by orchestrators and scrapers: a line for each would bury the requests. */
const QUIET_PATHS = new Set(['/health', '/ready', '/metrics']);
/** A request id a client or proxy may choose (X-Request-Id); anything else gets a fresh one. */
const REQUEST_ID = /^[\w.:-]{1,64}$/;

interface Pending {
  record: RequestRecord;
  path: string;
  started: number;
  operations: string[];
  outcome: string | undefined;
}

/** `ok`, or the code of the first error of a result (a batch gives the first failing one's). */
function outcomeOf(result: unknown): string | undefined {
  const results = (Array.isArray(result) ? result : [result]) as ExecutionResult[];
  for (const one of results) {
    const error = one?.errors?.[0];
    if (error) return typeof error.extensions?.code === 'string' ? error.extensions.code : 'error';
  }
  return undefined;
}

/**
 * One log line and one count per request: its id (also sent back as X-Request-Id), operation
 * names, account, duration, the SQL statements it ran, whether a kept statement answered it
 * (`reused`) and its outcome. `recordOf` gives a request's record to the code that runs for it:
 * the context factory (it sets the account, its SQL driver counts the statements, the import
 * mutations report), the kept statements' handler and the export endpoint.
 */
export function createRequestLog(logger: Logger, metrics: Metrics) {
  const pending = new WeakMap<Request, Pending>();
  const ofRequest = (request: Request) => pending.get(request);
  const plugin: Plugin = {
    onRequest({ request, url }) {
      const given = request.headers.get('x-request-id');
      const record: RequestRecord = { id: given && REQUEST_ID.test(given) ? given : randomUUID(), operationName: undefined, accountId: undefined, statements: 0, reused: false, imports: [] };
      pending.set(request, { record, path: url.pathname, started: performance.now(), operations: [], outcome: undefined });
    },
    onParams({ request, params }) {
      const state = ofRequest(request);
      if (state && params.operationName) state.operations.push(params.operationName);
    },
    onValidate({ context, params }) {
      const state = ofRequest((context as { request: Request }).request);
      if (!state || state.operations.length > 0) return;
      const name = getOperationAST(params.documentAST)?.name?.value;
      if (name) state.operations.push(name);
    },
    onResultProcess({ request, result }) {
      const state = ofRequest(request);
      if (state) state.outcome ??= outcomeOf(result);
    },
    onResponse({ request, response }) {
      const state = ofRequest(request);
      if (!state) return;
      pending.delete(request);
      response.headers.set('x-request-id', state.record.id);
      const { path } = state;
      const operation = state.operations.length > 0 ? state.operations.join(',') : (state.record.operationName ?? undefined);
      const outcome = state.outcome ?? (response.status < 400 ? 'ok' : `http_${response.status}`);
      const durationMs = Math.round((performance.now() - state.started) * 10) / 10;
      if (!QUIET_PATHS.has(path)) {
        metrics.recordRequest({ operation, outcome, durationMs, imports: state.record.imports });
        logger.info(
          { requestId: state.record.id, method: request.method, path, status: response.status, operation, account: state.record.accountId, durationMs, statements: state.record.statements, ...(state.record.reused ? { reused: true } : {}), outcome },
          'request',
        );
      }
    },
  };
  return { plugin, recordOf: (request: Request): RequestRecord | undefined => pending.get(request)?.record };
}

export type RequestLog = ReturnType<typeof createRequestLog>;
