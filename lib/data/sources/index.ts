import { createHash } from 'node:crypto';
import { DataError } from '../errors';
import { describeSyntheticSpec, generateSynthetic } from '../synthetic';
import type { LoadedDataset, SourceContext } from './context';
import { limitsFromEnv } from './limits';
import { openLocal } from './local';
import { openMovieLens } from './movielens';
import { pickEntries } from './pick';
import { readPicked } from './read';
import { openS3 } from './s3';
import type { SourceSpec } from './spec';

export { parseSource, withFormat, EXAMPLES, DEFAULT_SYNTHETIC, MOVIELENS_NAMES, type SourceSpec, type MovieLensName } from './spec';
export { GROUPLENS_URL, DEFAULT_CACHE_PREFIX, type SourceContext, type LoadedDataset } from './context';
export { MOVIELENS, LAYOUTS } from './layouts';

/**
 * Loads a data set from any source: MovieLens by name, a local path, an s3:// URL, or
 * the generator. Every stored source goes one way: open (local.ts, s3.ts,
 * movielens.ts) -> pick the entries to read (pick.ts: unzip, format, catalogue) ->
 * read (read.ts: parse with the schema).
 */
export async function loadDataset(spec: SourceSpec, ctx: SourceContext = {}): Promise<LoadedDataset> {
  const limits = ctx.limits ?? limitsFromEnv();
  switch (spec.kind) {
    case 'movielens':
      return readPicked(pickEntries(await openMovieLens(spec.name, { ...ctx, limits }), limits), ctx);
    case 'file':
      return readPicked(pickEntries(await openLocal(spec), limits), ctx);
    case 's3':
      return readPicked(pickEntries(await openS3(spec, ctx), limits), ctx);
    case 'synthetic': {
      const { kind: _kind, ...params } = spec;
      const ratings = (params.users ?? 0) * (params.perUser ?? 0);
      if (ratings > limits.syntheticRatings) {
        throw new DataError(`synthetic data of ${ratings} ratings is more than DATA_MAX_SYNTHETIC_RATINGS (${limits.syntheticRatings})`);
      }
      const { dataset, bestRmse } = generateSynthetic(params);
      const source = describeSyntheticSpec(params);
      return {
        dataset,
        source,
        sha256: createHash('sha256').update(source).digest('hex'),
        bad: { count: 0, examples: [] },
        lines: dataset.size,
        ...(bestRmse !== undefined ? { bestRmse } : {}),
      };
    }
  }
}
