import { nItems, nUsers } from '../data/dataset';
import type { ObjectStore } from '../storage/object-store';
import { sha256 } from './checksum';
import { FILES, FORMAT_VERSION, LATEST_KEY, Manifest, fileKey, versionPrefix, type FileEntry } from './format';
import { newVersionId } from './version-id';
import { assertVersionId, prune, verifyVersion } from './versions';
import { buildArtifactFiles, type ArtifactFile, type PublishInput } from './write';

export type { PublishInput } from './write';

export interface PublishOptions {
  /** Complete versions to keep after publishing (the live one included). Default 5. */
  keep?: number;
  /** Version id to publish as; default a new time-sortable id. Must not exist yet. */
  version?: string;
  /** Called after each file is uploaded (tests use it to kill a publish half-way). */
  onFileUploaded?: (file: string) => void | Promise<void>;
  log?: (message: string, data?: Record<string, unknown>) => void;
}

/**
 * Publishes a trained model atomically: uploads every file of a new version folder,
 * then its manifest (bytes, sha256, dtype, shape of each file), reads every file back
 * to verify it, and only then points models/LATEST at it. Any failure throws before
 * LATEST is written, so readers keep the previous model. Finally prunes old versions.
 */
/** Checks, before a run that ends in publishModel, that the model bucket is there (MissingBucketError, saying what to do). */
export const requireModelBucket = (store: ObjectStore): Promise<void> =>
  store.requireBucket('create it (npm start does for the local stack) or set MODEL_BUCKET');

export async function publishModel(store: ObjectStore, input: PublishInput, options: PublishOptions = {}): Promise<Manifest> {
  const log = options.log ?? (() => {});
  const version = options.version ?? newVersionId();
  assertVersionId(version);
  const files = buildArtifactFiles(input, version);
  if ((await store.list(versionPrefix(version))).length > 0) {
    throw new Error(`model version ${version} already has files; refusing to overwrite it`);
  }

  const started = Date.now();
  const entries: Record<string, FileEntry> = {};
  for (const file of files) {
    entries[file.name] = fileEntry(file);
    await store.upload(fileKey(version, file.name), file.body, file.contentType);
    log('uploaded', { version, file: file.name, bytes: file.body.length });
    await options.onFileUploaded?.(file.name);
  }

  const { factors: f, dataset: d } = input;
  const manifest: Manifest = Manifest.parse({
    formatVersion: FORMAT_VERSION,
    version,
    createdAt: new Date().toISOString(),
    model: {
      kind: f.kind,
      scoring: f.scoring,
      params: input.params,
      ...(f.foldIn ? { foldIn: f.foldIn } : {}),
    },
    dim: f.dim,
    nUsers: f.nUsers,
    nItems: f.nItems,
    nRatings: d.size,
    mu: f.mu,
    scale: { min: f.scale.min, max: f.scale.max },
    dataset: { ...input.source, nRatings: d.size, nUsers: nUsers(d), nItems: nItems(d) },
    metrics: finiteOnly(input.metrics),
    timings: finiteOnly(input.timings),
    training: {
      epochs: input.epochs,
      ...(input.stoppedBy ? { stoppedBy: input.stoppedBy } : {}),
      curve: input.curve.map((p) => ({
        epoch: p.epoch,
        step: p.step,
        batchError: finiteOrNull(p.batchError),
        testError: finiteOrNull(p.testError),
        elapsedMs: p.elapsedMs,
        best: p.best,
      })),
    },
    files: entries,
    ...(input.events ? { events: input.events } : {}),
  });
  await finishVersion(store, manifest, options);
  log('published', { version, files: files.length + 1, ms: Date.now() - started });
  return manifest;
}

/**
 * The last steps of every publish, once a version's data files are all uploaded: its
 * manifest, a read-back of every file against it, then LATEST, then pruning old versions.
 */
export async function finishVersion(store: ObjectStore, manifest: Manifest, options: PublishOptions = {}): Promise<void> {
  const log = options.log ?? (() => {});
  const { version } = manifest;
  await store.put(fileKey(version, FILES.manifest), JSON.stringify(manifest, null, 1), 'application/json');
  await options.onFileUploaded?.(FILES.manifest);

  await verifyVersion(store, version);
  await store.put(LATEST_KEY, version, 'text/plain');

  try {
    const removed = await prune(store, { keep: options.keep ?? 5 });
    if (removed.length) log('pruned', { versions: removed });
  } catch (err) {
    // The new model is live; a failed clean-up only leaves old folders behind.
    log('prune failed', { error: (err as Error).message });
  }
}

/** A file's manifest entry: its length, sha256, dtype, shape (and block checksums). */
export function fileEntry(file: ArtifactFile): FileEntry {
  return {
    bytes: file.body.length,
    sha256: sha256(file.body),
    dtype: file.dtype,
    shape: file.shape,
    ...(file.blocks ? { blocks: file.blocks } : {}),
  };
}

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** JSON has no NaN or Infinity: drop such values rather than write invalid JSON. */
function finiteOnly(values: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => typeof v === 'number' && Number.isFinite(v)));
}
