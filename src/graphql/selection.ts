import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

const cache = new WeakMap<readonly FieldNode[], Map<string, ReadonlySet<string>>>();

/** Whether a fragment's type condition applies to `typeName` (its own name or an interface of it). */
function applies(condition: string | undefined, typeName: string): boolean {
  return condition === undefined || condition === typeName || condition === 'Node';
}

function collect(info: GraphQLResolveInfo, set: SelectionSetNode | undefined, typeName: string, path: readonly string[], out: Set<string>): void {
  if (!set) return;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      if (path.length === 0) out.add(selection.name.value);
      else if (selection.name.value === path[0]) collect(info, selection.selectionSet, typeName, path.slice(1), out);
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
 * The fields an operation selects on `typeName` below the current field, following `path`
 * (for a connection: `['edges', 'node']` and `['nodes']`). Computed once per field of the
 * operation, however many objects resolve it.
 */
export function selectedFields(info: GraphQLResolveInfo, typeName: string, ...paths: Array<readonly string[]>): ReadonlySet<string> {
  const key = `${typeName}:${paths.map((p) => p.join('.')).join('|')}`;
  let perField = cache.get(info.fieldNodes);
  if (!perField) {
    perField = new Map();
    cache.set(info.fieldNodes, perField);
  }
  let fields = perField.get(key);
  if (!fields) {
    const out = new Set<string>();
    for (const path of paths.length ? paths : [[]]) {
      for (const node of info.fieldNodes) collect(info, node.selectionSet, typeName, path, out);
    }
    fields = out;
    perField.set(key, fields);
  }
  return fields;
}

/** A stable text key of a field set, for keying loaders by what they select. */
export const fieldsKey = (fields: ReadonlySet<string>) => [...fields].sort().join(',');
