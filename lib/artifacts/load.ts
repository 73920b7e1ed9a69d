import { createHash } from 'node:crypto';
import type { ObjectStore } from '../storage/object-store';
import { FILES, fileKey, type FileEntry, type Manifest } from './format';
import { BlockHashes } from './blocks';
import { ArtifactError } from './errors';
import { readManifest } from './versions';

/**
 * Reads a published model version for serving. Files are streamed straight into
 * preallocated typed arrays (one copy, no chunk list), hashed as the chunks arrive, and
 * checked against the manifest's length and sha256.
 *
 * The per-user files (users.f32, user_bias.f32, seen.idx, seen.items) are read whole
 * only while every one of them is at most `wholeUpToBytes`. A larger model leaves all
 * four in S3, and a user's factor row, bias, seen offsets and seen items are fetched
 * with ranged GETs on that user's first request (see UserRows). Then what a cold start
 * reads whole is only what every request needs (user ids, item factors and biases,
 * item ids, popular, catalog): about 4 MB for a million users instead of 12.
 *
 * Integrity of ranged reads: a byte range cannot be checked against its whole file's
 * sha256, so each per-user file comes with the sha256 of every 64 KiB block (blocks.ts).
 * A ranged model reads those checksums whole (each checked against its own sha256) and
 * every ranged read is widened to whole blocks and checked before use (UserRows). The
 * reader also checks the manifest's byte length of every file against its shape, the
 * length of every range it gets back (ObjectStore.getRange), and that a user's seen
 * offsets lie inside seen.items. Models published before block checksums have none:
 * their ranged rows get those checks and UserRows' value checks only.
 */

export interface CatalogItem {
  title: string;
  genres: string[];
  year?: number;
}

export interface LoadOptions {
  /** If any per-user file is larger than this, all of them are left in S3 and read by range. Default 64 MiB. */
  wholeUpToBytes?: number;
}

export const DEFAULT_WHOLE_UP_TO_BYTES = 64 * 1024 * 1024;

/** A per-user file: in memory, or left in S3 to be read one user at a time. */
export type PerUserFile<T> = { kind: 'whole'; data: T } | { kind: 'ranged'; key: string; blocks: BlockHashes | undefined };

export interface ModelArtifacts {
  manifest: Manifest;
  Q: Float32Array;
  itemBias?: Float32Array;
  /** NSVD's implicit item factors. */
  Y?: Float32Array;
  /** External ids in index order: integers, or strings for a data set with string ids. */
  userIds: Int32Array | string[];
  itemIds: Int32Array | string[];
  popular: Int32Array;
  catalog: (CatalogItem | null)[];
  /** True when the per-user files below are left in S3 (they are all whole or all ranged). */
  rangedUsers: boolean;
  /**
   * Ranged only: seen.idx and user_bias.f32 are each within `wholeUpToBytes`, so UserRows
   * reads them whole (sha256-checked) in the background once the first user is answered,
   * and from then on a new user costs two ranged GETs (row, seen items) instead of four.
   */
  wholeLater: boolean;
  /** User factors (absent for models without them, e.g. baseline). */
  P?: PerUserFile<Float32Array>;
  userBias?: PerUserFile<Float32Array>;
  /** CSR offsets into seen.items, nUsers + 1. */
  seenOffsets: PerUserFile<Uint32Array>;
  seenItems: PerUserFile<Int32Array>;
  /** Entries in seen.items (the last seen offset). */
  nSeen: number;
  /**
   * seen_ratings.f32 (format 3), checked against nSeen but not read: only reasons need it,
   * so UserRows reads it on the first explained request. Absent from older models.
   */
  seenRatings?: { key: string };
}

type TypedArrayCtor<T> = { new (buffer: ArrayBuffer): T; readonly BYTES_PER_ELEMENT: number };

function entry(manifest: Manifest, file: string): FileEntry {
  const e = manifest.files[file];
  if (!e) throw new ArtifactError(`model ${manifest.version}: manifest lists no ${file}`);
  return e;
}

