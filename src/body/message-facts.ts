/**
 * What is known about a message's exact bytes, computed on first use and remembered with a copy of them:
 * Claude Code sends the whole history with every request, so a message is searched and walked the first
 * time its bytes are seen, and later requests pay one comparison (BytesMemo: length, then memcmp). Facts
 * are pure functions of the bytes; nothing that depends on state (verdicts, sticky routes) is kept here.
 */
import { BytesMemo } from './bytes-memo.js';

/** One message's bytes and what was found in them. Shared by every request that sends these bytes. */
export class MessageFacts {
  /** By needle: needles are compiled once with their transform, so the same Buffer comes every request. */
  private readonly holding = new Map<Buffer, boolean>();
  private readonly derived = new Map<symbol, unknown>();

  /** `bytes` is the memo's own copy of the message. */
  constructor(readonly bytes: Buffer) {}

  /** Whether the bytes contain `needle`. */
  holds(needle: Buffer): boolean {
    let found = this.holding.get(needle);
    if (found === undefined) {
      if (this.holding.size >= 64) this.holding.clear(); // needles of earlier plans, after reloads
      this.holding.set(needle, (found = this.bytes.includes(needle)));
    }
    return found;
  }

  /** A value derived from the bytes by `compute`, once per `kind` (spans in it are relative to the message). */
  derive<T>(kind: symbol, compute: (bytes: Buffer) => T): T {
    if (!this.derived.has(kind)) this.derived.set(kind, compute(this.bytes));
    return this.derived.get(kind) as T;
  }
}

/** Copies of at most 8192 messages and 16 MB, least recently used first. */
const remembered = new BytesMemo<MessageFacts>(8192, 16 * 1024 * 1024);

/** The facts of a message given by its bytes (a view into the request's body is fine: it is not kept). */
export function factsOf(message: Buffer): MessageFacts {
  return remembered.get(message, (copy) => new MessageFacts(copy));
}
