import { createHash } from 'node:crypto';
import { describeSyntheticSpec, generateSynthetic } from '../synthetic';
import type { LoadedDataset, SourceContext } from './context';
import { loadLocal } from './local';
import { loadMovieLens } from './movielens';
import { loadS3 } from './s3';
import type { SourceSpec } from './spec';

export { parseSource, withFormat, EXAMPLES, DEFAULT_SYNTHETIC, MOVIELENS_NAMES, type SourceSpec, type MovieLensName } from './spec';
export { GROUPLENS_URL, DEFAULT_CACHE_PREFIX, type SourceContext, type LoadedDataset } from './context';
export { MOVIELENS, LAYOUTS } from './layouts';

/** Loads a data set from any source: MovieLens by name, a local path, an s3:// URL, or the generator. */
export async function loadDataset(spec: SourceSpec, ctx: SourceContext = {}): Promise<LoadedDataset> {
  switch (spec.kind) {
    case 'movielens':
      return loadMovieLens(spec.name, ctx);
    case 'file':
      return loadLocal(spec, ctx);
    case 's3':
      return loadS3(spec, ctx);
    case 'synthetic': {
      const { kind: _kind, ...params } = spec;
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
