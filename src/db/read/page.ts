import { selectList, type Entity, type OrderColumn, type Selection } from './entity.js';
import { and, SqlParams } from './sql.js';

/** A position in a list: the sort value as text (null sorts above every value) and the id. */
export interface Keyset {
  value: string | null;
  id: string;
}

export interface PageRequest {
  entity: Entity;
  /** Conditions on the entity's alias (scope, filter), adding their values to `params`. */
  where: (params: SqlParams) => string[];
  order: OrderColumn;
  descending: boolean;
  /** Rows strictly beyond this position, in the direction of travel. */
  cursor: Keyset | undefined;
  /** Travel against the order (last / before). */
  backward: boolean;
  /** Rows to fetch: the page size plus one, to learn whether there are more. */
  limit: number;
  selection: Selection;
  withTotal: boolean;
  /** Whether each row carries its `_cursor`: only when the operation reads a cursor. */
  withCursors: boolean;
}

/** One page as PostgreSQL returns it: rows in the direction of travel, each with its `_cursor` when asked. */
export interface PageRows<Row> {
  rows: Row[];
  total: number | null;
  /** Whether rows exist on the other side of the cursor. */
  behind: boolean;
}

/**
 * Keyset condition for "after `cursor` in a scan". PostgreSQL sorts NULL above every value, so a
 * descending scan meets NULLs first and an ascending one last; both match a plain b-tree index on
 * (…, column, id) scanned forwards or backwards, so every page is an index range scan.
 */
function beyond(order: OrderColumn, idColumn: string, cursor: Keyset, descending: boolean, params: SqlParams): string {
  const id = params.add(cursor.id, 'bigint');
  const cmp = descending ? '<' : '>';
  if (cursor.value === null) {
    return descending
      ? `(${order.column} IS NULL AND ${idColumn} < ${id}) OR ${order.column} IS NOT NULL`
      : `${order.column} IS NULL AND ${idColumn} > ${id}`;
  }
  const value = params.add(cursor.value, order.type);
  const rowComparison = `(${order.column}, ${idColumn}) ${cmp} (${value}, ${id})`;
  return descending ? rowComparison : `${rowComparison} OR ${order.column} IS NULL`;
}

/**
 * The rows that are not beyond `cursor` (it included), as conditions each of which is one index
 * range: `NOT beyond` written as it is would be a filter over every row of the account.
 */
function behind(order: OrderColumn, idColumn: string, cursor: Keyset, descending: boolean, params: SqlParams): string[] {
  const id = params.add(cursor.id, 'bigint');
  if (cursor.value === null) {
    return descending ? [`${order.column} IS NULL AND ${idColumn} >= ${id}`] : [`${order.column} IS NOT NULL`, `${order.column} IS NULL AND ${idColumn} <= ${id}`];
  }
  const value = params.add(cursor.value, order.type);
  return descending ? [`(${order.column}, ${idColumn}) >= (${value}, ${id})`, `${order.column} IS NULL`] : [`(${order.column}, ${idColumn}) <= (${value}, ${id})`];
}

/**
 * The page size is written into the statement, not bound: with a bound LIMIT, PostgreSQL never
 * found a generic plan as cheap as a custom one and planned a prepared page on every execution
 * (1.4 ms, against 0.4 ms to run it). Sizes are bounded, so the texts are few.
 */
function pageLimit(limit: number): string {
  if (!Number.isSafeInteger(limit) || limit < 0) throw new Error(`page limit ${limit} is not a size`);
  return String(limit);
}

/** What a page reads, however its rows are then rendered. */
export type PageScanRequest = Omit<PageRequest, 'selection' | 'withCursors'>;

/** One page of rows as SQL pieces on the entity's alias; `extra` narrows it further (a parent key in nested pages). */
export interface PageScan {
  /** The rows in the direction of travel, with this select-list, up to the request's limit or `limit`. */
  rows(select: string, limit?: number): string;
  /** The order of travel, on the entity's alias. */
  orderBy: string;
  /** The order of the list, which a backward page travels against. */
  listOrderBy: string;
  /** The count of the whole list (NULL when not asked for). */
  total: string;
  /** Whether rows exist on the other side of the cursor. */
  behind: string;
}

