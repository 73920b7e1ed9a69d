import { connect, createServer, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a local S3 for fault tests and benchmarks: it counts the bytes
 * S3 sends back, and `hang()` turns it into a hung network (connections are accepted,
 * nothing is ever answered, open ones go silent).
 */
export interface S3Proxy {
  endpoint: string;
  /** Bytes sent by S3 through the proxy so far. */
  readonly bytesFromS3: number;
  hang(): void;
  close(): Promise<void>;
}

export async function startS3Proxy(s3Endpoint: string): Promise<S3Proxy> {
  const { hostname, port } = new URL(s3Endpoint);
  let hung = false;
  let bytesFromS3 = 0;
  const sockets = new Set<Socket>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
  };
  const server = createServer((client) => {
    track(client);
    if (hung) return; // accept, then say nothing
    const upstream = connect(Number(port), hostname);
    track(upstream);
    upstream.on('data', (chunk: Buffer) => {
      bytesFromS3 += chunk.length;
    });
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxyPort = (server.address() as { port: number }).port;
  return {
    endpoint: `http://127.0.0.1:${proxyPort}`,
    get bytesFromS3() {
      return bytesFromS3;
    },
    hang() {
      hung = true;
      // Open connections stop relaying without closing: the client sees silence, not an error.
      for (const s of sockets) {
        s.unpipe();
        s.pause();
      }
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
