import {
  getNamedType,
  GraphQLError,
  GraphQLObjectType,
  isAbstractType,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLSchema,
} from 'graphql';
import { collectSubfields } from 'graphql/execution/collectFields.js';
import { getArgumentValues } from 'graphql/execution/values.js';
import type { PageLimits } from '../../config.js';
import { UserInputError } from '../../errors.js';
import { decodeCursor, type Keyset } from './cursor.js';
import { fieldRead, typeRead, type Arguments, type FieldRead, type OrderColumn, type Relation, type RootRead, type TableRead } from './declarations.js';
import { identifier, type Sql } from '../../db/sql.js';

/*
 * The planner: an operation's selections, collected exactly as graphql-js collects them
 * (fragments, inline fragments, aliases, @skip / @include), become a tree of typed plans over the
 * declarations in the schema's `extensions.read`. The emitter writes the tree as one SQL value.
 */

/** What planning needs of the request. */
export interface PlanScope {
  schema: GraphQLSchema;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
  accountId: string;
  /** The scopes the request's key grants, by the names fields' `authScopes` use. */
  granted: Record<string, boolean>;
  pages: PageLimits;
}

/** Thrown when a selection has no plan: the operation is then executed field by field. */
export class NotPlanned extends Error {}

export interface PlannedObject {
  type: GraphQLObjectType;
  fields: PlannedField[];
}

type Keyed<T> = { key: string } & T;

export type PlannedField = Keyed<
  | { kind: 'typename'; typename: string }
  | { kind: 'value'; read: Extract<FieldRead, { kind: 'column' | 'expression' | 'element' }> }
  | { kind: 'globalId'; typename: string }
  | { kind: 'exists'; table: TableRead; alias: string; column: string; targetColumn: string }
  | { kind: 'embedded'; present: Extract<FieldRead, { kind: 'embedded' }>['present']; object: PlannedObject }
  | { kind: 'elements'; column: string; object: PlannedObject }
  | { kind: 'row' | 'rows'; relation: Relation; table: TableRead; alias: string; object: PlannedObject }
  | { kind: 'page'; relation: Relation; page: PlannedPage }
  /** A relation whose arguments were refused: its resolver reports the error at its own path. */
  | { kind: 'refused'; error: GraphQLError }
>;

/** One page of a list: where it starts, how far it goes, and what the connection selects. */
export interface PlannedPage {
  table: TableRead;
  /** The alias of the page's rows. */
  alias: string;
  list: string;
  orderName: string;
  order: OrderColumn;
  descending: boolean;
  size: number;
  backward: boolean;
  cursor: Keyset | undefined;
  /** The filter's condition on the table's rows, besides the account scope. */
  where: Sql | undefined;
  connection: PlannedConnectionField[];
}

export type PlannedConnectionField = Keyed<
  | { kind: 'typename'; typename: string }
  | { kind: 'totalCount' }
  | { kind: 'nodes'; object: PlannedObject }
  | { kind: 'edges'; fields: Array<Keyed<{ kind: 'typename'; typename: string } | { kind: 'cursor' } | { kind: 'node'; object: PlannedObject }>> }
  | { kind: 'pageInfo'; fields: Array<Keyed<{ kind: 'typename'; typename: string } | { kind: 'hasNextPage' | 'hasPreviousPage' | 'startCursor' | 'endCursor' }>> }
>;

export type PlannedRoot = Keyed<
  | { kind: 'page'; page: PlannedPage }
  | { kind: 'lookup'; table: TableRead; alias: string; match: Record<string, unknown> | undefined; object: PlannedObject }
  | { kind: 'nodes'; single: boolean; ids: Array<{ typename: string; id: string }>; objects: Map<string, { table: TableRead; alias: string; object: PlannedObject }> }
>;

/** Relay paging arguments and the ordering, as every list takes them. */
interface ListArguments {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
  orderBy?: { field: string; direction: 'ASC' | 'DESC' } | null;
}

