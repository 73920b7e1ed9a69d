import { DataError } from '../errors';

/**
 * How much one run may read, each a named setting (environment, in MB or ratings) with a
 * clear error when passed: a zip bomb, an endless download or an absurd synthetic size
 * stops the run instead of the machine.
 */
export interface DataLimits {
  /** DATA_MAX_DOWNLOAD_MB (default 4096): a MovieLens download. */
  downloadBytes: number;
  /** DATA_MAX_INFLATED_MB (default 16384): the ratings entry of a zip, inflated. */
  inflatedBytes: number;
  /** DATA_MAX_ITEMS_FILE_MB (default 256): a catalogue or items file (held whole). */
  itemsFileBytes: number;
  /** DATA_MAX_SYNTHETIC_RATINGS (default 200,000,000): users x ratings per user of generated data. */
  syntheticRatings: number;
}

const MB = 1024 * 1024;

const SETTINGS = {
  downloadBytes: ['DATA_MAX_DOWNLOAD_MB', 4096, MB],
  inflatedBytes: ['DATA_MAX_INFLATED_MB', 16_384, MB],
  itemsFileBytes: ['DATA_MAX_ITEMS_FILE_MB', 256, MB],
  syntheticRatings: ['DATA_MAX_SYNTHETIC_RATINGS', 200_000_000, 1],
} as const satisfies Record<keyof DataLimits, readonly [string, number, number]>;

export function limitsFromEnv(env: NodeJS.ProcessEnv = process.env): DataLimits {
  const out = {} as DataLimits;
  for (const [key, [name, fallback, unit]] of Object.entries(SETTINGS) as [keyof DataLimits, (typeof SETTINGS)[keyof DataLimits]][]) {
    const raw = env[name];
    const value = raw === undefined || raw === '' ? fallback : Number(raw);
    if (!Number.isFinite(value) || value <= 0) throw new DataError(`${name} must be a positive number, got "${raw}"`);
    out[key] = value * unit;
  }
  return out;
}

/** The setting that names a limit, for messages. */
export const limitName = (key: keyof DataLimits): string => SETTINGS[key][0];

/** Passes chunks through, failing once more than `max` bytes came (`what` says what, `limit` which setting). */
export async function* capped(chunks: AsyncIterable<Uint8Array>, max: number, what: string, limit: keyof DataLimits): AsyncGenerator<Uint8Array> {
  let total = 0;
  for await (const chunk of chunks) {
    total += chunk.length;
    if (total > max) {
      throw new DataError(`${what} is larger than ${Math.round(max / MB)} MB; raise ${limitName(limit)} if it really is that big`);
    }
    yield chunk;
  }
}
