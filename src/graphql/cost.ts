import {
  getNamedType,
  getNullableType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FieldNode,
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

/**
 * What an operation costs before it runs: every field costs 1 for each object it is resolved on,
 * and a paged list multiplies its fields by its page size, so `first: 100` nested three times
 * costs a million. Introspection fields cost nothing.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown>,
  options: CostOptions,
): number {
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
  const operation = document.definitions.find(
    (d) => d.kind === Kind.OPERATION_DEFINITION && (!operationName || d.name?.value === operationName),
  );
  if (!operation || operation.kind !== Kind.OPERATION_DEFINITION) return 0;

  const cost = (set: SelectionSetNode, type: GraphQLNamedType | undefined, multiplier: number, visiting: Set<string>): number => {
    let total = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value.startsWith('__') || !type || !(isObjectType(type) || isInterfaceType(type))) continue;
        const definition = type.getFields()[selection.name.value];
        if (!definition) continue;
        total += multiplier;
        if (selection.selectionSet) {
          const inner = multiplier * fanOut(selection, definition, type, variables, options);
          total += cost(selection.selectionSet, getNamedType(definition.type), inner, visiting);
        }
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const on = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : type;
        total += cost(selection.selectionSet, on ?? undefined, multiplier, visiting);
      } else {
        const fragment = fragments.get(selection.name.value);
        if (!fragment || visiting.has(fragment.name.value)) continue;
        const on = schema.getType(fragment.typeCondition.name.value) ?? undefined;
        total += cost(fragment.selectionSet, on, multiplier, new Set([...visiting, fragment.name.value]));
      }
    }
    return total;
  };
  const root = operation.operation === 'mutation' ? schema.getMutationType() : operation.operation === 'subscription' ? schema.getSubscriptionType() : schema.getQueryType();
  return cost(operation.selectionSet, root ?? undefined, 1, new Set());
}
