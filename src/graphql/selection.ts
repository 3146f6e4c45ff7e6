import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/** What a resolver, or a relation planned inside its parent's statement, sees of the operation. */
export type FieldInfo = Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments' | 'variableValues' | 'schema'>;

const cache = new WeakMap<readonly FieldNode[], Map<string, ReadonlyMap<string, FieldNode[]>>>();

/** Whether a fragment's type condition applies to `typeName` (its own name or an interface of it). */
function applies(condition: string | undefined, typeName: string): boolean {
  return condition === undefined || condition === typeName || condition === 'Node';
}

function collect(info: FieldInfo, set: SelectionSetNode | undefined, typeName: string, path: readonly string[], out: Map<string, FieldNode[]>): void {
  if (!set) return;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      if (path.length === 0) {
        const responseKey = selection.alias?.value ?? selection.name.value;
        out.set(responseKey, [...(out.get(responseKey) ?? []), selection]);
      } else if (selection.name.value === path[0]) collect(info, selection.selectionSet, typeName, path.slice(1), out);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      // Fragments on the way down are on the connection or edge types; only the last level's matter.
      if (path.length > 0 || applies(selection.typeCondition?.name.value, typeName)) {
        collect(info, selection.selectionSet, typeName, path, out);
      }
    } else {
      const fragment = info.fragments[selection.name.value];
      if (fragment && (path.length > 0 || applies(fragment.typeCondition.name.value, typeName))) {
        collect(info, fragment.selectionSet, typeName, path, out);
      }
    }
  }
}

/**
 * The fields an operation selects on `typeName` below the current field, by response key,
 * following `paths` (for a connection: `['edges', 'node']` and `['nodes']`). Computed once per
 * field of the operation, however many objects resolve it.
 */
export function selectedFieldNodes(info: FieldInfo, typeName: string, ...paths: Array<readonly string[]>): ReadonlyMap<string, FieldNode[]> {
  const key = `${typeName}:${paths.map((p) => p.join('.')).join('|')}`;
  let perField = cache.get(info.fieldNodes);
  if (!perField) {
    perField = new Map();
    cache.set(info.fieldNodes, perField);
  }
  let fields = perField.get(key);
  if (!fields) {
    const out = new Map<string, FieldNode[]>();
    for (const path of paths.length ? paths : [[]]) {
      for (const node of info.fieldNodes) collect(info, node.selectionSet, typeName, path, out);
    }
    fields = out;
    perField.set(key, fields);
  }
  return fields;
}

const namesCache = new WeakMap<ReadonlyMap<string, FieldNode[]>, ReadonlySet<string>>();

/** The names of the fields an operation selects on `typeName` below the current field. */
export function selectedFields(info: FieldInfo, typeName: string, ...paths: Array<readonly string[]>): ReadonlySet<string> {
  const nodes = selectedFieldNodes(info, typeName, ...paths);
  let names = namesCache.get(nodes);
  if (!names) {
    names = new Set([...nodes.values()].map((group) => group[0]!.name.value));
    namesCache.set(nodes, names);
  }
  return names;
}
