import { LRUCache } from 'lru-cache';
import { BlockChecksumError, type BlockHashes } from '../artifacts/blocks';
import { ArtifactError } from '../artifacts/errors';
import { copyInto, readBlockHashes, readTyped, type ModelArtifacts, type PerUserFile } from '../artifacts/load';
import { FILES } from '../artifacts/format';
import type { ObjectStore } from '../storage/object-store';
import { StorageUnavailableError } from './errors';

/** What scoring needs of one known user: the factor row (at `offset` in `vec`), bias, and seen items ascending. */
export interface UserState {
  vec: Float32Array | undefined;
  offset: number;
  bias: number;
  seen: Int32Array;
}

interface FetchedUser {
  row: Float32Array | undefined;
  bias: number;
  seen: Int32Array;
  /** Where the user's entries start in seen.items (and seen_ratings.f32). */
  seenStart: number;
}

export interface UserRowsOptions {
  /** Upper bound on the bytes of fetched users kept in memory. Default 64 MiB. */
  cacheBytes?: number;
}

/** The per-user files of a small model, in memory. */
interface InMemory {
  P: Float32Array | undefined;
  userBias: Float32Array | undefined;
  seenOffsets: Uint32Array;
  seenItems: Int32Array;
}

/** A per-user file left in S3: its key and, for models that have them, its block checksums. */
interface Ranged {
  key: string;
  blocks: BlockHashes | undefined;
}

/** A large model's per-user files. */
interface InS3 {
  P: Ranged | undefined;
  userBias: Ranged | undefined;
  seenOffsets: Ranged;
  seenItems: Ranged;
}

function inMemory<T>(file: PerUserFile<T>): T {
  if (file.kind !== 'whole') throw new Error('a per-user file is in S3 while the model says it is in memory');
  return file.data;
}

function inS3<T>(file: PerUserFile<T>): Ranged {
  if (file.kind !== 'ranged') throw new Error('a per-user file is in memory while the model says it is in S3');
  return { key: file.key, blocks: file.blocks };
}

/**
 * Per-user data of one model. A small model's per-user files are in memory and sliced
 * in place. A large model's are left in S3 (see loadModelArtifacts): a user's first
 * request reads the factor row (users.f32, dim * 4 bytes at u * dim * 4), the bias
 * (user_bias.f32, 4 bytes at u * 4) and the seen offsets (seen.idx, 8 bytes at u * 4)
 * with three ranged GETs in parallel, then the seen items (seen.items) with a fourth as
 * soon as the offsets are in. The user's row, bias and seen items are one entry of an
 * LRU cache; concurrent misses for one user share a single fetch. Once the first user
 * is answered, seen.idx and user_bias.f32 (4 bytes a user each) are read whole in the
 * background when the loader allows it (`wholeLater`); from then on a new user costs
 * two ranged GETs in parallel (row, seen items). A failed background read is retried on
 * a later miss; until it succeeds, the ranged path serves.
 *
 * Every range is read as whole 64 KiB blocks and checked against the file's block
 * checksums (lib/artifacts/blocks.ts); a block that fails is a corrupt row (see check).
 * Each range's length is checked (ObjectStore.getRange), and so are the offsets: a
 * user's seen range must lie inside seen.items, or the read fails as an ArtifactError
 * (an internal error, not a retryable storage outage).
 */
export class UserRows {
  private readonly cache: LRUCache<number, FetchedUser> | undefined;
  private readonly memory: InMemory | undefined;
  private readonly keys: InS3 | undefined;
  private readonly dim: number;
  /** seen.idx and user_bias.f32 once read whole in the background (ranged models). */
  private offsets: Uint32Array | undefined;
  private biases: Float32Array | undefined;
  private later: Promise<void> | undefined;
  /** seen_ratings.f32, read on the first explained request: whole (small models) or its block checksums (ranged). */
  private wholeRatings: Promise<Float32Array> | undefined;
  private ratingBlocks: Promise<BlockHashes | undefined> | undefined;
  /** Ranged models: users' ratings once read, in their own LRU (a quarter of the rows' budget). */
  private readonly ratingsCache: LRUCache<number, Float32Array> | undefined;
  hits = 0;
  misses = 0;
  /** Ranged rows refused by their checks (a corrupt model file). */
  corrupt = 0;

