/**
 * Loopback listening helpers for test servers: every server binds 127.0.0.1 on a random port.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Starts `server` listening on 127.0.0.1 port 0 and resolves to its base URL, e.g. `http://127.0.0.1:41234`. */
export function listenLocal(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', onError);
      const addr = server.address() as AddressInfo;
      resolve(`http://127.0.0.1:${addr.port}`);
    });
  });
}

/** Closes `server`, dropping open (including stalled streaming) connections so it never hangs a test. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Finds a currently free port on 127.0.0.1 (the port may be taken again before use; prefer `listenLocal`). */
export async function freePort(): Promise<number> {
  const server = createServer();
  const url = await listenLocal(server);
  await closeServer(server);
  return Number(new URL(url).port);
}
