/**
 * Remembers a result computed from a byte string, for bytes clients send again and again (Claude Code sends
 * the same tool definitions and the same history with every request of a session): a lookup finds the
 * entries of the same length and compares bytes (memcmp); nothing is hashed. The result is computed from the
 * memo's own copy, so it may keep views of those bytes without holding the request's buffer. Bounded by
 * entries and bytes; the least recently used entry goes first.
 */
interface Entry<V> {
  readonly bytes: Buffer;
  readonly value: V;
}

export class BytesMemo<V> {
  private readonly byLength = new Map<number, Array<Entry<V>>>();
  /** Every entry, least recently used first. */
  private readonly order = new Set<Entry<V>>();
  private total = 0;

  constructor(
    private readonly maxEntries = 16,
    private readonly maxBytes = 2 * 1024 * 1024,
  ) {}

  /** The value remembered for exactly these bytes, else `compute` on a copy of them (remembered when it fits). */
  get(bytes: Buffer, compute: (bytes: Buffer) => V): V {
    const same = this.byLength.get(bytes.length);
    if (same) {
      for (const e of same) {
        if (!e.bytes.equals(bytes)) continue;
        this.order.delete(e);
        this.order.add(e);
        return e.value;
      }
    }
    const copy = Buffer.from(bytes);
    const value = compute(copy);
    if (copy.length <= this.maxBytes) this.add({ bytes: copy, value });
    return value;
  }

  private add(e: Entry<V>): void {
    const same = this.byLength.get(e.bytes.length);
    if (same) same.push(e);
    else this.byLength.set(e.bytes.length, [e]);
    this.order.add(e);
    this.total += e.bytes.length;
    while (this.order.size > this.maxEntries || this.total > this.maxBytes) this.drop(this.order.values().next().value!);
  }

  private drop(e: Entry<V>): void {
    this.order.delete(e);
    this.total -= e.bytes.length;
    const same = this.byLength.get(e.bytes.length)!;
    if (same.length === 1) this.byLength.delete(e.bytes.length);
    else same.splice(same.indexOf(e), 1);
  }
}
