import DataLoader from 'dataloader';
import {
  GraphQLError,
  GraphQLObjectType,
  Kind,
  type DocumentNode,
  type ExecutionResult,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { collectFields } from 'graphql/execution/collectFields.js';
import { getVariableValues } from 'graphql/execution/values.js';
import type { Plugin, YogaInitialContext } from 'graphql-yoga';
import type { Database } from '../../db/client.js';
import type { Logger } from '../../logger.js';
import { grantedScopes } from '../builder.js';
import type { Context } from '../context.js';
import type { PlannedRow } from './declarations.js';
import { Emitter } from './emit.js';
import { NotPlanned, Planner, type PlanScope, type PlannedRoot } from './plan.js';
import { sql, type Sql } from '../../db/sql.js';
import { DocumentMemo } from '../document-memo.js';

/*
 * How planned statements run. A query whose every root field reads the call graph is answered by
 * one statement that writes the whole response (`useWholeOperations`); yoga sends its text as it
 * is, and the same request again is answered by the same statement before it is parsed. Any other
 * operation is executed by graphql-js, and each root field of the call graph runs its own planned
 * statement (`resolvePlanned`); objects that mutations and subscriptions return are loaded by id
 * through a per-request DataLoader (`loadPlanned`). The planner and the emitter are the same in
 * all three.
 */

/** A statement's text and values, taken once from its `Sql` (whose `text` getter joins its parts anew on every read). */
interface Statement {
  readonly text: string;
  readonly values: unknown[];
}

const statementOf = (query: Sql): Statement => ({ text: query.text, values: query.values });

async function queryValue<T>(db: Database, statement: Statement): Promise<T> {
  const rows = await db.sql.query<{ value: T }>(statement.text, statement.values);
  return rows[0]!.value;
}

const scopeOf = (ctx: Context, schema: GraphQLSchema, fragments: Record<string, FragmentDefinitionNode>, variables: Record<string, unknown>): PlanScope => ({
  schema,
  fragments,
  variables,
  accountId: ctx.accountId,
  granted: grantedScopes(ctx),
  pages: ctx.pages,
});

const infoScope = (ctx: Context, info: GraphQLResolveInfo) => scopeOf(ctx, info.schema, info.fragments, info.variableValues);

/** The resolver of a root field of the call graph: its planned statement's value. */
export async function resolvePlanned(ctx: Context, info: GraphQLResolveInfo): Promise<unknown> {
  const root = new Planner(infoScope(ctx, info), false).root(info.parentType, info.fieldNodes);
  return queryValue(ctx.db, statementOf(sql`SELECT ${new Emitter(ctx.accountId, true, info.schema).root(root)} AS value`));
}

/**
 * The resolver of every planned field below a root: the statement already wrote the value under
 * the field's response key. A relation whose arguments the planner refused has no value; planning
 * it again throws the same error, which graphql-js then reports at the field's own path. Typed to
 * return `never` so that it fits every field's output type.
 */
export function fromResponse(parent: PlannedRow, _args: unknown, ctx: Context, info: GraphQLResolveInfo): never {
  const key = info.path.key as string;
  if (key in parent) return parent[key] as never;
  new Planner(infoScope(ctx, info), true).field(info.parentType, info.fieldNodes);
  throw new Error(`${info.parentType.name}.${info.fieldName} was planned without its value`);
}

/** A loader of planned objects and the field it loads for (read/execute.ts loadPlanned). */
export interface PlannedLoader {
  parentType: GraphQLObjectType;
  fieldNodes: readonly FieldNode[];
  loader: DataLoader<string, PlannedRow | null>;
}

/**
 * The request's loader for this field: one per parent type and field nodes. Looked up by the
 * nodes themselves rather than by graphql-js's array of them: every execution of one document
 * (each event of a subscription view, types/call-changed.ts) collects the root's fields into a new
 * array of the same nodes, and they must share one loader to share one statement.
 */
function plannedLoader(ctx: Context, info: GraphQLResolveInfo, typename: string): DataLoader<string, PlannedRow | null> {
  const first = info.fieldNodes[0]!;
  let loaders = ctx.plannedLoaders.get(first);
  if (!loaders) ctx.plannedLoaders.set(first, (loaders = []));
  const same = (nodes: readonly FieldNode[]) => nodes.length === info.fieldNodes.length && nodes.every((node, i) => node === info.fieldNodes[i]);
  const found = loaders.find((one) => one.parentType === info.parentType && same(one.fieldNodes));
  if (found) return found.loader;
  const type = info.schema.getType(typename);
  if (!(type instanceof GraphQLObjectType)) throw new Error(`${typename} is not an object type`);
  const rows = new Planner(infoScope(ctx, info), false).rows(type, info.fieldNodes);
  const loader = new DataLoader<string, PlannedRow | null>(async (ids) => {
    const byId = await queryValue<Record<string, PlannedRow>>(ctx.db, statementOf(sql`SELECT ${new Emitter(ctx.accountId, true, info.schema).byIds(rows, ids)} AS value`));
    return ids.map((one) => byId[one] ?? null);
  });
  loaders.push({ parentType: info.parentType, fieldNodes: info.fieldNodes, loader });
  return loader;
}

/**
 * The object of `typename` with this id as the field's selection asks for it, or null when it is
 * not visible to the request's account. Loads of one field in one tick share one statement.
 */
export function loadPlanned(ctx: Context, info: GraphQLResolveInfo, typename: string, id: string): Promise<PlannedRow | null> {
  return plannedLoader(ctx, info, typename).load(id);
}

/** A whole response's statement, and the name of the operation it answers (for the request log). */
interface WholeOperation {
  statement: Statement;
  operationName: string | undefined;
}

/** The statement writing the whole response of `operation`, or undefined when execution must answer it. */
function planOperation(ctx: Context, schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, rawVariables: Record<string, unknown>): WholeOperation | undefined {
  const operations = document.definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName == null ? (operations.length === 1 ? operations[0] : undefined) : operations.find((o) => o.name?.value === operationName);
  const queryType = schema.getQueryType();
  if (!operation || operation.operation !== 'query' || !queryType) return undefined;
  const variables = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables);
  if (variables.errors) return undefined;
  const fragments = Object.fromEntries(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  const fields = [...collectFields(schema, fragments, variables.coerced, queryType, operation.selectionSet)];
  // An operation that reads no table (`{ __typename }`, a client's ping) costs no round trip.
  if (fields.every(([, nodes]) => nodes[0]!.name.value === '__typename')) return undefined;
  const planner = new Planner(scopeOf(ctx, schema, fragments, variables.coerced), true);
  try {
    const roots = fields.map(([key, nodes]): PlannedRoot | { key: string; kind: 'typename'; typename: string } =>
      nodes[0]!.name.value === '__typename' ? { key, kind: 'typename', typename: queryType.name } : planner.root(queryType, nodes),
    );
    // The whole response text, written by PostgreSQL: handed on as one flat string, with nothing
    // concatenated to it in Node.
    const statement = statementOf(sql`SELECT '{"data":' || ${new Emitter(ctx.accountId, false, schema).data(roots)}::text || '}' AS value`);
    return { statement, operationName: operation.name?.value };
  } catch (error) {
    // A field only execution answers, or an argument its resolver reports as an error.
    if (error instanceof NotPlanned || error instanceof GraphQLError) return undefined;
    throw error;
  }
}

/**
 * A statement depends only on the operation's text, its name, the variables, the account and the
 * key's scopes. Kept for the operations used last, a dashboard's few operations sent on every
 * refresh; operations that execution must answer are remembered too (as null).
 */
const statementKey = (reader: Reader, operationName: string | null | undefined, variables: Record<string, unknown> | undefined) =>
  JSON.stringify([...readerOf(reader), operationName ?? null, variables ?? {}]);

type Reader = Pick<Context, 'accountId' | 'credentials'>;

/** Whose reads a planned answer is, besides its operation: the account and the key's scopes. */
export const readerOf = (reader: Reader): [string, string[]] => [reader.accountId, [...reader.credentials.scopes].sort()];

/**
 * A response PostgreSQL wrote: yoga sends the text `stringify` gives as it is, and `data` is parsed
 * only if something reads it. A class rather than an object literal with a getter, so that every
 * response shares one hidden class in V8.
 */
class WrittenResponse implements ExecutionResult {
  /** Called unbound by yoga's result processor, hence an arrow function. */
  readonly stringify = (): string => this.text;

  constructor(private readonly text: string) {}

  get data(): Record<string, unknown> {
    return (JSON.parse(this.text) as { data: Record<string, unknown> }).data;
  }
}

/** The app's context factory: what a request's context holds besides yoga's own (graphql/context.ts). */
export type ContextOf = (initial: YogaInitialContext) => Omit<Context, keyof YogaInitialContext>;

/**
 * Answers a query whose every root field reads the call graph with the one statement that writes
 * its response, in two places:
 *
 * - In execution, after the request checks (limits, cost): the operation is planned, and its
 *   statement is kept under the operation's text, name and variables and the key's account and
 *   scopes. Any other operation, and one whose statement fails, goes on to execution, which
 *   reports its own errors.
 * - Before parsing: a request whose text, operation name, variables and key's account and scopes
 *   are those of a kept statement is answered by it at once, through yoga's params handler. It
 *   skips parsing, validation, the request checks and planning, all of which depend on nothing
 *   else and passed when the statement was kept; what runs before the handler (authentication,
 *   the rate limit, persisted operations) and what follows the result (result processing, the
 *   request log) runs as for any request. The handler only runs for a request that no earlier
 *   step answered.
 */
export function useWholeOperations(logger: Logger, contextOf: ContextOf): Plugin {
  // Kept as text: a dashboard's refresh then hands pg the same string object, whose hash (the
  // prepared statement's name is looked up by it) and comparison V8 has already done.
  const operations = new DocumentMemo<WholeOperation | null>(32, 16);
  /** Requests whose kept statement failed: execution answers them without running it again. */
  const failed = new WeakSet<Request>();
  const answer = async (db: Database, statement: Statement): Promise<WrittenResponse | undefined> => {
    try {
      return new WrittenResponse(await queryValue<string>(db, statement));
    } catch (error) {
      logger.warn(`a planned response statement failed; executing the operation field by field: ${(error as Error).message}`);
      return undefined;
    }
  };
  return {
    onParams({ setParamsHandler, paramsHandler }) {
      setParamsHandler(async (payload) => {
        const { request, params } = payload;
        if (typeof params.query !== 'string') return paramsHandler(payload);
        // Yoga puts the request and its params into the context only when it handles them.
        const ctx = contextOf({ ...payload.context, request, params });
        let kept: WholeOperation | null | undefined;
        try {
          kept = operations.find(params.query, () => statementKey(ctx, params.operationName, params.variables));
        } catch (error) {
          // Variables nested deeper than JSON.stringify's stack: never kept; the input checks refuse them.
          if (!(error instanceof RangeError)) throw error;
        }
        if (!kept) return paramsHandler(payload);
        const response = await answer(ctx.db, kept.statement);
        if (!response) {
          failed.add(request);
          return paramsHandler(payload);
        }
        if (ctx.record) {
          // The request log takes an unnamed request's operation name from validation, skipped here.
          ctx.record.operationName ??= kept.operationName;
          ctx.record.reused = true;
        }
        return response;
      });
    },
    async onExecute({ args, setResultAndStopExecution }) {
      const ctx = args.contextValue as Context;
      if (failed.has(ctx.request)) return;
      const text = ctx.params?.query;
      const plan = () => planOperation(ctx, args.schema, args.document, args.operationName, args.variableValues ?? {}) ?? null;
      // Kept under the request's text, where the params handler finds it; an execution without one
      // (nothing in this app) is planned anew.
      const whole = typeof text === 'string' ? operations.get(text, statementKey(ctx, args.operationName, args.variableValues ?? {}), plan) : plan();
      if (!whole) return;
      const response = await answer(ctx.db, whole.statement);
      if (response) setResultAndStopExecution(response);
    },
  };
}
