/**
 * Deterministic pseudo-random source for the benchmark bodies, so every run sends the same bytes.
 */

const WORDS = (
  'the a to of and in is it for that on with as this be file function code test error value return ' +
  'type string number should will can we need check update module config request response body stream ' +
  'session route upstream model token cache tool input output message content block thinking signature ' +
  'user assistant system prompt schema array object property required description handler server client ' +
  'parse build read write edit search run command result status path line change fix add remove'
).split(' ');

/** A seeded generator (mulberry32) with helpers for words, sentences and bytes. */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty array');
    return item;
  }

  /** Text of roughly `chars` characters made of words and sentences. */
  text(chars: number): string {
    const parts: string[] = [];
    let length = 0;
    let sentence = 0;
    while (length <= chars) {
      let word = this.pick(WORDS);
      if (sentence === 0) word = word.charAt(0).toUpperCase() + word.slice(1);
      sentence++;
      const end = sentence > 6 && this.next() < 0.15;
      if (end) sentence = 0;
      const piece = end ? `${word}.` : word;
      parts.push(piece);
      length += piece.length + 1;
    }
    return parts.join(' ').slice(0, Math.max(0, chars));
  }

  /** `count` random bytes. */
  bytes(count: number): Buffer {
    const out = Buffer.alloc(count);
    for (let i = 0; i < count; i++) out[i] = Math.floor(this.next() * 256);
    return out;
  }

  /** A version-4-shaped UUID. */
  uuid(): string {
    const hex = this.bytes(16).toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }
}
