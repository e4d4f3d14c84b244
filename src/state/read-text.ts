/** Reading a state file that may not exist. */
import { readFile } from 'node:fs/promises';

/** The file's text, or undefined when there is no such file; other failures throw. */
export async function readTextIfPresent(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
