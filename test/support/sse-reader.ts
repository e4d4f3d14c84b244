/**
 * A raw SSE reader for the fake tests: posts a body and returns every event with its arrival time.
 */

/** One SSE event as received on the wire. */
export interface RawSseEvent {
  event: string | undefined;
  data: Record<string, unknown>;
  at: number;
}

/** What a raw streamed POST produced. */
export interface RawSseResult {
  status: number;
  headers: Headers;
  events: RawSseEvent[];
  /** The unparsed body text. */
  text: string;
  /** Set when the stream broke before its natural end. */
  error: Error | undefined;
}

/** POSTs `body` as JSON and reads the SSE response frame by frame, timestamping each event. */
export async function postSse(
  url: string,
  body: unknown,
  headers: Record<string, string>,
  signal?: AbortSignal,
): Promise<RawSseResult> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal,
  });
  const events: RawSseEvent[] = [];
  let text = '';
  let pending = '';
  let error: Error | undefined;
  const decoder = new TextDecoder();
  try {
    for await (const chunk of res.body ?? []) {
      const piece = decoder.decode(chunk as Uint8Array, { stream: true });
      text += piece;
      pending += piece;
      let sep: number;
      while ((sep = pending.indexOf('\n\n')) !== -1) {
        const frame = pending.slice(0, sep);
        pending = pending.slice(sep + 2);
        let event: string | undefined;
        let data = '';
        for (const line of frame.split('\n')) {
          if (line.startsWith('event: ')) event = line.slice(7);
          else if (line.startsWith('data: ')) data += line.slice(6);
        }
        if (data) events.push({ event, data: JSON.parse(data) as Record<string, unknown>, at: Date.now() });
      }
    }
  } catch (err) {
    error = err instanceof Error ? err : new Error(String(err));
  }
  return { status: res.status, headers: res.headers, events, text, error };
}