  constructor(
    private readonly store: ObjectStore,
    private readonly a: ModelArtifacts,
    options: UserRowsOptions = {},
  ) {
    this.dim = a.manifest.dim;
    if (a.rangedUsers) {
      this.keys = {
        P: a.P ? inS3(a.P) : undefined,
        userBias: a.userBias ? inS3(a.userBias) : undefined,
        seenOffsets: inS3(a.seenOffsets),
        seenItems: inS3(a.seenItems),
      };
      this.cache = new LRUCache<number, FetchedUser>({
        maxSize: options.cacheBytes ?? 64 * 1024 * 1024,
        sizeCalculation: (v) => 64 + (v.row?.byteLength ?? 0) + v.seen.byteLength,
        fetchMethod: (user) => this.fetch(user),
      });
      this.ratingsCache = new LRUCache<number, Float32Array>({
        maxSize: Math.max(1, Math.floor((options.cacheBytes ?? 64 * 1024 * 1024) / 4)),
        sizeCalculation: (v) => 64 + v.byteLength,
        fetchMethod: (user) => this.rangedRatings(user),
      });
    } else {
      this.memory = {
        P: a.P ? inMemory(a.P) : undefined,
        userBias: a.userBias ? inMemory(a.userBias) : undefined,
        seenOffsets: inMemory(a.seenOffsets),
        seenItems: inMemory(a.seenItems),
      };
    }
  }

  /** True when users come from S3 on demand (a large model). */
  get ranged(): boolean {
    return this.cache !== undefined;
  }

  /** The user's state; synchronous when nothing needs fetching (undefined means: call load). */
  peek(user: number): UserState | undefined {
    if (this.memory) {
      const { P, userBias, seenOffsets, seenItems } = this.memory;
      return {
        vec: P,
        offset: P ? user * this.dim : 0,
        bias: userBias ? userBias[user]! : 0,
        seen: seenItems.subarray(seenOffsets[user]!, seenOffsets[user + 1]!),
      };
    }
    const fetched = this.cache!.get(user);
    if (!fetched) return undefined;
    this.hits++;
    return { vec: fetched.row, offset: 0, bias: fetched.bias, seen: fetched.seen };
  }

