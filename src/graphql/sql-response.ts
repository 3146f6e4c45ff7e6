import {
  getNamedType,
  GraphQLObjectType,
  isEnumType,
  isListType,
  isNonNullType,
  isScalarType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValueNode,
} from 'graphql';
import { collectFields, collectSubfields } from 'graphql/execution/collectFields.js';
import { getArgumentValues, getVariableValues } from 'graphql/execution/values.js';
import type { Entity, OrderColumn } from '../db/read/entity.js';
import { cursorText, globalId, jsonObject, literal, renderedPage } from '../db/read/response.js';
import { SqlParams } from '../db/read/sql.js';
import { grantedScopes } from './builder.js';
import type { PagePlan } from './connection.js';
import type { Context } from './context.js';
import { selectedFields, type FieldInfo } from './selection.js';

/*
 * Operations whose every selected field has a rendering in SQL are answered by one statement that
 * writes the response's JSON: the server passes its text through instead of parsing rows into
 * objects, executing resolvers over them and serialising the result (bench/RESULTS.md measures
 * what that costs). A rendering sits beside its field's resolver and must give the same value;
 * test/sql-response.test.ts holds the two equal. Anything else runs as usual.
 */

/** A page of a list as its resolver plans it. */
export interface ListPage {
  entity: Entity;
  /** The list's name in its cursors. */
  list: string;
  orderName: string;
  order: OrderColumn;
  descending: boolean;
  plan: PagePlan;
  /** Conditions on the entity's alias: the account's scope and the filter. */
  where: (params: SqlParams) => string[];
}

/** A field as a rendering sees it: its nodes, coerced arguments and what lies below it. */
export interface RenderedField {
  nodes: readonly FieldNode[];
  type: GraphQLOutputType;
  args: Record<string, unknown>;
  info: FieldInfo;
}

/** The SQL of a field's JSON value, on the row alias of its parent's entity. */
export type FieldRendering = (renderer: Renderer, field: RenderedField) => string;

const renderings = new Map<string, FieldRendering>();
const entities = new Map<string, Entity>();

/** Registers how `typeName.field` is written in SQL (relations, root fields). */
export function renderField(typeName: string, field: string, rendering: FieldRendering): void {
  renderings.set(`${typeName}.${field}`, rendering);
}

/** Registers the table behind `typeName`: its leaf fields are its entity's columns, its id a global id. */
export function renderEntity(typeName: string, entity: Entity): void {
  entities.set(typeName, entity);
}

/** Thrown while rendering when a part of the operation has no rendering: the operation then runs as usual. */
class NotRendered extends Error {}

/** Scalars whose SQL value is already the JSON the scalar serialises to (Float and JSON are not). */
const LEAF_SCALARS = new Set(['String', 'Int', 'Boolean', 'ID', 'DateTime', 'Decimal']);

/** Scope-auth options whose effect a rendering would have to reproduce: such fields are left to execution. */
const SCOPE_OPTIONS = ['grantScopes', 'skipTypeScopes', 'skipInterfaceScopes', 'runScopesOnType'];

type ScopeRule = Record<string, unknown> | undefined;
const pothosOptions = (holder: { extensions: unknown }) => ((holder.extensions as { pothosOptions?: Record<string, unknown> }).pothosOptions ?? {}) as Record<string, unknown>;

/**
 * The authScopes Pothos enforces on a field (its type's and its own): maps of scope names, any of
 * which grants it. Null for a rule of another form, which is not judged here: such a field is not
 * rendered, and execution applies the rule. Read once per field of the schema.
 */
const scopeRules = new WeakMap<GraphQLField<unknown, unknown>, ScopeRule[] | null>();

function scopeRulesOf(type: GraphQLObjectType, field: GraphQLField<unknown, unknown>): ScopeRule[] | null {
  let rules = scopeRules.get(field);
  if (rules === undefined) {
    const options = [pothosOptions(type), pothosOptions(field)];
    const authScopes = options.map((option) => option.authScopes);
    const plain = authScopes.every((rule) => rule === undefined || (typeof rule === 'object' && rule !== null));
    rules = plain && !options.some((option) => SCOPE_OPTIONS.some((name) => name in option)) ? (authScopes as ScopeRule[]) : null;
    scopeRules.set(field, rules);
  }
  return rules;
}

/**
 * Arguments written as literals in the document are the same on every request: coerced once per
 * field node (documents are parsed once and cached by yoga).
 */
const literalArguments = new WeakMap<FieldNode, Record<string, unknown>>();

