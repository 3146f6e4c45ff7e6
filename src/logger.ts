import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import pretty from 'pino-pretty';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** pino's logger: `logger.info('message')`, or `logger.info({ fields }, 'message')` for a structured line. */
export type Logger = PinoLogger;

export interface LoggerOptions {
  /** One JSON object per line (for log collectors) instead of readable lines. */
  json: boolean;
  /** Where the lines go. @default stderr */
  destination?: DestinationStream;
}

/** JSON lines are written in blocks of at least this many bytes, or after FLUSH_MS at the latest. */
const JSON_BLOCK_BYTES = 4096;
const FLUSH_MS = 1000;

/**
 * Lines on stderr, so stdout stays free for command output such as import summaries.
 *
 * In production, JSON lines written by pino's asynchronous destination in blocks: a request's
 * line costs a copy into a buffer instead of a write system call of its own, a large part of a
 * small request's cost under load. A block goes out when it holds 4 KiB or a second after the
 * last flush, and pino writes what is left when the process exits.
 *
 * In development, pino-pretty's readable lines, formatted and written at once in this thread
 * (`sync`) rather than in pino's worker-thread transport, which would cost a thread per process
 * and lose the last lines of a process that exits at once.
 */
export function createLogger(level: LogLevel, { json, destination }: LoggerOptions = { json: false }): Logger {
  const options = { level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime };
  if (json) return pino(options, destination ?? pino.destination({ dest: 2, sync: false, minLength: JSON_BLOCK_BYTES, periodicFlush: FLUSH_MS }));
  return pino(options, pretty({ destination: destination ?? 2, sync: true, singleLine: true, ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss.l' }));
}
