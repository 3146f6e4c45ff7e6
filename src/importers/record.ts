import type { CallSource } from '../db/generated/enums.js';
import type { NormalizeOptions } from './normalize.js';

/** Columns keyed by SQL column name. */
export type Columns = Record<string, unknown>;

/** One vendor record in cdrql's model: the call, its attempts with their recordings, and its own recordings. */
export interface NormalizedCall {
  externalId: string;
  /** `calls` columns, without id, account, parent id and cdrql's bookkeeping. */
  call: Columns;
  attempts: Array<{ row: Columns; recordings: Columns[] }>;
  recordings: Columns[];
}

/** One vendor's format: where its records sit in a document, and how one becomes a NormalizedCall. */
export interface Format {
  name: string;
  source: CallSource;
  /** JSON paths of the records inside a list document (`$.calls.*`; see JsonRecordSplitter). */
  recordPaths: string[];
  /** Whether documents may be XML (CallFire, Restcomm), whose `Call` elements are the records. */
  xml?: boolean;
  /** The field that holds the vendor's id of the call, as messages name it. */
  idField: string;
  /** The vendor's id of the call as the record gives it, unchecked (null when absent): for reports and for telling formats apart. */
  externalIdOf(record: Record<string, unknown>): string | null;
  normalize(record: Record<string, unknown>, options: NormalizeOptions): NormalizedCall;
}
