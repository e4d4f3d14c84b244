/**
 * What a subcommand declares (its options and positional arguments), the strict parser built on Node's
 * `util.parseArgs` that enforces it, and the help text generated from it.
 */
import { parseArgs } from 'node:util';
import { UsageError } from '../errors.js';

/** One option of a command. */
export interface OptionSpec {
  /** `string` takes a value; `boolean` is a flag. */
  type: 'string' | 'boolean';
  /** What the value is, for help (e.g. `FILE`); the choices when `choices` is set. */
  value?: string;
  description: string;
  /** May be given more than once; every value is kept. */
  multiple?: boolean;
  /** The only values accepted. */
  choices?: readonly string[];
  /** Returns why a value is wrong (e.g. `expected an integer from 0 to 65535`), or undefined when it is fine. */
  check?(value: string): string | undefined;
  /** Accept an empty value (otherwise `--name ""` is an error). */
  allowEmpty?: boolean;
}

/** Positional arguments a command accepts. */
export interface PositionalSpec {
  /** As shown in the usage line, e.g. `[FILE]` or `[files...]`. */
  usage: string;
  /** At most this many (Infinity for any number). */
  max: number;
}

/** Parsed arguments of one command. */
export interface CommandArgs {
  positionals: readonly string[];
  /** The value of a string option. */
  string(name: string): string | undefined;
  /** Every value of a repeatable option. */
  strings(name: string): string[];
  /** Whether a boolean option was given. */
  flag(name: string): boolean;
}

/** A subcommand of `mmexec`. `run` returns the exit code, or -1 to keep the process running (serve). */
export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** What it does, for `--help`. */
  description: string;
  /** What its exit codes mean, for `--help`. */
  exitCodes: string;
  positionals?: PositionalSpec;
  /**
   * The command hands every argument after its own leading options to another program (e.g. `mmexec claude
   * --resume`): its options are read only up to the first argument that is not one of them, or up to `--`.
   */
  passthrough?: boolean;
  options: Record<string, OptionSpec>;
  /** Whether `.env` is read before the command runs. */
  readsEnv: boolean;
  run(args: CommandArgs): number | Promise<number>;
}

/** The `--config` option most commands share. */
export const CONFIG_OPTION: OptionSpec = { type: 'string', value: 'FILE', description: 'rule file (default: ./mmexec.yaml, else the bundled mmexec.yaml)' };

const HELP_OPTION = { type: 'boolean', short: 'h' } as const;

/** Parses `argv` strictly: unknown options, stray or repeated arguments and bad values throw UsageError. */
export function parseCommandArgs(cmd: Command, argv: readonly string[]): CommandArgs {
  if (cmd.passthrough) {
    const [own, rest] = splitLeadingOptions(cmd, argv);
    const args = parseCommandArgs({ ...cmd, passthrough: false, positionals: undefined }, own);
    return { ...args, positionals: rest };
  }
  const options = Object.fromEntries(Object.entries(cmd.options).map(([name, o]) => [name, { type: o.type, multiple: o.multiple ?? false }]));
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options: { ...options, help: HELP_OPTION }, strict: true, allowPositionals: true, tokens: true });
  } catch (err) {
    throw new UsageError(parseErrorText(cmd, err as Error & { code?: string }));
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  if (values.help) return argsOf([], values);
  const max = cmd.positionals?.max ?? 0;
  if (parsed.positionals.length > max) throw new UsageError(strayText(cmd, parsed.positionals[max]!));
  const seen = new Set<string>();
  for (const t of parsed.tokens ?? []) {
    if (t.kind !== 'option' || cmd.options[t.name]?.multiple) continue;
    if (seen.has(t.name)) throw new UsageError(`option --${t.name} is given more than once`);
    seen.add(t.name);
  }
  for (const [name, spec] of Object.entries(cmd.options)) {
    const v = values[name];
    for (const one of Array.isArray(v) ? v : typeof v === 'string' ? [v] : []) checkValue(name, spec, one);
  }
  return argsOf(parsed.positionals, values);
}

/**
 * Splits `argv` into the command's own leading options and the arguments passed on: the split is at `--`
 * (dropped) or at the first argument that is not an option of the command (kept, with all that follows).
 */
