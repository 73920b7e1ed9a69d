import { S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/**
 * One S3 client per process. With S3_ENDPOINT set (the local s3rver), requests go
 * path-style to that endpoint with the fixed local credentials s3rver accepts;
 * without it, the SDK's default region and credential chain talk to real S3.
 */
export interface S3Settings {
  endpoint?: string;
  region?: string;
  maxAttempts?: number;
  /** Give up a connection attempt after this long (S3_CONNECT_TIMEOUT_MS, default 1000). */
  connectTimeoutMs?: number;
  /**
   * Give up a request whose socket sends nothing for this long (S3_IDLE_TIMEOUT_MS, default
   * 30000; the recommend function sets 2000): a hung S3 ends in an error, while a long
   * transfer that keeps moving goes on.
   */
  idleTimeoutMs?: number;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 1000;
const DEFAULT_IDLE_TIMEOUT_MS = 30_000;

function positiveFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number, got "${raw}"`);
  return value;
}

export function s3SettingsFromEnv(env: NodeJS.ProcessEnv = process.env): S3Settings {
  return {
    ...(env.S3_ENDPOINT ? { endpoint: env.S3_ENDPOINT } : {}),
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    maxAttempts: positiveFromEnv(env, 'S3_MAX_ATTEMPTS', 4),
    connectTimeoutMs: positiveFromEnv(env, 'S3_CONNECT_TIMEOUT_MS', DEFAULT_CONNECT_TIMEOUT_MS),
    idleTimeoutMs: positiveFromEnv(env, 'S3_IDLE_TIMEOUT_MS', DEFAULT_IDLE_TIMEOUT_MS),
  };
}

/** s3rver's documented default key pair; only ever sent to a local endpoint. */
const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export function createS3Client(settings: S3Settings = s3SettingsFromEnv()): S3Client {
  const local = settings.endpoint !== undefined;
  return new S3Client({
    region: settings.region ?? 'us-east-1',
    maxAttempts: settings.maxAttempts ?? 4,
    retryMode: 'standard',
    requestHandler: new NodeHttpHandler({
      connectionTimeout: settings.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      socketTimeout: settings.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
    }),
    ...(local ? { endpoint: settings.endpoint, forcePathStyle: true, credentials: LOCAL_CREDENTIALS } : {}),
  });
}

/** Parses `s3://bucket/key` into its parts. */
export function parseS3Url(url: string): { bucket: string; key: string } {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(url);
  if (!m) throw new Error(`not an s3:// URL with a bucket and a key: ${url}`);
  return { bucket: m[1]!, key: m[2]! };
}