const SCOPE_OPTIONS = ['grantScopes', 'skipTypeScopes', 'skipInterfaceScopes', 'runScopesOnType'];
type ScopeRule = Record<string, unknown> | undefined;
const pothosOptions = (holder: { extensions: unknown }) => ((holder.extensions as { pothosOptions?: Record<string, unknown> } | undefined)?.pothosOptions ?? {}) as Record<string, unknown>;

export class Planner {
  private aliases = 0;

  constructor(
    private readonly scope: PlanScope,
    /** Planning the whole operation refuses what only execution can answer; planning one field during execution leaves it to its resolver. */
    private readonly whole: boolean,
  ) {}

  /** The plan of a root field of the call graph, or NotPlanned. */
  root(parent: GraphQLObjectType, nodes: readonly FieldNode[]): PlannedRoot {
    const key = nodes[0]!.alias?.value ?? nodes[0]!.name.value;
    const definition = parent.getFields()[nodes[0]!.name.value];
    const read = definition && (fieldRead(definition) as RootRead | undefined);
    if (!definition || !read || !('kind' in read) || !['rootPage', 'lookup', 'nodes'].includes(read.kind)) throw new NotPlanned(`${parent.name}.${nodes[0]!.name.value}`);
    this.checkScopes(parent, definition);
    const args = getArgumentValues(definition, nodes[0]!, this.scope.variables) as Arguments;
    const returned = getNamedType(definition.type);
    switch (read.kind) {
      case 'rootPage': {
        const connection = returned as GraphQLObjectType;
        const table = this.tableOfConnection(connection);
        const alias = this.alias();
        const where = read.where?.(args, identifier(alias));
        return { key, kind: 'page', page: this.page(connection, nodes, table, alias, args as ListArguments, read.list, read.defaultOrder, where) };
      }
      case 'lookup': {
        const type = returned as GraphQLObjectType;
        const table = this.tableOf(type);
        return { key, kind: 'lookup', table, alias: this.alias(), match: read.match(args), object: this.object(type, nodes) };
      }
      case 'nodes': {
        const ids = read.ids(args);
        const objects = new Map<string, { table: TableRead; alias: string; object: PlannedObject }>();
        for (const { typename } of ids) {
          if (objects.has(typename)) continue;
          const type = this.scope.schema.getType(typename);
          const table = type instanceof GraphQLObjectType ? typeRead(type) : undefined;
          if (!isAbstractType(returned) || !(type instanceof GraphQLObjectType) || table?.kind !== 'table' || !this.scope.schema.isSubType(returned, type)) continue;
          objects.set(typename, { table, alias: this.alias(), object: this.object(type, nodes) });
        }
        return { key, kind: 'nodes', single: read.single, ids, objects };
      }
    }
  }

  /** Rows of `type`'s table as `nodes` select them, under a fresh alias (objects loaded by id). */
  rows(type: GraphQLObjectType, nodes: readonly FieldNode[]): { table: TableRead; alias: string; object: PlannedObject } {
    return { table: this.tableOf(type), alias: this.alias(), object: this.object(type, nodes) };
  }

  /** The fields `nodes` select on an object of `type`. */
  object(type: GraphQLObjectType, nodes: readonly FieldNode[]): PlannedObject {
    const fields: PlannedField[] = [];
    for (const [key, fieldNodes] of collectSubfields(this.scope.schema, this.scope.fragments, this.scope.variables, type, nodes)) {
      const name = fieldNodes[0]!.name.value;
      if (name === '__typename') {
        fields.push({ key, kind: 'typename', typename: type.name });
        continue;
      }
      const definition = type.getFields()[name];
      const read = definition && (fieldRead(definition) as FieldRead | undefined);
      if (!definition || !read) throw new NotPlanned(`${type.name}.${name} has no read declaration`);
      if (!this.permitted(type, definition)) continue;
      fields.push(this.planField(type, definition, read, key, fieldNodes));
    }
    return { type, fields };
  }

