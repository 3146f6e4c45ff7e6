import type { SqlExecutor } from '../db/sql-driver.js';
import { columnOf, identifier, integer, isoTime, join, sql, type Sql } from '../db/sql.js';
import { EXPORTED, exportCondition, type CallFilterInput } from './filter.js';

/** How a column's values are written: text, a number, or JSON text to embed as it is. */
export type ColumnKind = 'text' | 'number' | 'json';

export interface ExportColumn {
  name: string;
  kind: ColumnKind;
  /** Its PostgreSQL type, as information_schema names it. */
  type: string;
}

export type ExportRow = Record<string, string | number | null>;

/**
 * Calls per statement: enough that round trips cost little, few enough that a batch's rows (about
 * 80 fields each) are made and dropped in V8's young generation; 2000 kept the old one growing.
 */
export const EXPORT_BATCH_SIZE = 250;

const NUMBER_TYPES = new Set(['integer', 'smallint', 'bigint', 'numeric']);

/**
 * Every column of the calls table, in the table's order, read from PostgreSQL's catalogue: the
 * export follows the model as the migrations make it, with no column list of its own to keep in step.
 */
export async function exportColumns(db: SqlExecutor): Promise<ExportColumn[]> {
  const rows = await db.query<{ name: string; type: string }>(
    `SELECT column_name AS name, data_type AS type FROM information_schema.columns
     WHERE table_schema = current_schema() AND table_name = 'calls' ORDER BY ordinal_position`,
  );
  return rows.map(({ name, type }) => ({ name, type, kind: NUMBER_TYPES.has(type) ? 'number' : type === 'json' || type === 'jsonb' ? 'json' : 'text' }));
}

/**
 * What PostgreSQL sends for a column: 32-bit integers as they are, every other column as text
 * (64-bit ids and decimals keep every digit), instants as ISO-8601 UTC; both drivers (pg, PGlite)
 * then hand over the same values, and Node parses no dates, decimals or JSON.
 */
function selectExpression({ name, type }: ExportColumn): Sql {
  const column = columnOf(EXPORTED, name);
  if (type === 'integer' || type === 'smallint') return sql`${column} AS ${identifier(name)}`;
  if (type.startsWith('timestamp')) return sql`${isoTime(column)} AS ${identifier(name)}`;
  return sql`${column}::text AS ${identifier(name)}`;
}

export interface ExportRequest {
  accountId: string;
  filter: CallFilterInput | null;
  batchSize?: number;
}

/** How many calls an export will write (for a progress bar). */
export async function countExport(db: SqlExecutor, { accountId, filter }: ExportRequest): Promise<number> {
  const statement = sql`SELECT count(*) AS count FROM calls ${EXPORTED} WHERE ${exportCondition(accountId, filter)}`;
  const [row] = await db.query<{ count: string | number }>(statement.text, statement.values);
  return Number(row!.count);
}

/**
 * The account's calls matching the filter, in id order, batch by batch: each batch is one
 * statement after the last id of the one before (a keyset), so memory holds one batch whatever
 * the export's size, and no connection or transaction is held between batches (on PGlite, one
 * connection for the whole server, a cursor held open would stall every other request until the
 * export ended). A call inserted during the export is written if its id comes after the batch
 * being read; no call is written twice.
 */
export async function* exportBatches(db: SqlExecutor, columns: readonly ExportColumn[], request: ExportRequest): AsyncGenerator<ExportRow[]> {
  const batchSize = request.batchSize ?? EXPORT_BATCH_SIZE;
  const select = join(columns.map(selectExpression), ', ');
  const matching = exportCondition(request.accountId, request.filter);
  const id = columnOf(EXPORTED, 'id');
  let after: string | undefined;
  for (;;) {
    const where = after === undefined ? matching : sql`${matching} AND ${id} > ${after}::bigint`;
    const statement = sql`SELECT ${select}, ${id}::text AS _key FROM calls ${EXPORTED} WHERE ${where} ORDER BY ${id} LIMIT ${integer(batchSize)}`;
    const rows = await db.query<ExportRow & { _key: string }>(statement.text, statement.values);
    if (rows.length === 0) return;
    after = rows[rows.length - 1]!._key;
    yield rows;
    if (rows.length < batchSize) return;
  }
}
