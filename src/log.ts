/** The gateway's logger: readable lines on a terminal, JSON lines otherwise. Never given secrets. */
import winston from 'winston';

/** Log output format. `auto` picks `pretty` on a TTY and `json` otherwise. */
export type LogFormat = 'auto' | 'json' | 'pretty';

/** The logging interface used across the gateway. */
export type Logger = winston.Logger;

/** Creates a logger writing to stderr. `silent` turns it off (tests). */
export function createLogger(opts: { format?: LogFormat; level?: string; silent?: boolean } = {}): Logger {
  const format = opts.format === 'auto' || !opts.format ? (process.stderr.isTTY ? 'pretty' : 'json') : opts.format;
  const pretty = winston.format.printf(({ level, message, timestamp, ...meta }) => {
    const fields = Object.entries(meta)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(' ');
    return `${String(timestamp)} ${level} ${String(message)}${fields ? ` ${fields}` : ''}`;
  });
  return winston.createLogger({
    level: opts.level ?? (process.env.DEBUG ? 'debug' : 'info'),
    silent: opts.silent ?? false,
    format: winston.format.combine(
      winston.format.timestamp(),
      format === 'pretty' ? winston.format.combine(winston.format.colorize(), pretty) : winston.format.json(),
    ),
    transports: [new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info', 'debug', 'verbose', 'silly'] })],
  });
}
