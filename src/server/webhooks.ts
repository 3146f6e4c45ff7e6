import type { Plugin } from 'graphql-yoga';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import type { Logger } from '../logger.js';
import { receiveCallback } from '../webhooks/receive.js';

const PREFIX = '/webhooks/';
const PATH = /^\/webhooks\/([a-z]+)\/([A-Za-z0-9_]+)$/;

/**
 * POST /webhooks/<format>/<endpoint id>: the platforms' call callbacks, answered before GraphQL
 * sees the request. The body is bounded by Content-Length before it is read; a database error
 * is logged and answered 500 without its text.
 */
export function useWebhooks({ db, logger, webhooks }: { db: Database; logger: Logger; webhooks: Config['webhooks'] }): Plugin {
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (!url.pathname.startsWith(PREFIX)) return;
      const respond = (status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
        endResponse(new fetchAPI.Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } }));
      const error = (status: number, code: string, message: string, headers?: Record<string, string>) => respond(status, { error: { code, message } }, headers);
      const match = PATH.exec(url.pathname);
      if (!match) return error(404, 'NOT_FOUND', 'webhooks are posted to /webhooks/<format>/<endpoint id>');
      if (request.method !== 'POST') return error(405, 'METHOD_NOT_ALLOWED', 'webhooks are POSTed', { allow: 'POST' });
      const length = request.headers.get('content-length');
      if (length === null) return error(411, 'LENGTH_REQUIRED', 'a webhook body needs a Content-Length header');
      if (Number(length) > webhooks.maxBodyBytes) return error(413, 'PAYLOAD_TOO_LARGE', `the body is ${length} bytes; the limit is ${webhooks.maxBodyBytes}`);
      try {
        const answer = await receiveCallback(db, {
          format: match[1]!,
          endpointId: match[2]!,
          url: webhooks.publicUrl ? `${webhooks.publicUrl}${url.pathname}${url.search}` : url.toString(),
          headers: request.headers,
          body: await request.text(),
        });
        return respond(answer.status, answer.body);
      } catch (failure) {
        logger.error(`webhook ${url.pathname} failed: ${(failure as Error).message}`);
        return error(500, 'INTERNAL', 'the callback could not be stored; retry it');
      }
    },
  };
}