function argumentsOf(definition: GraphQLField<unknown, unknown>, node: FieldNode, variables: Record<string, unknown>): Record<string, unknown> {
  const cached = literalArguments.get(node);
  if (cached) return cached;
  const args = getArgumentValues(definition, node, variables);
  const usesVariables = (value: ValueNode): boolean =>
    value.kind === Kind.VARIABLE ||
    (value.kind === Kind.LIST && value.values.some(usesVariables)) ||
    (value.kind === Kind.OBJECT && value.fields.some((field) => usesVariables(field.value)));
  if (!(node.arguments ?? []).some((argument) => usesVariables(argument.value))) literalArguments.set(node, args);
  return args;
}

function isRenderedLeaf(type: GraphQLOutputType): boolean {
  const inner = isNonNullType(type) ? type.ofType : type;
  return isEnumType(inner) || (isScalarType(inner) && LEAF_SCALARS.has(inner.name));
}

/** Renders one operation's selections in SQL, with the request's context and bind parameters. */
export class Renderer {
  readonly params = new SqlParams();

  constructor(
    readonly ctx: Context,
    private readonly schema: GraphQLSchema,
    private readonly fragments: Record<string, FragmentDefinitionNode>,
    private readonly variables: Record<string, unknown>,
  ) {}

  objectType(name: string): GraphQLObjectType {
    const type = this.schema.getType(name);
    if (!(type instanceof GraphQLObjectType)) throw new NotRendered(`${name} is not an object type`);
    return type;
  }

  /**
   * The JSON object of `typeName` that `nodes` select, over the type's row alias. `own` renders
   * fields of types that are not tables (edges, pageInfo).
   */
  object(typeName: string, nodes: readonly FieldNode[], own: Record<string, (field: RenderedField) => string> = {}): string {
    const type = this.objectType(typeName);
    return this.jsonOf(type, collectSubfields(this.schema, this.fragments, this.variables, type, nodes), own);
  }

  /** The JSON of the operation's root fields, as `{"data": …}`'s value. */
  root(type: GraphQLObjectType, operation: OperationDefinitionNode): string {
    const fields = [...collectFields(this.schema, this.fragments, this.variables, type, operation.selectionSet)];
    // An operation that reads no table (`{ __typename }`, a client's ping) costs no round trip.
    if (fields.every(([, nodes]) => nodes[0]!.name.value === '__typename')) throw new NotRendered('nothing to read');
    return this.jsonOf(type, fields, {});
  }

  /** The JSON object of `type` with these fields, keyed by response key. */
  private jsonOf(type: GraphQLObjectType, fields: Iterable<[string, readonly FieldNode[]]>, own: Record<string, (field: RenderedField) => string>): string {
    const object = jsonObject([...fields].map(([key, nodes]) => [key, this.field(type, nodes, own)] as const));
    if (!object) throw new NotRendered(`${type.name}: too many fields for one object`);
    return object;
  }

  private field(type: GraphQLObjectType, nodes: readonly FieldNode[], own: Record<string, (field: RenderedField) => string>): string {
    const name = nodes[0]!.name.value;
    if (name === '__typename') return literal(type.name);
    const definition = type.getFields()[name];
    if (!definition) throw new NotRendered(`${type.name}.${name}`);
    if (!this.permitted(type, definition)) throw new NotRendered(`${type.name}.${name}: left to execution's scope checks`);
    const ownRendering = own[name];
    if (ownRendering) return ownRendering(this.fieldOf(definition, nodes));
    const rendering = renderings.get(`${type.name}.${name}`);
    if (rendering) return rendering(this, this.fieldOf(definition, nodes));
    const entity = entities.get(type.name);
    if (entity && name === 'id') return globalId(type.name, `${entity.alias}.id`);
    const column = entity?.columns[name];
    if (column && !isListType(definition.type) && isRenderedLeaf(definition.type)) return column;
    throw new NotRendered(`${type.name}.${name}`);
  }

  private granted: Record<string, boolean> | undefined;

  /** Whether the key may read the field; when not, execution answers with the field's FORBIDDEN error. */
  private permitted(type: GraphQLObjectType, field: GraphQLField<unknown, unknown>): boolean {
    const rules = scopeRulesOf(type, field);
    if (!rules) return false;
    const granted: Record<string, boolean> = (this.granted ??= grantedScopes(this.ctx));
    return rules.every((rule) => rule === undefined || Object.entries(rule).some(([scope, wanted]) => wanted === true && granted[scope] === true));
  }

  private fieldOf(definition: GraphQLField<unknown, unknown>, nodes: readonly FieldNode[]): RenderedField {
    return {
      nodes,
      type: definition.type,
      args: argumentsOf(definition, nodes[0]!, this.variables),
      info: { fieldNodes: nodes, fragments: this.fragments, variableValues: this.variables, schema: this.schema },
    };
  }

