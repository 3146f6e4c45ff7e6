import { StartupError } from '../config.js';

/** Runs a CLI entry point: expected failures print one line, anything else its stack. */
export function runCli(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    process.stderr.write(error instanceof StartupError ? `error: ${error.message}\n` : `${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
