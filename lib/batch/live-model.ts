import { loadModelArtifacts } from '../artifacts/load';
import { readLatest } from '../artifacts/versions';
import { NoModelError } from '../serving/errors';
import { ServingModel } from '../serving/serving-model';
import type { ObjectStore } from '../storage/object-store';

/**
 * The live model (the version models/LATEST names), loaded as the recommend function
 * loads it (loadModelArtifacts, ServingModel), except that the per-user files are read
 * whole however large: a batch visits every user, so ranged reads would be one GET per
 * user. A live version that does not verify fails the batch rather than falling back to
 * an older one, as the recommend function would: an export names one model.
 */
export async function loadLiveModel(store: ObjectStore): Promise<ServingModel> {
  const version = await readLatest(store);
  if (!version) throw new NoModelError(`no model is live in s3://${store.bucket}/models/: train and publish one first`);
  const artifacts = await loadModelArtifacts(store, version, { wholeUpToBytes: Infinity });
  return new ServingModel(artifacts, store);
}
