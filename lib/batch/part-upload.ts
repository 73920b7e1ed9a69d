import { PassThrough } from 'node:stream';
import type { ObjectStore } from '../storage/object-store';

/** One finished part: its key, how many users' lines it holds, and its bytes. */
export interface PartInfo {
  key: string;
  users: number;
  bytes: number;
}

/**
 * One part object streamed to S3 while its lines are made (a multipart upload of 8 MiB
 * parts, or one PUT for a small part): memory holds what is in flight, never the part.
 * write() waits while the upload is behind, so making lines never outruns the network.
 */
export class PartUpload {
  private readonly body = new PassThrough();
  private readonly done: Promise<void>;
  private users = 0;
  private bytes = 0;

  constructor(
    store: ObjectStore,
    readonly key: string,
  ) {
    this.done = store.upload(key, this.body, 'application/x-ndjson');
    // A failed upload rejects `done`, which write() and finish() report; nothing is left unhandled meanwhile.
    this.done.catch(() => {});
  }

  /** Appends `text`, the lines of `users` users. */
  async write(text: string, users: number): Promise<void> {
    const chunk = Buffer.from(text, 'utf8');
    this.users += users;
    this.bytes += chunk.length;
    if (!this.body.write(chunk)) {
      await Promise.race([new Promise<void>((resolve) => this.body.once('drain', resolve)), this.done]);
    }
  }

  /** Ends the part and waits until S3 has all of it. */
  async finish(): Promise<PartInfo> {
    this.body.end();
    await this.done;
    return { key: this.key, users: this.users, bytes: this.bytes };
  }

  /** Gives up on the part (its upload is aborted; lib-storage removes the uploaded pieces). */
  async abort(): Promise<void> {
    this.body.destroy(new Error('batch aborted'));
    await this.done.catch(() => {});
  }
}
