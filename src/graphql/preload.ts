import { isObjectType, type GraphQLResolveInfo } from 'graphql';
import { getArgumentValues } from 'graphql/execution/values.js';
import type { RelationColumn, Selection } from '../db/read/entity.js';
import type { Context } from './context.js';
import { selectedFieldNodes, selectedFields, type FieldInfo } from './selection.js';

/** A relation field as the operation selects it below a row: its arguments and its own selection. */
export interface SelectedRelation {
  /** The row property its value is read into: the field's response key, so aliases stay apart. */
  property: string;
  args: Record<string, unknown>;
  info: FieldInfo;
}

/**
 * Plans a relation inside the statement that reads its parent rows: the SQL of its value and a key
 * naming what that SQL reads, or undefined to leave the relation to its loader (arguments the
 * resolver must refuse, say, so that the error lands on the relation's own path).
 */
export type Preloader = (ctx: Context, relation: SelectedRelation) => { key: string; column: RelationColumn } | undefined;

const preloaders = new Map<string, Preloader>();

/** Registers how `typeName.field` is read together with the rows of `typeName`. */
export function preloadRelation(typeName: string, field: string, preloader: Preloader): void {
  preloaders.set(`${typeName}.${field}`, preloader);
}

const propertyOf = (responseKey: string) => `@${responseKey}`;

/**
 * What a statement reads of each `typeName` row the current field returns (following `paths`):
 * the selected fields, and every selected relation that can be read in the same statement, so a
 * page with its parents, legs, attempts and recordings is one round trip.
 */
export function selectionOf(ctx: Context, info: FieldInfo, typeName: string, ...paths: Array<readonly string[]>): Selection {
  const key = `${typeName}:${paths.map((path) => path.join('.')).join('|')}`;
  let perField = ctx.selections.get(info.fieldNodes);
  if (!perField) {
    perField = new Map();
    ctx.selections.set(info.fieldNodes, perField);
  }
  let selection = perField.get(key);
  if (!selection) {
    selection = planSelection(ctx, info, typeName, paths);
    perField.set(key, selection);
  }
  return selection;
}

function planSelection(ctx: Context, info: FieldInfo, typeName: string, paths: Array<readonly string[]>): Selection {
  const fields = selectedFields(info, typeName, ...paths);
  const type = info.schema.getType(typeName);
  const relations: RelationColumn[] = [];
  const keys = [[...fields].sort().join(',')];
  for (const [responseKey, nodes] of selectedFieldNodes(info, typeName, ...paths)) {
    const preloader = preloaders.get(`${typeName}.${nodes[0]!.name.value}`);
    const definition = isObjectType(type) ? type.getFields()[nodes[0]!.name.value] : undefined;
    if (!preloader || !definition) continue;
    const planned = preloader(ctx, {
      property: propertyOf(responseKey),
      args: getArgumentValues(definition, nodes[0]!, info.variableValues),
      info: { fieldNodes: nodes, fragments: info.fragments, variableValues: info.variableValues, schema: info.schema },
    });
    if (!planned) continue;
    relations.push(planned.column);
    keys.push(`${responseKey}=${planned.key}`);
  }
  return { fields, relations, key: keys.join(';') };
}

/** The relation's value, read by the statement that read `row`. */
export function preloaded<T>(row: object, info: GraphQLResolveInfo): T {
  const value = (row as Record<string, T | undefined>)[propertyOf(String(info.path.key))];
  if (value === undefined) throw new Error(`${info.parentType.name}.${info.fieldName} was not read with its row`);
  return value;
}
