import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Route = (req: IncomingMessage, res: ServerResponse) => void;

/** How a test server answers a path. */
export const serve = {
  /** The bytes, with a Content-Length. */
  bytes: (body: Uint8Array): Route => (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/zip', 'content-length': body.length });
    res.end(body);
  },
  status: (code: number): Route => (_req, res) => {
    res.writeHead(code, { 'content-type': 'text/plain' });
    res.end(`status ${code}`);
  },
  /** Declares the full length, sends the first `sent` bytes, then drops the connection. */
  dieAfter: (body: Uint8Array, sent: number): Route => (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/zip', 'content-length': body.length });
    res.write(body.subarray(0, sent), () => setTimeout(() => res.socket?.destroy(), 20));
  },
  /** Sends the headers and the first `sent` bytes, then nothing (the connection stays open). */
  stall: (body: Uint8Array, sent: number): Route => (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/zip', 'content-length': body.length });
    res.write(body.subarray(0, sent));
  },
  /** Chunked encoding (no Content-Length), ending cleanly after the first `sent` bytes. */
  cutShort: (body: Uint8Array, sent: number): Route => (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/zip' });
    res.end(body.subarray(0, sent));
  },
};

/** A loopback HTTP server on a free port with per-path routes and a request count per path. */
export async function startHttpServer(routes: Record<string, Route> = {}) {
  const requests = new Map<string, number>();
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    requests.set(path, (requests.get(path) ?? 0) + 1);
    const route = routes[path];
    if (route) route(req, res);
    else serve.status(404)(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    routes,
    requests: (path: string) => requests.get(path) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
