import type { ColumnAccess, ColumnType, ElementsRead, EmbeddedRead, FieldRead, RootRead, TableRead } from './declarations.js';
import type { GraphQLResolveInfo } from 'graphql';
import type { Context } from '../context.js';
import { fromResponse, resolvePlanned } from './execute.js';
import type { Sql } from '../../db/sql.js';

/*
 * Field options that declare how the planner reads a field, to spread into its Pothos definition:
 * `fromNumber: t.string({ ...column('from_number', 'String', { nullable: true }), description })`.
 * The declaration travels in the field's `extensions.read`; the resolver reads the value the
 * statement wrote under the field's response key.
 */

const read = <R extends FieldRead>(declaration: R) => ({ extensions: { read: declaration }, resolve: fromResponse });

/** A root field runs its own planned statement when the operation is executed field by field. */
const rootRead = <R extends RootRead>(declaration: R) => ({
  extensions: { read: declaration },
  resolve: (_root: unknown, _args: unknown, ctx: Context, info: GraphQLResolveInfo) => resolvePlanned(ctx, info) as Promise<never>,
});

/** A column of the row; nullability as the model's column (the declarations' test checks both). */
export const column = <N extends boolean = false>(name: string, type: ColumnType, options: { nullable?: N } = {}) => ({
  ...read({ kind: 'column', column: name, type, nullable: options.nullable ?? false }),
  nullable: (options.nullable ?? false) as N,
});

/** A value computed from the row's columns. */
export const expression = (value: (column: ColumnAccess) => Sql) => read({ kind: 'expression', value });

/** The row's global id. */
export const globalId = () => read({ kind: 'globalId' });

/** Whether a row of `table` has `targetColumn` equal to this row's `column`. */
export const exists = (table: () => TableRead, columnName: string, targetColumn: string) => read({ kind: 'exists', table, column: columnName, targetColumn });

/** An object of an embedded type over the same row, null when `present` is false. */
export const embedded = (present: (column: ColumnAccess) => Sql) => read({ kind: 'embedded', present });

/** A list of objects from the elements of a JSON array column. */
export const elements = (columnName: string) => read({ kind: 'elements', column: columnName });

/** One key of a JSON element. */
export const element = (key: string) => read({ kind: 'element', key });

/** The one row of the field's type whose `targetColumn` is this row's `column` (or null). */
export const one = (columnName: string, targetColumn: string) => read({ kind: 'relation', cardinality: 'one', column: columnName, targetColumn });

/** Every row of the field's type whose `targetColumn` is this row's `column`, by `order` and then id. */
export const many = (columnName: string, targetColumn: string, order: string) => read({ kind: 'relation', cardinality: 'many', column: columnName, targetColumn, order });

/** A connection of the rows whose `targetColumn` is this row's `column`. */
export const page = (columnName: string, targetColumn: string, list: string, defaultOrder: { field: string; direction: 'ASC' | 'DESC' }) =>
  read({ kind: 'relation', cardinality: 'page', column: columnName, targetColumn, list, defaultOrder });

/** A root connection over the return type's table. */
export const rootPage = (declaration: Omit<Extract<RootRead, { kind: 'rootPage' }>, 'kind'>) => rootRead({ kind: 'rootPage', ...declaration });

/** A root field answering at most one row. */
export const lookup = (match: Extract<RootRead, { kind: 'lookup' }>['match']) => rootRead({ kind: 'lookup', match });

/** node(id) / nodes(ids). */
export const nodes = (declaration: Omit<Extract<RootRead, { kind: 'nodes' }>, 'kind'>) => rootRead({ kind: 'nodes', ...declaration });

/** The table a type is read from, for its `extensions.read`. */
export const table = (declaration: Omit<TableRead, 'kind'>): TableRead => ({ kind: 'table', ...declaration });

/** Type options: an embedded type or a JSON element type. */
export const embeddedType = (): { extensions: { read: EmbeddedRead } } => ({ extensions: { read: { kind: 'embedded' } } });
export const elementType = (): { extensions: { read: ElementsRead } } => ({ extensions: { read: { kind: 'elements' } } });
