import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Limits } from '../config.js';

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number; counted: 'key' | 'account' };

export interface RateLimiter {
  /** Counts one operation against the key and, once the key has room, against its account. */
  consume(keyId: string, accountId: string): Promise<RateDecision>;
  close(): Promise<void>;
}

/**
 * A fixed window of `requests` operations per key and `accountRequests` per account: minting more
 * keys does not multiply an account's budget. With a Redis URL every instance counts in the same
 * place; should Redis fail, each instance falls back to its own in-memory count rather than
 * refusing all traffic.
 */
export function createRateLimiter({ requests, accountRequests, windowSeconds, redisUrl }: Limits['rateLimit']): RateLimiter {
  let redis: Redis | undefined;
  if (redisUrl) {
    redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
    redis.on('error', () => {});
  }
  const limiter = (points: number, keyPrefix: string): RateLimiterAbstract => {
    const options = { points, duration: windowSeconds, keyPrefix };
    const memory = new RateLimiterMemory(options);
    return redis ? new RateLimiterRedis({ ...options, storeClient: redis, insuranceLimiter: memory }) : memory;
  };
  const perKey = limiter(requests, 'cdrql:rate');
  const perAccount = limiter(accountRequests, 'cdrql:rate:account');
  const take = async (on: RateLimiterAbstract, id: string, counted: 'key' | 'account'): Promise<RateDecision> => {
    try {
      await on.consume(id);
      return { allowed: true };
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)), counted };
      throw rejection;
    }
  };
  return {
    async consume(keyId, accountId) {
      const key = await take(perKey, keyId, 'key');
      return key.allowed ? take(perAccount, accountId, 'account') : key;
    },
    async close() {
      redis?.disconnect();
    },
  };
}