  /**
   * A connection (`<Node>Connection`) over one page: totalCount, edges with cursors, nodes and
   * pageInfo, as connection.ts's toConnection makes them of the same page.
   */
  connection(field: RenderedField, list: ListPage, parent?: { keyColumn: string; outerKey: string }): string {
    const connectionType = getNamedType(field.type) as GraphQLObjectType;
    const nodeType = connectionType.name.replace(/Connection$/, '');
    const { entity, order, plan } = list;
    const request = {
      entity,
      order,
      descending: list.descending,
      cursor: plan.cursor,
      backward: plan.backward,
      limit: plan.size + 1,
      where: list.where,
      withTotal: selectedFields(field.info, connectionType.name).has('totalCount'),
      cursorText: cursorText(list.list, list.orderName, order.text, `${entity.alias}.id`),
    };
    return renderedPage(request, this.params, parent, (page) =>
      this.object(connectionType.name, field.nodes, {
        totalCount: () => `COALESCE(${page.total}, 0)`,
        nodes: (nodes) => page.list(this.object(nodeType, nodes.nodes)),
        edges: (edges) =>
          page.list(
            this.object(`${nodeType}Edge`, edges.nodes, {
              cursor: () => page.cursor(),
              node: (node) => this.object(nodeType, node.nodes),
            }),
          ),
        pageInfo: (pageInfo) =>
          this.object('PageInfo', pageInfo.nodes, {
            hasNextPage: () => page.hasNextPage(),
            hasPreviousPage: () => page.hasPreviousPage(),
            startCursor: () => page.startCursor(),
            endCursor: () => page.endCursor(),
          }),
      }),
    );
  }
}

type Statement = { sql: string; params: unknown[] };

/** The statement that answers `operation` whole, or undefined when some part of it has no rendering. */
function render(ctx: Context, schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, rawVariables: Record<string, unknown>): Statement | undefined {
  const operations = document.definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName == null ? (operations.length === 1 ? operations[0] : undefined) : operations.find((o) => o.name?.value === operationName);
  const queryType = schema.getQueryType();
  if (!operation || operation.operation !== 'query' || !queryType) return undefined;
  const variables = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables);
  if (variables.errors) return undefined;
  const fragments = Object.fromEntries(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  const renderer = new Renderer(ctx, schema, fragments, variables.coerced);
  try {
    const data = renderer.root(queryType, operation);
    // The whole response text, written by PostgreSQL: handed on as one flat string, with nothing
    // concatenated to it in Node (whose copy, flattened to count its bytes, was the largest
    // allocation of a request).
    return { sql: `SELECT '{"data":' || ${data}::text || '}' AS response`, params: renderer.params.values };
  } catch {
    // NotRendered, or an argument the resolver would refuse: the resolver reports it.
    return undefined;
  }
}

/** Bounds of the statements kept: a dashboard sends the same few operations with the same variables on every refresh. */
const DOCUMENTS_KEPT = 32;
const STATEMENTS_PER_DOCUMENT = 16;

/**
 * The rendering of an operation depends only on the document, the operation, the variables, the
 * account and the key's scopes: it is kept for the documents used last (yoga parses a text once
 * and hands out the same document), so a repeated request costs a key and a lookup instead of a
 * walk over its selections. Operations that cannot be rendered are remembered too, so they go
 * straight to execution.
 */
const statements = new Map<DocumentNode, Map<string, Statement | null>>();

function keptFor(document: DocumentNode): Map<string, Statement | null> {
  const kept = statements.get(document) ?? new Map<string, Statement | null>();
  statements.delete(document);
  statements.set(document, kept);
  if (statements.size > DOCUMENTS_KEPT) statements.delete(statements.keys().next().value!);
  return kept;
}

export function renderOperation(
  ctx: Context,
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  rawVariables: Record<string, unknown> | null | undefined,
): Statement | undefined {
  const variables = rawVariables ?? {};
  const key = JSON.stringify([ctx.accountId, [...ctx.credentials.scopes].sort(), operationName ?? null, variables]);
  const perDocument = keptFor(document);
  let statement = perDocument.get(key);
  if (statement === undefined) {
    statement = render(ctx, schema, document, operationName, variables) ?? null;
    if (perDocument.size >= STATEMENTS_PER_DOCUMENT) perDocument.delete(perDocument.keys().next().value!);
    perDocument.set(key, statement);
  }
  return statement ?? undefined;
}
