/**
 * Which `mmexec claude` processes use a gateway, so the last one to leave stops a gateway one of them
 * started. In the state directory: `claude/users/<pid>` (one empty-ish file per running `mmexec claude`,
 * naming its gateway URL) and `claude/gateway.json` (the pid and URL of a gateway started in the background).
 * A user whose process is gone no longer counts, so a crashed session never keeps a gateway alive.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { processAlive } from './gateway-process.js';

/** A gateway started in the background by `mmexec claude`. */
export interface StartedGateway {
  pid: number;
  url: string;
}

/** The bookkeeping of one state directory. */
export class ClaudeUsers {
  private readonly dir: string;
  private readonly users: string;

  constructor(stateDir: string) {
    this.dir = join(stateDir, 'claude');
    this.users = join(this.dir, 'users');
  }

  /** Where the background gateway writes its log. */
  get logFile(): string {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    return join(this.dir, 'gateway.log');
  }

  /** Records that process `pid` uses the gateway at `url`. */
  join(pid: number, url: string): void {
    mkdirSync(this.users, { recursive: true, mode: 0o700 });
    writeFileSync(join(this.users, String(pid)), `${url}\n`, { mode: 0o600 });
  }

  /** Removes process `pid`'s record. */
  leave(pid: number): void {
    rmSync(join(this.users, String(pid)), { force: true });
  }

  /** Pids of live processes using the gateway at `url` (records of dead ones are removed). */
  liveUsers(url: string): number[] {
    let names: string[];
    try {
      names = readdirSync(this.users);
    } catch {
      return [];
    }
    const live: number[] = [];
    for (const name of names) {
      const pid = Number(name);
      const file = join(this.users, name);
      if (!Number.isInteger(pid) || pid <= 0 || !processAlive(pid)) rmSync(file, { force: true });
      else if (readText(file)?.trim() === url) live.push(pid);
    }
    return live;
  }

  /** The gateway started in the background, if one is recorded. */
  started(): StartedGateway | undefined {
    const text = readText(join(this.dir, 'gateway.json'));
    if (text === undefined) return undefined;
    try {
      const v = JSON.parse(text) as Partial<StartedGateway>;
      return typeof v.pid === 'number' && typeof v.url === 'string' ? { pid: v.pid, url: v.url } : undefined;
    } catch {
      return undefined;
    }
  }

  /** Records (or, with undefined, forgets) the gateway started in the background. */
  setStarted(g: StartedGateway | undefined): void {
    const file = join(this.dir, 'gateway.json');
    if (!g) return rmSync(file, { force: true });
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    writeFileSync(file, `${JSON.stringify(g)}\n`, { mode: 0o600 });
  }
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
