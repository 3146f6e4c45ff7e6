import { parseArgs } from 'node:util';
import { loadConfig, StartupError } from '../config.js';
import { openDatabase } from '../db/client.js';
import { migrate } from '../db/migrator.js';
import { compactRollups } from '../db/rollups.js';
import { runCli } from './run.js';

const USAGE = 'usage: npm run rollups:rebuild -- [--account ID | --compact]';

/**
 * Refills the dashboard rollups from the calls (all accounts, or one) in one transaction: the
 * triggers keep them in step with every write, so this is for repair (rows edited by hand with
 * the triggers disabled). With --compact, only merges the rows writes appended (as a server does
 * periodically), in short transactions.
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
      if (values.account) throw new StartupError(`--compact merges every account's rows\n${USAGE}`);
      const changes = await compactRollups(db.sql);
      process.stdout.write(`${db.description}: ${changes} noted quarter-hours merged in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
      return;
    }
    await db.sql.transaction((tx) => tx.query('SELECT call_rollups_rebuild($1::text)', [values.account ?? null]));
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
