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
import type { Plugin } from 'graphql-yoga';
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
 * is. Any other operation is executed by graphql-js, and each root field of the call graph runs its
 * own planned statement (`resolvePlanned`); objects that mutations and subscriptions return are
 * loaded by id through a per-request DataLoader (`loadPlanned`). The planner and the emitter are
 * the same in all three.
 */

/** A statement's text and values, taken once from its `Sql` (whose `text` getter joins its parts anew on every read). */
interface Statement {
  readonly text: string;
  readonly values: unknown[];
}

const statementOf = (query: Sql): Statement => ({ text: query.text, values: query.values });

async function queryValue<T>(ctx: Context, statement: Statement): Promise<T> {
  const rows = await ctx.db.sql.query<{ value: T }>(statement.text, statement.values);
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
  return queryValue(ctx, statementOf(sql`SELECT ${new Emitter(ctx.accountId, true, info.schema).root(root)} AS value`));
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
    const byId = await queryValue<Record<string, PlannedRow>>(ctx, statementOf(sql`SELECT ${new Emitter(ctx.accountId, true, info.schema).byIds(rows, ids)} AS value`));
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

/** The statement writing the whole response of `operation`, or undefined when execution must answer it. */
function planOperation(ctx: Context, schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, rawVariables: Record<string, unknown>): Statement | undefined {
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
    return statementOf(sql`SELECT '{"data":' || ${new Emitter(ctx.accountId, false, schema).data(roots)}::text || '}' AS value`);
  } catch (error) {
    // A field only execution answers, or an argument its resolver reports as an error.
    if (error instanceof NotPlanned || error instanceof GraphQLError) return undefined;
    throw error;
  }
}

/**
 * A statement depends only on the document, the operation, the variables, the account and the
 * key's scopes. Kept for the documents used last, a dashboard's few operations sent on every
 * refresh; operations that execution must answer are remembered too (as null).
 */
const statementKey = (ctx: Context, operationName: string | null | undefined, variables: Record<string, unknown>) =>
  JSON.stringify([...readerOf(ctx), operationName ?? null, variables]);

/** Whose reads a planned answer is, besides its operation: the account and the key's scopes. */
export const readerOf = (ctx: Context): [string, string[]] => [ctx.accountId, [...ctx.credentials.scopes].sort()];

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

/**
 * Answers a query whose every root field reads the call graph with the one statement that writes
 * its response. Placed after the request checks (limits, cost), before execution; any other
 * operation, and one whose statement fails, goes on to execution, which reports its own errors.
 */
export function useWholeOperations(logger: Logger): Plugin {
  // Kept as text: a dashboard's refresh then hands pg the same string object, whose hash (the
  // prepared statement's name is looked up by it) and comparison V8 has already done.
  const statements = new DocumentMemo<Statement | null>(32, 16);
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const ctx = args.contextValue as Context;
      const variables = args.variableValues ?? {};
      const statement = statements.get(args.document, statementKey(ctx, args.operationName, variables), () => planOperation(ctx, args.schema, args.document, args.operationName, variables) ?? null);
      if (!statement) return;
      let text: string;
      try {
        text = await queryValue<string>(ctx, statement);
      } catch (error) {
        logger.warn(`a planned response statement failed; executing the operation field by field: ${(error as Error).message}`);
        return;
      }
      setResultAndStopExecution(new WrittenResponse(text));
    },
  };
}
