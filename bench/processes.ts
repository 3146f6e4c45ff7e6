import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface ServerProcess {
  child: ChildProcess;
  /** What the process wrote, stdout and stderr together: all of it until it was ready, then its last OUTPUT_TAIL_CHARS. */
  output(): string;
  stop(): Promise<void>;
}

/** A TypeScript entry point of the repository run by Node itself, so the pid is the server's own. */
export const nodeEntry = (entry: string, ...args: string[]) => [process.execPath, '--import', 'tsx', entry, ...args];

/** Characters of a started process's output kept once it is ready: enough for the error that stops it. */
const OUTPUT_TAIL_CHARS = 64 * 1024;

/** Starts a command in the repository and waits until `ready` matches what it prints. */
export async function startProcess(
  command: readonly string[],
  env: Record<string, string | undefined>,
  ready: RegExp,
  timeoutMs = 60_000,
): Promise<ServerProcess & { match: RegExpExecArray; startedMs: number }> {
  const started = performance.now();
  const merged = Object.fromEntries(Object.entries({ ...process.env, ...env }).filter(([, value]) => value !== undefined));
  // A process group of its own, so that stopping `npm start` stops the server npm started too.
  const child = spawn(command[0]!, command.slice(1), { cwd: ROOT, env: merged, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const entry = command.join(' ');
  let output = '';
  let isReady = false;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${entry} did not start in ${timeoutMs} ms:\n${output}`)), timeoutMs);
    // The pipes are drained for the process's whole life (a full pipe would block its writes).
    // Once it is ready only a tail is kept, and nothing is searched: a server under load writes
    // a log line per request, and searching and keeping all of it made this process, which also
    // runs the load generator, spend more CPU per request the longer the run went.
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (isReady) {
        if (output.length > 2 * OUTPUT_TAIL_CHARS) output = output.slice(-OUTPUT_TAIL_CHARS);
        return;
      }
      const found = ready.exec(output);
      if (found) {
        isReady = true;
        clearTimeout(timer);
        resolve(found);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited:\n${output}`));
    });
  });
  return {
    child,
    match,
    startedMs: performance.now() - started,
    output: () => output,
    stop: async () => {
      process.kill(-child.pid!, 'SIGTERM');
      await exited;
    },
  };
}

/** Resident set size of a process in bytes, from /proc (Linux). */
export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+) kB/.exec(status);
  return kb ? Number(kb[1]) * 1024 : 0;
}

/** Samples a process's RSS every `everyMs` until stopped. */
export function sampleRss(pid: number, everyMs = 200) {
  const samples: number[] = [];
  const timer = setInterval(() => samples.push(rssOf(pid)), everyMs);
  return {
    stop(): number[] {
      clearInterval(timer);
      return samples;
    },
  };
}

/** CPU time a process has used so far, in milliseconds (user and system, from /proc). */
export function cpuMsOf(pid: number): number {
  // Fields after the parenthesised command name: state is field 3, utime 14 and stime 15.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

/** Linux's USER_HZ, the unit of /proc's CPU times. */
const CLOCK_TICKS = 100;

/** CPU milliseconds used so far by each PostgreSQL backend connected to `database`, by pid. */
function backendCpuMs(database: string): Map<number, number> {
  const byPid = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const title = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (title.startsWith('postgres: ') && title.split(' ').includes(database)) byPid.set(Number(entry), cpuMsOf(Number(entry)));
    } catch {
      // The process ended while the list was read.
    }
  }
  return byPid;
}

/**
 * Starts counting the CPU the backends of `database` use; `stop` gives the milliseconds since.
 * Counted per backend, so a pooled connection closing meanwhile takes nothing off the sum.
 */
export function databaseCpu(database: string) {
  const before = backendCpuMs(database);
  return {
    stop(): number {
      let total = 0;
      for (const [pid, ms] of backendCpuMs(database)) total += ms - (before.get(pid) ?? 0);
      return total;
    },
  };
}
