import type { Entity } from './entity.js';
import { correlated, pageScan, type PageScanRequest } from './page.js';
import type { SqlParams } from './sql.js';

/*
 * SQL that writes a GraphQL response's JSON itself: objects in response-key order, global ids and
 * cursors as cdrql's resolvers make them, connections with their edges and pageInfo. PostgreSQL's
 * json type keeps keys in the order written, which jsonb would not.
 */

/** json_build_object takes at most 100 arguments. */
const MAX_KEYS = 50;

/**
 * A name as an SQL string literal: GraphQL names (response keys, type names), which the GraphQL
 * parser allows only letters, digits and _ in, and list and order names of ours.
 */
export const literal = (name: string) => `'${name}'::text`;

/** A JSON object with these keys, in this order, or undefined when there are too many for one call. */
export function jsonObject(entries: ReadonlyArray<readonly [key: string, value: string]>): string | undefined {
  if (entries.length > MAX_KEYS) return undefined;
  return `json_build_object(${entries.map(([key, value]) => `${literal(key)}, ${value}`).join(', ')})`;
}

/** base64 of `Type:id`, as Pothos' encodeGlobalID writes it; short enough that encode() breaks no line. */
export const globalId = (typename: string, idColumn: string) => `encode(convert_to(${literal(typename)} || ':' || ${idColumn}, 'UTF8'), 'base64')`;

/**
 * connection.ts's encodeCursor: base64url without padding of `[list, order, value, id]`. translate()
 * maps + and / to - and _ and drops the line breaks encode() puts every 76 characters.
 */
export function cursorText(list: string, order: string, valueText: string, idColumn: string): string {
  const json = `'["${list}","${order}",' || COALESCE(to_json(${valueText})::text, 'null') || ',"' || ${idColumn} || '"]'`;
  return `rtrim(translate(encode(convert_to(${json}, 'UTF8'), 'base64'), E'+/\\n', '-_'), '=')`;
}

/** What the rendering of a connection can read of its page. */
export interface RenderedPage {
  /** A JSON array of `item` (an expression on the entity's alias) for the rows shown, in list order. */
  list(item: string): string;
  /** The row's cursor, on the entity's alias. */
  cursor(): string;
  hasNextPage(): string;
  hasPreviousPage(): string;
  startCursor(): string;
  endCursor(): string;
  total: string;
}

/**
 * One page as the JSON value `render` builds of it. The rows are read as pageQuery reads them;
 * only when the rendering asks whether more rows follow (pageInfo) is one row more read and each
 * row numbered in the direction of travel, so the extra row stays out of the lists. A backward
 * page is listed in reverse, so the list keeps its order either way.
 */
