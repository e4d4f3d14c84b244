import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import winston from 'winston';
import { RequestContext, type Services } from '../../../src/pipeline/context.js';
import type { Plan } from '../../../src/plan/types.js';

/** A JSON logger writing into `lines`. */
function capture(lines: Array<Record<string, unknown>>): winston.Logger {
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return winston.createLogger({ format: winston.format.json(), transports: [new winston.transports.Stream({ stream: sink })] });
}

describe('the request logger', () => {
  it('puts the request id on every line a request logs, without each call passing it', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const log = capture(lines);
    const services = { log } as unknown as Services;
    const ctx = new RequestContext('req_abc123', {} as Plan, services, 'POST', '/v1/messages', {}, Buffer.alloc(0), undefined, { start: 0, bodyEnd: 0 });
    ctx.log.warn('upstream failed, using fallback', { upstream: 'a' });
    ctx.log.info('second line');
    log.info('a line of the gateway, not of a request');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(
      lines.map((l) => [l.message, l.request_id]),
      [
        ['upstream failed, using fallback', 'req_abc123'],
        ['second line', 'req_abc123'],
        ['a line of the gateway, not of a request', undefined],
      ],
    );
    assert.equal(ctx.log, ctx.log, 'one child per request');
  });
});
