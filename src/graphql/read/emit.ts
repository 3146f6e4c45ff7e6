import { isInterfaceType, isObjectType, type GraphQLSchema } from 'graphql';
import { accountScope } from '../../db/read/scope.js';
import { cursorSql, type Keyset } from './cursor.js';
import type { ColumnType, OrderColumn, TableRead } from './declarations.js';
import { globalIdSql } from './global-id.js';
import type { PlannedConnectionField, PlannedField, PlannedObject, PlannedPage, PlannedRoot } from './plan.js';
import { and, empty, identifier, integer, isoTime, join, jsonObject, schemaText, sql, type Sql } from '../../db/sql.js';

/*
 * The emitter: a plan becomes one SQL value that is the JSON of its response, keyed by response
 * keys in the order of the GraphQL spec (PostgreSQL's json keeps keys in the order written).
 * Relations are correlated subqueries on their parent's alias, so a root field of any depth is one
 * statement. Every table is read through `from`, which adds the account scope.
 */

/** Where JSON values come from: a row alias that remembers which of its columns are read. */
class RowAlias {
  readonly sql: Sql;
  readonly columns = new Set<string>(['id']);
  /** Columns whose ISO text a page's scan writes once per row (see `instant`). */
  readonly instants = new Set<string>();

  constructor(
    readonly name: string,
    /** Whether the alias names a page's scan, which can carry values computed from its columns. */
    private readonly scanned = false,
  ) {
    this.sql = identifier(name);
  }

  readonly column = (column: string): Sql => {
    this.columns.add(column);
    return sql`${this.sql}.${identifier(column)}`;
  };

  /**
   * An instant column as ISO text. Over a page's scan the text is computed there, once per row,
   * as a node's field and its edge's cursor both write it (to_char is the costliest part of both).
   */
  readonly instant = (column: string): Sql => {
    if (!this.scanned) return isoTime(this.column(column));
    this.instants.add(column);
    return sql`${this.sql}.${instantColumn(column)}`;
  };
}

/** The name under which a page's scan carries a column's ISO text: no column of the model starts with `_`. */
const instantColumn = (column: string): Sql => identifier(`_iso_${column}`);

/** A value of a column as the API writes it: instants as ISO text, 64-bit and exact numbers as strings. */
function columnValue(row: RowAlias, column: string, type: ColumnType): Sql {
  switch (type) {
    case 'DateTime':
      return row.instant(column);
    case 'BigInt':
    case 'Decimal':
      return sql`${row.column(column)}::text`;
    default:
      return row.column(column);
  }
}

const CASTS: Record<OrderColumn['type'] | TableRead['idType'], Sql> = {
  timestamptz: sql`timestamptz`,
  numeric: sql`numeric`,
  integer: sql`integer`,
  bigint: sql`bigint`,
  text: sql`text`,
};

/**
 * The sort value of a row as a cursor carries it: text that casts back to the column's type
 * exactly. `isoText` writes an instant's ISO text, only when the column is one (a page's scan may
 * carry it already).
 */
const orderText = (order: OrderColumn, column: Sql, isoText: () => Sql = () => isoTime(column)): Sql =>
  order.type === 'timestamptz' ? isoText() : sql`${column}::text`;

/** Where an object's type is written for execution: no GraphQL name can be this key. */
const TYPE_KEY = '$type';

const fieldNamesBySchema = new WeakMap<GraphQLSchema, ReadonlySet<string>>();

/** The names of every field of the schema's object and interface types, `__typename` included. */
function fieldNamesOf(schema: GraphQLSchema): ReadonlySet<string> {
  let names = fieldNamesBySchema.get(schema);
  if (!names) {
    const all = new Set<string>(['__typename']);
    for (const type of Object.values(schema.getTypeMap())) {
      if (isObjectType(type) || isInterfaceType(type)) for (const name of Object.keys(type.getFields())) all.add(name);
    }
    fieldNamesBySchema.set(schema, (names = all));
  }
  return names;
}

export class Emitter {
  private readonly fieldNames: ReadonlySet<string>;

  constructor(
    private readonly accountId: string,
    /**
     * Values for execution (a root field's value that graphql-js resolves) rather than a whole
     * response: objects where an interface is returned carry their type under `$type`, which no
     * GraphQL name can be.
     */
    private readonly forExecution: boolean,
    schema: GraphQLSchema,
  ) {
    this.fieldNames = fieldNamesOf(schema);
  }

  /**
   * A response key: a field name of the schema is written into the statement, and any other key
   * (a client's alias) is bound, so the only texts a statement holds are the schema's own.
   */
  private key(key: string): Sql {
    return this.fieldNames.has(key) || key === TYPE_KEY ? schemaText(key) : sql`${key}::text`;
  }