/** Streams one object into a fresh buffer of exactly the manifest's length, checking its sha256. */
export async function readVerified(store: ObjectStore, manifest: Manifest, file: string): Promise<ArrayBuffer> {
  const { bytes, sha256 } = entry(manifest, file);
  const key = fileKey(manifest.version, file);
  const got = await store.getStream(key);
  if (!got) throw new ArtifactError(`model ${manifest.version}: ${file} is missing`);
  const buffer = new ArrayBuffer(bytes);
  const view = new Uint8Array(buffer);
  const hash = createHash('sha256');
  let at = 0;
  for await (const chunk of got.stream as AsyncIterable<Uint8Array>) {
    if (at + chunk.length > bytes) {
      got.stream.destroy();
      throw new ArtifactError(`model ${manifest.version}: ${file} is longer than its ${bytes} bytes`);
    }
    view.set(chunk, at);
    hash.update(chunk);
    at += chunk.length;
  }
  if (at !== bytes) throw new ArtifactError(`model ${manifest.version}: ${file} has ${at} of its ${bytes} bytes`);
  if (hash.digest('hex') !== sha256) throw new ArtifactError(`model ${manifest.version}: ${file} fails its sha256`);
  return buffer;
}

/** The manifest's byte length of a file, checked against the length its shape needs. */
function checkedBytes(manifest: Manifest, file: string, Ctor: { readonly BYTES_PER_ELEMENT: number }, length: number): number {
  const { bytes } = entry(manifest, file);
  if (bytes !== length * Ctor.BYTES_PER_ELEMENT) {
    throw new ArtifactError(`model ${manifest.version}: ${file} has ${bytes} bytes, its shape needs ${length * Ctor.BYTES_PER_ELEMENT}`);
  }
  return bytes;
}

export async function readTyped<T>(store: ObjectStore, manifest: Manifest, file: string, Ctor: TypedArrayCtor<T>, length: number): Promise<T> {
  checkedBytes(manifest, file, Ctor, length);
  return new Ctor(await readVerified(store, manifest, file));
}

async function readOptional<T>(store: ObjectStore, manifest: Manifest, file: string, Ctor: TypedArrayCtor<T>, length: number): Promise<T | undefined> {
  return manifest.files[file] ? readTyped(store, manifest, file, Ctor, length) : undefined;
}

async function readPerUser<T>(
  store: ObjectStore,
  manifest: Manifest,
  file: string,
  Ctor: TypedArrayCtor<T>,
  length: number,
  ranged: boolean,
): Promise<PerUserFile<T>> {
  if (!ranged) return { kind: 'whole', data: await readTyped(store, manifest, file, Ctor, length) };
  const bytes = checkedBytes(manifest, file, Ctor, length);
  return { kind: 'ranged', key: fileKey(manifest.version, file), blocks: await readBlockHashes(store, manifest, file, bytes) };
}

/** The block checksums of a per-user file, read whole and sha256-checked; undefined for a model published without them. */
export async function readBlockHashes(store: ObjectStore, manifest: Manifest, file: string, bytes: number): Promise<BlockHashes | undefined> {
  const blocks = entry(manifest, file).blocks;
  if (!blocks) return undefined;
  const digests = new Uint8Array(await readVerified(store, manifest, blocks.file));
  try {
    return new BlockHashes(file, digests, blocks.size, bytes);
  } catch (err) {
    throw new ArtifactError(`model ${manifest.version}: ${(err as Error).message}`);
  }
}

/** A version's ids: user_ids.i32 (or item_ids.i32) when it has one, else the text file of string ids. */
async function readIds(store: ObjectStore, manifest: Manifest, intFile: string, textFile: string, length: number): Promise<Int32Array | string[]> {
  if (manifest.files[intFile]) return readTyped(store, manifest, intFile, Int32Array, length);
  const text = Buffer.from(await readVerified(store, manifest, textFile)).toString('utf8');
  const ids = length === 0 ? [] : text.split('\n');
  if (ids.length !== length) throw new ArtifactError(`model ${manifest.version}: ${textFile} holds ${ids.length} ids, the model ${length}`);
  return ids;
}

async function readCatalog(store: ObjectStore, manifest: Manifest): Promise<(CatalogItem | null)[]> {
  if (!manifest.files[FILES.catalog]) return new Array<null>(manifest.nItems).fill(null);
  const text = Buffer.from(await readVerified(store, manifest, FILES.catalog)).toString('utf8');
  const list = JSON.parse(text) as unknown;
  if (!Array.isArray(list) || list.length !== manifest.nItems) {
    throw new ArtifactError(`model ${manifest.version}: ${FILES.catalog} is not an array of ${manifest.nItems} entries`);
  }
  return list as (CatalogItem | null)[];
}

