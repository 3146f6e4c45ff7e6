import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { loadConfig, StartupError } from '../config.js';
import { openDatabase } from '../db/client.js';
import { UserInputError } from '../errors.js';
import { countExport } from '../export/calls.js';
import { exportText } from '../export/export.js';
import { parseCallFilter } from '../export/filter.js';
import { EXPORT_FORMATS, type ExportFormat } from '../export/format.js';
import { runCli } from './run.js';

const USAGE = `usage: npm run export -- --account <id> [--filter '<CallFilter JSON>'] [--format ${EXPORT_FORMATS.join('|')}] [--output <file>]`;

/** Counts in place on a terminal, at most every 200 ms; nothing when stderr is a file or a pipe. */
function progressBar(total: number) {
  const started = performance.now();
  let shown = 0;
  return (calls: number) => {
    const now = performance.now();
    if (now - shown < 200 && calls < total) return;
    shown = now;
    const share = total === 0 ? 1 : Math.min(1, calls / total);
    const rate = Math.round(calls / ((now - started) / 1000));
    process.stderr.write(`\r[${'#'.repeat(Math.round(share * 30)).padEnd(30, '.')}] ${(share * 100).toFixed(0).padStart(3)}% ${calls}/${total} calls, ${rate}/s `);
  };
}

runCli(async () => {
  let values;
  try {
    ({ values } = parseArgs({
      options: { account: { type: 'string' }, filter: { type: 'string' }, format: { type: 'string', default: 'csv' }, output: { type: 'string' } },
    }));
  } catch (error) {
    throw new StartupError(`${(error as Error).message}\n${USAGE}`);
  }
  if (!values.account) throw new StartupError(`--account is required\n${USAGE}`);
  const format = values.format as ExportFormat;
  if (!EXPORT_FORMATS.includes(format)) throw new StartupError(`--format must be one of ${EXPORT_FORMATS.join(', ')}\n${USAGE}`);
  let filter;
  try {
    filter = parseCallFilter(values.filter, '--filter');
  } catch (error) {
    if (error instanceof UserInputError) throw new StartupError(error.message);
    throw error;
  }

  const config = loadConfig();
  // A batch tool, not a request: its bulk statements run without the requests' statement_timeout.
  const db = await openDatabase({ ...config.database, statementTimeoutMs: 0 });
  const tty = process.stderr.isTTY;
  try {
    if ((await db.sql.query('SELECT 1 FROM accounts WHERE id = $1', [values.account])).length === 0) throw new StartupError(`There is no account "${values.account}".`);
    const request = { accountId: values.account, filter };
    const onProgress = tty ? progressBar(await countExport(db.sql, request)) : undefined;
    const output = values.output ? createWriteStream(values.output) : process.stdout;
    await pipeline(Readable.from(exportText(db.sql, format, request, onProgress)), output);
  } finally {
    if (tty) process.stderr.write('\n');
    await db.close();
  }
});
