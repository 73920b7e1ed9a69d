import { createServer } from 'node:net';

/**
 * Defaults of the local stack (`npm start`), shared by the scripts that talk to it.
 * serverless.yml's `local` stage uses the same bucket name and S3 port.
 */
export const LOCAL_BUCKET = 'movie-reco-local';
export const LOCAL_S3_PORT = 4569;
export const LOCAL_API_PORT = 3000;
export const LOCAL_DATA_DIR = '.local/s3';

/**
 * The model bucket and S3 endpoint from the environment: MODEL_BUCKET (default the
 * local bucket) and S3_ENDPOINT (unset: the local s3rver; set but empty: real AWS S3
 * through the SDK's default credential chain).
 */
export function storeSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): { bucket: string; endpoint?: string } {
  const bucket = env.MODEL_BUCKET || LOCAL_BUCKET;
  const endpoint = env.S3_ENDPOINT === undefined ? `http://127.0.0.1:${env.LOCAL_S3_PORT || LOCAL_S3_PORT}` : env.S3_ENDPOINT;
  return endpoint ? { bucket, endpoint } : { bucket };
}

/** A free loopback port, for a server that must not collide with another one's. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Whether `port` can be listened on at 127.0.0.1 now (false when another process holds it). */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