export function pageScan(request: PageScanRequest, params: SqlParams, extra: string[]): PageScan {
  const { entity, order } = request;
  const a = entity.alias;
  const descending = request.descending !== request.backward;
  const orderOf = (direction: string) => `${order.column} ${direction}, ${a}.id ${direction}`;
  const orderBy = orderOf(descending ? 'DESC' : 'ASC');
  const base = [...extra, ...request.where(params)];
  const cursorCondition = request.cursor ? beyond(order, `${a}.id`, request.cursor, descending, params) : undefined;
  const scan = and(cursorCondition ? [...base, cursorCondition] : base);
  return {
    rows: (select, limit = request.limit) => `SELECT ${select} FROM ${entity.table} ${a} WHERE ${scan} ORDER BY ${orderBy} LIMIT ${pageLimit(limit)}`,
    orderBy,
    listOrderBy: orderOf(request.descending ? 'DESC' : 'ASC'),
    total: request.withTotal ? `(SELECT count(*)::int FROM ${entity.table} ${a} WHERE ${and(base)})` : 'NULL::int',
    behind: request.cursor
      ? behind(order, `${a}.id`, request.cursor, descending, params)
          .map((condition) => `EXISTS (SELECT 1 FROM ${entity.table} ${a} WHERE ${and([...base, condition])})`)
          .join(' OR ')
      : 'FALSE',
  };
}

/** The select-list of one page: `rows` (JSON array), `total` and `behind`. */
function pageColumns(request: PageRequest, params: SqlParams, extra: string[]): string {
  const scan = pageScan(request, params, extra);
  const { entity, order } = request;
  return `(SELECT COALESCE(json_agg(r ORDER BY ${scan.orderBy}), '[]'::json)
        FROM (${scan.rows('*')}) ${entity.alias}
        CROSS JOIN LATERAL (SELECT ${selectList(entity, request.selection, params)}${request.withCursors ? `, ${order.text} AS "_cursor"` : ''}) r) AS rows,
    ${scan.total} AS total,
    ${scan.behind} AS behind`;
}

/** One statement: the page, its total count when asked, and whether rows lie behind the cursor. */
export function pageQuery(request: PageRequest): { sql: string; params: unknown[] } {
  const params = new SqlParams();
  const sql = `SELECT ${pageColumns(request, params, [])}`;
  return { sql, params: params.values };
}

/** One statement for the rows with these ids (a batch of node lookups). */
export function byIdsQuery(entity: Entity, ids: readonly string[], where: (params: SqlParams) => string[], selection: Selection): { sql: string; params: unknown[] } {
  const params = new SqlParams();
  const a = entity.alias;
  const condition = and([`${a}.id = ANY(${params.add(ids, 'bigint[]')})`, ...where(params)]);
  const sql = `SELECT COALESCE(json_agg(r), '[]'::json) AS rows
    FROM (SELECT * FROM ${entity.table} ${a} WHERE ${condition}) ${a}
    CROSS JOIN LATERAL (SELECT ${selectList(entity, selection, params)}) r`;
  return { sql, params: params.values };
}

/*
 * Relations read inside the statement of their parent rows. `outerKey` is an expression on the
 * parent row's alias; it is bound to `k.key` first, so the relation's own table may reuse the
 * alias of the parent's (an inner alias shadows the outer one) and relations nest to any depth.
 */

/** The page of the parent's children: `{ rows, total, behind }`, as `pageQuery` reads a page. */
export function nestedPage(request: PageRequest, keyColumn: string, outerKey: string, params: SqlParams): string {
  return `(SELECT json_build_object('rows', p.rows, 'total', p.total, 'behind', p.behind)
    FROM (SELECT ${outerKey} AS key) k CROSS JOIN LATERAL (SELECT ${pageColumns(request, params, [`${keyColumn} = k.key`])}) p)`;
}

/**
 * The rows of `entity` whose `keyColumn` is the parent's key, as a FROM item on the entity's alias.
 */
export function correlated(entity: Entity, keyColumn: string, outerKey: string, where: (params: SqlParams) => string[], params: SqlParams): string {
  const a = entity.alias;
  return `(SELECT ${outerKey} AS key) k
    CROSS JOIN LATERAL (SELECT * FROM ${entity.table} ${a} WHERE ${and([`${keyColumn} = k.key`, ...where(params)])}) ${a}`;
}

/** Every row whose `keyColumn` is the parent's key, as a JSON array in `orderBy` order. */
export function nestedRows(
  entity: Entity,
  keyColumn: string,
  outerKey: string,
  where: (params: SqlParams) => string[],
  selection: Selection,
  params: SqlParams,
  orderBy = `${entity.alias}.id`,
): string {
  return `(SELECT COALESCE(json_agg(r ORDER BY ${orderBy}), '[]'::json)
    FROM ${correlated(entity, keyColumn, outerKey, where, params)}
    CROSS JOIN LATERAL (SELECT ${selectList(entity, selection, params)}) r)`;
}

/** The one row whose id is the parent's key, or null. */
export function nestedRow(entity: Entity, outerKey: string, where: (params: SqlParams) => string[], selection: Selection, params: SqlParams): string {
  return `(SELECT row_to_json(r)
    FROM ${correlated(entity, `${entity.alias}.id`, outerKey, where, params)}
    CROSS JOIN LATERAL (SELECT ${selectList(entity, selection, params)}) r)`;
}
