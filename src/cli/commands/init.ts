/** `mmexec init`: writes a commented starter mmexec.yaml; refuses to overwrite without --force. */
import { copyFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { option, type ParsedArgs } from '../args.js';

/** The starter configuration shipped with mmexec (src/ and dist/ sit at the same depth). */
export const STARTER_CONFIG = fileURLToPath(new URL('../../../examples/mmexec.starter.yaml', import.meta.url));

/** Runs init; exit 0 when written, 1 when the file exists and --force is not given. */
export function initCommand(args: ParsedArgs): number {
  const target = option(args, 'config') ?? args.positionals[0] ?? 'mmexec.yaml';
  if (existsSync(target) && !args.flags.has('force')) {
    process.stderr.write(`mmexec init: ${target} already exists; use --force to overwrite it\n`);
    return 1;
  }
  copyFileSync(STARTER_CONFIG, target);
  process.stdout.write(
    `wrote ${target}\n\nNext:\n  mmexec validate --config ${target}\n  mmexec test --config ${target}\n` +
      `  mmexec explain --config ${target} --text "mmexec fix the tests"\n  mmexec serve --config ${target}\n`,
  );
  return 0;
}
