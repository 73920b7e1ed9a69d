import { IdMap, type Ids } from './id-map';
import type { ExternalId } from './external-id';

/** Title and genres of one movie, keyed in a Catalog by the movie's external id. */
export interface CatalogEntry {
  title: string;
  genres: string[];
  /** Release year, when an items file gives one. */
  year?: number;
}
export type Catalog = Map<ExternalId, CatalogEntry>;

export interface RatingScale {
  min: number;
  max: number;
}

/**
 * Ratings as parallel typed arrays (struct of arrays): rating r is user users[r]
 * gave item items[r] the value ratings[r]. Indices are dense (see IdMap). The arrays
 * are exactly `size` long. Splits share the id maps and the catalog with the data set
 * they came from, so an index means the same user or movie in every part.
 */
export interface Dataset {
  readonly name: string;
  readonly size: number;
  readonly users: Int32Array;
  readonly items: Int32Array;
  readonly ratings: Float32Array;
  readonly userIds: Ids;
  readonly itemIds: Ids;
  readonly scale: RatingScale;
  /** 'implicit': the values are interaction weights (1, or the event type's), not ratings. Absent: explicit. */
  readonly feedback?: 'explicit' | 'implicit';
  readonly catalog?: Catalog;
}

export const nUsers = (d: Dataset): number => d.userIds.size;
export const nItems = (d: Dataset): number => d.itemIds.size;

/** A zero-copy view of ratings [start, end) sharing ids and catalog. */
export function sliceDataset(d: Dataset, start: number, end: number, name = d.name): Dataset {
  return {
    ...d,
    name,
    size: end - start,
    users: d.users.subarray(start, end),
    items: d.items.subarray(start, end),
    ratings: d.ratings.subarray(start, end),
  };
}

/** A data set with the same ids and catalog and `size` zeroed ratings to fill in. */
export function blankLike(d: Dataset, size: number, name = d.name): Dataset {
  return { ...d, name, size, users: new Int32Array(size), items: new Int32Array(size), ratings: new Float32Array(size) };
}

/** A copy holding the ratings at the given positions, in that order. */
export function selectDataset(d: Dataset, positions: ArrayLike<number>, name = d.name): Dataset {
  const n = positions.length;
  const users = new Int32Array(n);
  const items = new Int32Array(n);
  const ratings = new Float32Array(n);
  for (let k = 0; k < n; k++) {
    const r = positions[k]!;
    users[k] = d.users[r]!;
    items[k] = d.items[r]!;
    ratings[k] = d.ratings[r]!;
  }
  return { ...d, name, size: n, users, items, ratings };
}

/** Mean rating; 0 for an empty data set. */
export function meanRating(d: Dataset): number {
  let sum = 0;
  for (let r = 0; r < d.size; r++) sum += d.ratings[r]!;
  return d.size === 0 ? 0 : sum / d.size;
}

/**
 * Appends ratings by external id into growable typed arrays, interning ids as they
 * come. No object per rating; arrays double when full and are trimmed by build().
 */
export class DatasetBuilder {
  readonly userIds: IdMap;
  readonly itemIds: IdMap;
  private users: Int32Array;
  private items: Int32Array;
  private ratings: Float32Array;
  private count = 0;

  constructor(capacity = 1 << 16, ids?: { userIds: IdMap; itemIds: IdMap }) {
    this.userIds = ids?.userIds ?? new IdMap();
    this.itemIds = ids?.itemIds ?? new IdMap();
    this.users = new Int32Array(capacity);
    this.items = new Int32Array(capacity);
    this.ratings = new Float32Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  add(externalUser: number, externalItem: number, rating: number): void {
    if (this.count === this.users.length) this.grow();
    const k = this.count++;
    this.users[k] = this.userIds.intern(externalUser);
    this.items[k] = this.itemIds.intern(externalItem);
    this.ratings[k] = rating;
  }

  build(name: string, scale: RatingScale, catalog?: Catalog): Dataset {
    const n = this.count;
    const exact = n === this.users.length;
    return {
      name,
      size: n,
      users: exact ? this.users : this.users.slice(0, n),
      items: exact ? this.items : this.items.slice(0, n),
      ratings: exact ? this.ratings : this.ratings.slice(0, n),
      userIds: this.userIds,
      itemIds: this.itemIds,
      scale,
      ...(catalog ? { catalog } : {}),
    };
  }

  private grow(): void {
    const cap = Math.max(16, this.users.length * 2);
    const users = new Int32Array(cap);
    users.set(this.users);
    const items = new Int32Array(cap);
    items.set(this.items);
    const ratings = new Float32Array(cap);
    ratings.set(this.ratings);
    this.users = users;
    this.items = items;
    this.ratings = ratings;
  }
}
