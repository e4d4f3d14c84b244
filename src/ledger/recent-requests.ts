/**
 * The last N finished requests of this process, for the /ui page: ids, times, route, upstream, status,
 * duration, tokens and cost only (never bodies, headers or keys). A fixed-size ring: O(1) per request.
 */

/** One finished request as the page shows it. */
export interface RequestLine {
  id: string;
  /** ISO time the request finished. */
  at: string;
  route: string;
  upstream: string;
  status: number;
  duration_ms: number;
  tokens: { input: number; output: number; cache_read: number; cache_write: number };
  cost_usd: number;
}

/** One per gateway. */
export class RecentRequests {
  private readonly ring: (RequestLine | undefined)[];
  private next = 0;

  constructor(readonly size = 50) {
    this.ring = new Array<RequestLine | undefined>(size);
  }

  /** Keeps a line, dropping the oldest when full. */
  add(line: RequestLine): void {
    this.ring[this.next] = line;
    this.next = (this.next + 1) % this.size;
  }

  /** The lines kept, newest first. */
  list(): RequestLine[] {
    const out: RequestLine[] = [];
    for (let i = 1; i <= this.size; i++) {
      const line = this.ring[(this.next - i + this.size) % this.size];
      if (line) out.push(line);
    }
    return out;
  }
}
