import { rolledBack, savepointSession, type SqlDriver, type SqlSession } from '../db/sql-driver.js';
import { callfire } from './formats/callfire.js';
import { freeclimb } from './formats/freeclimb.js';
import { jambonz } from './formats/jambonz.js';
import { pbx } from './formats/pbx.js';
import { restcomm } from './formats/restcomm.js';
import { RecordError, text, type NormalizeOptions } from './normalize.js';
import { readRecords } from './read.js';
import type { Format } from './record.js';
import { statisticsKeeper } from './statistics.js';
import { linkLegs, staged, writeBatch, type BatchItem, type Outcome } from './writer.js';

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
  onProgress?(summary: ImportSummary, records: number): void;
}

export const emptySummary = (): ImportSummary => ({ inserted: 0, updated: 0, unchanged: 0, stale: 0, rejected: 0, problems: [] });

/**
 * Records per transaction: each batch costs a few round trips and a commit whatever its size, and
 * a 1,000,000-record import ran 30% faster with 5,000 than with 1,000 (bench/import.ts).
 */
export const DEFAULT_BATCH_SIZE = 5000;

/** The vendor id of a raw record, for problem reports, whatever the format calls it. */
const idOf = (record: Record<string, unknown>) =>
  text(record.callId ?? record.sid ?? record.Sid ?? record.call_uuid ?? record['@id'] ?? record.call_sid) ?? null;

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

/** The import proper; `keep` is false in a dry run, whose caller rolls back what it wrote. */
async function importInto(sql: SqlSession, input: AsyncIterable<string | Buffer>, options: ImportOptions, keep: boolean): Promise<ImportSummary> {
  const format = FORMATS[options.format];
  const summary = emptySummary();
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  let records = 0;
  const reject = (position: number, externalId: string | null, message: string) => {
    summary.rejected += 1;
    summary.problems.push({ position, externalId, message });
  };
  const count = (outcomes: Map<number, Outcome>) => {
    for (const outcome of outcomes.values()) summary[outcome] += 1;
  };
  const write = async (items: BatchItem[]) => {
    try {
      count(await writeBatch(sql, options.accountId, items, false));
      return items;
    } catch {
      const kept: BatchItem[] = [];
      for (const item of items) {
        try {
          count(await writeBatch(sql, options.accountId, [item], false));
          kept.push(item);
        } catch (error) {
          reject(item.position, item.externalId, `the database refused it: ${(error as Error).message}`);
        }
      }
      return kept;
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
    await linkLegs(sql, options.accountId, kept);
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

  // The next batches are read and normalised while the database writes the current ones. When
  // the input breaks, the batches already read are written and linked before the error is told.
  let batch: BatchItem[] = [];
  const readAndDispatch = async () => {
    for await (const record of readRecords(input, format)) {
      records += 1;
      if (options.maxRecords !== undefined && records > options.maxRecords) {
        throw new RecordError(`at most ${options.maxRecords} records per request`);
      }
      try {
        const call = format.normalize(record.value, options);
        // The payload is the record itself in every format: its text as written, when the reader has it.
        batch.push(staged(record.position, call, call.call.payload === record.value ? record.text : undefined));
      } catch (error) {
        if (!(error instanceof RecordError)) throw error;
        reject(record.position, idOf(record.value), error.message);
      }
      if (batch.length >= batchSize) {
        await dispatch(batch);
        batch = [];
      }
    }
    if (batch.length > 0) await dispatch(batch);
  };
  try {
    await readAndDispatch();
  } catch (error) {
    await Promise.allSettled([...inFlight].map((flight) => flight.done).concat(statistics.settled()));
    throw error;
  }
  await Promise.all([...inFlight].map((flight) => flight.done));
  await statistics.settled();
  summary.problems.sort((a, b) => a.position - b.position);
  return summary;
}
