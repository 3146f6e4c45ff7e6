import type { YogaInitialContext } from 'graphql-yoga';
import type { Database } from '../db/client.js';

export interface AppServices {
  db: Database;
}

/** Built fresh for every request: nothing request-scoped outlives it. */
export function createContextFactory(services: AppServices) {
  return (initial: YogaInitialContext) => ({ ...initial, db: services.db });
}

export type Context = ReturnType<ReturnType<typeof createContextFactory>>;
