/** Translation notes: one line per kind of thing not carried over, with how many times it happened. */

/** Created per translation; never shared. */
export class Notes {
  private readonly counts = new Map<string, number>();

  /** Records one occurrence of `what` (the same text adds up: "3 × ..."). */
  add(what: string): void {
    this.counts.set(what, (this.counts.get(what) ?? 0) + 1);
  }

  /** The notes in the order first seen. */
  list(): string[] {
    return [...this.counts].map(([what, n]) => (n === 1 ? what : `${what} (×${n})`));
  }
}
