import { GraphQLError, type ExecutionArgs } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Credentials } from '../auth/api-keys.js';
import type { Authenticator } from '../auth/authenticator.js';
import type { Limits } from '../config.js';
import { measureOperation, type CostOptions, type OperationMeasure } from '../graphql/cost.js';
import { DocumentMemo } from '../graphql/document-memo.js';
import type { RateLimiter } from './rate-limit.js';

const errorBody = (message: string, code: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ errors: [{ message, extensions: { code, ...extra } }] });

/**
 * Refuses a request body over `maxBytes` before it is read. The size comes from Content-Length,
 * so a POST without one is refused too (every HTTP client sends it for a JSON body).
 */
export function useBodyLimit(maxBytes: number, endpoint: string): Plugin {
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (request.method !== 'POST' || url.pathname !== endpoint) return;
      const length = request.headers.get('content-length');
      const respond = (status: number, message: string, code: string) =>
        endResponse(new fetchAPI.Response(errorBody(message, code, { maxBytes }), { status, headers: { 'content-type': 'application/json' } }));
      if (length === null) return respond(411, 'A request body needs a Content-Length header.', 'LENGTH_REQUIRED');
      if (Number(length) > maxBytes) return respond(413, `The request body is ${length} bytes; the limit is ${maxBytes}.`, 'PAYLOAD_TOO_LARGE');
    },
  };
}

/**
 * Authenticates every GraphQL operation by its API key and counts it against the key's and the
 * account's rate limits, before the operation is parsed or validated. The verified credentials are kept per
 * request for the context.
 */
export function useApiKeys(authenticator: Authenticator, rateLimiter: RateLimiter, rateLimit: Limits['rateLimit']) {
  const credentialsByRequest = new WeakMap<Request, Credentials>();
  const plugin: Plugin = {
    async onParams({ request, setResult }) {
      const authentication = await authenticator.authenticate(request.headers.get('authorization'));
      if (!authentication.ok) {
        setResult({
          errors: [
            new GraphQLError(authentication.reason, {
              extensions: { code: 'UNAUTHENTICATED', http: { status: 401, headers: { 'WWW-Authenticate': 'Bearer realm="cdrql"' } } },
            }),
          ],
        });
        return;
      }
      const decision = await rateLimiter.consume(authentication.credentials.keyId, authentication.credentials.accountId);
      if (!decision.allowed) {
        const used = decision.counted === 'key' ? `This API key has used its ${rateLimit.requests}` : `This account's keys have used its ${rateLimit.accountRequests}`;
        setResult({
          errors: [
            new GraphQLError(
              `${used} operations per ${rateLimit.windowSeconds} s; retry in ${decision.retryAfterSeconds} s.`,
              {
                extensions: {
                  code: 'RATE_LIMITED',
                  counted: decision.counted,
                  retryAfterSeconds: decision.retryAfterSeconds,
                  http: { status: 429, headers: { 'Retry-After': String(decision.retryAfterSeconds) } },
                },
              },
            ),
          ],
        });
        return;
      }
      credentialsByRequest.set(request, authentication.credentials);
    },
  };
  const credentialsOf = (request: Request): Credentials => {
    const credentials = credentialsByRequest.get(request);
    if (!credentials) throw new Error('The request reached execution without credentials.');
    return credentials;
  };
  return { plugin, credentialsOf };
}

export interface OperationLimits {
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
}

/**
 * Refuses an operation deeper, with more aliases or costlier (see graphql/cost.ts) than allowed,
 * before it runs. One walk measures all three, each fragment once, so the check itself is linear
 * in the document; `visited` in the refusal says how many selections it walked.
 */
export function useOperationLimits(limits: OperationLimits, options: CostOptions): Plugin {
  // A measure depends on the document, the operation and the variables (page sizes) only.
  const measures = new DocumentMemo<OperationMeasure>(256, 16);
  const refusal = (args: ExecutionArgs) => {
    const variables = (args.variableValues ?? {}) as Record<string, unknown>;
    const measure = measures.get(args.document, JSON.stringify([args.operationName ?? null, variables]), () =>
      measureOperation(args.schema, args.document, args.operationName, variables, options),
    );
    const refuse = (message: string, code: string, extra: Record<string, unknown>) => ({
      errors: [new GraphQLError(message, { extensions: { code, ...extra, visited: measure.visited } })],
    });
    if (measure.cycle) return refuse(`Fragment ${measure.cycle} spreads itself.`, 'GRAPHQL_VALIDATION_FAILED', {});
    if (measure.depth > limits.maxDepth) {
      return refuse(`Query depth limit of ${limits.maxDepth} exceeded, found ${measure.depth}.`, 'QUERY_TOO_DEEP', { depth: measure.depth, maxDepth: limits.maxDepth });
    }
    if (measure.aliases > limits.maxAliases) {
      return refuse(`Aliases limit of ${limits.maxAliases} exceeded, found ${measure.aliases}.`, 'TOO_MANY_ALIASES', { aliases: measure.aliases, maxAliases: limits.maxAliases });
    }
    if (measure.cost > limits.maxCost) {
      return refuse(
        `The operation would cost ${measure.cost}, over the limit of ${limits.maxCost}: ask for smaller pages (first / last) or fewer nested lists.`,
        'QUERY_TOO_COSTLY',
        { cost: measure.cost, maxCost: limits.maxCost },
      );
    }
    return undefined;
  };
  // A subscription is measured as one of its results, each of which it executes anew.
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const refused = refusal(args);
      if (refused) setResultAndStopExecution(refused);
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const refused = refusal(args);
      if (refused) setResultAndStopExecution(refused);
    },
  };
}
