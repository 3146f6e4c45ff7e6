import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DEMO_KEYS } from '../../src/db/seed/demo-keys.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * For a test that starts Node processes: each start costs 1-3 s alone (tsx, PGlite, the bundle),
 * and more than twice that while the other test files share the machine's two cores: a test of
 * nine starts took 13.6 s alone and ran out of 30 s under CI's load.
 */
export const PROCESS_TEST_TIMEOUT = 120_000;

export interface CliRun {
  child: ChildProcess;
  /** Everything the process wrote so far, stdout and stderr together. */
  output(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

/** Runs `src/cli/<name>.ts` as `npm run` would, with the given environment on top of a clean one. */
export function runCli(name: string, args: string[] = [], env: Record<string, string | undefined> = {}): CliRun {
  return runNode(['--import', 'tsx', `src/cli/${name}.ts`, ...args], env);
}

/** Runs what `npm start` runs: the server, bundled by scripts/start.mjs. */
export const runServer = (env: Record<string, string | undefined> = {}): CliRun => runNode(['scripts/start.mjs'], env);

function runNode(args: string[], env: Record<string, string | undefined>): CliRun {
  const { DATABASE_URL: _ignored, ...base } = process.env;
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...base, NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

export interface RunningServer extends CliRun {
  url: string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts what `npm start` runs and waits until it says where it listens. */
export async function startServer(env: Record<string, string | undefined>): Promise<RunningServer> {
  const run = runServer({ PORT: '0', ...env });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${run.output()}`)), 45_000);
    const check = () => {
      const match = /GraphQL at (http:\/\/\S+)\/graphql/.exec(run.output());
      if (match) {
        // Searched until it is found: a started server logs every request, and its output grows.
        run.child.stderr!.off('data', check);
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    run.child.stderr!.on('data', check);
    void run.exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`server exited:\n${run.output()}`));
    });
  });
  return {
    ...run,
    url,
    stop: (signal = 'SIGTERM') => {
      run.child.kill(signal);
      return run.exited;
    },
  };
}

/** Posts a query with the demo key of the acme account. */
export async function graphql(url: string, query: string, key: string = DEMO_KEYS[0].key): Promise<any> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query }),
  });
  return response.json();
}
