import type { Actor } from '../auth/audit.js';
import { recordAuditIn } from '../auth/audit.js';
import { rolledBack, savepointSession, type SqlDriver, type SqlExecutor, type SqlSession } from '../db/sql-driver.js';
import { publishCalls } from '../live/publish.js';
import { callfire } from './formats/callfire.js';
import { freeclimb } from './formats/freeclimb.js';
import { jambonz } from './formats/jambonz.js';
import { pbx } from './formats/pbx.js';
import { restcomm } from './formats/restcomm.js';
import { RecordError, text, type NormalizeOptions } from './normalize.js';
import { DEFAULT_MAX_RECORD, InputError, readRecords } from './read.js';
import type { Format } from './record.js';
import { statisticsKeeper } from './statistics.js';
import { linkBatch, linkLegs, staged, writeBatch, writeCalls, type BatchItem, type Outcome } from './writer.js';

export const FORMATS = { freeclimb, restcomm, pbx, callfire, jambonz } as const satisfies Record<string, Format>;
export type FormatName = keyof typeof FORMATS;

export interface Problem {
  /** 1-based position of the record in the input. */
  position: number;
  /** The vendor's id of the call, when the record has one. */
  externalId: string | null;
  message: string;
}

export interface ImportSummary {
  inserted: number;
  updated: number;
  unchanged: number;
  /** Records older than the version of the call already stored: they changed nothing. */
  stale: number;
  rejected: number;
  problems: Problem[];
  /** Where the input broke, when it did: every record before it is counted above. */
  fault: string | null;
  /** When every record was rejected for want of its id: which format they look like. */
  hint: string | null;
}

export interface ImportOptions extends NormalizeOptions {
  format: FormatName;
  accountId: string;
  /** Do everything but keep nothing: the whole import is rolled back at its end. */
  dryRun?: boolean;
  /** Records written per transaction. @default DEFAULT_BATCH_SIZE */
  batchSize?: number;
  /** Batches written at once, each on a connection of its own. @default 2 */
  lanes?: number;
  /** At most this many records; more is an error before anything is written. */
  maxRecords?: number;
  /** The longest record, in characters; longer ones are rejected. @default DEFAULT_MAX_RECORD */
  maxRecordCharacters?: number;
  /**
   * What to do with the records read before a fault in the input: write them and report the
   * fault in the summary (`keep`, the CLI), or write nothing and throw the InputError (`refuse`,
   * one GraphQL request, all or nothing). @default 'keep'
   */
  onFault?: 'keep' | 'refuse';
  /** Who imports: an audit event `calls.import` is written in the transaction of the import's last write. */
  actor?: Actor;
  onProgress?(summary: ImportSummary, records: number): void;
}

export const emptySummary = (): ImportSummary => ({ inserted: 0, updated: 0, unchanged: 0, stale: 0, rejected: 0, problems: [], fault: null, hint: null });

/**
 * Records per transaction: each batch costs a few round trips and a commit whatever its size, and
 * a 1,000,000-record import ran 30% faster with 5,000 than with 1,000 (bench/import.ts).
 */
export const DEFAULT_BATCH_SIZE = 5000;

/**
 * Imports a vendor document record by record. Policy: a record that cannot be read is rejected
 * and reported with its position; the others are written in batches, each call whole (with its
 * attempts and recordings) or not at all. When the database refuses a batch, its records are
 * retried one by one so that only the offending record is rejected. Nothing stops at the first
 * problem; the summary says what was written and what was not.
 */
export async function importCalls(sql: SqlDriver, input: AsyncIterable<string | Buffer>, options: ImportOptions): Promise<ImportSummary> {
  if (!options.dryRun) return importInto(sql, input, options, true);
  // A dry run writes its batches one after the other into one transaction, each in a savepoint,
  // and rolls it all back at the end: a batch then meets the calls that earlier batches wrote, as
  // in a real import, and the counts are the real import's.
  return rolledBack(sql, (tx) => importInto(savepointSession(tx), input, { ...options, lanes: 1 }, false));
}

/**
 * Why PostgreSQL refused a record, by its SQLSTATE: its own message can quote the value, a table
 * or a constraint, and is not written for the person who sent the record.
 */
