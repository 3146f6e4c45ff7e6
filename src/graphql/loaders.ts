import type { Database } from '../db/client.js';
import type { Entity } from '../db/read/entity.js';
import { batchedPageQuery, byKeysQuery, pageQuery, type PageRequest, type PageRows } from '../db/read/page.js';
import type { SqlParams } from '../db/read/sql.js';
import { loaderFor, type Context } from './context.js';
import { fieldsKey } from './selection.js';

/**
 * Every read is one statement whose result PostgreSQL has already shaped as JSON keyed by GraphQL
 * field names, so resolvers read plain properties. It goes to the driver below Prisma: for one
 * JSON value per statement, Prisma's raw-query pipeline cost about a quarter of the throughput of
 * the dashboard list (../shared/perf-notes.md) and added nothing.
 */
export async function queryOne<T>(db: Database, query: { sql: string; params: unknown[] }): Promise<T> {
  const rows = await db.sql.query<T>(query.sql, query.params);
  return rows[0]!;
}

/**
 * The account condition every statement carries: the single place where reads are scoped, so no
 * query, node lookup, relation, filter or count can reach another account's rows.
 */
export function scoped(ctx: Context, entity: Entity, more: (params: SqlParams) => string[] = () => []) {
  return (params: SqlParams) => [`${entity.alias}.account_id = ${params.add(ctx.accountId)}`, ...more(params)];
}

/** Every loaded row has its id; page rows carry their `_cursor`, grouped rows their `_key`. */
export interface Row {
  id: string;
  _cursor?: string | null;
  _key?: string;
}

export function loadPage<R extends Row>(ctx: Context, request: Omit<PageRequest, 'where'> & { where?: PageRequest['where'] }) {
  return queryOne<PageRows<R>>(ctx.db, pageQuery({ ...request, where: scoped(ctx, request.entity, request.where) }));
}

/** Rows grouped by a key column (records of a call, say): one statement per batch of keys. */
export function rowsByKey<R extends Row>(ctx: Context, entity: Entity, keyColumn: string, fields: ReadonlySet<string>, orderBy?: string) {
  return loaderFor<R[]>(ctx, `${entity.table}:${keyColumn}:${fieldsKey(fields)}`, async (keys) => {
    const { rows } = await queryOne<{ rows: R[] }>(ctx.db, byKeysQuery(entity, keyColumn, keys, scoped(ctx, entity), fields, orderBy));
    const grouped = new Map<string, R[]>(keys.map((key) => [key, []]));
    for (const row of rows) grouped.get(row._key!)?.push(row);
    return keys.map((key) => grouped.get(key)!);
  });
}

/** One row per id, or null where no row with that id is visible to the request. */
export function rowById<R extends Row>(ctx: Context, entity: Entity, fields: ReadonlySet<string>) {
  return loaderFor<R | null>(ctx, `${entity.table}:id:${fieldsKey(fields)}`, async (ids) => {
    const { rows } = await queryOne<{ rows: R[] }>(ctx.db, byKeysQuery(entity, `${entity.alias}.id`, ids, scoped(ctx, entity), fields));
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/** The same page of a child list under many parents, in one statement per batch of parents. */
export function pageByKey<R extends Row>(ctx: Context, request: Omit<PageRequest, 'where'>, keyColumn: string, requestKey: string) {
  return loaderFor<PageRows<R>>(ctx, `${request.entity.table}:page:${keyColumn}:${requestKey}`, async (keys) => {
    const { pages } = await queryOne<{ pages: Array<PageRows<R> & { key: string }> }>(
      ctx.db,
      batchedPageQuery({ ...request, where: scoped(ctx, request.entity) }, keyColumn, keys),
    );
    const byKey = new Map(pages.map((page) => [page.key, page]));
    return keys.map((key) => byKey.get(key) ?? { rows: [], total: 0, behind: false });
  });
}
