import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

/**
 * The recommend Lambda must never bundle training code (workers, SGD kernels, data
 * parsers): only the small fold-in modules it shares with training.
 */
const ALLOWED_MODEL_FILES = new Set([
  'lib/models/ials-fold-in.ts',
  'lib/models/nsvd-user-vector.ts',
  'lib/models/linalg/cholesky.ts',
  'lib/models/linalg/dense.ts',
]);

describe('functions/recommend bundle', () => {
  it('contains no training code', async () => {
    const result = await build({
      entryPoints: ['functions/recommend.ts'],
      bundle: true,
      platform: 'node',
      format: 'esm',
      mainFields: ['module', 'main'],
      write: false,
      metafile: true,
      logLevel: 'silent',
      outdir: 'out',
    });
    const own = Object.keys(result.metafile.inputs).filter((f) => !f.includes('node_modules'));
    expect(own).toContain('lib/serving/model-cache.ts');
    const forbidden = own.filter(
      (f) => (f.startsWith('lib/models/') && !ALLOWED_MODEL_FILES.has(f)) || f.startsWith('lib/data/') || f.startsWith('lib/eval/') || f.startsWith('lib/pipeline/'),
    );
    expect(forbidden).toEqual([]);
  });
});
