/**
 * Shapes the `messages` of a request to a profile with as little parsing as possible: byte searches pick
 * the messages that may hold a system turn or a block the provider cannot take; only those (and the user
 * turns next to a system turn) are parsed, changed and spliced back into the bytes.
 */
import type { RequestBody } from '../body/request-body.js';
import type { Message } from '../pipeline/messages.js';
import { foldRuns, type MessageRun } from './fold-system-turns.js';
import { deniedTypes, replaceUnsupportedBlocks, type Replaced } from './shape-blocks.js';
import type { ProfileRules } from './types.js';

const SYSTEM_ROLE = [Buffer.from('"role":"system"'), Buffer.from('"role": "system"')];
const ROLE_PREFIX = Buffer.from('{"role":"');
const TYPE_KEY = Buffer.from('"type":');

/** Lazy access to the messages of a body, parsed or not. */
class MessageView {
  private readonly parsed = new Map<number, Message>();
  readonly count: number;
  constructor(private readonly body: RequestBody) {
    this.count = body.messageCount();
  }

  /** The message's bytes, or undefined once the whole body is parsed (then every message is a candidate). */
  bytes(i: number): Buffer | undefined {
    return this.body.messageBytes(i);
  }

  get(i: number): Message {
    let m = this.parsed.get(i);
    if (!m) {
      m = this.body.messageCopy(i) as Message;
      this.parsed.set(i, m);
    }
    return m;
  }

  set(i: number, m: Message): void {
    this.parsed.set(i, m);
  }

  /** The role, read from the bytes when the message starts with it (Claude Code's order), else parsed. */
  roleOf(i: number): string {
    const b = this.parsed.has(i) ? undefined : this.bytes(i);
    if (b && b.subarray(0, ROLE_PREFIX.length).equals(ROLE_PREFIX)) {
      const end = b.indexOf(0x22, ROLE_PREFIX.length);
      if (end > 0) return b.toString('latin1', ROLE_PREFIX.length, end);
    }
    const role = this.get(i)?.role;
    return typeof role === 'string' ? role : '';
  }

  /**
   * Indexes of the system turns. A message starting `{"role":"` (Claude Code's key order) is told by its
   * first bytes; only others are searched, then parsed.
   */
  systemTurns(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.count; i++) {
      const b = this.bytes(i);
      const known = b && b.subarray(0, ROLE_PREFIX.length).equals(ROLE_PREFIX);
      if (known ? this.roleOf(i) === 'system' : (!b || SYSTEM_ROLE.some((n) => b.includes(n))) && this.roleOf(i) === 'system') out.push(i);
    }
    return out;
  }

  /**
   * Indexes of the messages holding a `"type": "…"` value in `denied`. The type values of a message are
   * found by one search over its bytes the first time those bytes are seen (message-facts.ts).
   */
  withTypes(denied: ReadonlySet<string>): number[] {
    if (denied.size === 0) return [];
    if (!this.body.span('messages')) return [...Array(this.count).keys()]; // parsed: every message is a candidate
    const out: number[] = [];
    for (let i = 0; i < this.count; i++) {
      const types = this.body.messageFacts(i)?.derive(BLOCK_TYPES, typeValues);
      if (types && [...denied].some((t) => types.has(t))) out.push(i);
    }
    return out;
  }
}

/** The message facts kind: the `"type"` string values in a message's bytes. */
const BLOCK_TYPES = Symbol('block types');

/** Every `"type": "…"` string value in `m` (read as latin1: the values compared are ASCII names). */
function typeValues(m: Buffer): ReadonlySet<string> {
  const found = new Set<string>();
  for (let i = m.indexOf(TYPE_KEY); i >= 0; i = m.indexOf(TYPE_KEY, i + TYPE_KEY.length)) {
    let start = i + TYPE_KEY.length;
    while (m[start] === 0x20) start++;
    if (m[start] !== 0x22) continue;
    start++;
    const end = m.indexOf(0x22, start);
    if (end < 0) break;
    found.add(m.toString('latin1', start, end));
  }
  return found;
}

/** What shaping the messages changed, for explain. */
export interface MessageChanges {
  /** System turns folded into user turns. */
  folded: number;
  replaced: Replaced;
}

/** Shapes the messages of `body` to `rules`; returns what changed (nothing changed when both are empty). */
export function shapeMessages(body: RequestBody, rules: ProfileRules, model: string): MessageChanges {
  const view = new MessageView(body);
  const replaced: Replaced = new Map();
  const changed = new Set<number>();
  for (const i of view.withTypes(deniedTypes(rules))) {
    const next = replaceUnsupportedBlocks(view.get(i), rules, model, replaced);
    if (next) {
      view.set(i, next);
      changed.add(i);
    }
  }
  const systemTurns = rules.roles.includes('system') ? [] : view.systemTurns();
  const runs: MessageRun[] = foldRuns(view.count, systemTurns, (i) => view.roleOf(i), (i) => view.get(i));
  for (const i of changed) if (!runs.some((r) => r.first <= i && i <= r.last)) runs.push({ first: i, last: i, value: view.get(i) });
  body.replaceMessageRuns(runs);
  return { folded: systemTurns.length, replaced };
}


/** True when some message holds an image or document the rules do not accept (parsing only candidates). */
export function holdsUnreadable(body: RequestBody, rules: ProfileRules): boolean {
  const view = new MessageView(body);
  const denied = new Set([...deniedTypes(rules)].filter((t) => ['image', 'document', 'base64', 'url', 'file'].includes(t)));
  return view.withTypes(denied).some((i) => {
    const replaced: Replaced = new Map();
    replaceUnsupportedBlocks(view.get(i), rules, '', replaced);
    return replaced.has('image') || replaced.has('document');
  });
}
