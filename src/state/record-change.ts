/** The one way a record change is applied in process (memory and file stores); Redis applies it in a script. */
import type { RecordChange } from './store.js';

/** Returns the fields after `change`: numbers added (a missing or non-numeric field counts as 0), strings set. */
export function applyChange(fields: Readonly<Record<string, string>>, change: RecordChange): Record<string, string> {
  const out: Record<string, string> = { ...fields };
  for (const [name, amount] of Object.entries(change.add)) {
    if (!Number.isFinite(amount)) continue;
    out[name] = String((Number(out[name]) || 0) + amount);
  }
  for (const [name, value] of Object.entries(change.set)) out[name] = value;
  return out;
}
