/** The recorded OpenAI Responses streams and answers of test/fixtures/openai-responses (see the README there). */
import { readFileSync } from 'node:fs';
import { SseReader, type SseEvent } from '../../src/upstream/sse-reader.js';

const FIXTURES = new URL('../fixtures/openai-responses/', import.meta.url);

/** The text of a recorded fixture file. */
export function fixtureText(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'utf8');
}

/** The events of a recorded stream. */
export function fixtureEvents(name: string): SseEvent[] {
  return new SseReader().push(fixtureText(name));
}
