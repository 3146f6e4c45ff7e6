import type { SqlDriver } from '../db/sql-driver.js';
import { callfire } from './formats/callfire.js';
import { freeclimb } from './formats/freeclimb.js';
import { jambonz } from './formats/jambonz.js';
import { pbx } from './formats/pbx.js';
import { restcomm } from './formats/restcomm.js';
import { RecordError, text, type NormalizeOptions } from './normalize.js';
import { readRecords } from './read.js';
import type { Format } from './record.js';
import { writeBatch, type BatchItem, type Outcome } from './writer.js';

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
  rejected: number;
  problems: Problem[];
}

export interface ImportOptions extends NormalizeOptions {
  format: FormatName;
  accountId: string;
  /** Do everything but keep nothing: each batch is rolled back. */
  dryRun?: boolean;
  /** Records written per transaction. @default 1000 */
  batchSize?: number;
  /** At most this many records; more is an error before anything is written. */
  maxRecords?: number;
  onProgress?(summary: ImportSummary, records: number): void;
}

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
  const format = FORMATS[options.format];
  const summary: ImportSummary = { inserted: 0, updated: 0, unchanged: 0, rejected: 0, problems: [] };
  const batchSize = options.batchSize ?? 1000;
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
      count(await writeBatch(sql, options.accountId, items, options.dryRun ?? false));
    } catch {
      for (const item of items) {
        try {
          count(await writeBatch(sql, options.accountId, [item], options.dryRun ?? false));
        } catch (error) {
          reject(item.position, item.call.externalId, `the database refused it: ${(error as Error).message}`);
        }
      }
    }
    options.onProgress?.(summary, records);
  };

  // The next batch is read and normalised while the database writes the current one.
  let writing: Promise<void> = Promise.resolve();
  let batch: BatchItem[] = [];
  for await (const record of readRecords(input, format)) {
    records += 1;
    if (options.maxRecords !== undefined && records > options.maxRecords) {
      throw new RecordError(`at most ${options.maxRecords} records per request`);
    }
    try {
      batch.push({ position: record.position, call: format.normalize(record.value, options) });
    } catch (error) {
      if (!(error instanceof RecordError)) throw error;
      reject(record.position, idOf(record.value), error.message);
    }
    if (batch.length >= batchSize) {
      await writing;
      writing = write(batch);
      batch = [];
    }
  }
  await writing;
  if (batch.length > 0) await write(batch);
  summary.problems.sort((a, b) => a.position - b.position);
  return summary;
}
