/** Request ids: a random per-process prefix and a counter (unique without a random draw per request). */
import { randomBytes } from 'node:crypto';

const ID_PREFIX = `req_${randomBytes(6).toString('hex')}`;
let sequence = 0;

/** The next request id of this process. */
export function nextRequestId(): string {
  sequence = (sequence + 1) % 0x1000000000000;
  return ID_PREFIX + sequence.toString(16).padStart(12, '0');
}
