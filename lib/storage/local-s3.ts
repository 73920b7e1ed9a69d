import { mkdir } from 'node:fs/promises';
import S3rver from 's3rver';

/** An embedded S3-compatible server (s3rver) on loopback, for the local stack and tests. */
export interface LocalS3 {
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

export async function startLocalS3(options: { directory: string; port?: number; address?: string }): Promise<LocalS3> {
  await mkdir(options.directory, { recursive: true });
  const address = options.address ?? '127.0.0.1';
  const server = new S3rver({
    port: options.port ?? 0,
    address,
    directory: options.directory,
    silent: true,
    allowMismatchedSignatures: true,
  });
  const info = (await server.run()) as { port: number };
  return {
    endpoint: `http://${address}:${info.port}`,
    port: info.port,
    close: () => server.close(),
  };
}
