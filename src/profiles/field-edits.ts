/**
 * Top-level field edits collected while a request is shaped and applied to the body in one copy at the end,
 * so several changes to a megabyte body cost one copy, not one each.
 */
import { REMOVE_FIELD, type RequestBody } from '../body/request-body.js';
import type { ValueSpan } from '../body/json-scan.js';

/** What the field shapers read and change: a body, or pending edits over one. */
export interface FieldAccess {
  field(key: string): unknown;
  setField(key: string, value: unknown): void;
  deleteField(key: string): void;
  fieldNames(): string[];
  /** The byte span of a field still as the body has it (undefined once edited, parsed, or when absent). */
  span(key: string): ValueSpan | undefined;
  bytesOf(span: ValueSpan): Buffer;
}

/** Created per request; never shared. */
export class FieldEdits implements FieldAccess {
  private readonly edits = new Map<string, unknown>();
  constructor(private readonly body: RequestBody) {}

  field(key: string): unknown {
    if (!this.edits.has(key)) return this.body.field(key);
    const v = this.edits.get(key);
    return v === REMOVE_FIELD ? undefined : v;
  }

  setField(key: string, value: unknown): void {
    this.edits.set(key, value);
  }

  deleteField(key: string): void {
    if (this.fieldNames().includes(key)) this.edits.set(key, REMOVE_FIELD); // by name: the value is never parsed
  }

  fieldNames(): string[] {
    const names = new Set(this.body.fieldNames());
    for (const [k, v] of this.edits) {
      if (v === REMOVE_FIELD) names.delete(k);
      else names.add(k);
    }
    return [...names];
  }

  span(key: string): ValueSpan | undefined {
    return this.edits.has(key) ? undefined : this.body.span(key);
  }

  bytesOf(span: ValueSpan): Buffer {
    return this.body.bytesOf(span);
  }

  /** Applies the edits to the body. */
  commit(): void {
    this.body.applyFieldEdits(this.edits);
    this.edits.clear();
  }
}
