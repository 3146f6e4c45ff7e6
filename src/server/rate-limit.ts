import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Limits } from '../config.js';

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface RateLimiter {
  consume(key: string): Promise<RateDecision>;
  close(): Promise<void>;
}

/**
 * A fixed window of `requests` operations per key. With a Redis URL every instance counts in
 * the same place; should Redis fail, each instance falls back to its own in-memory count rather
 * than refusing all traffic.
 */
export function createRateLimiter({ requests, windowSeconds, redisUrl }: Limits['rateLimit']): RateLimiter {
  const options = { points: requests, duration: windowSeconds, keyPrefix: 'cdrql:rate' };
  const memory = new RateLimiterMemory(options);
  let redis: Redis | undefined;
  let limiter: RateLimiterAbstract = memory;
  if (redisUrl) {
    redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
    redis.on('error', () => {});
    limiter = new RateLimiterRedis({ ...options, storeClient: redis, insuranceLimiter: memory });
  }
  return {
    async consume(key) {
      try {
        await limiter.consume(key);
        return { allowed: true };
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
        throw rejection;
      }
    },
    async close() {
      redis?.disconnect();
    },
  };
}
