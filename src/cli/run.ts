import { parseArgs, type ParseArgsConfig } from 'node:util';
import { StartupError } from '../config.js';

/** Runs a CLI entry point: expected failures print one line, anything else its stack. */
export function runCli(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    process.stderr.write(error instanceof StartupError ? `error: ${error.message}\n` : `${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}

/** Reads `<command> [target] --options` for one of `commands`; a mistake stops with the message and the usage. */
export function parseCommand<const O extends NonNullable<ParseArgsConfig['options']>>(options: O, commands: readonly string[], usage: string) {
  let parsed;
  try {
    parsed = parseArgs({ allowPositionals: true, options, strict: true });
  } catch (error) {
    throw new StartupError(`${(error as Error).message}\n${usage}`);
  }
  const [command, target] = parsed.positionals;
  if (command === undefined || !commands.includes(command)) throw new StartupError(usage);
  return { values: parsed.values, command, target };
}
