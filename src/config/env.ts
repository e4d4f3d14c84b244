/** Expands `${VAR}` and `${VAR:-default}` in strings of the rule file. */

const REFERENCE = /\$?\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** Result of expanding one string: the value, and the names of unset variables that had no default. */
export interface Expansion {
  value: string;
  missing: string[];
}

/**
 * Expands every `${VAR}` / `${VAR:-default}` in `text` from `env` (an empty variable counts as unset);
 * `$${` escapes a literal `${`.
 */
export function expandEnv(text: string, env: NodeJS.ProcessEnv): Expansion {
  const missing: string[] = [];
  if (!text.includes('${')) return { value: text, missing };
  const value = text.replace(REFERENCE, (whole: string, name: string, fallback?: string) => {
    if (whole.startsWith('$$')) return whole.slice(1);
    const v = env[name];
    if (v !== undefined && v !== '') return v;
    if (fallback !== undefined) return fallback;
    missing.push(name);
    return '';
  });
  return { value, missing };
}
