/**
 * One step of a distributed run in a process of its own, as a Lambda would run it, for
 * `bench distributed`: the step event comes in BENCH_STEP_EVENT, the store is
 * MODEL_BUCKET at S3_ENDPOINT; prints one JSON line: seconds, bytes read and written.
 */
import { parseStepEvent, runStep } from '../../../lib/distributed/steps';
import { ObjectStore } from '../../../lib/storage/object-store';
import { createS3Client } from '../../../lib/storage/s3-client';

class CountingStore extends ObjectStore {
  bytesRead = 0;
  bytesWritten = 0;
  override async get(key: string): Promise<Buffer | undefined> {
    const body = await super.get(key);
    this.bytesRead += body?.length ?? 0;
    return body;
  }
  override async put(key: string, body: Buffer | Uint8Array | string, contentType?: string): Promise<void> {
    this.bytesWritten += typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
    return super.put(key, body, contentType);
  }
}

const store = new CountingStore(process.env.MODEL_BUCKET!, createS3Client({ endpoint: process.env.S3_ENDPOINT! }));
const started = performance.now();
const result = await runStep(store, parseStepEvent(JSON.parse(process.env.BENCH_STEP_EVENT!)), { threads: Number(process.env.TRAIN_THREADS) || 1 });
console.log(JSON.stringify({ result, seconds: (performance.now() - started) / 1000, bytesRead: store.bytesRead, bytesWritten: store.bytesWritten }));
