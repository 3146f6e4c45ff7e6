import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  // graphql 16 ships CommonJS (main) and ESM (module) copies; Node gives yoga the CommonJS one, so
  // our own code must get it too, or `instanceof GraphQLError` fails across the two copies.
  resolve: { alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }] },
  test: {
    include: ['test/**/*.test.ts'],
    // Each file opens its own database, so files run in parallel; tests inside a file share it.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
