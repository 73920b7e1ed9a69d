import type { Readable } from 'node:stream';
import {
  CreateBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  CopyObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3ServiceException,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createS3Client } from './s3-client';

export interface ObjectInfo {
  size: number;
  etag: string;
}

/** The outcome of a conditional read: unchanged since `etag`, missing, or new bytes. */
export type ConditionalRead =
  | { status: 'unchanged' }
  | { status: 'missing' }
  | { status: 'ok'; body: Buffer; etag: string };

/** The few object operations the product needs, over one bucket. */
export class ObjectStore {
  constructor(
    readonly bucket: string,
    readonly client: S3Client = createS3Client(),
  ) {}

  async get(key: string): Promise<Buffer | undefined> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return Buffer.from(await out.Body!.transformToByteArray());
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** Bytes [start, end) of an object: one ranged GET. */
  async getRange(key: string, start: number, end: number): Promise<Buffer> {
    if (end <= start) return Buffer.alloc(0);
    const out = await this.client.send(
      new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: `bytes=${start}-${end - 1}` }),
    );
    const body = Buffer.from(await out.Body!.transformToByteArray());
    if (body.length !== end - start) {
      throw new Error(`s3://${this.bucket}/${key}: asked bytes ${start}-${end - 1}, got ${body.length} bytes`);
    }
    return body;
  }

  /** The object as a stream, or undefined if it does not exist. */
  async getStream(key: string): Promise<{ stream: Readable; size: number } | undefined> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return { stream: out.Body as Readable, size: out.ContentLength ?? -1 };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** A GET with If-None-Match: cheap when nothing changed. */
  async getIfChanged(key: string, etag?: string): Promise<ConditionalRead> {
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key, ...(etag ? { IfNoneMatch: etag } : {}) }),
      );
      return { status: 'ok', body: Buffer.from(await out.Body!.transformToByteArray()), etag: out.ETag ?? '' };
    } catch (err) {
      if (isNotFound(err)) return { status: 'missing' };
      if (httpStatus(err) === 304) return { status: 'unchanged' };
      throw err;
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { size: out.ContentLength ?? 0, etag: out.ETag ?? '' };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async put(key: string, body: Buffer | Uint8Array | string, contentType = 'application/octet-stream'): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }));
  }

  /** Multipart upload for large bodies (parts of 8 MiB, 4 in flight). */
  async upload(key: string, body: Buffer | Uint8Array | Readable, contentType = 'application/octet-stream'): Promise<void> {
    // Loaded on first use: the recommend function never uploads and should not pay for it at cold start.
    const { Upload } = await import('@aws-sdk/lib-storage');
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: body, ContentType: contentType },
      partSize: 8 * 1024 * 1024,
      queueSize: 4,
      leavePartsOnError: false,
    });
    await upload.done();
  }

  /** Keys under `prefix`, ascending; with `startAfter`, only the keys after it. */
  async list(prefix: string, startAfter?: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const out = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token, ...(startAfter ? { StartAfter: startAfter } : {}) }),
      );
      for (const o of out.Contents ?? []) if (o.Key) keys.push(o.Key);
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token);
    return keys;
  }

  /** A server-side copy within the bucket (no bytes through this process). */
  async copy(fromKey: string, toKey: string): Promise<void> {
    const source = `${this.bucket}/${fromKey.split('/').map(encodeURIComponent).join('/')}`;
    await this.client.send(new CopyObjectCommand({ Bucket: this.bucket, Key: toKey, CopySource: source }));
  }

  async deleteMany(keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) {
      const chunk = keys.slice(i, i + 1000);
      await this.client.send(
        new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: chunk.map((Key) => ({ Key })), Quiet: true } }),
      );
    }
  }

  /**
   * Fails with a one-line MissingBucketError (`whatToDo` appended) when the bucket is not
   * there, so that work which ends in writing to it stops before it starts rather than
   * at its last step.
   */
  async requireBucket(whatToDo?: string): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (err) {
      if (isNotFound(err)) throw new MissingBucketError(`bucket ${this.bucket} does not exist${whatToDo ? `: ${whatToDo}` : ''}`);
      throw err;
    }
  }

  /** Creates the bucket if it is not there (local stack and tests). */
  async ensureBucket(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (err) {
      if (!isNotFound(err)) throw err;
      await this.client.send(new CreateBucketCommand({ Bucket: this.bucket }));
    }
  }
}

export class MissingBucketError extends Error {
  override name = 'MissingBucketError';
}

function httpStatus(err: unknown): number | undefined {
  return err instanceof S3ServiceException ? err.$metadata.httpStatusCode : undefined;
}

export function isNotFound(err: unknown): boolean {
  const status = httpStatus(err);
  const name = err instanceof Error ? err.name : '';
  return status === 404 || name === 'NoSuchKey' || name === 'NotFound' || name === 'NoSuchBucket';
}