const REFUSALS: Record<string, string> = {
  '22021': 'it holds text that is not valid UTF-8 or a NUL character (U+0000)',
  '22P05': 'it holds a NUL character (\\u0000), which PostgreSQL text cannot store',
  '22001': 'a value is longer than its column allows',
  '22003': 'a number is out of range',
  '22008': 'a time is out of range',
  '54000': 'a value is too long to be indexed',
  '23505': 'it conflicts with a call already stored',
};

function refusal(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? (REFUSALS[code] ?? `SQLSTATE ${code}`) : 'an unexpected error';
}

/** The formats whose id field `record` has: what a record rejected for want of its own looks like. */
function lookalikes(record: Record<string, unknown>, format: Format): string[] {
  return Object.entries(FORMATS)
    .filter(([name, other]) => name !== format.name && other.externalIdOf(record) !== null)
    .map(([name]) => name);
}

/** The import proper; `keep` is false in a dry run, whose caller rolls back what it wrote. */
async function importInto(sql: SqlSession, input: AsyncIterable<string | Buffer>, options: ImportOptions, keep: boolean): Promise<ImportSummary> {
  const format = FORMATS[options.format];
  const summary = emptySummary();
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  let records = 0;
  let withoutId = 0;
  let firstRecord: Record<string, unknown> | undefined;
  const reject = (position: number, externalId: string | null, message: string) => {
    summary.rejected += 1;
    summary.problems.push({ position, externalId, message });
  };
  const count = (outcomes: Map<number, Outcome>) => {
    for (const outcome of outcomes.values()) summary[outcome] += 1;
  };
  /** Writes items one call at a time, when the database refused them together: only the offending ones are rejected. */
  const writeOneByOne = async (items: BatchItem[]) => {
    const kept: BatchItem[] = [];
    for (const item of items) {
      try {
        count(await writeBatch(sql, options.accountId, [item], keep));
        kept.push(item);
      } catch (error) {
        reject(item.position, item.externalId, `the database refused it: ${refusal(error)}`);
      }
    }
    return kept;
  };
  const write = async (items: BatchItem[]) => {
    try {
      count(await writeBatch(sql, options.accountId, items, keep));
      return items;
    } catch {
      return writeOneByOne(items);
    }
  };

  // Batches are written on up to `lanes` connections at once: PostgreSQL spends most of an import
  // maintaining the calls indexes, and a second backend does so on a second core. Two batches in
  // flight never share a vendor id, so a call's versions are written in the order of the input;
  // legs are linked after each batch is committed, one batch at a time (see linkLegs).
  const lanes = Math.max(1, options.lanes ?? 2);
  const inFlight = new Set<{ keys: Set<string>; done: Promise<void> }>();
  const statistics = await statisticsKeeper(sql);
  let linked: Promise<void> = Promise.resolve();
  const link = async (kept: BatchItem[]) => {
    if (!keep || kept.length === 0) return;
    await linkBatch(sql, options.accountId, kept);
    statistics.inserted(summary.inserted);
  };
  const dispatch = async (items: BatchItem[]) => {
    const keys = new Set(items.map((item) => item.key));
    const blocks = () => [...inFlight].filter((flight) => inFlight.size >= lanes || [...keys].some((key) => flight.keys.has(key)));
    for (let blocking = blocks(); blocking.length > 0; blocking = blocks()) await Promise.race(blocking.map((flight) => flight.done));
    const written = write(items);
    const flight = {
      keys,
      done: written.then(async (kept) => {
        await (linked = linked.then(() => link(kept)));
        options.onProgress?.(summary, records);
      }),
    };
    inFlight.add(flight);
    const landed = () => inFlight.delete(flight);
    flight.done.then(landed, landed);
  };

  // The next batches are read and normalised while the database writes the current ones. A full
  // batch waits for the next record before it is sent, so that the last batch is always the one
  // the final transaction writes.
  let batch: BatchItem[] = [];
  const readAndDispatch = async () => {
    for await (const record of readRecords(input, format, options.maxRecordCharacters)) {
      records += 1;
      if (options.maxRecords !== undefined && records > options.maxRecords) {
        throw new RecordError(`at most ${options.maxRecords} records per request`);
      }
      if (batch.length >= batchSize) {
        await dispatch(batch);
        batch = [];
      }
      if (record.tooLarge) {
        const { characters, place } = record.tooLarge;
        reject(record.position, null, `the record is ${characters} characters long, over the limit of ${options.maxRecordCharacters ?? DEFAULT_MAX_RECORD} (line ${place.line}, column ${place.column})`);
        continue;
      }
      firstRecord ??= record.value;
      try {
        const call = format.normalize(record.value, options);
        // The payload is the record itself in every format: its text as written, when the reader has it.
        batch.push(staged(record.position, call, call.call.payload === record.value ? record.text : undefined));
      } catch (error) {
        if (!(error instanceof RecordError)) throw error;
        const externalId = format.externalIdOf(record.value);
        if (externalId === null) withoutId += 1;
        reject(record.position, externalId, error.message);
      }
    }
  };
  try {
    await readAndDispatch();
  } catch (error) {
    const settled = Promise.allSettled([...inFlight].map((flight) => flight.done).concat(statistics.settled()));
    if (!(error instanceof InputError) || options.onFault === 'refuse') {
      await settled;
      throw error;
    }
    summary.fault = error.message;
  }
  await Promise.all([...inFlight].map((flight) => flight.done));
  await linked;
  await statistics.settled();
  if (records > 0 && withoutId === records) {
    const like = lookalikes(firstRecord!, format);
    summary.hint = `every record lacks ${format.name}'s ${format.idField}: ${
      like.length > 0 ? `they look like ${like.join(' or ')} records (--format ${like[0]})` : `they do not look like ${format.name} records`
    }`;
  }
  await finish(sql, batch, summary, options, keep, writeOneByOne);
  summary.problems.sort((a, b) => a.position - b.position);
  return summary;
}

