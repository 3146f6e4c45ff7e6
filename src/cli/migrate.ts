import { loadConfig } from '../config.js';
import { openDatabase } from '../db/client.js';
import { migrate } from '../db/migrator.js';
import { runCli } from './run.js';

runCli(async () => {
  const config = loadConfig();
  const db = await openDatabase(config.database);
  try {
    const report = await migrate(db.sql);
    for (const name of report.applied) process.stdout.write(`applied ${name}\n`);
    process.stdout.write(`${db.description}: ${report.applied.length} applied, ${report.alreadyApplied} already applied\n`);
  } finally {
    await db.close();
  }
});
