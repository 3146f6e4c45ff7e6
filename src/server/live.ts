import { createSourceEventStream } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * Answers a subscription with its source stream as it is: Subscription.callChanged yields its
 * results already executed, once per batch of events for all the subscribers of one view, and
 * serialised (graphql/types/call-changed.ts), where graphql-js's own subscribe would execute the
 * operation again for every event and subscriber. Errors in setting the stream up (arguments, the
 * key's scopes) come back as graphql-js reports them.
 */
export function useSharedSubscriptions(): Plugin {
  return {
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn(createSourceEventStream as Parameters<typeof setSubscribeFn>[0]);
    },
  };
}
