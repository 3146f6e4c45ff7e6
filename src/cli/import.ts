import { createReadStream, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { CountryCode } from 'libphonenumber-js';
import { loadConfig, StartupError } from '../config.js';
import { openDatabase } from '../db/client.js';
import { migrate } from '../db/migrator.js';
import { compactRollups } from '../db/rollups.js';
import { DEFAULT_BATCH_SIZE, FORMATS, importCalls, type FormatName, type ImportSummary } from '../importers/import.js';
import { READ_CHUNK_BYTES } from '../importers/read.js';
import { runCli } from './run.js';

const USAGE = `usage: npm run import -- --format <${Object.keys(FORMATS).join('|')}> --account <id> [--dry-run] [--default-region US] [--batch-size ${DEFAULT_BATCH_SIZE}] [--create-account] <file | ->`;

/** Counts in place on a terminal; nothing when stderr is a file or a pipe. */
function progressBar(totalBytes: number | undefined, countBytes: () => number) {
  if (!process.stderr.isTTY) return () => {};
  const started = performance.now();
  return (summary: ImportSummary, records: number) => {
    const rate = Math.round(records / ((performance.now() - started) / 1000));
    const share = totalBytes ? Math.min(1, countBytes() / totalBytes) : undefined;
    const bar = share === undefined ? '' : `[${'#'.repeat(Math.round(share * 30)).padEnd(30, '.')}] ${(share * 100).toFixed(0).padStart(3)}% `;
    process.stderr.write(`\r${bar}${records} records, ${rate}/s, ${summary.rejected} rejected `);
  };
}

runCli(async () => {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        format: { type: 'string' },
        account: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        'default-region': { type: 'string' },
        'batch-size': { type: 'string', default: String(DEFAULT_BATCH_SIZE) },
        'create-account': { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    throw new StartupError(`${(error as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  const format = values.format as FormatName | undefined;
  if (!format || !(format in FORMATS)) throw new StartupError(`--format must be one of ${Object.keys(FORMATS).join(', ')}\n${USAGE}`);
  if (!values.account) throw new StartupError(`--account is required\n${USAGE}`);
  if (positionals.length !== 1) throw new StartupError(`give one file, or - for standard input\n${USAGE}`);
  const batchSize = Number(values['batch-size']);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new StartupError(`--batch-size must be a positive whole number\n${USAGE}`);
  const region = values['default-region']?.toUpperCase() as CountryCode | undefined;

  const path = positionals[0]!;
  const stream = path === '-' ? process.stdin : createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
  let bytes = 0;
  async function* input(): AsyncGenerator<Buffer> {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      yield chunk;
    }
  }
  const totalBytes = path === '-' ? undefined : statSync(path, { throwIfNoEntry: false })?.size;
  if (path !== '-' && totalBytes === undefined) throw new StartupError(`no such file: ${path}`);

  const config = loadConfig();
  // A batch tool, not a request: its bulk statements run without the requests' statement_timeout.
  const db = await openDatabase({ ...config.database, statementTimeoutMs: 0 });
  let summary: ImportSummary | undefined;
  try {
    await migrate(db.sql);
    const account = await db.sql.query('SELECT 1 FROM accounts WHERE id = $1', [values.account]);
    if (account.length === 0) {
      if (!values['create-account']) throw new StartupError(`There is no account "${values.account}"; add --create-account to create it.`);
      await db.sql.query('INSERT INTO accounts (id, name) VALUES ($1, $1)', [values.account]);
    }
    summary = await importCalls(db.sql, input(), {
      format,
      accountId: values.account,
      dryRun: values['dry-run'],
      batchSize,
      defaultRegion: region,
      maxRecordCharacters: config.importer.maxRecordCharacters,
      actor: 'cli',
      onProgress: progressBar(totalBytes, () => bytes),
    });
    // The import's batches appended a delta per call; folded now so that dashboards sum the
    // rollup rows rather than those deltas, without waiting for a server's periodic compaction.
    if (!values['dry-run']) await compactRollups(db.sql);
  } finally {
    if (process.stderr.isTTY) process.stderr.write('\n');
    await db.close();
  }
  const dry = values['dry-run'] ? ' (dry run: nothing was written)' : '';
  process.stdout.write(`inserted ${summary.inserted}, updated ${summary.updated}, unchanged ${summary.unchanged}, stale ${summary.stale}, rejected ${summary.rejected}${dry}\n`);
  for (const problem of summary.problems) {
    process.stdout.write(`rejected record ${problem.position}${problem.externalId ? ` (${problem.externalId})` : ''}: ${problem.message}\n`);
  }
  if (summary.hint) process.stdout.write(`hint: ${summary.hint}\n`);
  if (summary.fault) process.stdout.write(`error: ${path}: ${summary.fault}; the records before it are counted above\n`);
  if (summary.rejected > 0 || summary.fault) process.exitCode = 1;
});
