import { DataError } from '../errors';

/**
 * What the synthetic generator makes. 'uniform' is the PoC's data: every user rates
 * exactly `perUser` distinct movies chosen uniformly, each rating uniform in 1..5 (no
 * signal at all). 'planted' hides a low-rank model in the ratings (see planted.ts).
 */
export interface SyntheticSpec {
  users: number;
  movies: number;
  /** Ratings per user: exact for 'uniform', the mean of a long-tailed spread for 'planted'. */
  perUser: number;
  seed: number;
  mode: 'uniform' | 'planted';
  /** Planted rank (default 8). */
  dim?: number;
  /** Planted Gaussian noise std added before rounding (default 0.3). */
  noise?: number;
  /**
   * Planted: how strongly the hidden taste steers WHICH movies a user rates (default 4;
   * 0 = by popularity alone, as before). P(pick i) ∝ popularity_i * sigmoid(taste *
   * (z_ui - 1)), z_ui the movie's affinity for the user in stds; see planted.ts.
   */
  taste?: number;
  /** Generate a movie catalogue (default: on for planted, off for uniform). */
  titles?: boolean;
}

export type ResolvedSyntheticSpec = Required<SyntheticSpec>;

export const PLANTED_DEFAULTS = { dim: 8, noise: 0.3, taste: 4 } as const;

/** Fills in the defaults and checks the numbers; throws DataError on nonsense. */
export function resolveSyntheticSpec(spec: SyntheticSpec): ResolvedSyntheticSpec {
  const resolved: ResolvedSyntheticSpec = {
    users: spec.users,
    movies: spec.movies,
    perUser: spec.perUser,
    seed: spec.seed,
    mode: spec.mode,
    dim: spec.dim ?? PLANTED_DEFAULTS.dim,
    noise: spec.noise ?? PLANTED_DEFAULTS.noise,
    taste: spec.taste ?? PLANTED_DEFAULTS.taste,
    titles: spec.titles ?? spec.mode === 'planted',
  };
  const positiveInt = (name: keyof SyntheticSpec, value: number, max: number) => {
    if (!Number.isInteger(value) || value < 1 || value > max) {
      throw new DataError(`synthetic ${name} must be an integer in [1, ${max}], got ${value}`);
    }
  };
  positiveInt('users', resolved.users, 0x7fffffff);
  positiveInt('movies', resolved.movies, 0x7fffffff);
  positiveInt('perUser', resolved.perUser, resolved.movies);
  positiveInt('dim', resolved.dim, 1024);
  if (!Number.isFinite(resolved.seed)) throw new DataError(`synthetic seed must be a number, got ${resolved.seed}`);
  if (!(resolved.noise >= 0) || !Number.isFinite(resolved.noise)) {
    throw new DataError(`synthetic noise must be a finite number >= 0, got ${resolved.noise}`);
  }
  if (!(resolved.taste >= 0) || !Number.isFinite(resolved.taste)) {
    throw new DataError(`synthetic taste must be a finite number >= 0, got ${resolved.taste}`);
  }
  if (resolved.mode !== 'uniform' && resolved.mode !== 'planted') {
    throw new DataError(`synthetic mode must be 'uniform' or 'planted', got ${String(resolved.mode)}`);
  }
  return resolved;
}

/** A stable text of the spec: the data set's identity (its sha256 input and name). */
export function describeSyntheticSpec(spec: SyntheticSpec): string {
  const s = resolveSyntheticSpec(spec);
  const planted = s.mode === 'planted' ? `,dim=${s.dim},noise=${s.noise},taste=${s.taste}` : '';
  return `synthetic:users=${s.users},movies=${s.movies},perUser=${s.perUser},seed=${s.seed},mode=${s.mode}${planted},titles=${s.titles}`;
}
