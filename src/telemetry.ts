import { AsyncLocalStorage } from 'node:async_hooks';

/** Counts of one import, as its summary gives them. */
export interface ImportCounts {
  format: string;
  dryRun: boolean;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
}

/**
 * What one HTTP request did, gathered while it runs for its log line and the metrics: the
 * statements it ran and the imports it made. Code that runs for a request reaches its record
 * through AsyncLocalStorage (`currentRequest()`), so the SQL driver and the import mutations report
 * to it without each layer handing the record down.
 */
export interface RequestRecord {
  id: string;
  operationName: string | undefined;
  accountId: string | undefined;
  statements: number;
  imports: ImportCounts[];
}

const storage = new AsyncLocalStorage<RequestRecord>();

/** The record of the request this code runs for, if it runs for one. */
export const currentRequest = (): RequestRecord | undefined => storage.getStore();

/** Runs `work` as the request `record` describes. */
export const runForRequest = <T>(record: RequestRecord, work: () => T): T => storage.run(record, work);
