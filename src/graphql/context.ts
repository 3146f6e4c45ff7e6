import type { FieldNode } from 'graphql';
import type { YogaInitialContext } from 'graphql-yoga';
import type { PageLimits } from '../config.js';
import type { Credentials } from '../auth/api-keys.js';
import type { Authenticator } from '../auth/authenticator.js';
import { countingStatements, type Database } from '../db/client.js';
import { timeZoneNames } from '../db/read/time-zones.js';
import type { RequestRecord } from '../telemetry.js';
import type { PlannedLoader } from './read/execute.js';

export interface AppServices {
  db: Database;
  pages: PageLimits;
  /** Most buckets one time series may have. */
  maxBuckets: number;
  authenticator: Authenticator;
  /** The verified credentials of a request (set by the authentication plugin before execution). */
  credentialsOf(request: Request): Credentials;
  /** The request log's record of a request (statements and imports are counted into it). */
  recordOf(request: Request): RequestRecord | undefined;
}

/**
 * Built fresh for every request: loaders and their caches live exactly one request. Yoga assigns
 * what it returns onto its own initial context (request, params …), so it is not copied here.
 */
export function createContextFactory(services: AppServices) {
  return (initial: YogaInitialContext) => {
    const credentials = services.credentialsOf(initial.request);
    const record = services.recordOf(initial.request);
    if (record) record.accountId = credentials.accountId;
    return {
      db: record ? countingStatements(services.db, record) : services.db,
      /** What the request log writes of this request, when it is logged. */
      record,
      /** PostgreSQL's time zone names, kept per database (by its own driver, not the request's counting one). */
      timeZones: () => timeZoneNames(services.db.sql),
      pages: services.pages,
      maxBuckets: services.maxBuckets,
      authenticator: services.authenticator,
      credentials,
      /** The only account whose data this request sees. */
      accountId: credentials.accountId,
      /** Objects loaded by id for each field that returns them (read/execute.ts loadPlanned). */
      plannedLoaders: new WeakMap<FieldNode, PlannedLoader[]>(),
    };
  };
}

export type Context = YogaInitialContext & ReturnType<ReturnType<typeof createContextFactory>>;
