/**
 * Where a model version's files live in the bucket, and their names: the part of the
 * format (format.ts) that needs no model registry, so a small function (POST /events)
 * can find the live manifest without bundling every kind's serving part.
 */
export const MODELS_PREFIX = 'models/';
export const LATEST_KEY = `${MODELS_PREFIX}LATEST`;

export const FILES = {
  manifest: 'manifest.json',
  /** Item factors Q, float32, nItems x dim. */
  items: 'items.f32',
  /** User factors P, float32, nUsers x dim (NSVD: materialised from Y; SVD++: p_u + z_u). */
  users: 'users.f32',
  itemBias: 'item_bias.f32',
  userBias: 'user_bias.f32',
  /** The implicit item factors Y of NSVD, SVD++ and BPMF with `implicit`, float32, nItems x dim (fold-in of new users). */
  itemImplicit: 'item_implicit.f32',
  /** Seen items as CSR: offsets uint32 (nUsers + 1), then item indices int32. */
  seenIndex: 'seen.idx',
  seenItems: 'seen.items',
  /** The user's rating of each entry of seen.items, float32, same length (format 3; read only to explain). */
  seenRatings: 'seen_ratings.f32',
  /** External ids in index order: int32 for integer ids, else UTF-8 text, one id per line (ids hold no control characters). */
  userIds: 'user_ids.i32',
  itemIds: 'item_ids.i32',
  userIdsText: 'user_ids.txt',
  itemIdsText: 'item_ids.txt',
  /** Item indices by training popularity, most rated first, int32 (cold-start fallback). */
  popular: 'popular.i32',
  /** JSON array in item index order: {title, genres} or null where the source has none. */
  catalog: 'catalog.json',
  /** Training report: metrics JSON and the learning curve as SVG. */
  reportMetrics: 'report/metrics.json',
  reportCurve: 'report/curve.svg',
} as const;

export const versionPrefix = (version: string): string => `${MODELS_PREFIX}${version}/`;
export const fileKey = (version: string, file: string): string => `${versionPrefix(version)}${file}`;
