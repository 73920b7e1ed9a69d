import type { SourceSize } from '../data/sources/size';
import { TrainConfigError } from './config';

/**
 * Which engine a training run takes: the train function alone (`single`) or the
 * DistributedTrain state machine (`distributed`, iALS only). `auto` decides by the
 * source's size before anything is read (lib/data/sources/size.ts).
 */
export const ENGINE_SETTINGS = ['auto', 'single', 'distributed'] as const;
export type EngineSetting = (typeof ENGINE_SETTINGS)[number];
export type Engine = Exclude<EngineSetting, 'auto'>;

export interface EngineThresholds {
  /** A source of more ratings than this goes to the state machine. */
  aboveRatings: number;
  /** A source of more bytes than this (a file, an s3:// object) goes to the state machine. */
  aboveBytes: number;
}

/**
 * What one 10 GB, 15-minute train function is known to manage: "iALS up to roughly 50M
 * ratings" (README, "Past one function"), with room on the measured side: the 30M-rating
 * set trains in 56 s at 1.79 GB peak (SVD, dim 200; README's `bench pipeline`) and iALS solves
 * about 8.4M entries a second a thread (docs/scale.md). In bytes: 50M ratings at 20 B a
 * line, the shortest line measured (ml-100k's u.data 19.8 B, ml-latest-small's
 * ratings.csv 24.6 B, the generator's .dat 26.3 B: 30M ratings in 790 MB), so a file of
 * longer lines goes distributed a little early rather than late.
 */
export const DEFAULT_THRESHOLDS: EngineThresholds = { aboveRatings: 50_000_000, aboveBytes: 1_000_000_000 };

export interface EngineChoice {
  engine: Engine;
  reason: string;
}

/**
 * The engine for a run. `unavailable` says why the state machine cannot take this run
 * (no state machine configured, a model it does not train...), if it cannot: `auto` then
 * stays single, a `distributed` setting is refused.
 */
export function chooseEngine(setting: EngineSetting, size: SourceSize | undefined, thresholds: EngineThresholds, unavailable?: string): EngineChoice {
  if (setting === 'single') return { engine: 'single', reason: 'trainEngine is single' };
  if (setting === 'distributed') {
    if (unavailable) throw new TrainConfigError(`trainEngine is distributed, but ${unavailable}`);
    return { engine: 'distributed', reason: 'trainEngine is distributed' };
  }
  if (!size) throw new TrainConfigError('trainEngine auto needs the size of the source');
  const limit = size.unit === 'ratings' ? thresholds.aboveRatings : thresholds.aboveBytes;
  const measured = `${size.value} ${size.unit} (${size.basis})`;
  if (size.value <= limit) return { engine: 'single', reason: `${measured} is within ${limit} ${size.unit}` };
  if (unavailable) return { engine: 'single', reason: `${measured} is above ${limit} ${size.unit}, but ${unavailable}` };
  return { engine: 'distributed', reason: `${measured} is above ${limit} ${size.unit}` };
}

/** A whole number >= 1 from the environment, or undefined when unset or empty. */
export function envPositiveInteger(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) throw new TrainConfigError(`${name} must be a whole number >= 1, got "${raw}"`);
  return value;
}

export function parseEngineSetting(value: unknown, what: string): EngineSetting {
  if (value === undefined || value === '') return 'auto';
  if (typeof value === 'string' && (ENGINE_SETTINGS as readonly string[]).includes(value)) return value as EngineSetting;
  throw new TrainConfigError(`${what} must be one of ${ENGINE_SETTINGS.join(', ')}, got ${JSON.stringify(value)}`);
}

/** TRAIN_ENGINE (default auto), DISTRIBUTED_ABOVE_RATINGS and DISTRIBUTED_ABOVE_BYTES, as serverless.yml sets them. */
export function engineSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): { setting: EngineSetting; thresholds: EngineThresholds } {
  return {
    setting: parseEngineSetting(env.TRAIN_ENGINE, 'TRAIN_ENGINE'),
    thresholds: {
      aboveRatings: envPositiveInteger(env, 'DISTRIBUTED_ABOVE_RATINGS') ?? DEFAULT_THRESHOLDS.aboveRatings,
      aboveBytes: envPositiveInteger(env, 'DISTRIBUTED_ABOVE_BYTES') ?? DEFAULT_THRESHOLDS.aboveBytes,
    },
  };
}