  /** The JSON object of these entries, under their response keys. */
  private entriesObject(entries: ReadonlyArray<readonly [key: string, value: Sql]>): Sql {
    return jsonObject(entries.map(([key, value]) => [this.key(key), value] as const));
  }

  /**
   * The rows of `table` a statement may read: the account scope is added here, and every table the
   * emitter reads goes through this function.
   */
  private from(table: TableRead, alias: Sql, conditions: ReadonlyArray<Sql | undefined>): { from: Sql; where: Sql } {
    const all = [accountScope(alias, this.accountId), ...conditions.filter((condition): condition is Sql => condition !== undefined)];
    return { from: sql`${identifier(table.table)} ${alias}`, where: and(all) };
  }

  /** The JSON object of `data`: each root field's value under its response key. */
  data(roots: ReadonlyArray<PlannedRoot | { key: string; kind: 'typename'; typename: string }>): Sql {
    return this.entriesObject(roots.map((root) => [root.key, root.kind === 'typename' ? schemaText(root.typename) : this.root(root)]));
  }

  /** The JSON value of one root field. */
  root(root: PlannedRoot): Sql {
    switch (root.kind) {
      case 'page':
        return this.page(root.page, undefined);
      case 'lookup': {
        if (!root.match) return sql`NULL::json`;
        const row = new RowAlias(root.alias);
        const match = Object.entries(root.match).map(([column, value]) => sql`${row.sql}.${identifier(column)} = ${value}`);
        const { from, where } = this.from(root.table, row.sql, match);
        return sql`(SELECT ${this.object(root.object, row, false)} FROM ${from} WHERE ${where} LIMIT 1)`;
      }
      case 'nodes': {
        // The ids go as one JSON parameter: pg writes an array parameter element by element,
        // escaping each in JavaScript, where JSON.stringify is one native call.
        const ids = JSON.stringify(root.ids);
        const branches = [...root.objects].map(([typename, { table, alias, object }]) => {
          const row = new RowAlias(alias);
          const { from, where } = this.from(table, row.sql, [sql`${row.sql}.id = i.id`]);
          return sql`WHEN ${schemaText(typename)} THEN (SELECT ${this.object(object, row, true)} FROM ${from} WHERE ${where})`;
        });
        const element = branches.length ? sql`CASE i.typename ${join(branches, ' ')} END` : sql`NULL::json`;
        const list = sql`(SELECT COALESCE(json_agg(${element} ORDER BY i.n), '[]'::json) FROM ROWS FROM (json_to_recordset(${ids}::json) AS (typename text, id bigint)) WITH ORDINALITY AS i(typename, id, n))`;
        return root.single ? sql`(${list}->0)` : list;
      }
    }
  }

  /** An object of `rows.object` for each of these ids that is visible, keyed by id. */
  byIds(rows: { table: TableRead; alias: string; object: PlannedObject }, ids: readonly string[]): Sql {
    const row = new RowAlias(rows.alias);
    const { from, where } = this.from(rows.table, row.sql, [sql`${row.sql}.id = ANY(${ids}::${CASTS[rows.table.idType]}[])`]);
    return sql`(SELECT COALESCE(json_object_agg(${row.sql}.id, ${this.object(rows.object, row, false)}), '{}'::json) FROM ${from} WHERE ${where})`;
  }

  /** The JSON object of `plan` over the row `row`. */
  private object(plan: PlannedObject, row: RowAlias, abstract: boolean): Sql {
    const entries: Array<readonly [string, Sql]> = [];
    for (const field of plan.fields) {
      if (field.kind !== 'refused') entries.push([field.key, this.field(field, row)]);
    }
    if (abstract && this.forExecution) entries.push([TYPE_KEY, schemaText(plan.type.name)]);
    return this.entriesObject(entries);
  }

