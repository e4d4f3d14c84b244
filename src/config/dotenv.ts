/**
 * Reads `.env` the one way every command reads it (start.sh follows the same rule): the file in the working
 * directory, parsed by Node's `util.parseEnv` (Node 20.12+). A variable already set to a non-empty value
 * wins; an unset or empty one takes the file's value (empty counts as unset, as in `${VAR:-default}`).
 */
import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { fsErrorText } from '../errors.js';

/** The file commands read, relative to the working directory. */
export const DOTENV_FILE = '.env';

/**
 * Fills `env` from `file` by the rule above and returns the names it set; none when there is no such file.
 * Throws an Error naming the file when it exists but cannot be read.
 */
export function loadDotEnv(env: NodeJS.ProcessEnv = process.env, file: string = DOTENV_FILE): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new Error(`cannot read ${file}: ${fsErrorText(err)}`);
  }
  const set: string[] = [];
  for (const [name, value] of Object.entries(parseEnv(text))) {
    if (value === undefined || env[name]) continue;
    env[name] = value;
    set.push(name);
  }
  return set;
}
