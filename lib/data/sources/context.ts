import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import type { BadLineReport, ColumnLayout, DuplicateReport } from '../parse';
import type { Dataset } from '../dataset';
import type { ObjectStore } from '../../storage/object-store';
import type { DataLimits } from './limits';

export interface SourceContext {
  /** For s3:// sources, and to cache MovieLens downloads in S3 rather than on disk. */
  store?: ObjectStore;
  /** Local download cache folder (default .local/cache under the cwd; the temp dir in Lambda). */
  cacheDir?: string;
  /** S3 cache key prefix (default 'cache/movielens/'). */
  cachePrefix?: string;
  /** MovieLens base URL (default env MOVIELENS_BASE_URL, else GroupLens'). */
  baseUrl?: string;
  maxBadShare?: number;
  log?: (message: string) => void;
  /** Caps on what a run reads (default: limitsFromEnv()). */
  limits?: DataLimits;
}

export interface LoadedDataset {
  dataset: Dataset;
  /** The source as text that parseSource reads back. */
  source: string;
  /** Of the ratings bytes as read (for synthetic: of the generator's parameters). */
  sha256: string;
  bad: BadLineReport;
  lines: number;
  /** How the columns were read (absent for generated data). */
  layout?: ColumnLayout;
  scaleFrom?: 'declared' | 'data';
  /** Repeated (user, item) pairs and how they were resolved (absent for generated data). */
  duplicates?: DuplicateReport;
  /** The newest timestamp of the ratings, when they have one (posted events must be newer to be merged). */
  newestTime?: number;
  /** Planted synthetic only: the best RMSE any model can reach. */
  bestRmse?: number;
}

export const GROUPLENS_URL = 'https://files.grouplens.org/datasets/movielens';
export const DEFAULT_CACHE_PREFIX = 'cache/movielens/';

export function cacheDirOf(ctx: SourceContext): string {
  if (ctx.cacheDir) return resolve(ctx.cacheDir);
  // /var/task is read-only in Lambda; only the temp dir is writable there.
  return process.env.LAMBDA_TASK_ROOT ? resolve(tmpdir(), 'movielens-cache') : resolve('.local', 'cache');
}

export function baseUrlOf(ctx: SourceContext): string {
  return (ctx.baseUrl ?? process.env.MOVIELENS_BASE_URL ?? GROUPLENS_URL).replace(/\/+$/, '');
}