  /** The plan of the one field `nodes` select on `type`. */
  field(type: GraphQLObjectType, nodes: readonly FieldNode[]): PlannedField {
    const definition = type.getFields()[nodes[0]!.name.value];
    const read = definition && (fieldRead(definition) as FieldRead | undefined);
    if (!definition || !read) throw new NotPlanned(`${type.name}.${nodes[0]!.name.value} has no read declaration`);
    return this.planField(type, definition, read, nodes[0]!.alias?.value ?? nodes[0]!.name.value, nodes);
  }

  private planField(type: GraphQLObjectType, definition: GraphQLField<unknown, unknown>, read: FieldRead, key: string, nodes: readonly FieldNode[]): PlannedField {
    const target = getNamedType(definition.type);
    switch (read.kind) {
      case 'column':
      case 'expression':
      case 'element':
        return { key, kind: 'value', read };
      case 'globalId':
        return { key, kind: 'globalId', typename: type.name };
      case 'exists':
        return { key, kind: 'exists', table: read.table(), alias: this.alias(), column: read.column, targetColumn: read.targetColumn };
      case 'embedded':
        return { key, kind: 'embedded', present: read.present, object: this.object(target as GraphQLObjectType, nodes) };
      case 'elements':
        return { key, kind: 'elements', column: read.column, object: this.object(target as GraphQLObjectType, nodes) };
      case 'relation': {
        if (read.cardinality !== 'page') {
          const object = target as GraphQLObjectType;
          return { key, kind: read.cardinality === 'one' ? 'row' : 'rows', relation: read, table: this.tableOf(object), alias: this.alias(), object: this.object(object, nodes) };
        }
        const connection = target as GraphQLObjectType;
        try {
          const args = getArgumentValues(definition, nodes[0]!, this.scope.variables) as ListArguments;
          return { key, kind: 'page', relation: read, page: this.page(connection, nodes, this.tableOfConnection(connection), this.alias(), args, read.list!, read.defaultOrder!, undefined) };
        } catch (error) {
          if (this.whole || !(error instanceof GraphQLError)) throw error;
          return { key, kind: 'refused', error };
        }
      }
    }
  }

  /** A page of `table` as `args` ask for it, with what `nodes` select of the connection. */
  private page(
    connection: GraphQLObjectType,
    nodes: readonly FieldNode[],
    table: TableRead,
    alias: string,
    args: ListArguments,
    list: string,
    defaultOrder: { field: string; direction: 'ASC' | 'DESC' },
    where: Sql | undefined,
  ): PlannedPage {
    const orderBy = args.orderBy ?? defaultOrder;
    const order = table.orders[orderBy.field];
    if (!order) throw new UserInputError(`orderBy: ${orderBy.field} is not an ordering of this list.`, { argument: 'orderBy' });
    const orderName = `${orderBy.field}_${orderBy.direction}`;
    if (args.first != null && args.last != null) throw new UserInputError('Give first or last, not both.');
    if (args.first != null && args.before != null) throw new UserInputError('Page forwards with first and after, or backwards with last and before.');
    if (args.last != null && args.after != null) throw new UserInputError('Page forwards with first and after, or backwards with last and before.');
    const backward = args.last != null || (args.first == null && args.before != null);
    const argument = backward ? 'last' : 'first';
    const size = (backward ? args.last : args.first) ?? this.scope.pages.defaultSize;
    if (size < 0 || size > this.scope.pages.maxSize) {
      throw new UserInputError(`${argument} must be between 0 and ${this.scope.pages.maxSize}; got ${size}.`, { argument, max: this.scope.pages.maxSize });
    }
    const cursorText = backward ? args.before : args.after;
    const cursor = cursorText != null ? decodeCursor(backward ? 'before' : 'after', cursorText, list, orderName, order, table.idType) : undefined;
    return { table, alias, list, orderName, order, descending: orderBy.direction === 'DESC', size, backward, cursor, where, connection: this.connection(connection, nodes) };
  }

