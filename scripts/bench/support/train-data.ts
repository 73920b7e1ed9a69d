/**
 * The ratings a training bench runs on, chosen by flags: `--input FILE`, `--shape ml20m`
 * (support/zipf-set.ts), or the PoC's uniform synthetic set (`--users/--movies/--per-user/--seed`).
 * The same flags reproduce the same set in another process (`trainDataArgs`), so a child
 * bench and a peer's converted copy see the same ratings.
 */
import type { Dataset } from '../../../lib/data/dataset';
import { generateSynthetic } from '../../../lib/data/synthetic';
import { readRatingsFile } from './ratings-file';
import { zipfDataset } from './zipf-set';

export interface TrainDataOptions {
  input?: string;
  shape?: 'ml20m';
  users: number;
  movies: number;
  perUser: number;
  seed: number;
}

export async function loadTrainData(o: TrainDataOptions): Promise<Dataset> {
  if (o.input) return readRatingsFile(o.input);
  if (o.shape) return zipfDataset();
  return generateSynthetic({ users: o.users, movies: o.movies, perUser: o.perUser, seed: o.seed, mode: 'uniform' }).dataset;
}

/** The bench flags that, with the same --seed (a training flag too), select the same ratings. */
export function trainDataArgs(o: TrainDataOptions): string[] {
  if (o.input) return ['--input', o.input];
  if (o.shape) return ['--shape', o.shape];
  return ['--users', String(o.users), '--movies', String(o.movies), '--per-user', String(o.perUser)];
}
