import {
  getNamedType,
  getNullableType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

export interface CostOptions {
  /** Page size a connection gets when the operation gives neither first nor last. */
  defaultPageSize: number;
  /** How many items a plain list (a call's attempts, say) is assumed to hold. */
  listSize: number;
}

/** What an operation asks for, measured before it runs. */
export interface OperationMeasure {
  /** Deepest field nesting, fragments flattened; a leaf counts as a level, introspection's __schema does not. */
  depth: number;
  /** Aliased fields, counting a fragment's once per spread. */
  aliases: number;
  /** See operationCost. */
  cost: number;
  /** Selections the measure walked: each selection of the document at most once, whatever the spreads. */
  visited: number;
  /** A fragment that spreads itself, directly or not (graphql-js validation refuses these first). */
  cycle?: string;
}

function argumentValue(field: FieldNode, name: string, variables: Record<string, unknown>): unknown {
  const argument = field.arguments?.find((a) => a.name.value === name);
  if (!argument) return undefined;
  const read = (value: ValueNode): unknown => {
    switch (value.kind) {
      case Kind.VARIABLE:
        return variables[value.name.value];
      case Kind.INT:
        return Number(value.value);
      case Kind.LIST:
        return value.values.map(read);
      default:
        return undefined;
    }
  };
  return read(argument.value);
}

/** How many objects a field's selection is resolved on, per object of its parent. */
function fanOut(field: FieldNode, definition: GraphQLField<unknown, unknown>, parent: GraphQLNamedType, variables: Record<string, unknown>, options: CostOptions): number {
  const pages = definition.args.some((a) => a.name === 'first' || a.name === 'last');
  if (pages) {
    const size = argumentValue(field, 'first', variables) ?? argumentValue(field, 'last', variables);
    return typeof size === 'number' && size >= 0 ? size : options.defaultPageSize;
  }
  // A connection's edges and nodes are its page, already counted on the connection field.
  if (!isListType(getNullableType(definition.type)) || parent.name.endsWith('Connection')) return 1;
  const ids = argumentValue(field, 'ids', variables);
  return Array.isArray(ids) ? ids.length : options.listSize;
}

interface SetMeasure {
  depth: number;
  aliases: number;
  /** Cost per object the selection set is resolved on: a set's cost is linear in that number. */
  cost: number;
}

const CYCLE = Symbol('cycle');

/**
 * Measures the operation: every field costs 1 for each object it is resolved on, and a paged list
 * multiplies its fields by its page size, so `first: 100` nested three times costs a million.
 * Introspection fields cost nothing.
 *
 * A selection set's depth, aliases and cost per object do not depend on where it is spread (a
 * fragment's type is its own type condition), so each fragment is measured once and its measure
 * reused at every spread: the walk is linear in the document, where expanding spreads would be
 * exponential (`fragment F1 { ...F0 ...F0 }`, `F2 { ...F1 ...F1 }` …).
 */
export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown>,
  options: CostOptions,
): OperationMeasure {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const operation = document.definitions.find(
    (d) => d.kind === Kind.OPERATION_DEFINITION && (!operationName || d.name?.value === operationName),
  );
  const measured = new Map<string, SetMeasure | typeof CYCLE>();
  let visited = 0;
  let cycle: string | undefined;

  const fragmentMeasure = (name: string): SetMeasure | undefined => {
    const known = measured.get(name);
    if (known === CYCLE) {
      cycle ??= name;
      return undefined;
    }
    if (known) return known;
    const fragment = fragments.get(name);
    if (!fragment) return undefined;
    measured.set(name, CYCLE);
    const result = measure(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value) ?? undefined);
    measured.set(name, result);
    return result;
  };

  const measure = (set: SelectionSetNode, type: GraphQLNamedType | undefined): SetMeasure => {
    const total: SetMeasure = { depth: 0, aliases: 0, cost: 0 };
    const add = (inner: SetMeasure, levels: number, multiplier: number) => {
      total.depth = Math.max(total.depth, inner.depth + levels);
      total.aliases += inner.aliases;
      total.cost += inner.cost * multiplier;
    };
    for (const selection of set.selections) {
      visited += 1;
      if (selection.kind === Kind.FIELD) {
        if (selection.alias) total.aliases += 1;
        if (selection.name.value === '__schema') continue;
        total.depth = Math.max(total.depth, 1);
        if (selection.name.value.startsWith('__') || !type || !(isObjectType(type) || isInterfaceType(type))) continue;
        const definition = type.getFields()[selection.name.value];
        if (!definition) continue;
        total.cost += 1;
        if (selection.selectionSet) add(measure(selection.selectionSet, getNamedType(definition.type)), 1, fanOut(selection, definition, type, variables, options));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const on = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : type;
        add(measure(selection.selectionSet, on ?? undefined), 0, 1);
      } else {
        const inner = fragmentMeasure(selection.name.value);
        if (inner) add(inner, 0, 1);
      }
    }
    return total;
  };

  if (!operation || operation.kind !== Kind.OPERATION_DEFINITION) return { depth: 0, aliases: 0, cost: 0, visited };
  const root = operation.operation === 'mutation' ? schema.getMutationType() : operation.operation === 'subscription' ? schema.getSubscriptionType() : schema.getQueryType();
  const { depth, aliases, cost } = measure(operation.selectionSet, root ?? undefined);
  return { depth, aliases, cost, visited, ...(cycle ? { cycle } : {}) };
}
