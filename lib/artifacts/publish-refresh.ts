import type { ObjectStore } from '../storage/object-store';
import { blocksFileOf } from './blocks';
import { FILES, fileKey, versionPrefix, type FileEntry, type Manifest } from './format';
import { fileEntry, finishVersion, type PublishOptions } from './publish';
import type { SeenCsr } from './seen';
import { newVersionId } from './version-id';
import { assertVersionId } from './versions';
import { ids, matrix, vector, withBlocks, type ArtifactFile } from './write';

/** The per-user side of a model: what a refresh rewrites. */
export interface UserSide {
  nUsers: number;
  dim: number;
  P?: Float32Array;
  userBias?: Float32Array;
  /** Seen items, with their ratings when the base model stored them (format 3; a format-2 base has none). */
  seen: Omit<SeenCsr, 'ratings'> & { ratings?: Float32Array };
  userIds: Int32Array | string[];
}

/** What a refreshed version records about itself (the manifest's `refresh` and `events`). */
export interface RefreshFacts {
  events: number;
  users: number;
  newUsers: number;
  /** Where the read of events/ stopped (the next refresh starts after it). */
  through: string;
  /** Pairs the refresh added to the seen items. */
  addedRatings: number;
}

const PER_USER_FILES: readonly string[] = [FILES.users, FILES.userBias, FILES.seenIndex, FILES.seenItems, FILES.seenRatings, FILES.userIds, FILES.userIdsText];
const isPerUser = (name: string): boolean => PER_USER_FILES.some((f) => name === f || name === blocksFileOf(f));

function userFiles(side: UserSide): ArtifactFile[] {
  const files: ArtifactFile[] = [];
  if (side.P) files.push(...withBlocks(matrix(FILES.users, side.P, side.nUsers, side.dim)));
  if (side.userBias) files.push(...withBlocks(vector(FILES.userBias, side.userBias, 'f32')));
  files.push(...withBlocks(vector(FILES.seenIndex, side.seen.offsets, 'u32')), ...withBlocks(vector(FILES.seenItems, side.seen.items, 'i32')));
  if (side.seen.ratings) files.push(...withBlocks(vector(FILES.seenRatings, side.seen.ratings, 'f32')));
  // The model's ids and the new ones (keyed by a Map in refresh): distinct already.
  files.push(ids(FILES.userIds, FILES.userIdsText, side.userIds));
  return files;
}

/**
 * Publishes a refresh of `base`: the item side (item factors and biases, ids, popular,
 * catalogue, report) is copied server-side, byte for byte, with the same manifest entries;
 * the per-user files are the new ones. Then the same finish as every publish: manifest,
 * read-back of every file, LATEST last.
 */
export async function publishRefresh(store: ObjectStore, base: Manifest, side: UserSide, facts: RefreshFacts, options: PublishOptions = {}): Promise<Manifest> {
  const version = options.version ?? newVersionId();
  assertVersionId(version);
  if ((await store.list(versionPrefix(version))).length > 0) throw new Error(`model version ${version} already has files; refusing to overwrite it`);
  const entries: Record<string, FileEntry> = {};
  for (const [name, entry] of Object.entries(base.files)) {
    if (isPerUser(name)) continue;
    await store.copy(fileKey(base.version, name), fileKey(version, name));
    entries[name] = entry;
    await options.onFileUploaded?.(name);
  }
  for (const file of userFiles(side)) {
    await store.upload(fileKey(version, file.name), file.body, file.contentType);
    entries[file.name] = fileEntry(file);
    await options.onFileUploaded?.(file.name);
  }
  const manifest: Manifest = {
    ...base,
    version,
    createdAt: new Date().toISOString(),
    nUsers: side.nUsers,
    nRatings: base.nRatings + facts.addedRatings,
    files: entries,
    events: { through: facts.through, merged: facts.events },
    refresh: {
      from: base.version,
      itemsFrom: base.refresh?.itemsFrom ?? base.version,
      events: facts.events,
      users: facts.users,
      newUsers: facts.newUsers,
    },
  };
  await finishVersion(store, manifest, options);
  return manifest;
}
