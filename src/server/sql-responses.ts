import type { ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Context } from '../graphql/context.js';
import { queryOne } from '../graphql/loaders.js';
import { renderOperation } from '../graphql/sql-response.js';
import type { Logger } from '../logger.js';

/**
 * A rendered answer: yoga sends the text `stringify` gives as it is, and `data` is parsed only if
 * something reads it. A class rather than an object literal with a getter: V8 gives each literal
 * whose getter is a new closure a hidden class of its own, in the old generation until the next
 * full collection, and through it every response's text survived each scavenge and was promoted
 * (~1.9 MB per scavenge under W1, pauses of 9-17 ms; bench/RESULTS.md).
 */
class RenderedResult implements ExecutionResult {
  /** Called unbound by yoga's result processor, hence an arrow function. */
  readonly stringify = (): string => this.text;

  constructor(private readonly text: string) {}

  get data(): Record<string, unknown> {
    return (JSON.parse(this.text) as { data: Record<string, unknown> }).data;
  }
}

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
      setResultAndStopExecution(new RenderedResult(text));
    },
  };
}