  private connection(connection: GraphQLObjectType, nodes: readonly FieldNode[]): PlannedConnectionField[] {
    const nodeType = this.nodeTypeOf(connection);
    const collect = (type: GraphQLObjectType, of: readonly FieldNode[]) => collectSubfields(this.scope.schema, this.scope.fragments, this.scope.variables, type, of);
    const out: PlannedConnectionField[] = [];
    for (const [key, fieldNodes] of collect(connection, nodes)) {
      const name = fieldNodes[0]!.name.value;
      if (name === '__typename') out.push({ key, kind: 'typename', typename: connection.name });
      else if (name === 'totalCount') out.push({ key, kind: 'totalCount' });
      else if (name === 'nodes') out.push({ key, kind: 'nodes', object: this.object(nodeType, fieldNodes) });
      else if (name === 'edges') {
        const edge = getNamedType(connection.getFields().edges!.type) as GraphQLObjectType;
        const fields = [...collect(edge, fieldNodes)].map(([edgeKey, edgeNodes]) => {
          const edgeField = edgeNodes[0]!.name.value;
          if (edgeField === '__typename') return { key: edgeKey, kind: 'typename' as const, typename: edge.name };
          if (edgeField === 'cursor') return { key: edgeKey, kind: 'cursor' as const };
          return { key: edgeKey, kind: 'node' as const, object: this.object(nodeType, edgeNodes) };
        });
        out.push({ key, kind: 'edges', fields });
      } else if (name === 'pageInfo') {
        const pageInfo = getNamedType(connection.getFields().pageInfo!.type) as GraphQLObjectType;
        const fields = [...collect(pageInfo, fieldNodes)].map(([infoKey, infoNodes]) => {
          const infoField = infoNodes[0]!.name.value;
          if (infoField === '__typename') return { key: infoKey, kind: 'typename' as const, typename: pageInfo.name };
          return { key: infoKey, kind: infoField as 'hasNextPage' | 'hasPreviousPage' | 'startCursor' | 'endCursor' };
        });
        out.push({ key, kind: 'pageInfo', fields });
      } else throw new NotPlanned(`${connection.name}.${name}`);
    }
    return out;
  }

  private nodeTypeOf(connection: GraphQLObjectType): GraphQLObjectType {
    if (typeRead(connection)?.kind !== 'connection') throw new NotPlanned(`${connection.name} is not a connection`);
    return getNamedType(connection.getFields().nodes!.type) as GraphQLObjectType;
  }

  private tableOfConnection(connection: GraphQLObjectType): TableRead {
    return this.tableOf(this.nodeTypeOf(connection));
  }

  private tableOf(type: GraphQLObjectType): TableRead {
    const read = typeRead(type);
    if (read?.kind !== 'table') throw new NotPlanned(`${type.name} is not read from a table`);
    return read;
  }

  /**
   * Whether the key may read the field (its type's and its own `authScopes`, any scope of a rule
   * granting it). Planning a whole operation refuses a field it may not read, so that execution
   * answers it with the field's FORBIDDEN error; planning during execution leaves it out, and its
   * resolver reports the error.
   */
  private permitted(type: GraphQLObjectType, field: GraphQLField<unknown, unknown>): boolean {
    const options = [pothosOptions(type), pothosOptions(field)];
    if (options.some((option) => SCOPE_OPTIONS.some((name) => name in option))) {
      if (this.whole) throw new NotPlanned(`${type.name}.${field.name}: scope rules left to execution`);
      return false;
    }
    const rules = options.map((option) => option.authScopes as ScopeRule);
    const granted = rules.every(
      (rule) => rule === undefined || (typeof rule === 'object' && Object.entries(rule).some(([scope, wanted]) => wanted === true && this.scope.granted[scope] === true)),
    );
    if (!granted && this.whole) throw new NotPlanned(`${type.name}.${field.name}: not granted`);
    return granted;
  }

  /** A fresh alias for a table read by the statement, so that correlated subqueries never shadow one another. */
  private alias(): string {
    return `t${this.aliases++}`;
  }

  private checkScopes(type: GraphQLObjectType, field: GraphQLField<unknown, unknown>): void {
    if (!this.permitted(type, field)) throw new NotPlanned(`${type.name}.${field.name}: not granted`);
  }
}

