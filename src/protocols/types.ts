/**
 * The wire protocol an upstream speaks. The gateway always speaks Anthropic Messages to its clients; an upstream
 * of another protocol gets a translated request, and its answer is translated back into Anthropic form at the
 * upstream boundary, before any response stage (usage tap, thinking recorder, restore-model, metrics) sees it.
 */
import type { MessagesBody } from '../pipeline/messages.js';
import type { SseEvent } from '../upstream/sse-reader.js';

export type ProtocolName = 'anthropic' | 'openai-chat' | 'openai-responses';

/** What a request translation needs beyond the body. */
export interface TranslateOptions {
  /** The model the request goes out with (after the upstream's `model:`). */
  model: string | undefined;
  /**
   * Thinking blocks of earlier assistant turns go back as `reasoning_content` (providers that ask for it, as
   * DeepSeek does); otherwise they are dropped with a note. Optional: protocols without the notion ignore it.
   */
  reasoningContent?: boolean;
  /** The role the system prompt goes out with (default `system`). Optional: protocols without roles ignore it. */
  systemRole?: 'system' | 'developer';
}

/** A translated request: the body to send, and one note per thing that could not be carried over. */
export interface TranslatedRequest {
  body: unknown;
  notes: string[];
}

/** Converts one upstream stream, event by event, into Anthropic Messages stream events (stateful, one per response). */
export interface StreamAdapter {
  /** One upstream event in; zero or more Anthropic events out. */
  push(ev: SseEvent): SseEvent[];
  /** The upstream stream ended (cleanly or not); the events that close the Anthropic stream. */
  end(): SseEvent[];
}

/** A non-Anthropic protocol: request translation, answer translation (streamed and buffered), error translation. */
export interface Protocol {
  readonly name: Exclude<ProtocolName, 'anthropic'>;
  /** Path appended to the upstream URL's path for a Messages request (e.g. `/chat/completions`). */
  readonly messagesPath: string;
  translateRequest(body: MessagesBody, opts: TranslateOptions): TranslatedRequest;
  /** `requestedModel` is the model the client asked for (the Anthropic answer reports it unless a stage changes that). */
  createStreamAdapter(requestedModel: string | undefined): StreamAdapter;
  /** A 2xx JSON answer → an Anthropic message object. */
  translateAnswer(json: unknown, requestedModel: string | undefined): unknown;
  /** An error answer → an Anthropic error body (`{type:'error', error:{type, message}}`) and the status to send. */
  translateError(status: number, json: unknown): { status: number; json: unknown };
}
