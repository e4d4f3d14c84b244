/** Which rule file a command uses: --config, else ./mmexec.yaml, else the bundled default. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The bundled default rule file. */
export const BUNDLED_CONFIG = fileURLToPath(new URL('../../mmexec.yaml', import.meta.url));

/** Resolves the config path for a command. */
export function resolveConfigPath(given: string | undefined): string {
  if (given) return given;
  return existsSync('mmexec.yaml') ? 'mmexec.yaml' : BUNDLED_CONFIG;
}
