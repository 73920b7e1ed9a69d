import { LRUCache } from 'lru-cache';
import { copyInto, type ModelArtifacts } from '../artifacts/load';
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
  seen: Int32Array | undefined;
}

export interface UserRowsOptions {
  /** Upper bound on the bytes of fetched rows kept in memory. Default 64 MiB. */
  cacheBytes?: number;
}

/**
 * Per-user data of one model. Files read whole are sliced in place; files left in S3
 * are read with one ranged GET per user per file and kept in an LRU cache (concurrent
 * misses for one user share a single fetch).
 */
export class UserRows {
  private readonly cache: LRUCache<number, FetchedUser> | undefined;
  private readonly dim: number;
  hits = 0;
  misses = 0;

  constructor(
    private readonly store: ObjectStore,
    private readonly a: ModelArtifacts,
    options: UserRowsOptions = {},
  ) {
    this.dim = a.manifest.dim;
    const ranged = a.P?.kind === 'ranged' || a.seenItems.kind === 'ranged';
    if (ranged) {
      this.cache = new LRUCache<number, FetchedUser>({
        maxSize: options.cacheBytes ?? 64 * 1024 * 1024,
        sizeCalculation: (v) => 64 + (v.row?.byteLength ?? 0) + (v.seen?.byteLength ?? 0),
        fetchMethod: (user) => this.fetch(user),
      });
    }
  }

  /** True when rows come from S3 on demand (a large model). */
  get ranged(): boolean {
    return this.cache !== undefined;
  }

  /** The user's state; synchronous when nothing needs fetching (undefined means: call load). */
  peek(user: number): UserState | undefined {
    if (!this.cache) return this.assemble(user, undefined);
    const fetched = this.cache.get(user);
    if (!fetched) return undefined;
    this.hits++;
    return this.assemble(user, fetched);
  }

  async load(user: number): Promise<UserState> {
    const known = this.peek(user);
    if (known) return known;
    this.misses++;
    let fetched: FetchedUser | undefined;
    try {
      fetched = await this.cache!.fetch(user);
    } catch (err) {
      throw new StorageUnavailableError(`could not read this user's factors from model storage; try again shortly`, { cause: err });
    }
    return this.assemble(user, fetched!);
  }

  private assemble(user: number, fetched: FetchedUser | undefined): UserState {
    const { P, seenItems, seenOffsets, userBias } = this.a;
    const bias = userBias ? userBias[user]! : 0;
    const seen =
      seenItems.kind === 'whole' ? seenItems.data.subarray(seenOffsets[user]!, seenOffsets[user + 1]!) : fetched!.seen!;
    if (!P) return { vec: undefined, offset: 0, bias, seen };
    if (P.kind === 'whole') return { vec: P.data, offset: user * this.dim, bias, seen };
    return { vec: fetched!.row!, offset: 0, bias, seen };
  }

  private async fetch(user: number): Promise<FetchedUser> {
    const { P, seenItems, seenOffsets } = this.a;
    const rowBytes = this.dim * 4;
    const [rowBytesRead, seenBytesRead] = await Promise.all([
      P?.kind === 'ranged' ? this.store.getRange(P.key, user * rowBytes, (user + 1) * rowBytes) : undefined,
      seenItems.kind === 'ranged'
        ? this.store.getRange(seenItems.key, seenOffsets[user]! * 4, seenOffsets[user + 1]! * 4)
        : undefined,
    ]);
    return {
      row: rowBytesRead ? copyInto(rowBytesRead, new Float32Array(this.dim)) : undefined,
      seen: seenBytesRead ? copyInto(seenBytesRead, new Int32Array(seenBytesRead.length / 4)) : undefined,
    };
  }
}
