import { alias } from './sql.js';

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

/** Every loaded row carries its id; relation fields pull in the keys they need. */
export function selectList(entity: Entity, fields: Iterable<string>): string {
  const wanted = new Set(['id']);
  for (const field of fields) {
    if (field in entity.columns) wanted.add(field);
    for (const required of entity.requires[field] ?? []) wanted.add(required);
  }
  return [...wanted].map((field) => `${entity.columns[field]} AS ${alias(field)}`).join(', ');
}
