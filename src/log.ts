/** The gateway's logger: readable lines on a terminal, JSON lines otherwise. Never given secrets. */
import winston from 'winston';
import { BatchedStderr } from './log-batch.js';

/** Log output format. `auto` picks `pretty` on a TTY and `json` otherwise. */
export type LogFormat = 'auto' | 'json' | 'pretty';

/** The logging interface used across the gateway. */
export type Logger = winston.Logger;

const MESSAGE = Symbol.for('message');
const fallbackJson = winston.format.json();

/**
 * JSON text of a log entry with flat values, keys in the order they were given (level, message, the
 * fields, timestamp); undefined when a value is nested or unusual (the caller then falls back to logform's
 * json format, which sorts keys). One pass, no copy: this runs for every request.
 */
function flatJson(info: Record<string, unknown>): string | undefined {
  for (const k in info) {
    const v = info[k];
    // Objects need logform's replacer and cycle handling; integer-like keys would be reordered by the engine.
    if ((v !== null && typeof v === 'object') || typeof v === 'bigint' || typeof v === 'function' || typeof v === 'symbol' || (k.length > 0 && k.charCodeAt(0) >= 48 && k.charCodeAt(0) <= 57)) return undefined;
  }
  return JSON.stringify(info);
}

/** timestamp() then json() in one step: the request line is flat, so it skips the generic stringifier. */
const jsonLine = winston.format((info) => {
  info.timestamp = new Date().toISOString();
  const text = flatJson(info);
  if (text === undefined) return fallbackJson.transform(info, fallbackJson.options);
  (info as Record<symbol, unknown>)[MESSAGE] = text;
  return info;
});

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
  const sink = new BatchedStderr();
  const logger = winston.createLogger({
    level: opts.level ?? (process.env.DEBUG ? 'debug' : 'info'),
    silent: opts.silent ?? false,
    format: format === 'pretty' ? winston.format.combine(winston.format.timestamp(), winston.format.colorize(), pretty) : jsonLine(),
    // Lines go to stderr in batches, one write per event-loop turn (log-batch.ts).
    transports: [sink],
  });
  if (format === 'json') jsonSinks.set(logger, sink);
  return logger;
}

/** The batched stderr transport of each JSON logger createLogger made, for logFlat. */
const jsonSinks = new WeakMap<Logger, BatchedStderr>();

/**
 * Logs an entry with flat fields, as `log.log(level, message, fields)` would: for a JSON logger of
 * createLogger the line is built here and queued on its transport directly (the per-request line skips
 * winston's stream pipeline, the same text either way); any other logger gets the call itself.
 */
export function logFlat(log: Logger, level: string, message: string, fields: Record<string, unknown>): void {
  const sink = jsonSinks.get(log);
  const text = sink && !log.silent && log.isLevelEnabled(level) && log.transports.length === 1 && log.transports[0] === sink ? flatJson({ ...fields, level, message, timestamp: new Date().toISOString() }) : undefined;
  if (text === undefined) log.log(level, message, fields);
  else sink!.push(text);
}
