/**
 * The parts of OpenAI Responses API objects this protocol reads or writes, as typed views over parsed JSON.
 * Reference: https://platform.openai.com/docs/api-reference/responses/create and
 * https://platform.openai.com/docs/api-reference/responses/object (schema from github.com/openai/openai-openapi).
 */

/** A plain JSON object. */
export type Obj = Record<string, unknown>;

/** The object view of `v`, or undefined for anything else (arrays, null, scalars). */
export function asObj(v: unknown): Obj | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
}

/** `v` when it is a string, else undefined. */
export function asStr(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** `v` when it is a finite non-negative number, else 0. */
export function asCount(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0;
}

/** An item of the `input` array of a create-response request. */
export type InputItem = Obj & { type: string };

/** Token usage of a Responses answer (`response.usage`). */
export interface ResponsesUsage {
  input_tokens?: number;
  output_tokens?: number;
  input_tokens_details?: { cached_tokens?: number; cache_write_tokens?: number };
}

/** A Responses answer object (`response` of the stream's lifecycle events, or the JSON of a buffered answer). */
export interface ResponsesAnswer {
  id?: string;
  model?: string;
  status?: string;
  output?: unknown[];
  usage?: ResponsesUsage;
  incomplete_details?: { reason?: string } | null;
  error?: { code?: string; message?: string } | null;
}

/** One thing the translation could not carry over, collected once however often it occurs. */
export class Notes {
  private readonly seen = new Set<string>();
  /** Records `note` (duplicates are kept once). */
  add(note: string): void {
    this.seen.add(note);
  }
  /** The notes in the order first recorded. */
  list(): string[] {
    return [...this.seen];
  }
}
