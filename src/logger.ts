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

/**
 * Lines on stderr, so stdout stays free for command output such as import summaries: JSON in
 * production, and in development pino-pretty's readable lines, formatted in this thread
 * (`sync`) rather than in pino's worker-thread transport, which would cost a thread per process
 * and lose the last lines of a process that exits at once.
 */
export function createLogger(level: LogLevel, { json, destination }: LoggerOptions = { json: false }): Logger {
  const options = { level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime };
  if (json) return pino(options, destination ?? pino.destination({ dest: 2, sync: true }));
  return pino(options, pretty({ destination: destination ?? 2, sync: true, singleLine: true, ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss.l' }));
}
