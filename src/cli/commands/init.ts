/** `mmexec init`: writes a commented starter mmexec.yaml; refuses to overwrite without --force. */
import { copyFileSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fsErrorText, UsageError } from '../../errors.js';
import type { Command, CommandArgs } from '../command.js';

/** The starter configuration shipped with mmexec (src/ and dist/ sit at the same depth). */
export const STARTER_CONFIG = fileURLToPath(new URL('../../../examples/mmexec.starter.yaml', import.meta.url));

function run(args: CommandArgs): number {
  const [file] = args.positionals;
  const config = args.string('config');
  if (file !== undefined && config !== undefined && file !== config) throw new UsageError(`give the file once: as FILE or as --config, not both ("${file}" and "${config}")`);
  const target = config ?? file ?? 'mmexec.yaml';
  if (existsSync(target) && !args.flag('force')) {
    process.stderr.write(`mmexec init: ${target} already exists; use --force to overwrite it\n`);
    return 1;
  }
  try {
    copyFileSync(STARTER_CONFIG, target);
  } catch (err) {
    const missingDir = (err as NodeJS.ErrnoException).code === 'ENOENT' && !existsSync(dirname(target));
    process.stderr.write(`mmexec init: cannot write ${target}: ${missingDir ? `directory ${dirname(target)} does not exist (create it first)` : fsErrorText(err)}\n`);
    return 1;
  }
  process.stdout.write(
    `wrote ${target}\n\nNext:\n  mmexec validate --config ${target}\n  mmexec test --config ${target}\n` +
      `  mmexec explain --config ${target} --text "mmexec fix the tests"\n  mmexec serve --config ${target}\n`,
  );
  return 0;
}

/** `mmexec init`. */
export const initCommand: Command = {
  name: 'init',
  summary: 'write a commented starter mmexec.yaml',
  description: 'Writes a commented starter rule file (default ./mmexec.yaml) that validates and passes its own tests.',
  exitCodes: '0 written, 1 the file exists (without --force) or cannot be written, 2 wrong usage.',
  positionals: { usage: '[FILE]', max: 1 },
  options: {
    config: { type: 'string', value: 'FILE', description: 'the file to write (same as FILE)' },
    force: { type: 'boolean', description: 'overwrite the file if it exists' },
  },
  readsEnv: false,
  run,
};
