import { S3Client } from '@aws-sdk/client-s3';

/**
 * One S3 client per process. With S3_ENDPOINT set (the local s3rver), requests go
 * path-style to that endpoint with the fixed local credentials s3rver accepts;
 * without it, the SDK's default region and credential chain talk to real S3.
 */
export interface S3Settings {
  endpoint?: string;
  region?: string;
  maxAttempts?: number;
}

export function s3SettingsFromEnv(env: NodeJS.ProcessEnv = process.env): S3Settings {
  return {
    ...(env.S3_ENDPOINT ? { endpoint: env.S3_ENDPOINT } : {}),
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    maxAttempts: Number(env.S3_MAX_ATTEMPTS ?? 4),
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
    ...(local ? { endpoint: settings.endpoint, forcePathStyle: true, credentials: LOCAL_CREDENTIALS } : {}),
  });
}

/** Parses `s3://bucket/key` into its parts. */
export function parseS3Url(url: string): { bucket: string; key: string } {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(url);
  if (!m) throw new Error(`not an s3:// URL with a bucket and a key: ${url}`);
  return { bucket: m[1]!, key: m[2]! };
}
