import { GraphQLError } from 'graphql';
import { isAsyncIterable, maskError as yogaMaskError, type Plugin } from 'graphql-yoga';
import type { Logger } from '../logger.js';

/** PostgreSQL's SQLSTATE for a statement cancelled by statement_timeout (or by a cancel request). */
const QUERY_CANCELED = '57014';

/** Whether an error, or one it wraps (graphql-js, Prisma and its adapters nest them), is a cancelled statement. */
function isCancelledStatement(error: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const e = current as { code?: unknown; originalCode?: unknown; message?: unknown; originalError?: unknown; cause?: unknown; meta?: { code?: unknown } };
    if (e.code === QUERY_CANCELED || e.originalCode === QUERY_CANCELED || e.meta?.code === QUERY_CANCELED) return true;
    if (typeof e.message === 'string' && e.message.includes('canceling statement due to statement timeout')) return true;
    current = e.originalError ?? e.cause;
  }
  return false;
}

/**
 * What a client sees of an error that is not one of ours: a statement PostgreSQL cancelled for
 * running past STATEMENT_TIMEOUT_MS answers TIMEOUT; anything else is "Unexpected error." with
 * INTERNAL_SERVER_ERROR, in every environment, so no database message (which can quote a table,
 * a constraint or a value) reaches a client. The original goes to the log.
 */
export function maskError(logger: Logger, statementTimeoutMs: number) {
  return (error: unknown, message: string): Error => {
    if (error instanceof GraphQLError && !error.originalError) return error;
    if (isCancelledStatement(error)) {
      return new GraphQLError(`A statement ran longer than ${statementTimeoutMs} ms and was cancelled; narrow the filter or the time range.`, {
        ...(error instanceof GraphQLError ? { nodes: error.nodes, path: error.path } : {}),
        extensions: { code: 'TIMEOUT', statementTimeoutMs },
      });
    }
    const masked = yogaMaskError(error, message, false);
    if (masked !== error) logger.error(`masked: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return masked;
  };
}

/**
 * Gives every error of a result a code. graphql-js refuses variables it cannot coerce (an Int past
 * 2^31, null in a list of non-null, an unknown input field) with errors of no code; they have no
 * response path, being about the request, and are the client's: BAD_USER_INPUT. An error with a
 * path that has no code was raised by graphql-js while executing (a null in a non-null field).
 */
export function useErrorCodes(): Plugin {
  const coded = (errors: readonly GraphQLError[] | undefined) => {
    for (const error of errors ?? []) {
      if (error.extensions?.['code']) continue;
      // An error that wraps an internal one (a database error, say) is left to masking, which codes it.
      if (error.originalError && !(error.originalError instanceof GraphQLError)) continue;
      const code = error.path ? 'INTERNAL_SERVER_ERROR' : 'BAD_USER_INPUT';
      if (error.extensions) (error.extensions as Record<string, unknown>)['code'] = code;
      else Object.assign(error, { extensions: { code } });
    }
  };
  return {
    onExecute() {
      return {
        onExecuteDone({ result }) {
          if (!isAsyncIterable(result)) coded(result.errors);
        },
      };
    },
  };
}
