import type { CatalogItem, ModelArtifacts } from '../artifacts/load';
import type { Manifest } from '../artifacts/format';
import type { ObjectStore } from '../storage/object-store';
import { itemNorms, TopN, type ScoringModel } from './scoring';
import { buildIdIndex, type IdIndex } from './id-index';
import { UserRows, type UserRowsOptions } from './user-rows';

/**
 * One loaded model version, ready to answer: the artifacts plus what is derived from
 * them (id lookups; item norms for cosine and iALS's Gram matrix on first use, so a
 * cold start that recommends does not compute them) and scratch buffers reused by
 * every request. Immutable once built, so a request that
 * holds a reference keeps a consistent model even if a newer one is swapped in.
 */
export class ServingModel {
  readonly version: string;
  readonly manifest: Manifest;
  readonly scoring: ScoringModel;
  readonly users: IdIndex;
  readonly items: IdIndex;
  readonly userRows: UserRows;
  readonly loadedAt = Date.now();
  private readonly heaps = new Map<number, TopN>();
  private normsCache: Float32Array | undefined;
  private gramCache: Float64Array | undefined;

  constructor(
    readonly artifacts: ModelArtifacts,
    store: ObjectStore,
    options: UserRowsOptions = {},
  ) {
    const m = artifacts.manifest;
    this.version = m.version;
    this.manifest = m;
    this.scoring = {
      scoring: m.model.scoring,
      dim: m.dim,
      nItems: m.nItems,
      mu: m.mu,
      scale: m.scale,
      Q: artifacts.Q,
      ...(artifacts.itemBias ? { itemBias: artifacts.itemBias } : {}),
    };
    this.users = buildIdIndex(artifacts.userIds);
    this.items = buildIdIndex(artifacts.itemIds);
    this.userRows = new UserRows(store, artifacts, options);
  }

  get kind(): Manifest['model']['kind'] {
    return this.manifest.model.kind;
  }

  movieId(item: number): number {
    return this.artifacts.itemIds[item]!;
  }

  catalogEntry(item: number): CatalogItem | null {
    return this.artifacts.catalog[item] ?? null;
  }

  /** Euclidean norm of every item row (cosine similarity), computed on first use. */
  get norms(): Float32Array {
    return (this.normsCache ??= itemNorms(this.scoring));
  }

  /** A reusable bounded heap for lists of n (one per distinct n, made on first use). */
  heap(n: number): TopN {
    let heap = this.heaps.get(n);
    if (!heap) {
      heap = new TopN(n);
      this.heaps.set(n, heap);
    }
    return heap;
  }

  /** QᵀQ (dim x dim), computed on first use: iALS fold-in needs it for every visitor. */
  gram(): Float64Array {
    if (!this.gramCache) {
      const { Q, dim, nItems } = this.scoring;
      const g = new Float64Array(dim * dim);
      for (let i = 0; i < nItems; i++) {
        const off = i * dim;
        for (let a = 0; a < dim; a++) {
          const qa = Q[off + a]!;
          const row = a * dim;
          for (let b = a; b < dim; b++) g[row + b] += qa * Q[off + b]!;
        }
      }
      for (let a = 0; a < dim; a++) for (let b = 0; b < a; b++) g[a * dim + b] = g[b * dim + a]!;
      this.gramCache = g;
    }
    return this.gramCache;
  }
}