  private field(field: Exclude<PlannedField, { kind: 'refused' }>, row: RowAlias): Sql {
    switch (field.kind) {
      case 'typename':
        return schemaText(field.typename);
      case 'globalId':
        return globalIdSql(field.typename, row.column('id'));
      case 'value': {
        const read = field.read;
        if (read.kind === 'column') return columnValue(row, read.column, read.type);
        if (read.kind === 'expression') return read.value(row.column);
        return sql`(${row.sql}.value -> ${schemaText(read.key)})`;
      }
      case 'exists': {
        const related = identifier(field.alias);
        const { from, where } = this.from(field.table, related, [sql`${related}.${identifier(field.targetColumn)} = ${row.column(field.column)}`]);
        return sql`EXISTS (SELECT 1 FROM ${from} WHERE ${where})`;
      }
      case 'embedded':
        return sql`CASE WHEN ${field.present(row.column)} THEN ${this.object(field.object, row, false)} END`;
      case 'elements': {
        const element = new RowAlias(`${row.name}_e`);
        return sql`(SELECT COALESCE(json_agg(${this.object(field.object, element, false)} ORDER BY ${element.sql}.ord), '[]'::json)
          FROM jsonb_array_elements(${row.column(field.column)}) WITH ORDINALITY AS ${element.sql}(value, ord))`;
      }
      case 'row':
      case 'rows': {
        const related = new RowAlias(field.alias);
        const { from, where } = this.from(field.table, related.sql, [sql`${related.sql}.${identifier(field.relation.targetColumn)} = ${row.column(field.relation.column)}`]);
        const object = this.object(field.object, related, false);
        if (field.kind === 'row') return sql`(SELECT ${object} FROM ${from} WHERE ${where})`;
        const order = sql`${related.sql}.${identifier(field.relation.order ?? 'id')}, ${related.sql}.id`;
        return sql`(SELECT COALESCE(json_agg(${object} ORDER BY ${order}), '[]'::json) FROM ${from} WHERE ${where})`;
      }
      case 'page':
        return this.page(field.page, { targetColumn: field.relation.targetColumn, value: row.column(field.relation.column) });
    }
  }

  /**
   * One page of a list as the JSON of its connection. The rows are one index range scan in the
   * direction of travel; only when the connection asks whether more rows follow (pageInfo) is one
   * row more read and each row numbered, so the extra row stays out of the lists. A backward page is
   * listed in reverse, so its lists keep the list's order.
   */
  private page(page: PlannedPage, parent: { targetColumn: string; value: Sql } | undefined): Sql {
    const row = new RowAlias(page.alias, true);
    const a = row.sql;
    // The lists are aggregated in the list's order, outside the scan: the order column is read there too.
    const orderColumn = row.column(page.order.column);
    const descending = page.descending !== page.backward;
    const orderOf = (desc: boolean) => (desc ? sql`${orderColumn} DESC, ${a}.id DESC` : sql`${orderColumn} ASC, ${a}.id ASC`);
    const travel = orderOf(descending);
    const listed = orderOf(page.descending);
    const parentCondition = parent ? sql`${a}.${identifier(parent.targetColumn)} = ${parent.value}` : undefined;
    const base = [parentCondition, page.where];
    const idCast = CASTS[page.table.idType];
    const valueCast = CASTS[page.order.type];

    // Whether more rows follow is known by reading one row more; the rows are then numbered, so
    // that the extra row stays out of the lists.
    const numbered = page.connection.some(
      (field) => field.kind === 'pageInfo' && field.fields.some((info) => info.kind === (page.backward ? 'hasPreviousPage' : 'hasNextPage')),
    );
    const shown = numbered ? sql` FILTER (WHERE ${a}.n <= ${integer(page.size)})` : empty;
    // The connection's aggregates are written inline in its JSON, in one aggregate over the rows:
    // a subquery that named them would be one plan node more, run again for every parent row of a
    // relation. PostgreSQL computes identical aggregates of one query once.
    let aggregated = false;
    const aggregate = (value: Sql) => {
      aggregated = true;
      return value;
    };
    const list = (item: Sql) => sql`COALESCE(${aggregate(sql`json_agg(${item} ORDER BY ${listed})${shown}`)}, '[]'::json)`;
    // An edge's cursor is written inside the list's aggregate, so only for the rows listed.
    const cursor = () => cursorSql(page.list, page.orderName, orderText(page.order, orderColumn, () => row.instant(page.order.column)), sql`${a}.id`);
    // startCursor and endCursor are written from the keys of the list's first and last row, taken
    // as plain arrays: a cursor per row (to_char, base64) is written only when edges ask for it.
    const cursorAt = (end: 'first' | 'last') => {
      const at = (keys: Sql) => {
        const list = aggregate(sql`(array_agg(${keys} ORDER BY ${listed})${shown})`);
        return end === 'first' ? sql`(${list}[1])` : sql`(${list}[cardinality(${list})])`;
      };
      return cursorSql(page.list, page.orderName, orderText(page.order, at(orderColumn)), at(sql`${a}.id`));
    };
    const more = () => sql`${aggregate(sql`count(*)`)} > ${integer(page.size)}`;
    // The count and the look behind the cursor read the table again under the page's alias, which
    // shadows the page's rows there, so the filter written on that alias holds in them too.
    const behind = () => (page.cursor ? this.behind(page.table, a, orderColumn, descending, page.cursor, base, idCast, valueCast) : sql`FALSE`);
    const total = () => {
      const { from, where } = this.from(page.table, a, base);
      return sql`(SELECT count(*)::int FROM ${from} WHERE ${where})`;
    };

    const entries = page.connection.map((field) => [field.key, this.connectionField(field, row, { list, cursor, more, behind, cursorAt, total, backward: page.backward })] as const);
    const value = this.entriesObject(entries);
    // A connection that lists nothing (totalCount, hasPreviousPage, __typename) reads no rows.
    if (!aggregated) return value;

    const cursorCondition = page.cursor ? this.beyond(orderColumn, a, page.cursor, descending, idCast, valueCast) : undefined;
    const { from, where } = this.from(page.table, a, [...base, cursorCondition]);
    const select = [
      ...[...row.columns].map((column) => sql`${a}.${identifier(column)}`),
      ...[...row.instants].map((column) => sql`${isoTime(sql`${a}.${identifier(column)}`)} AS ${instantColumn(column)}`),
      ...(numbered ? [sql`row_number() OVER (ORDER BY ${travel}) AS n`] : []),
    ];
    const limit = integer(numbered ? page.size + 1 : page.size);
    return sql`(SELECT ${value} FROM (SELECT ${join(select, ', ')} FROM ${from} WHERE ${where} ORDER BY ${travel} LIMIT ${limit}) ${a})`;
  }

