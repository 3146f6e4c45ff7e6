import type { Plugin } from 'graphql-yoga';
import { currentEvent } from '../graphql/types/call-changed.js';

/**
 * Writes each subscription result's change id into `extensions.eventId`: the id a reconnecting
 * client sends back (Last-Event-ID or `after`) to receive what it missed.
 */
export function useLiveEventIds(): Plugin {
  return {
    onSubscribe() {
      return {
        onSubscribeResult() {
          return {
            onNext({ args, result, setResult }) {
              const eventId = currentEvent.get(args.contextValue as object);
              if (eventId !== undefined) setResult({ ...result, extensions: { ...result.extensions, eventId } });
            },
          };
        },
      };
    },
  };
}