/** The summary with the outcomes of a batch counted in. */
function withOutcomes(summary: ImportSummary, outcomes: Map<number, Outcome>): ImportSummary {
  const next = { ...summary };
  for (const outcome of outcomes.values()) next[outcome] += 1;
  return next;
}

/**
 * Writes the last batch, links its legs, and records the audit event (when the import changed
 * anything), in one transaction: the import's last write and its audit exist together or not at
 * all. Every other batch has landed and been linked by then. When the database refuses the
 * batch, its calls are written one by one and the audit follows in a transaction of its own.
 */
async function finish(
  sql: SqlSession,
  items: BatchItem[],
  summary: ImportSummary,
  options: ImportOptions,
  keep: boolean,
  writeOneByOne: (items: BatchItem[]) => Promise<BatchItem[]>,
): Promise<void> {
  const audit = async (tx: SqlExecutor, counts: ImportSummary) => {
    if (!keep || !options.actor || counts.inserted + counts.updated === 0) return;
    const { inserted, updated, unchanged, stale, rejected } = counts;
    const details = { format: options.format, inserted, updated, unchanged, stale, rejected };
    await recordAuditIn(tx, { accountId: options.accountId, actor: options.actor, action: 'calls.import', details });
  };
  try {
    const outcomes = await sql.transaction(async (tx) => {
      const { outcomes: written, changed } = items.length > 0 ? await writeCalls(tx, options.accountId, items) : { outcomes: new Map<number, Outcome>(), changed: [] };
      const linked = keep && items.length > 0 ? await linkLegs(tx, options.accountId, items) : [];
      await audit(tx, withOutcomes(summary, written));
      if (keep) await publishCalls(tx, options.accountId, [...changed, ...linked]);
      return written;
    });
    Object.assign(summary, withOutcomes(summary, outcomes));
  } catch (error) {
    if (items.length === 0) throw error;
    const kept = await writeOneByOne(items);
    if (keep && kept.length > 0) await linkBatch(sql, options.accountId, kept);
    await sql.transaction((tx) => audit(tx, summary));
  }
  options.onProgress?.(summary, summary.inserted + summary.updated + summary.unchanged + summary.stale + summary.rejected);
}