  private connectionField(
    field: PlannedConnectionField,
    row: RowAlias,
    page: {
      list: (item: Sql) => Sql;
      cursor: () => Sql;
      more: () => Sql;
      behind: () => Sql;
      cursorAt: (end: 'first' | 'last') => Sql;
      total: () => Sql;
      backward: boolean;
    },
  ): Sql {
    switch (field.kind) {
      case 'typename':
        return schemaText(field.typename);
      case 'totalCount':
        return page.total();
      case 'nodes':
        return page.list(this.object(field.object, row, false));
      case 'edges':
        return page.list(
          this.entriesObject(
            field.fields.map((edge) => {
              if (edge.kind === 'typename') return [edge.key, schemaText(edge.typename)] as const;
              if (edge.kind === 'cursor') return [edge.key, page.cursor()] as const;
              return [edge.key, this.object(edge.object, row, false)] as const;
            }),
          ),
        );
      case 'pageInfo':
        return this.entriesObject(
          field.fields.map((info) => {
            switch (info.kind) {
              case 'typename':
                return [info.key, schemaText(info.typename)] as const;
              case 'hasNextPage':
                return [info.key, page.backward ? sql`(${page.behind()})` : page.more()] as const;
              case 'hasPreviousPage':
                return [info.key, page.backward ? page.more() : sql`(${page.behind()})`] as const;
              case 'startCursor':
                return [info.key, page.cursorAt('first')] as const;
              case 'endCursor':
                return [info.key, page.cursorAt('last')] as const;
            }
          }),
        );
    }
  }

  /**
   * Rows strictly beyond `cursor` in the direction of travel. PostgreSQL sorts NULL above every
   * value, so a descending scan meets NULLs first and an ascending one last; both match a b-tree
   * index on (…, column, id) scanned either way, so every page is an index range scan.
   */
  private beyond(column: Sql, a: Sql, cursor: Keyset, descending: boolean, idCast: Sql, valueCast: Sql): Sql {
    const id = sql`${cursor.id}::${idCast}`;
    if (cursor.value === null) {
      return descending ? sql`(${column} IS NULL AND ${a}.id < ${id}) OR ${column} IS NOT NULL` : sql`${column} IS NULL AND ${a}.id > ${id}`;
    }
    const value = sql`${cursor.value}::${valueCast}`;
    const comparison = descending ? sql`(${column}, ${a}.id) < (${value}, ${id})` : sql`(${column}, ${a}.id) > (${value}, ${id})`;
    return descending ? comparison : sql`${comparison} OR ${column} IS NULL`;
  }

  /**
   * Whether rows lie on the other side of the cursor (it included): each condition is one index
   * range, as `NOT beyond` written as it is would filter every row of the account.
   */
  private behind(table: TableRead, a: Sql, column: Sql, descending: boolean, cursor: Keyset, base: ReadonlyArray<Sql | undefined>, idCast: Sql, valueCast: Sql): Sql {
    const id = sql`${cursor.id}::${idCast}`;
    let conditions: Sql[];
    if (cursor.value === null) {
      conditions = descending ? [sql`${column} IS NULL AND ${a}.id >= ${id}`] : [sql`${column} IS NOT NULL`, sql`${column} IS NULL AND ${a}.id <= ${id}`];
    } else {
      const value = sql`${cursor.value}::${valueCast}`;
      conditions = descending ? [sql`(${column}, ${a}.id) >= (${value}, ${id})`, sql`${column} IS NULL`] : [sql`(${column}, ${a}.id) <= (${value}, ${id})`];
    }
    return join(
      conditions.map((condition) => {
        const { from, where } = this.from(table, a, [...base, condition]);
        return sql`EXISTS (SELECT 1 FROM ${from} WHERE ${where})`;
      }),
      ' OR ',
    );
  }
}
