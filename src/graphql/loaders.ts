import type { Database } from '../db/client.js';
import type { Entity, Selection } from '../db/read/entity.js';
import { byIdsQuery, pageQuery, type PageRequest, type PageRows } from '../db/read/page.js';
import type { SqlParams } from '../db/read/sql.js';
import { loaderFor, type Context } from './context.js';

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

/** Every loaded row has its id; page rows carry their `_cursor`. */
export interface Row {
  id: string;
  _cursor?: string | null;
}

export function loadPage<R extends Row>(ctx: Context, request: Omit<PageRequest, 'where'> & { where?: PageRequest['where'] }) {
  return queryOne<PageRows<R>>(ctx.db, pageQuery({ ...request, where: scoped(ctx, request.entity, request.where) }));
}

/** One row per id, or null where no row with that id is visible to the request. */
export function rowById<R extends Row>(ctx: Context, entity: Entity, selection: Selection) {
  return loaderFor<R | null>(ctx, `${entity.table}:id:${selection.key}`, async (ids) => {
    const { rows } = await queryOne<{ rows: R[] }>(ctx.db, byIdsQuery(entity, ids, scoped(ctx, entity), selection));
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}
