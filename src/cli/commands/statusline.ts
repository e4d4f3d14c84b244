/**
 * `mmexec statusline`: the command Claude Code runs as its `statusLine` setting. It reads Claude Code's
 * status JSON on stdin, asks the gateway for that session (`GET /sessions/<session_id>`) within a short
 * timeout and prints one line. It always exits 0 with a short text, so the status line never shows a trace.
 */
import type { Command, CommandArgs } from '../command.js';
import { checkHttpUrl, clientGatewayToken, clientGatewayUrl } from '../gateway-url.js';
import { hasAnswers, isSessionRecord, parseStatusInput, problemLine, sessionLine, type StatusProblem } from '../statusline-text.js';

/** Claude Code's status JSON is a few kilobytes; anything past this is not read. */
const MAX_INPUT = 1 << 20;
/** How long stdin may stay open without ending (a status command run by hand in a terminal). */
const INPUT_WAIT_MS = 1000;

/** Reads stdin until it ends, MAX_INPUT bytes or INPUT_WAIT_MS pass; a terminal gives nothing. */
export function readStatusInput(stream: NodeJS.ReadStream = process.stdin): Promise<string> {
  if (stream.isTTY) return Promise.resolve('');
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (): void => {
      clearTimeout(timer);
      stream.off('data', onData);
      stream.pause();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onData = (c: Buffer): void => {
      chunks.push(c);
      size += c.length;
      if (size >= MAX_INPUT) done();
    };
    const timer = setTimeout(done, INPUT_WAIT_MS);
    stream.on('data', onData);
    stream.once('end', done);
    stream.once('error', done);
  });
}

/** Asks the gateway for one session and returns the line to print. */
export async function statusLineFor(input: string, url: string, token: string | undefined, timeoutMs: number): Promise<string> {
  const status = parseStatusInput(input);
  if (!status.sessionId) return problemLine({ kind: 'no-session' });
  let res: Response;
  try {
    res = await fetch(`${url}/sessions/${encodeURIComponent(status.sessionId)}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const timedOut = (err as Error).name === 'TimeoutError';
    return problemLine({ kind: timedOut ? 'slow' : 'not-running' });
  }
  const problem = answerProblem(res.status, status.modelName);
  if (problem) {
    void res.body?.cancel();
    return problemLine(problem);
  }
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    return problemLine({ kind: 'bad-answer' });
  }
  if (!isSessionRecord(body)) return problemLine({ kind: 'bad-answer' });
  return hasAnswers(body) ? sessionLine(body) : problemLine({ kind: 'unknown-session', modelName: status.modelName });
}

function answerProblem(status: number, modelName: string | undefined): StatusProblem | undefined {
  if (status === 404) return { kind: 'unknown-session', modelName };
  if (status === 401) return { kind: 'needs-token' };
  return status === 200 ? undefined : { kind: 'status', status };
}

async function run(args: CommandArgs): Promise<number> {
  const timeoutMs = Number(args.string('timeout') ?? 300);
  let line: string;
  try {
    line = await statusLineFor(await readStatusInput(), clientGatewayUrl(args.string('url')), clientGatewayToken(args.string('token')), timeoutMs);
  } catch {
    line = problemLine({ kind: 'bad-answer' });
  }
  process.stdout.write(`${line}\n`);
  return 0;
}

/** `mmexec statusline`. */
export const statuslineCommand: Command = {
  name: 'statusline',
  summary: "print one status line for Claude Code's statusLine setting (model, cost, savings, cache reads)",
  description:
    "Reads Claude Code's status JSON on stdin, asks the gateway for GET /sessions/<session_id> and prints one\n" +
    'line such as "MiniMax-M2.7 · $0.21 (saved $0.41) · cache 93%". When the gateway is down, slow or has no\n' +
    'request of the session yet, it prints a short text saying so. Set it in Claude Code\'s settings.json:\n' +
    '{"statusLine": {"type": "command", "command": "mmexec statusline"}}',
  exitCodes: '0 a line was printed (whatever the gateway answered), 2 wrong usage.',
  options: {
    url: { type: 'string', value: 'URL', description: 'the gateway (default: MMEXEC_URL, else http://127.0.0.1:$PORT, PORT defaulting to 9099)', check: checkHttpUrl },
    token: { type: 'string', value: 'TOKEN', description: 'bearer token of server.metrics_token (default: MMEXEC_METRICS_TOKEN)' },
    timeout: { type: 'string', value: 'MS', description: 'how long to wait for the gateway, in milliseconds (default 300)', check: (v) => (/^[1-9]\d{0,5}$/.test(v) ? undefined : 'expected milliseconds from 1 to 999999') },
  },
  // Claude Code runs it in the project directory, whose .env belongs to the project, not to mmexec.
  readsEnv: false,
  run,
};
