/**
 * Sized, deterministic request bodies: small, Claude Code-shaped (~50 KB) and long agentic history (~1 MB).
 */
import { Prng } from './prng.js';
import {
  buildSystem,
  buildTools,
  envelope,
  finalAssistant,
  toolStep,
  userTextMessage,
  type Json,
  type ThinkingOrigin,
} from './claude-code.js';

/** Parameters of one generated body. */
export interface BodySpec {
  /** Seed of the generator; the same spec always gives the same bytes. */
  seed: number;
  /** Exact size of the JSON in bytes (reached by sizing the long system prompt block). */
  targetBytes: number;
  /** Who signed the thinking blocks in the history. */
  origin: ThinkingOrigin;
  /** The user's typed text in the last message. */
  lastText: string;
  /** Session id (also embedded in metadata.user_id). */
  sessionId: string;
  /** Value of the `stream` field. */
  stream: boolean;
  /** Number of tools in the catalogue. */
  toolCount: number;
  /** Most tool-loop steps (assistant + tool_result pairs) to include. */
  maxSteps: number;
}

/** Smallest system prompt block kept when sizing the body. */
const MIN_PROMPT = 2000;

/** The smallest body: one short user message, as a string content (about 90 bytes). */
export function smallBody(lastText: string, stream: boolean): Buffer {
  return Buffer.from(
    JSON.stringify({
      model: 'claude-sonnet-4-5',
      max_tokens: 1024,
      messages: [{ role: 'user', content: lastText }],
      ...(stream ? { stream: true } : {}),
    }),
  );
}

/** A Claude Code-shaped body of exactly `targetBytes` bytes (see BodySpec). */
export function agenticBody(spec: BodySpec): Buffer {
  const prng = new Prng(spec.seed);
  const tools = buildTools(prng, spec.toolCount);
  const messages: Json[] = [userTextMessage(prng, prng.text(200), 3)];
  const tail = [finalAssistant(prng, spec.origin), userTextMessage(prng, spec.lastText, 1)];
  const probe = (system: Json[], extra: Json[]): number =>
    Buffer.byteLength(JSON.stringify(envelope(spec.sessionId, spec.stream, system, tools, [...extra, ...tail])));
  const emptySystem = buildSystem(new Prng(spec.seed), 0);
  let size = probe(emptySystem, messages);
  for (let step = 0; step < spec.maxSteps; step++) {
    const pair = toolStep(prng, spec.origin, step, prng.int(800, 3000));
    const added = Buffer.byteLength(JSON.stringify(pair[0])) + Buffer.byteLength(JSON.stringify(pair[1])) + 2;
    if (size + added > spec.targetBytes - MIN_PROMPT) break;
    messages.push(pair[0], pair[1]);
    size += added;
  }
  const promptChars = spec.targetBytes - size;
  if (promptChars < 0) throw new Error(`body of ${size} bytes already exceeds target ${spec.targetBytes}`);
  const system = buildSystem(new Prng(spec.seed ^ 0x5eed), promptChars);
  const body = Buffer.from(JSON.stringify(envelope(spec.sessionId, spec.stream, system, tools, [...messages, ...tail])));
  if (body.length !== spec.targetBytes) {
    throw new Error(`generated ${body.length} bytes, wanted ${spec.targetBytes}`);
  }
  return body;
}

/** The ~50 KB Claude Code-shaped body: long system prompt, 24 tools, a few turns. */
export function claudeCodeBody(opts: Pick<BodySpec, 'origin' | 'lastText' | 'sessionId' | 'stream'>): Buffer {
  return agenticBody({ ...opts, seed: 50, targetBytes: 50_000, toolCount: 24, maxSteps: 3 });
}

/** The ~1 MB long agentic history: hundreds of turns with thinking, tool_use and tool_result. */
export function historyBody(opts: Pick<BodySpec, 'origin' | 'lastText' | 'sessionId' | 'stream'>): Buffer {
  return agenticBody({ ...opts, seed: 1000, targetBytes: 1_000_000, toolCount: 24, maxSteps: 10_000 });
}

/** A body of `bytes` bytes with as many turns as fit, for the cost-versus-size curve. */
export function scaledBody(bytes: number, opts: Pick<BodySpec, 'origin' | 'lastText' | 'sessionId' | 'stream'>): Buffer {
  const toolCount = bytes < 40_000 ? 4 : 24;
  return agenticBody({ ...opts, seed: 7 + bytes, targetBytes: bytes, toolCount, maxSteps: 10_000 });
}
