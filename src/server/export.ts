import type { Plugin } from 'graphql-yoga';
import type { Limits } from '../config.js';
import type { Authenticator } from '../auth/authenticator.js';
import { countingStatements, type Database } from '../db/client.js';
import { UserInputError } from '../errors.js';
import { exportText } from '../export/export.js';
import { parseCallFilter } from '../export/filter.js';
import { CONTENT_TYPES, EXPORT_FORMATS, type ExportFormat } from '../export/format.js';
import type { Logger } from '../logger.js';
import type { RequestRecord } from '../telemetry.js';
import type { RateLimiter } from './rate-limit.js';

export const EXPORT_PATH = '/export/calls';

const json = (status: number, message: string, code: string, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify({ errors: [{ message, extensions: { code } }] }), { status, headers: { 'content-type': 'application/json', ...headers } });

interface ExportServices {
  db: Database;
  authenticator: Authenticator;
  rateLimiter: RateLimiter;
  rateLimit: Limits['rateLimit'];
  logger: Logger;
  recordOf(request: Request): RequestRecord | undefined;
}

/**
 * `GET /export/calls?format=csv|ndjson&filter=<CallFilter JSON>` with an API key of the READ scope:
 * every column of the key's account's calls that match the filter, streamed (see export.ts). The
 * export counts as one operation against the key's rate limit. Errors found before the first byte
 * answer with a status and a JSON body like GraphQL's; a failure after it cuts the body short.
 */
export function useExportEndpoint({ db, authenticator, rateLimiter, rateLimit, logger, recordOf }: ExportServices): Plugin {
  return {
    async onRequest({ url, request, endResponse }) {
      if (url.pathname !== EXPORT_PATH) return;
      if (request.method !== 'GET') return endResponse(json(405, 'Use GET.', 'METHOD_NOT_ALLOWED', { allow: 'GET' }));
      const authentication = await authenticator.authenticate(request.headers.get('authorization'));
      if (!authentication.ok) return endResponse(json(401, authentication.reason, 'UNAUTHENTICATED', { 'www-authenticate': 'Bearer realm="cdrql"' }));
      const { credentials } = authentication;
      const record = recordOf(request);
      if (record) {
        record.accountId = credentials.accountId;
        record.operationName = 'export';
      }
      if (!credentials.scopes.has('READ')) return endResponse(json(403, 'Exporting calls needs an API key with the READ scope.', 'FORBIDDEN'));
      const decision = await rateLimiter.consume(credentials.keyId, credentials.accountId);
      if (!decision.allowed) {
        const used = decision.counted === 'key' ? `This API key has used its ${rateLimit.requests}` : `This account's keys have used its ${rateLimit.accountRequests}`;
        const message = `${used} operations per ${rateLimit.windowSeconds} s; retry in ${decision.retryAfterSeconds} s.`;
        return endResponse(json(429, message, 'RATE_LIMITED', { 'retry-after': String(decision.retryAfterSeconds) }));
      }
      const format = (url.searchParams.get('format') ?? 'csv') as ExportFormat;
      if (!EXPORT_FORMATS.includes(format)) return endResponse(json(400, `format must be one of ${EXPORT_FORMATS.join(', ')}.`, 'BAD_USER_INPUT'));
      let filter;
      try {
        filter = parseCallFilter(url.searchParams.get('filter') ?? undefined);
      } catch (error) {
        if (error instanceof UserInputError) return endResponse(json(400, error.message, 'BAD_USER_INPUT'));
        throw error;
      }
      const chunks = exportText((record ? countingStatements(db, record) : db).sql, format, { accountId: credentials.accountId, filter });
      const encoder = new TextEncoder();
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          try {
            const next = await chunks.next();
            if (next.done) controller.close();
            else controller.enqueue(encoder.encode(next.value));
          } catch (error) {
            logger.error(`export of account ${credentials.accountId} failed: ${(error as Error).message}`);
            controller.error(new Error('the export failed'));
          }
        },
        async cancel() {
          await chunks.return(undefined);
        },
      });
      endResponse(
        new Response(body, {
          headers: { 'content-type': CONTENT_TYPES[format], 'content-disposition': `attachment; filename="calls.${format === 'csv' ? 'csv' : 'ndjson'}"` },
        }),
      );
    },
  };
}
