/** The address a program on this machine uses to reach a gateway. */

/** `http://host:port` for a gateway listening on `host`, with the wildcard addresses replaced by loopback. */
export function localUrl(host: string, port: number): string {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  const reach = bare === '0.0.0.0' ? '127.0.0.1' : bare === '::' ? '::1' : bare;
  return `http://${reach.includes(':') ? `[${reach}]` : reach}:${port}`;
}
