import DataLoader from 'dataloader';
import type { FieldNode } from 'graphql';
import type { YogaInitialContext } from 'graphql-yoga';
import type { PageLimits } from '../config.js';
import type { Credentials } from '../auth/api-keys.js';
import type { Authenticator } from '../auth/authenticator.js';
import type { Database } from '../db/client.js';
import type { Selection } from '../db/read/entity.js';

export interface AppServices {
  db: Database;
  pages: PageLimits;
  /** Most buckets one time series may have. */
  maxBuckets: number;
  authenticator: Authenticator;
  /** The verified credentials of a request (set by the authentication plugin before execution). */
  credentialsOf(request: Request): Credentials;
}

/**
 * Built fresh for every request: loaders and their caches live exactly one request. Yoga assigns
 * what it returns onto its own initial context (request, params …), so it is not copied here.
 */
export function createContextFactory(services: AppServices) {
  return (initial: YogaInitialContext) => {
    const credentials = services.credentialsOf(initial.request);
    return {
      db: services.db,
      pages: services.pages,
      maxBuckets: services.maxBuckets,
      authenticator: services.authenticator,
      credentials,
      /** The only account whose data this request sees. */
      accountId: credentials.accountId,
      loaders: new Map<string, DataLoader<string, unknown>>(),
      /** What statements read below each field of the operation, planned once per request (preload.ts). */
      selections: new WeakMap<readonly FieldNode[], Map<string, Selection>>(),
    };
  };
}

export type Context = YogaInitialContext & ReturnType<ReturnType<typeof createContextFactory>>;

/**
 * The request's DataLoader for `key` (a relation plus the fields and arguments it loads), made on
 * first use. Loads that share a key in one tick become one statement.
 */
export function loaderFor<V>(ctx: Context, key: string, batch: (keys: readonly string[]) => Promise<V[]>): DataLoader<string, V> {
  let loader = ctx.loaders.get(key) as DataLoader<string, V> | undefined;
  if (!loader) {
    loader = new DataLoader<string, V>(batch);
    ctx.loaders.set(key, loader as DataLoader<string, unknown>);
  }
  return loader;
}