  async load(user: number): Promise<UserState> {
    const known = this.peek(user);
    if (known) return known;
    this.misses++;
    let fetched: FetchedUser | undefined;
    try {
      fetched = await this.cache!.fetch(user);
    } catch (err) {
      if (err instanceof ArtifactError) throw err;
      if (err instanceof CorruptRowError) throw new StorageUnavailableError(`this user's stored data failed its checks; try again later`, { cause: err });
      throw new StorageUnavailableError(`could not read this user's factors from model storage; try again shortly`, { cause: err });
    }
    if (this.a.wholeLater && !this.later && !this.offsets) {
      // After this answer, not before it: a cold start's first answer must not wait on 8 MB.
      this.later = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.readWhole());
    }
    return { vec: fetched!.row, offset: 0, bias: fetched!.bias, seen: fetched!.seen };
  }

  /**
   * The user's rating of each of their seen items (in seen order), or undefined for a
   * model that stores none (format 2 and older). Only reasons need them, so they are not
   * part of the cached state: a small model reads seen_ratings.f32 whole on the first call
   * (sha256-checked); a large one reads this user's range (block-checked) on the user's
   * first explained request and keeps it in an LRU of its own.
   */
  async ratings(user: number): Promise<Float32Array | undefined> {
    if (!this.a.seenRatings) return undefined;
    try {
      if (this.memory) {
        const { seenOffsets } = this.memory;
        return (await this.readWholeRatings()).subarray(seenOffsets[user]!, seenOffsets[user + 1]!);
      }
      return (await this.ratingsCache!.fetch(user))!;
    } catch (err) {
      if (err instanceof ArtifactError) throw err;
      throw new StorageUnavailableError(`could not read this user's ratings from model storage; try again shortly`, { cause: err });
    }
  }

  /**
   * A small (in-memory) model's ratings of every user at once, for a pass over all users
   * (the batch export): read whole on the first call. Undefined when the model stores none
   * or its per-user files are ranged.
   */
  async allRatings(): Promise<((user: number) => Float32Array) | undefined> {
    if (!this.a.seenRatings || !this.memory) return undefined;
    const { seenOffsets } = this.memory;
    const all = await this.readWholeRatings();
    return (user) => all.subarray(seenOffsets[user]!, seenOffsets[user + 1]!);
  }

  private readWholeRatings(): Promise<Float32Array> {
    const { manifest, nSeen } = this.a;
    this.wholeRatings ??= readTyped(this.store, manifest, FILES.seenRatings, Float32Array, nSeen).catch((err: unknown) => {
      this.wholeRatings = undefined; // the next request tries again
      throw err;
    });
    return this.wholeRatings;
  }

  private async rangedRatings(user: number): Promise<Float32Array> {
    const { manifest, nSeen } = this.a;
    // The user's row was usually just fetched for this same request: its range is known.
    const fetched = this.cache!.peek(user);
    const [start, end] = fetched ? [fetched.seenStart, fetched.seenStart + fetched.seen.length] : await this.seenRange(user, FILES.seenRatings);
    if (start === end) return new Float32Array(0);
    this.ratingBlocks ??= readBlockHashes(this.store, manifest, FILES.seenRatings, nSeen * 4).catch((err: unknown) => {
      this.ratingBlocks = undefined;
      throw err;
    });
    const blocks = await this.ratingBlocks;
    const ratings = copyInto(await this.range({ key: this.a.seenRatings!.key, blocks }, start * 4, end * 4), new Float32Array(end - start));
    for (const r of ratings) {
      if (!(Number.isFinite(r) && Math.abs(r) <= MAX_SANE_VALUE)) {
        this.corrupt++;
        throw new CorruptRowError(`model ${manifest.version}: user ${user}'s stored ratings are corrupt`);
      }
    }
    return ratings;
  }

  /** Settles when the background read of seen.idx and user_bias.f32 is over (or was never started); true if it is in memory. */
  async backgroundRead(): Promise<boolean> {
    await this.later;
    return this.offsets !== undefined;
  }

  /** Reads seen.idx and user_bias.f32 whole (sha256-checked); never rejects. */
  private async readWhole(): Promise<void> {
    const { manifest, nSeen } = this.a;
    try {
      const [offsets, biases] = await Promise.all([
        readTyped(this.store, manifest, FILES.seenIndex, Uint32Array, manifest.nUsers + 1),
        this.keys!.userBias === undefined ? undefined : readTyped(this.store, manifest, FILES.userBias, Float32Array, manifest.nUsers),
      ]);
      if (offsets[manifest.nUsers] !== nSeen) return; // keep checking each user's range instead
      this.offsets = offsets;
      this.biases = biases;
    } catch {
      this.later = undefined; // a later miss tries again
    }
  }

  /** The user's entries [start, end) in the seen files (from seen.idx in memory, or by range), checked against `file`'s length. */
  private async seenRange(user: number, file: string): Promise<[number, number]> {
    const { offsets } = this;
    const [start, end] = offsets
      ? [offsets[user]!, offsets[user + 1]!]
      : await this.range(this.keys!.seenOffsets, user * 4, user * 4 + 8).then((b) => [b.readUInt32LE(0), b.readUInt32LE(4)]);
    if (start > end || end > this.a.nSeen) {
      throw new ArtifactError(`model ${this.a.manifest.version}: ${FILES.seenIndex} gives user ${user} entries ${start}..${end} of the ${this.a.nSeen} in ${file}`);
    }
    return [start, end];
  }

  private async fetch(user: number): Promise<FetchedUser> {
    const keys = this.keys!;
    const { dim, biases } = this;
    const range = this.seenRange(user, FILES.seenItems);
    const seen = range.then(([start, end]) =>
      start === end ? new Int32Array(0) : this.range(keys.seenItems, start * 4, end * 4).then((bytes) => copyInto(bytes, new Int32Array(end - start))),
    );
    const [row, bias, seenItems] = await Promise.all([
      keys.P === undefined
        ? undefined
        : this.range(keys.P, user * dim * 4, (user + 1) * dim * 4).then((bytes) => copyInto(bytes, new Float32Array(dim))),
      keys.userBias === undefined
        ? 0
        : biases
          ? biases[user]!
          : this.range(keys.userBias, user * 4, user * 4 + 4).then((bytes) => bytes.readFloatLE(0)),
      seen,
    ]);
    this.check(user, row, bias, seenItems);
    return { row, bias, seen: seenItems, seenStart: (await range)[0] };
  }

  /** Bytes [start, end) of a per-user file; a block that fails its checksum is a corrupt row. */
  private async range(file: Ranged, start: number, end: number): Promise<Buffer> {
    if (!file.blocks) return this.store.getRange(file.key, start, end);
    try {
      return await file.blocks.read(this.store, file.key, start, end);
    } catch (err) {
      if (!(err instanceof BlockChecksumError)) throw err;
      this.corrupt++;
      throw new CorruptRowError(`model ${this.a.manifest.version}: ${err.message}`, { cause: err });
    }
  }

  /**
   * Besides the block checksums (absent from models published before them), what came
   * back is checked for what a trained model can hold: finite factors and bias of a sane size,
   * seen items in range and ascending. Anything else is a corrupt row: refused (a 503 for
   * this user, counted in `corrupt`), never scored.
   */
  private check(user: number, row: Float32Array | undefined, bias: number, seen: Int32Array): void {
    const sane = (x: number) => Number.isFinite(x) && Math.abs(x) <= MAX_SANE_VALUE;
    let ok = sane(bias);
    if (row) for (let k = 0; ok && k < row.length; k++) ok = sane(row[k]!);
    const nItems = this.a.manifest.nItems;
    for (let k = 0; ok && k < seen.length; k++) ok = seen[k]! >= 0 && seen[k]! < nItems && (k === 0 || seen[k - 1]! < seen[k]!);
    if (!ok) {
      this.corrupt++;
      throw new CorruptRowError(`model ${this.a.manifest.version}: user ${user}'s stored row is corrupt (non-finite, out-of-range or unordered values)`);
    }
  }
}

/** Factor and bias values beyond this are corruption: trained values are of order 1. */
const MAX_SANE_VALUE = 1e6;

class CorruptRowError extends Error {
  override readonly name = 'CorruptRowError';
}
