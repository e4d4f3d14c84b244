/** The registry of named conditions (`when` keys). Adding a condition is one file and one line here. */
import { claudeCode } from './claude-code.js';
import type { ConditionDefinition } from './condition.js';
import { header } from './header.js';
import { jsonataCondition } from './jsonata.js';
import { lastUserText } from './last-user-text.js';
import { method } from './method.js';
import { model } from './model.js';
import { pathCondition } from './path.js';
import { stream } from './stream.js';
import { sticky } from './sticky.js';

/** Every built-in condition by its `when` key, in the order the reference lists them. */
export const CONDITIONS: ReadonlyMap<string, ConditionDefinition> = new Map(
  [lastUserText, pathCondition, method, header, model, sticky, jsonataCondition, stream, claudeCode].map((c) => [c.name, c]),
);
