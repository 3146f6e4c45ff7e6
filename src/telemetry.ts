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
 * statements it ran and the imports it made. The request log makes one per request and hands it
 * to the request's context (`Context.record`), where the request's SQL driver counts statements
 * and the import mutations report.
 */
export interface RequestRecord {
  id: string;
  operationName: string | undefined;
  accountId: string | undefined;
  statements: number;
  /** Answered by a statement kept from an earlier request of the same text, variables and reader (graphql/read/execute.ts). */
  reused: boolean;
  imports: ImportCounts[];
}
