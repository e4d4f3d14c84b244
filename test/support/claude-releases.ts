/**
 * The Claude Code releases the end-to-end tests drive, installed on demand in test/claude-code (`npm run
 * test:setup`), each under an npm alias `cc-<version>`. The native binary comes from the release's platform
 * package (`@anthropic-ai/claude-code-<platform>`, an optional dependency), so no install script has to run.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One Claude Code release of the matrix. */
export interface ClaudeRelease {
  /** e.g. `2.1.332`. */
  version: string;
  /** The npm alias in test/claude-code/package.json, e.g. `cc-2.1.332`. */
  alias: string;
  /** Absolute path of the native binary (may not exist). */
  bin: string;
  /** Whether the binary is there. */
  installed: boolean;
}

/** Versions of the matrix, oldest first; each has one `cc-<version>` line in test/claude-code/package.json. */
export const MATRIX_VERSIONS = ['2.1.197', '2.1.250', '2.1.332'] as const;

/** The release the single-release end-to-end tests drive. */
export const DEFAULT_VERSION = '2.1.197';

/** Directory of the matrix package. */
export const MATRIX_DIR = fileURLToPath(new URL('../claude-code/', import.meta.url));

const SETUP_HINT = 'run `npm run test:setup`';

function platformKey(): string {
  const os = platform();
  if (os !== 'linux') return `${os}-${arch()}`;
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  return `linux-${arch()}${report?.header?.glibcVersionRuntime === undefined ? '-musl' : ''}`;
}

/** The platform package's binary when it has the release's version, else undefined. */
function platformBinary(wrapperDir: string, version: string): string | undefined {
  try {
    const req = createRequire(join(wrapperDir, 'package.json'));
    const pkg = req.resolve(`@anthropic-ai/claude-code-${platformKey()}/package.json`);
    const found = (JSON.parse(readFileSync(pkg, 'utf8')) as { version?: string }).version;
    return found === version ? join(dirname(pkg), platform() === 'win32' ? 'claude.exe' : 'claude') : undefined;
  } catch {
    return undefined;
  }
}

/** Finds the release's binary: the platform package's, else the wrapper's bin/claude.exe (real once a postinstall ran). */
function binaryOf(alias: string, version: string): string {
  const wrapperDir = join(MATRIX_DIR, 'node_modules', alias);
  return platformBinary(wrapperDir, version) ?? join(wrapperDir, 'bin', 'claude.exe');
}

/** The release of a matrix version, with its binary path and whether it is installed. */
export function claudeRelease(version: string): ClaudeRelease {
  const alias = `cc-${version}`;
  const bin = binaryOf(alias, version);
  // the wrapper's bin/claude.exe is a small placeholder script until its postinstall replaces it
  return { version, alias, bin, installed: existsSync(bin) && statSync(bin).size > 1_000_000 };
}

/** Every release of the matrix, oldest first. */
export function claudeReleases(): ClaudeRelease[] {
  return MATRIX_VERSIONS.map(claudeRelease);
}

/**
 * A visible skip reason for a release that is not installed, or false when it is; throws instead when
 * `process.env.CI` is set, so CI never passes by skipping.
 */
export function releaseSkip(release: ClaudeRelease): string | false {
  if (release.installed) return false;
  const why = `Claude Code ${release.version} is not installed (${release.bin} missing): ${SETUP_HINT}`;
  if (process.env.CI) throw new Error(`CI: ${why}`);
  return why;
}
