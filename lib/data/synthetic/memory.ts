import type { Catalog, Dataset } from '../dataset';
import { IdMap } from '../id-map';
import { SyntheticRatings, type PlantedHidden, type SyntheticOptions } from './generator';
import { describeSyntheticSpec, type SyntheticSpec } from './spec';
import { generateCatalog } from './titles';

export interface SyntheticDataset {
  dataset: Dataset;
  /** Planted only: RMSE of the noiseless clipped scores against the ratings (the floor for any model). */
  bestRmse?: number;
  catalog?: Catalog;
  /** Planted with keepHidden: the hidden model behind the ratings. */
  hidden?: PlantedHidden;
}

/**
 * Generates straight into exactly-sized typed arrays (no text): 12 bytes per rating.
 * Ids are interned in order of first appearance, as parseRatings does, so this equals
 * writing the .dat file and parsing it back.
 */
export function generateSynthetic(spec: SyntheticSpec, options: SyntheticOptions = {}): SyntheticDataset {
  const source = new SyntheticRatings(spec, options);
  const { users: nUsers, movies } = source.spec;
  const n = source.total;
  const users = new Int32Array(n);
  const items = new Int32Array(n);
  const ratings = new Float32Array(n);
  const written = source.fill(users, items, ratings);
  if (written !== n || !source.done) throw new Error(`synthetic generator wrote ${written} of ${n} ratings`);

  // Every user has at least one rating, so users appear in order 1..nUsers.
  const externalUsers = new Int32Array(nUsers);
  for (let u = 0; u < nUsers; u++) externalUsers[u] = u + 1;
  const userIds = IdMap.fromExternal(externalUsers);
  for (let r = 0; r < n; r++) users[r] = users[r]! - 1;
  const itemIds = new IdMap(movies);
  for (let r = 0; r < n; r++) items[r] = itemIds.intern(items[r]!);

  const catalog = source.spec.titles ? generateCatalog(movies, source.spec.seed) : undefined;
  const dataset: Dataset = {
    name: describeSyntheticSpec(source.spec),
    size: n,
    users,
    items,
    ratings,
    userIds,
    itemIds,
    scale: { min: 1, max: 5 },
    ...(catalog ? { catalog } : {}),
  };
  const { bestRmse, hidden } = source;
  return {
    dataset,
    ...(bestRmse !== undefined ? { bestRmse } : {}),
    ...(catalog ? { catalog } : {}),
    ...(hidden ? { hidden } : {}),
  };
}
