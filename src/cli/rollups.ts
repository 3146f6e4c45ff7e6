import { parseArgs } from 'node:util';
import { loadConfig, StartupError } from '../config.js';
import { openDatabase } from '../db/client.js';
import { migrate } from '../db/migrator.js';
import { runCli } from './run.js';

const USAGE = 'usage: npm run rollups:rebuild -- [--account ID]';

/**
 * Refills the dashboard rollups from the calls (all accounts, or one) in one transaction: the
 * triggers keep them in step with every write, so this is for repair (rows edited by hand with
 * the triggers disabled) and drops the rows left with no calls.
 */
runCli(async () => {
  let values;
  try {
    ({ values } = parseArgs({ options: { account: { type: 'string' } } }));
  } catch (error) {
    throw new StartupError(`${(error as Error).message}\n${USAGE}`);
  }
  const config = loadConfig();
  const db = await openDatabase(config.database);
  try {
    await migrate(db.sql);
    const started = performance.now();
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