export function splitLeadingOptions(cmd: Command, argv: readonly string[]): [string[], string[]] {
  let i = 0;
  while (i < argv.length) {
    const a = argv[i]!;
    if (a === '--') return [argv.slice(0, i), argv.slice(i + 1)];
    if (a === '-h' || a === '--help') {
      i++;
      continue;
    }
    const name = /^--([^=]+)/.exec(a)?.[1];
    const spec = name === undefined ? undefined : cmd.options[name];
    if (!spec) break;
    i += spec.type === 'string' && !a.includes('=') ? 2 : 1;
  }
  return [argv.slice(0, i), argv.slice(i)];
}

function argsOf(positionals: readonly string[], values: Record<string, string | boolean | string[] | undefined>): CommandArgs {
  return {
    positionals,
    string: (name) => {
      const v = values[name];
      return typeof v === 'string' ? v : Array.isArray(v) ? v.at(-1) : undefined;
    },
    strings: (name) => {
      const v = values[name];
      return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
    },
    flag: (name) => values[name] === true,
  };
}

function checkValue(name: string, spec: OptionSpec, value: string): void {
  if (value === '' && !spec.allowEmpty) throw new UsageError(`option --${name} needs a value (--${name} ${placeholder(spec)})`);
  if (spec.choices && !spec.choices.includes(value)) throw new UsageError(`invalid value "${value}" for --${name}: expected one of ${spec.choices.join(', ')}`);
  const why = spec.check?.(value);
  if (why) throw new UsageError(`invalid value "${value}" for --${name}: ${why}`);
}

function parseErrorText(cmd: Command, err: Error & { code?: string }): string {
  const quoted = /'([^']+)'/.exec(err.message)?.[1] ?? '';
  const name = quoted.replace(/^(-\w, )?--?/, '').replace(/ <value>$/, '');
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const near = closest(name, Object.keys(cmd.options));
    return `unknown option ${quoted}${near ? ` (did you mean --${near}?)` : ''}`;
  }
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const spec = cmd.options[name];
    if (/argument missing/.test(err.message)) return `option --${name} needs a value (--${name} ${spec ? placeholder(spec) : 'VALUE'})`;
    if (/does not take an argument/.test(err.message)) return `option --${name} takes no value`;
    if (/ambiguous/.test(err.message)) return `the value of --${name} starts with "-": write it as --${name}=VALUE`;
  }
  return err.message.split('\n')[0]!;
}

function strayText(cmd: Command, arg: string): string {
  const hint = cmd.options.config && /\.ya?ml$/i.test(arg) ? ` (did you mean --config ${arg}?)` : '';
  return cmd.positionals ? `unexpected argument "${arg}": mmexec ${cmd.name} takes ${cmd.positionals.usage} only${hint}` : `unexpected argument "${arg}": mmexec ${cmd.name} takes no arguments${hint}`;
}

/** The option name within edit distance 2 of `name`, if any. */
function closest(name: string, names: readonly string[]): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const n of names) {
    const d = editDistance(name, n);
    if (d <= 2 && (!best || d < best.d)) best = { name: n, d };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_v, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

function placeholder(spec: OptionSpec): string {
  return spec.value ?? spec.choices?.join('|') ?? 'VALUE';
}

/** The usage line, e.g. `mmexec validate [--config FILE] [--print-url]`. */
export function commandUsage(cmd: Command): string {
  const parts = [`mmexec ${cmd.name}`];
  if (cmd.positionals && !cmd.passthrough) parts.push(cmd.positionals.usage);
  for (const [name, spec] of Object.entries(cmd.options)) {
    const opt = spec.type === 'boolean' ? `--${name}` : `--${name} ${placeholder(spec)}`;
    parts.push(`[${opt}]${spec.multiple ? '...' : ''}`);
  }
  if (cmd.positionals && cmd.passthrough) parts.push(cmd.positionals.usage);
  return parts.join(' ');
}

/** The text of `mmexec <command> --help`. */
export function commandHelp(cmd: Command): string {
  const rows: Array<[string, string]> = Object.entries(cmd.options).map(([name, spec]) => [
    spec.type === 'boolean' ? `--${name}` : `--${name} ${placeholder(spec)}`,
    spec.description + (spec.choices && spec.value ? ` (${spec.choices.join(', ')})` : '') + (spec.multiple ? ' (repeatable)' : ''),
  ]);
  rows.push(['-h, --help', 'show this help']);
  const width = Math.max(...rows.map(([l]) => l.length));
  const lines = rows.map(([l, d]) => `  ${l.padEnd(width)}  ${d}`);
  return `Usage: ${commandUsage(cmd)}\n\n${cmd.description}\n\nOptions:\n${lines.join('\n')}\n\nExit codes: ${cmd.exitCodes}\n`;
}
