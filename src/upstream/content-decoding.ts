/**
 * Undoes the content-encoding of an upstream answer. The gateway asks for `identity`, but an upstream may
 * compress anyway; the gateway must read streams and JSON bodies (usage, transforms), so it decodes gzip,
 * deflate, br (and zstd where node:zlib has it) and sends the client plain bytes.
 */
import type { IncomingMessage } from 'node:http';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import * as zlib from 'node:zlib';

/** What to do with an answer's content-encoding. */
export type Decoding =
  | { kind: 'none' }
  | { kind: 'decode'; codings: readonly string[] }
  | { kind: 'unsupported'; coding: string };

type Factory = () => Transform;

// zstd reached node:zlib in Node 22.15 and 23.8; on older versions a zstd answer cannot be read.
const zstd = (zlib as unknown as { createZstdDecompress?: Factory }).createZstdDecompress;

const FACTORIES: Record<string, Factory> = {
  gzip: () => zlib.createGunzip(),
  'x-gzip': () => zlib.createGunzip(),
  deflate: () => new DeflateDecoder(),
  br: () => zlib.createBrotliDecompress(),
  ...(zstd ? { zstd: () => zstd() } : {}),
};

/** Reads a content-encoding header (codings in the order they were applied). */
export function decodingFor(header: string | string[] | undefined): Decoding {
  if (header === undefined) return { kind: 'none' };
  const codings = String(header)
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
  if (codings.length === 0) return { kind: 'none' };
  const unknown = codings.find((c) => !FACTORIES[c]);
  return unknown ? { kind: 'unsupported', coding: unknown } : { kind: 'decode', codings };
}

/** True when an Accept-Encoding header allows `coding` (listed or `*`, without `q=0`). */
export function accepts(acceptEncoding: string | string[] | undefined, coding: string): boolean {
  let star = false;
  for (const part of String(acceptEncoding ?? '').split(',')) {
    const [name = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const refused = params.some((p) => /^q=0(\.0*)?$/.test(p));
    if (name === coding) return !refused;
    if (name === '*') star = !refused;
  }
  return star;
}

/**
 * The decoded body of `upstreamRes`: the response itself when nothing is to undo, else the end of a chain of
 * decoders. A decoding error (corrupt or truncated data) is emitted as `error` on the returned stream.
 */
export function decodedBody(upstreamRes: IncomingMessage, decoding: Decoding): Readable {
  if (decoding.kind !== 'decode') return upstreamRes;
  // Codings are listed in the order applied: the last one applied is undone first.
  const chain = [...decoding.codings].reverse().map((c) => FACTORIES[c]!());
  const last = chain[chain.length - 1]!;
  let from: Readable = upstreamRes;
  for (const d of chain) {
    if (d !== last) d.once('error', (err) => last.destroy(err));
    from = from.pipe(d);
  }
  return last;
}

/**
 * `deflate` as RFC 9110 defines it is zlib-wrapped, but some servers send raw deflate: the first two bytes
 * tell which (a zlib header is CM 8 and a multiple of 31).
 */
class DeflateDecoder extends Transform {
  private inner: Transform | undefined;
  private head: Buffer | undefined;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    if (!this.inner) {
      const bytes = this.head ? Buffer.concat([this.head, chunk]) : chunk;
      if (bytes.length < 2) {
        this.head = bytes;
        return done();
      }
      this.head = undefined;
      const wrapped = (bytes[0]! & 0x0f) === 8 && ((bytes[0]! << 8) | bytes[1]!) % 31 === 0;
      this.inner = wrapped ? zlib.createInflate() : zlib.createInflateRaw();
      this.inner.on('data', (d: Buffer) => this.push(d));
      this.inner.once('error', (err) => this.destroy(err));
      chunk = bytes;
    }
    this.inner.write(chunk, () => done());
  }

  override _flush(done: TransformCallback): void {
    if (!this.inner) return done(this.head ? new Error('deflate answer too short') : undefined);
    this.inner.once('end', () => done());
    this.inner.end();
  }

  override _destroy(err: Error | null, done: (error?: Error | null) => void): void {
    this.inner?.destroy();
    done(err);
  }
}
