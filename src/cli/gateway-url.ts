/** The address a program on this machine uses to reach a gateway. */

/** `http://host:port` for a gateway listening on `host`, with the wildcard addresses replaced by loopback. */
export function localUrl(host: string, port: number): string {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  const reach = bare === '0.0.0.0' ? '127.0.0.1' : bare === '::' ? '::1' : bare;
  return `http://${reach.includes(':') ? `[${reach}]` : reach}:${port}`;
}

/** The gateway a client command talks to: `--url`, else `MMEXEC_URL`, else `http://127.0.0.1:$PORT` (PORT 9099), without a trailing slash. */
export function clientGatewayUrl(given: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return (given || env.MMEXEC_URL || `http://127.0.0.1:${env.PORT || 9099}`).replace(/\/+$/, '');
}

/** The bearer token for the gateway's own endpoints: `--token`, else `MMEXEC_METRICS_TOKEN` (none when both are empty). */
export function clientGatewayToken(given: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return given || env.MMEXEC_METRICS_TOKEN || undefined;
}

/** Why a `--url` value is unusable, or undefined when it is an http(s) URL. */
export function checkHttpUrl(v: string): string | undefined {
  try {
    return /^https?:$/.test(new URL(v).protocol) ? undefined : 'expected an http:// or https:// URL';
  } catch {
    return 'expected a URL such as http://127.0.0.1:9099';
  }
}
