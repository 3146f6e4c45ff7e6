import type { SqlExecutor } from '../db/sql-driver.js';
import { exportBatches, exportColumns, type ExportRequest } from './calls.js';
import { formatter, type ExportFormat } from './format.js';

/**
 * Rows per chunk of text: a chunk stays under V8's large-object size (128 kB), so it is made and
 * dropped in the young generation; whole batches as one string each (2-5 MB) went straight to the
 * old generation, which V8 lets grow long before it collects (bench/RESULTS.md).
 */
const ROWS_PER_CHUNK = 32;

/**
 * An export as text, chunk by chunk (the header, then one chunk per batch of calls), pulled by
 * its consumer: a file, standard output or an HTTP response reads the next batch only when it has
 * taken the last, so memory holds about one batch. `onProgress` hears the calls written so far.
 */
export async function* exportText(sql: SqlExecutor, format: ExportFormat, request: ExportRequest, onProgress?: (calls: number) => void): AsyncGenerator<string> {
  const columns = await exportColumns(sql);
  const { header, rows } = formatter(format, columns);
  if (header) yield header;
  let written = 0;
  for await (const batch of exportBatches(sql, columns, request)) {
    for (let start = 0; start < batch.length; start += ROWS_PER_CHUNK) yield rows(batch.slice(start, start + ROWS_PER_CHUNK));
    written += batch.length;
    onProgress?.(written);
  }
}
