import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import type { ObjectStore } from '../../storage/object-store';

/**
 * Where a downloaded zip is kept so the next run does not download it again. `fill`
 * is atomic: the entry appears only when the whole download went through (a local
 * temp file renamed into place; an S3 upload completes only when its stream ends
 * cleanly), and a failed download leaves nothing behind.
 */
export interface ZipCache {
  readonly where: string;
  open(): Promise<AsyncIterable<Uint8Array> | undefined>;
  fill(download: AsyncIterable<Uint8Array>): Promise<number>;
  evict(): Promise<void>;
}

export class LocalZipCache implements ZipCache {
  readonly where: string;

  constructor(
    private readonly dir: string,
    fileName: string,
  ) {
    this.where = join(dir, fileName);
  }

  async open(): Promise<AsyncIterable<Uint8Array> | undefined> {
    const found = await stat(this.where).catch(() => undefined);
    return found?.isFile() ? createReadStream(this.where, { highWaterMark: 1 << 20 }) : undefined;
  }

  async fill(download: AsyncIterable<Uint8Array>): Promise<number> {
    await mkdir(this.dir, { recursive: true });
    const temp = `${this.where}.${randomUUID()}.part`;
    const file = await open(temp, 'w');
    let bytes = 0;
    try {
      for await (const chunk of download) {
        for (let done = 0; done < chunk.length; ) done += (await file.write(chunk, done)).bytesWritten;
        bytes += chunk.length;
      }
      await file.close();
      await rename(temp, this.where);
      return bytes;
    } catch (err) {
      await file.close().catch(() => undefined);
      await rm(temp, { force: true });
      throw err;
    }
  }

  async evict(): Promise<void> {
    await rm(this.where, { force: true });
  }
}

export class S3ZipCache implements ZipCache {
  readonly where: string;

  constructor(
    private readonly store: ObjectStore,
    private readonly key: string,
  ) {
    this.where = `s3://${store.bucket}/${key}`;
  }

  async open(): Promise<AsyncIterable<Uint8Array> | undefined> {
    return (await this.store.getStream(this.key))?.stream;
  }

  async fill(download: AsyncIterable<Uint8Array>): Promise<number> {
    let bytes = 0;
    const counted = async function* () {
      for await (const chunk of download) {
        bytes += chunk.length;
        yield chunk;
      }
    };
    // An error in the stream aborts the (multipart) upload: no object appears.
    await this.store.upload(this.key, Readable.from(counted()), 'application/zip');
    const head = await this.store.head(this.key);
    if (head?.size !== bytes) {
      await this.evict();
      throw new Error(`${this.where}: stored ${head?.size ?? 'no'} bytes of ${bytes} downloaded; dropped the copy`);
    }
    return bytes;
  }

  async evict(): Promise<void> {
    await this.store.deleteMany([this.key]);
  }
}
