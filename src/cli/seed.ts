import { parseArgs } from 'node:util';
import { loadConfig, StartupError } from '../config.js';
import { openDatabase } from '../db/client.js';
import { migrate } from '../db/migrator.js';
import { seedDatabase } from '../db/seed/index.js';
import { runCli } from './run.js';

const USAGE = 'usage: npm run db:seed -- [--calls N] [--accounts N] [--seed N]';

function positiveInteger(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new StartupError(`--${name} must be a positive whole number\n${USAGE}`);
  return number;
}

runCli(async () => {
  let values;
  try {
    ({ values } = parseArgs({ options: { calls: { type: 'string' }, accounts: { type: 'string' }, seed: { type: 'string' } } }));
  } catch (error) {
    throw new StartupError(`${(error as Error).message}\n${USAGE}`);
  }
  const options = {
    calls: positiveInteger('calls', values.calls, 400),
    accounts: positiveInteger('accounts', values.accounts, 2),
    seed: positiveInteger('seed', values.seed, 1),
  };
  const config = loadConfig();
  // A batch tool, not a request: its bulk statements run without the requests' statement_timeout.
  const db = await openDatabase({ ...config.database, statementTimeoutMs: 0 });
  try {
    await migrate(db.sql);
    const report = await seedDatabase(db.sql, options);
    process.stdout.write(
      `${db.description}: ${report.accounts} accounts, ${report.calls} calls, ${report.callRecords} call records, ` +
        `${report.recordings} recordings in ${report.seconds.toFixed(1)} s (${report.rowsPerSecond} rows/s)\n`,
    );
  } finally {
    await db.close();
  }
});
