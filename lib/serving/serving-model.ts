import type { CatalogItem, ModelArtifacts } from '../artifacts/load';
import type { Manifest } from '../artifacts/format';
import type { ExternalId } from '../data/external-id';
import type { ItemSide } from '../math/factors';
import { TopN } from '../math/scoring';
import type { Scorer, ServingPart } from '../models/contract';
import { servingPart } from '../models/serving-registry';
import type { ObjectStore } from '../storage/object-store';
import { buildIdIndex, type IdIndex } from './id-index';
import { ItemMasks } from './item-filter';
import { ReasonPicker } from './reasons';
import { UserRows, type UserRowsOptions } from './user-rows';

/**
 * One loaded model version, ready to answer: the artifacts, its kind's scorer (which
 * derives what it needs, such as item norms or a Gram matrix, on first use), id lookups,
 * and scratch reused by every request (the heaps here, the scores in the scorer:
 * scoring is synchronous from scoreAll to reading the heap, so requests never share
 * them mid-use). Immutable once built, so a request that holds a reference keeps a
 * consistent model even if a newer one is swapped in.
 */
export class ServingModel {
  readonly version: string;
  readonly manifest: Manifest;
  readonly itemSide: ItemSide;
  readonly part: ServingPart;
  readonly scorer: Scorer;
  readonly users: IdIndex;
  readonly items: IdIndex;
  readonly userRows: UserRows;
  /** Filters resolved against this model's catalogue, cached by filter. */
  readonly masks: ItemMasks;
  readonly loadedAt = Date.now();
  /** Picks each recommended movie's reasons (reused: explaining is synchronous, like the heaps). */
  readonly reasons = new ReasonPicker();
  private readonly heaps = new Map<number, TopN>();

  constructor(
    readonly artifacts: ModelArtifacts,
    store: ObjectStore,
    options: UserRowsOptions = {},
  ) {
    const m = artifacts.manifest;
    this.version = m.version;
    this.manifest = m;
    this.itemSide = {
      kind: m.model.kind,
      scoring: m.model.scoring,
      dim: m.dim,
      nItems: m.nItems,
      mu: m.mu,
      scale: m.scale,
      Q: artifacts.Q,
      ...(artifacts.itemBias ? { itemBias: artifacts.itemBias } : {}),
      ...(artifacts.Y ? { Y: artifacts.Y } : {}),
      ...(m.model.foldIn ? { foldIn: m.model.foldIn } : {}),
      params: m.model.params,
    };
    this.part = servingPart(m.model.kind);
    this.scorer = this.part.open(this.itemSide);
    this.users = buildIdIndex(artifacts.userIds);
    this.items = buildIdIndex(artifacts.itemIds);
    this.userRows = new UserRows(store, artifacts, options);
    this.masks = new ItemMasks(artifacts.catalog, this.items);
  }

  get kind(): Manifest['model']['kind'] {
    return this.manifest.model.kind;
  }

  movieId(item: number): ExternalId {
    return this.artifacts.itemIds[item]!;
  }

  catalogEntry(item: number): CatalogItem | null {
    return this.artifacts.catalog[item] ?? null;
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
}
