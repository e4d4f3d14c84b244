/**
 * Validators compiled from OpenAI's own schemas (test/fixtures/openai-responses, see the README there):
 * a create-response request body, and one Responses stream event.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

const FIXTURES = new URL('../fixtures/openai-responses/', import.meta.url);

/** A data URL or an absolute URL (ajv ships no `uri` format; the API accepts both for image_url). */
const URI = /^[a-z][a-z0-9+.-]*:\S+$/i;

type Doc = { $defs: Record<string, { properties?: { type?: { enum?: string[] } } }> };

function load(file: string): Doc {
  return JSON.parse(readFileSync(new URL(file, FIXTURES), 'utf8')) as Doc;
}

function newAjv(): Ajv2020 {
  // strictRequired off: a few unrelated OpenAI schemas require keys they do not declare.
  return new Ajv2020({ strict: true, strictRequired: false, allErrors: true, formats: { uri: URI, float: true, unixtime: true } });
}

const messages = (v: ValidateFunction): string[] => (v.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);

let request: ValidateFunction | undefined;
let events: Map<string, ValidateFunction> | undefined;

/** One validator per stream event type, each against that event's own schema (errors then name the right one). */
function eventValidators(): Map<string, ValidateFunction> {
  const doc = load('response-stream-event.schema.json');
  const ajv = newAjv();
  ajv.addSchema(doc as object, 'events');
  const out = new Map<string, ValidateFunction>();
  for (const [name, def] of Object.entries(doc.$defs)) {
    const type = def.properties?.type?.enum;
    if (name.endsWith('Event') && type?.length === 1) out.set(type[0]!, ajv.compile({ $ref: `events#/$defs/${name}` }));
  }
  return out;
}

/** Validation errors of a create-response body against the CreateResponse schema (empty when it is valid). */
export function requestErrors(body: unknown): string[] {
  request ??= newAjv().compile(load('create-response.schema.json') as object);
  return request(body) ? [] : messages(request);
}

/** Validation errors of one stream event's data against the schema of its type (one of ResponseStreamEvent). */
export function eventErrors(data: unknown): string[] {
  events ??= eventValidators();
  const type = (data as { type?: unknown } | null)?.type;
  const validate = typeof type === 'string' ? events.get(type) : undefined;
  if (!validate) return [`no ResponseStreamEvent has type ${JSON.stringify(type)}`];
  return validate(data) ? [] : messages(validate);
}
