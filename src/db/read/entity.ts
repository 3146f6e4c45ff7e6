import { alias, type SqlParams } from './sql.js';

/** A column a list can be ordered by, and how its value travels in a cursor. */
export interface OrderColumn {
  /** SQL expression of the sort column, on the entity's alias. */
  column: string;
  /** PostgreSQL type the cursor's text is cast back to. */
  type: 'timestamptz' | 'numeric' | 'integer' | 'bigint';
  /** SQL expression that renders the value as cursor text, exactly round-tripping the type. */
  text: string;
}

/**
 * How one table is read: which SQL expression yields each GraphQL field, so that a statement
 * selects exactly the fields an operation asks for and PostgreSQL returns them as JSON keyed by
 * GraphQL field name (resolvers then read plain properties).
 */
export interface Entity {
  table: string;
  alias: string;
  /** GraphQL field name → SQL expression of its value. */
  columns: Record<string, string>;
  /** Fields resolved from other loaded values (relations) → the columns they need. */
  requires: Record<string, string[]>;
  orders: Record<string, OrderColumn>;
}

/**
 * A relation read by the same statement as its rows: a correlated subquery on the row's alias
 * whose JSON is what the relation's own loader would have returned, under `property`.
 */
export interface RelationColumn {
  property: string;
  sql(params: SqlParams): string;
}

/** What a statement reads of each row: GraphQL fields, and relations loaded with the row. */
export interface Selection {
  fields: ReadonlySet<string>;
  relations: readonly RelationColumn[];
  /** Equal for equal selections: loaders are keyed by it. */
  key: string;
}

/** Every loaded row carries its id; relation fields pull in the keys they need. */
export function selectList(entity: Entity, selection: Selection, params: SqlParams): string {
  const wanted = new Set(['id']);
  for (const field of selection.fields) {
    if (field in entity.columns) wanted.add(field);
    for (const required of entity.requires[field] ?? []) wanted.add(required);
  }
  return [
    ...[...wanted].map((field) => `${entity.columns[field]} AS ${alias(field)}`),
    ...selection.relations.map((relation) => `${relation.sql(params)} AS ${alias(relation.property)}`),
  ].join(', ');
}
