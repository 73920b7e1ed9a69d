import { MissingBucketError, ObjectStore } from '../storage/object-store';
import type { BatchManifest } from './batch-manifest';
import { resolveFilter } from './filter';
import { loadLiveModel } from './live-model';
import { BatchRequestError } from './errors';
import { checkOutsideModels, outUrl, type OutLocation } from './out-location';
import type { BatchRequest } from './request';
import { writeBatch, type WriteBatchOptions } from './write-batch';

export type RunBatchOptions = Pick<WriteBatchOptions, 'onProgress' | 'onPart' | 'deadline'> & {
  /** Called once the model is loaded and the filter read, before anything is written. */
  onModel?: (info: { version: string; nUsers: number; nItems: number; loadMs: number }) => void;
};

/**
 * A batch export from a request: the live model of `modelStore`'s bucket, the filter read
 * against it, then the parts and the manifest at request.out (any bucket the same client
 * reaches). Everything the request can get wrong is found before the first write.
 */
export async function runBatch(request: BatchRequest, modelStore: ObjectStore, options: RunBatchOptions = {}): Promise<BatchManifest> {
  const { onModel, ...progress } = options;
  checkOutsideModels(request.out, modelStore.bucket);
  const outStore = request.out.bucket === modelStore.bucket ? modelStore : new ObjectStore(request.out.bucket, modelStore.client);
  await requireOutBucket(outStore, request.out);
  const started = Date.now();
  const model = await loadLiveModel(modelStore);
  const { filter, mask } = resolveFilter(model, request.filter);
  onModel?.({ version: model.version, nUsers: model.manifest.nUsers, nItems: model.manifest.nItems, loadMs: Date.now() - started });
  return writeBatch(model, outStore, request.out, { ...progress, n: request.n, partUsers: request.partUsers, explain: request.explain, filter, mask });
}

/** A bucket that is not there is the caller's error, said plainly, before the model loads. */
async function requireOutBucket(store: ObjectStore, out: OutLocation): Promise<void> {
  try {
    await store.requireBucket();
  } catch (err) {
    if (err instanceof MissingBucketError) throw new BatchRequestError(`--out / out ${outUrl(out)}: ${err.message}`);
    throw err;
  }
}
