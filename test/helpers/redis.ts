/**
 * The Redis that tests needing one use: REDIS_URL, which .ci/run always sets (the machine's
 * Redis, or a redis-server it starts). Without it those tests are skipped, and say why.
 */
export const REDIS_URL = process.env.REDIS_URL;

export const NO_REDIS = !REDIS_URL;

/** Appended to the name of a test that needs Redis, so that the skip names its reason. */
export const NEEDS_REDIS = NO_REDIS ? ' (skipped: REDIS_URL is not set)' : '';

if (NO_REDIS) {
  process.stderr.write('REDIS_URL is not set: the tests that need Redis are skipped (set REDIS_URL=redis://127.0.0.1:6379 to run them)\n');
}