/** Loads everything serving needs of one version; fails (never half-loads) on any mismatch. */
export async function loadModelArtifacts(store: ObjectStore, version: string, options: LoadOptions = {}): Promise<ModelArtifacts> {
  const manifest = await readManifest(store, version);
  const wholeUpTo = options.wholeUpToBytes ?? DEFAULT_WHOLE_UP_TO_BYTES;
  const { nUsers, nItems, dim } = manifest;
  const nSeen = entry(manifest, FILES.seenItems).bytes / Int32Array.BYTES_PER_ELEMENT;
  if (!Number.isInteger(nSeen)) throw new ArtifactError(`model ${version}: ${FILES.seenItems} is not a whole number of int32`);
  const hasP = manifest.files[FILES.users] !== undefined;
  const hasUserBias = manifest.files[FILES.userBias] !== undefined;
  const seenIndexBytes = checkedBytes(manifest, FILES.seenIndex, Uint32Array, nUsers + 1);
  const userBiasBytes = hasUserBias ? checkedBytes(manifest, FILES.userBias, Float32Array, nUsers) : 0;
  const perUserBytes = [
    checkedBytes(manifest, FILES.seenItems, Int32Array, nSeen),
    seenIndexBytes,
    hasP ? checkedBytes(manifest, FILES.users, Float32Array, nUsers * dim) : 0,
    userBiasBytes,
  ];
  const ranged = perUserBytes.some((bytes) => bytes > wholeUpTo);
  const hasSeenRatings = manifest.files[FILES.seenRatings] !== undefined;
  if (hasSeenRatings) checkedBytes(manifest, FILES.seenRatings, Float32Array, nSeen);
  // user_ids first: on a large model it is the biggest file read whole, the one a cold start waits for.
  const [userIds, Q, itemBias, Y, itemIds, popular, catalog, seenOffsets, seenItems, P, userBias] = await Promise.all([
    readIds(store, manifest, FILES.userIds, FILES.userIdsText, nUsers),
    readTyped(store, manifest, FILES.items, Float32Array, nItems * dim),
    readOptional(store, manifest, FILES.itemBias, Float32Array, nItems),
    readOptional(store, manifest, FILES.itemImplicit, Float32Array, nItems * dim),
    readIds(store, manifest, FILES.itemIds, FILES.itemIdsText, nItems),
    readTyped(store, manifest, FILES.popular, Int32Array, nItems),
    readCatalog(store, manifest),
    readPerUser(store, manifest, FILES.seenIndex, Uint32Array, nUsers + 1, ranged),
    readPerUser(store, manifest, FILES.seenItems, Int32Array, nSeen, ranged),
    hasP ? readPerUser(store, manifest, FILES.users, Float32Array, nUsers * dim, ranged) : undefined,
    hasUserBias ? readPerUser(store, manifest, FILES.userBias, Float32Array, nUsers, ranged) : undefined,
  ]);
  // Ranged: the same check is made on every user's offsets as they are fetched (UserRows).
  if (seenOffsets.kind === 'whole' && seenOffsets.data[nUsers] !== nSeen) {
    throw new ArtifactError(`model ${version}: ${FILES.seenIndex} ends at ${seenOffsets.data[nUsers]}, ${FILES.seenItems} holds ${nSeen}`);
  }
  return {
    manifest,
    Q,
    ...(itemBias ? { itemBias } : {}),
    ...(Y ? { Y } : {}),
    userIds,
    itemIds,
    popular,
    catalog,
    rangedUsers: ranged,
    wholeLater: ranged && seenIndexBytes <= wholeUpTo && userBiasBytes <= wholeUpTo,
    ...(P ? { P } : {}),
    ...(userBias ? { userBias } : {}),
    seenOffsets,
    seenItems,
    nSeen,
    ...(hasSeenRatings ? { seenRatings: { key: fileKey(version, FILES.seenRatings) } } : {}),
  };
}

/** Copies bytes that may sit at any offset (a pooled Buffer) into an aligned typed array. */
export function copyInto<T extends Float32Array | Int32Array>(bytes: Uint8Array, out: T): T {
  new Uint8Array(out.buffer, out.byteOffset, out.byteLength).set(bytes);
  return out;
}
