import { loadConfig } from '../config.js';
import { openDatabase } from '../db/client.js';
import { migrate } from '../db/migrator.js';
import { startRollupCompaction } from '../db/rollups.js';
import { activeDemoKeys } from '../db/seed/demo-keys.js';
import { isEmpty, seedDatabase } from '../db/seed/index.js';
import { createLogger } from '../logger.js';
import { createApp } from '../server/app.js';
import { listen } from '../server/http.js';
import { createMetrics, metricsListener } from '../server/metrics.js';
import { runCli } from './run.js';

runCli(async () => {
  const started = performance.now();
  const config = loadConfig();
  const logger = createLogger(config.logLevel, { json: config.production });
  const db = await openDatabase(config.database);
  logger.info(`database: ${db.description}${db.embedded ? ' (set DATABASE_URL to use a PostgreSQL server)' : ''}`);

  const migrations = await migrate(db.sql);
  logger.info(`migrations: ${migrations.applied.length} applied, ${migrations.alreadyApplied} already applied`);
  if (config.seedOnStart && (await isEmpty(db.sql))) {
    const report = await seedDatabase(db.sql);
    logger.info(`seeded demo data: ${report.accounts} accounts, ${report.calls} calls in ${report.seconds.toFixed(1)} s`);
  }

  const demoKeys = await activeDemoKeys(db.sql);
  // Only a developer's own machine may hand the demo key to whoever opens GraphiQL.
  const metrics = createMetrics(db);
  const app = createApp({ config, db, logger, graphiqlKey: config.development ? demoKeys[0]?.key : undefined, metrics });
  // Writes append their rollup deltas; this folds them into the rollup tables in the background (src/db/rollups.ts).
  const compaction = startRollupCompaction(db.sql, logger);
  const listening = await listen(app, config.server);
  const metricsListening = config.metrics.port === undefined ? undefined : await listen(metricsListener(metrics), { ...config.server, port: config.metrics.port });
  if (metricsListening) logger.info(`metrics at ${metricsListening.url}/metrics`);
  for (const demo of demoKeys) logger.info(`demo API key of account ${demo.accountId}: ${demo.key}`);
  const graphiql = config.limits.graphiql ? ', GraphiQL in a browser' : '';
  logger.info(`GraphQL at ${listening.url}/graphql${graphiql} (ready in ${((performance.now() - started) / 1000).toFixed(1)} s)`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: finishing in-flight requests`);
    // Subscription streams never finish on their own: they are ended (each sends its complete
    // event) before the listeners wait for in-flight requests.
    await app.live.close();
    await Promise.all([listening.close(), metricsListening?.close()]);
    await app.dispose();
    await compaction.stop();
    await db.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
});
