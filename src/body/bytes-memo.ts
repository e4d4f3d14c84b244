/**
 * Remembers a result computed from a byte string, for bytes clients send again and again (Claude Code sends
 * the same tool definitions with every request of a session): a lookup compares lengths, then bytes
 * (memcmp), and never hashes. Bounded by entries and bytes; the oldest entry goes first.
 */
export class BytesMemo<V> {
  private entries: Array<{ bytes: Buffer; value: V }> = [];
  private total = 0;

  constructor(
    private readonly maxEntries = 16,
    private readonly maxBytes = 2 * 1024 * 1024,
  ) {}

  /** The value remembered for exactly these bytes, else `compute(bytes)` (remembered when it fits). */
  get(bytes: Buffer, compute: (bytes: Buffer) => V): V {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i]!;
      if (e.bytes.length === bytes.length && e.bytes.equals(bytes)) return e.value;
    }
    const value = compute(bytes);
    if (bytes.length <= this.maxBytes) {
      // A copy: the request's buffer must not stay alive with the memo.
      this.entries.push({ bytes: Buffer.from(bytes), value });
      this.total += bytes.length;
      while (this.entries.length > this.maxEntries || this.total > this.maxBytes) this.total -= this.entries.shift()!.bytes.length;
    }
    return value;
  }
}
