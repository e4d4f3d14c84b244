/**
 * Reduces the usage reported in a Messages API response (SSE events or a JSON body) to one Usage.
 */
import type { Usage } from './types.js';

/** SSE event names whose JSON the tracker needs; the stream reader may skip parsing every other event. */
export const WANTED_EVENTS: ReadonlySet<string> = new Set(['message_start', 'message_delta']);

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
}

/**
 * Tracks usage for one response. Created per request; never shared. Never throws, whatever it is fed:
 * malformed events are ignored, and a stream cut short leaves the usage seen so far.
 */
export class UsageTracker {
  private input = 0;
  private output = 0;
  private cacheRead = 0;
  private cacheWrite = 0;
  private split5m: number | undefined;
  private split1h: number | undefined;
  private seen = false;
  private servedModel: string | undefined;

  /** Feeds one SSE event: `type` is the event name, `data` the parsed JSON of its data line. */
  onEvent(type: string, data: unknown): void {
    try {
      const d = obj(data);
      if (!d) return;
      const kind = type || (typeof d.type === 'string' ? d.type : '');
      if (kind === 'message_start') {
        const message = obj(d.message);
        if (!message) return;
        this.takeModel(message.model);
        this.apply(message.usage);
      } else if (kind === 'message_delta') {
        // Cumulative counts: overwrite, never add.
        this.apply(d.usage);
      }
    } catch {
      // Defensive: getters on exotic objects could throw; usage tracking must never break a response.
    }
  }

  /** Feeds a non-streaming response body (parsed JSON, or its text). */
  fromMessage(json: unknown): void {
    try {
      const body = typeof json === 'string' ? (JSON.parse(json) as unknown) : json;
      const message = obj(body);
      if (!message) return;
      this.takeModel(message.model);
      this.apply(message.usage);
    } catch {
      // Not JSON: nothing to count.
    }
  }

  /** The usage seen so far, or undefined when no usage was reported at all. */
  usage(): Usage | undefined {
    if (!this.seen) return undefined;
    const u: Usage = {
      input_tokens: this.input,
      output_tokens: this.output,
      cache_read_input_tokens: this.cacheRead,
      cache_creation_input_tokens: this.cacheWrite,
    };
    if (this.split5m !== undefined || this.split1h !== undefined) {
      u.cache_creation = {
        ephemeral_5m_input_tokens: this.split5m ?? 0,
        ephemeral_1h_input_tokens: this.split1h ?? 0,
      };
    }
    return u;
  }

  /** The model named in the response (`message.model`), if any. */
  model(): string | undefined {
    return this.servedModel;
  }

  private takeModel(v: unknown): void {
    if (typeof v === 'string' && v.length > 0) this.servedModel = v;
  }

  private apply(raw: unknown): void {
    const u = obj(raw);
    if (!u) return;
    // Providers send null for fields they do not track; only numbers overwrite.
    const input = num(u.input_tokens);
    const output = num(u.output_tokens);
    const read = num(u.cache_read_input_tokens);
    const write = num(u.cache_creation_input_tokens);
    if (input !== undefined) this.input = input;
    if (output !== undefined) this.output = output;
    if (read !== undefined) this.cacheRead = read;
    if (write !== undefined) this.cacheWrite = write;
    const split = obj(u.cache_creation);
    const s5 = split ? num(split.ephemeral_5m_input_tokens) : undefined;
    const s1 = split ? num(split.ephemeral_1h_input_tokens) : undefined;
    if (s5 !== undefined) this.split5m = s5;
    if (s1 !== undefined) this.split1h = s1;
    if ([input, output, read, write, s5, s1].some((v) => v !== undefined)) this.seen = true;
  }
}
