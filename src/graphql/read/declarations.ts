import type { GraphQLField, GraphQLNamedType } from 'graphql';
import type { ColumnAccess, Sql } from '../../db/sql.js';

export type { ColumnAccess };

/*
 * What the planner knows of a type or field, declared once beside its Pothos definition and
 * carried in the schema as the definition's `extensions.read`. The planner reads nothing else.
 */

/** An object as the planned statement returns it: JSON keyed by the operation's response keys. */
export type PlannedRow = Record<string, unknown>;

/** Prisma scalar types of the model's columns: they decide how a column is written as JSON. */
export type ColumnType = 'String' | 'Int' | 'Boolean' | 'DateTime' | 'BigInt' | 'Decimal' | 'Json' | 'Enum';

/** A column a list can be ordered by; its PostgreSQL type is what a cursor's value is cast back to. */
export interface OrderColumn {
  column: string;
  type: 'timestamptz' | 'numeric' | 'integer';
}

/** A type read from one table of the model. */
export interface TableRead {
  kind: 'table';
  /** The table, as schema.prisma maps the model. */
  table: string;
  /** The Prisma model, which the declarations' test checks every column against. */
  model: string;
  /** The PostgreSQL type of the `id` column, as cursors and lookups bind it. */
  idType: 'bigint' | 'text';
  /** The orderings a list of this type offers, by the name `orderBy.field` gives. */
  orders: Record<string, OrderColumn>;
}

/** A type whose fields are read from the row of the object holding it (Money of a call). */
export interface EmbeddedRead {
  kind: 'embedded';
}

/** A list of objects read from the elements of a JSON array column (an attempt's IVR answers). */
export interface ElementsRead {
  kind: 'elements';
}

/** A connection of a table's rows: `edges`, `nodes`, `pageInfo` and `totalCount`. */
export interface ConnectionRead {
  kind: 'connection';
}

export type TypeRead = TableRead | EmbeddedRead | ElementsRead | ConnectionRead;

export type FieldRead =
  /** A column of the row, written as JSON according to its type. */
  | { kind: 'column'; column: string; type: ColumnType; nullable: boolean }
  /** A value computed from the row's columns. */
  | { kind: 'expression'; value: (column: ColumnAccess) => Sql }
  /** The row's global id (`Type:id` in base64). */
  | { kind: 'globalId' }
  /** An object of an embedded type over the same row, or null when `present` is false. */
  | { kind: 'embedded'; present: (column: ColumnAccess) => Sql }
  /** A list of objects from a JSON array column; their fields are `element` reads. */
  | { kind: 'elements'; column: string }
  /** One key of a JSON element. */
  | { kind: 'element'; key: string }
  /** Whether `table` has a row whose `targetColumn` equals the row's `column`. */
  | { kind: 'exists'; table: () => TableRead; column: string; targetColumn: string }
  /** Rows of the field's type whose `targetColumn` equals the row's `column`. */
  | Relation;

export interface Relation {
  kind: 'relation';
  /** The column of the current row that identifies the related rows. */
  column: string;
  /** The column of the related table that holds it. */
  targetColumn: string;
  /**
   * `one`: the row or null; `many`: every row, in `order`; `page`: a connection, with its list's
   * name in cursors and the order it takes without `orderBy`.
   */
  cardinality: 'one' | 'many' | 'page';
  /** For `many`: the column that orders the rows (the id breaks ties). */
  order?: string;
  /** For `page`. */
  list?: string;
  defaultOrder?: { field: string; direction: 'ASC' | 'DESC' };
}

/** Arguments of a root field as graphql-js coerced them. */
export type Arguments = Record<string, unknown>;

/** Root fields (Query) that read the call graph. */
export type RootRead =
  /** A connection over the return type's table, narrowed by `where`. */
  | { kind: 'rootPage'; list: string; defaultOrder: { field: string; direction: 'ASC' | 'DESC' }; where?: (args: Arguments, alias: Sql) => Sql | undefined }
  /** At most one row of the return type's table: the row whose columns equal these values; undefined when none can. */
  | { kind: 'lookup'; match: (args: Arguments) => Record<string, unknown> | undefined }
  /** node(id) / nodes(ids). */
  | { kind: 'nodes'; ids: (args: Arguments) => Array<{ typename: string; id: string }>; single: boolean };

export type Read = FieldRead | RootRead;

/** The declaration of a type, or undefined when the planner does not read it. */
export const typeRead = (type: GraphQLNamedType): TypeRead | undefined => (type.extensions as { read?: TypeRead }).read;

/** The declaration of a field, or undefined when the planner does not read it. */
export const fieldRead = (field: GraphQLField<unknown, unknown>): Read | undefined => (field.extensions as { read?: Read }).read;
