import type { ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Context } from '../graphql/context.js';
import { queryOne } from '../graphql/loaders.js';
import { renderOperation } from '../graphql/sql-response.js';
import type { Logger } from '../logger.js';

/**
 * Answers a query whose every field has a rendering in SQL (src/graphql/sql-response.ts) with the
 * one statement that writes its JSON, and hands yoga that text through the result's `stringify`
 * (the hook graphql-jit's results use): nothing is parsed, resolved or serialised in between.
 * Any other operation, and one whose statement fails, goes on to the executor and reports its own
 * errors. Placed after the cost limit, so every check runs first, and before the executor's plugin.
 */
export function useSqlResponses(logger: Logger): Plugin {
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const ctx = args.contextValue as Context;
      const statement = renderOperation(ctx, args.schema, args.document, args.operationName, args.variableValues);
      if (!statement) return;
      let text: string;
      try {
        text = (await queryOne<{ response: string }>(ctx.db, statement)).response;
      } catch (error) {
        logger.warn(`a statement rendering a response failed, running the operation field by field: ${(error as Error).message}`);
        return;
      }
      const result: ExecutionResult & { stringify: () => string } = {
        get data() {
          return (JSON.parse(text) as { data: Record<string, unknown> }).data;
        },
        stringify: () => text,
      };
      setResultAndStopExecution(result);
    },
  };
}
