/** The bundled provider profiles by name. Adding one is one file and one line here. */
import { anthropic } from './anthropic.js';
import { deepseek } from './deepseek.js';
import { glm } from './glm.js';
import { kimi } from './kimi.js';
import { minimaxM2 } from './minimax-m2.js';
import { minimaxM3 } from './minimax-m3.js';
import { ollama } from './ollama.js';
import { openrouter } from './openrouter.js';
import { qwen } from './qwen.js';
import type { ProviderProfile } from './types.js';

/** Every bundled profile by name. */
export const PROFILES: ReadonlyMap<string, ProviderProfile> = new Map(
  [minimaxM2, minimaxM3, deepseek, kimi, glm, qwen, ollama, openrouter, anthropic].map((p) => [p.name, p]),
);
