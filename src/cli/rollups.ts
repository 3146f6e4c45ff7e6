import { parseArgs } from 'node:util';
import { loadConfig, StartupError } from '../config.js';
import { openDatabase } from '../db/client.js';
import { migrate } from '../db/migrator.js';
import { compactRollups } from '../db/rollups.js';
import { runCli } from './run.js';

const USAGE = 'usage: npm run rollups:rebuild -- [--account ID | --compact]';

/**
 * Refills the dashboard rollups from the calls (all accounts, or one): empties them and appends a
 * delta per call in one statement, then folds the deltas as the compaction does, in short
 * transactions; reads stay exact throughout. The triggers keep the rollups on every write, so
 * this is for repair (rows edited by hand with the triggers disabled). With --compact, only folds
 * the deltas writes appended (as a server does periodically).
 */
runCli(async () => {
  let values;
  try {
    ({ values } = parseArgs({ options: { account: { type: 'string' }, compact: { type: 'boolean', default: false } } }));
  } catch (error) {
    throw new StartupError(`${(error as Error).message}\n${USAGE}`);
  }
  const config = loadConfig();
  const db = await openDatabase(config.database);
  try {
    await migrate(db.sql);
    const started = performance.now();
    if (values.compact) {
      if (values.account) throw new StartupError(`--compact folds every account's deltas\n${USAGE}`);
      const rounds = await compactRollups(db.sql);
      process.stdout.write(`${db.description}: rollup deltas folded in ${rounds} transactions in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
      return;
    }
    await db.sql.transaction((tx) => tx.query('SELECT call_rollups_rebuild($1::text)', [values.account ?? null]));
    await compactRollups(db.sql);
    const [rows] = await db.sql.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM call_quarter_rollups WHERE $1::text IS NULL OR account_id = $1',
      [values.account ?? null],
    );
    process.stdout.write(
      `${db.description}: rollups of ${values.account ? `account ${values.account}` : 'every account'} rebuilt in ${((performance.now() - started) / 1000).toFixed(1)} s (${rows!.n} rows)\n`,
    );
  } finally {
    await db.close();
  }
});
