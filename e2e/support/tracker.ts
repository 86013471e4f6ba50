import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A server standing for the attacker's (or a sender's tracking pixel): it counts what reaches it. */
export interface Tracker {
  origin: string;
  /** Paths (with query) of every request that reached the server. */
  reached: string[];
  close: () => Promise<void>;
}

/** Starts a tracker on 127.0.0.1 (any free port unless one is given); it answers a 1x1 GIF. */
export async function startTracker(port = 0): Promise<Tracker> {
  const reached: string[] = [];
  const server = http.createServer((req, res) => {
    reached.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'image/gif' }).end(Buffer.from('R0lGODlhAQABAAAAACw=', 'base64'));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    reached,
    close: () => {
      // Chromium may hold a connection open that never carries a request (a preconnect, or a
      // load cancelled when the frame was replaced): close() alone waits for it until timeout.
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