export function renderedPage(
  request: PageScanRequest & { cursorText: string },
  params: SqlParams,
  parent: { keyColumn: string; outerKey: string } | undefined,
  render: (page: RenderedPage) => string,
): string {
  const scan = pageScan(request, params, parent ? [`${parent.keyColumn} = k.key`] : []);
  const a = request.entity.alias;
  const size = request.limit - 1;
  let numbered = false;
  let withCursor = false;
  // Aggregates are written once the rendering has said what it reads: numbering changes them.
  const aggregates: Array<() => string> = [];
  const aggregate = (sql: () => string) => `p.a${aggregates.push(sql)}`;
  // In list order, not by number: a forward page's rows come in that order already, and need no sort.
  const listed = () => `ORDER BY ${scan.listOrderBy}`;
  const shown = () => (numbered ? ` FILTER (WHERE ${a}.n <= ${size})` : '');
  const cursor = () => {
    withCursor = true;
    return `${a}._cursor`;
  };
  let cursors: string | undefined;
  const cursorList = () => (cursors ??= aggregate(() => `array_agg(${cursor()} ${listed()})${shown()}`));
  const more = () => {
    numbered = true;
    return `p.fetched > ${size}`;
  };
  const value = render({
    list: (item) => `COALESCE(${aggregate(() => `json_agg(${item} ${listed()})${shown()}`)}, '[]'::json)`,
    cursor,
    hasNextPage: () => (request.backward ? `(${scan.behind})` : more()),
    hasPreviousPage: () => (request.backward ? more() : `(${scan.behind})`),
    startCursor: () => `${cursorList()}[1]`,
    endCursor: () => `${cursorList()}[cardinality(${cursorList()})]`,
    total: scan.total,
  });
  const columns = ['count(*) AS fetched', ...aggregates.map((sql, index) => `${sql()} AS a${index + 1}`)];
  const select = [
    ...columnsRead(a, `${value} ${columns.join(' ')}`),
    ...(numbered ? [`row_number() OVER (ORDER BY ${scan.orderBy}) AS n`] : []),
    ...(withCursor ? [`${request.cursorText} AS _cursor`] : []),
  ];
  const rows = `(${scan.rows(select.join(', '), numbered ? request.limit : size)}) ${a}`;
  const page = `(SELECT ${columns.join(', ')} FROM ${rows}) p`;
  return parent ? `(SELECT ${value} FROM (SELECT ${parent.outerKey} AS key) k CROSS JOIN LATERAL ${page})` : `(SELECT ${value} FROM ${page})`;
}

/** Names a page's rows carry besides the table's columns. */
const PAGE_ROW_NAMES = new Set(['n', '_cursor']);

/**
 * The columns of the table behind `alias` that `sql` reads: a page's rows carry only those through
 * the window and the aggregates, not all of them (calls has 69, among them the vendor's payload);
 * that made PostgreSQL's part of the dashboard list 3% slower. A subquery over the same table
 * reuses the alias, so the set may hold more than the page itself reads, never less.
 */
function columnsRead(alias: string, sql: string): string[] {
  const names = new Set([...sql.matchAll(new RegExp(`\\b${alias}\\.([a-z_][a-z0-9_]*)\\b`, 'g'))].map((match) => match[1]!));
  return ['id', ...[...names].filter((name) => name !== 'id' && !PAGE_ROW_NAMES.has(name))].map((name) => `${alias}.${name}`);
}

/** Every row whose `keyColumn` is the parent's key, as a JSON array of `item` in `orderBy` order. */
export function renderedRows(
  entity: Entity,
  keyColumn: string,
  outerKey: string,
  where: (params: SqlParams) => string[],
  params: SqlParams,
  orderBy: string,
  item: string,
): string {
  return `(SELECT COALESCE(json_agg(${item} ORDER BY ${orderBy}), '[]'::json) FROM ${correlated(entity, keyColumn, outerKey, where, params)})`;
}

/** `item` of the one row whose id is `outerKey`, or null. */
export function renderedRow(entity: Entity, outerKey: string, where: (params: SqlParams) => string[], params: SqlParams, item: string): string {
  return `(SELECT ${item} FROM ${correlated(entity, `${entity.alias}.id`, outerKey, where, params)})`;
}

/**
 * A JSON array with one element per id, in the order given: the `render`ing of the row of the id's
 * type, or null where the type has no row with that id (or is not one of `render`'s).
 */
export function renderedByIds(
  ids: ReadonlyArray<{ typename: string; id: string }>,
  params: SqlParams,
  render: Record<string, (idColumn: string) => string>,
): string {
  const types = params.add(ids.map((id) => id.typename), 'text[]');
  const values = params.add(ids.map((id) => id.id), 'bigint[]');
  const branches = Object.entries(render).map(([typename, item]) => `WHEN ${literal(typename)} THEN ${item('i.id')}`);
  const element = branches.length ? `CASE i.typename ${branches.join(' ')} END` : 'NULL::json';
  return `(SELECT COALESCE(json_agg(${element} ORDER BY i.n), '[]'::json) FROM unnest(${types}, ${values}) WITH ORDINALITY AS i(typename, id, n))`;
}
