import type { ModelCacheOptions } from './model-cache';

export interface ServiceSettings {
  bucket: string;
  cache: Omit<ModelCacheOptions, 'log' | 'now'>;
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got ${JSON.stringify(raw)}`);
  return value;
}

/** The recommend function's settings from its environment (see functions/recommend.ts). */
export function serviceSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): ServiceSettings {
  const bucket = env.MODEL_BUCKET ?? env.MODELS_BUCKET;
  if (!bucket) throw new Error('MODEL_BUCKET is not set: the recommend function needs the bucket holding models/');
  return {
    bucket,
    cache: {
      refreshSeconds: positive(env, 'MODEL_REFRESH_SECONDS', 60),
      wholeUpToBytes: positive(env, 'MODEL_WHOLE_UP_TO_MB', 64) * 1024 * 1024,
      cacheBytes: positive(env, 'USER_ROW_CACHE_MB', 64) * 1024 * 1024,
    },
  };
}
