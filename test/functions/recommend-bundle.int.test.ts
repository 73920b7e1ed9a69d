import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

/** The repo's own source files an esbuild bundle of `entry` pulls in. */
async function ownInputs(entry: string): Promise<string[]> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    mainFields: ['module', 'main'],
    write: false,
    metafile: true,
    logLevel: 'silent',
    outdir: 'out',
    external: ['*.wasm'],
  });
  return Object.keys(result.metafile.inputs).filter((f) => !f.includes('node_modules'));
}

/**
 * The recommend Lambda bundles every kind's serving part and no training code: no file
 * that only the training registry reaches (fits, workers, SGD kernels, data parsers),
 * nor evaluation or the pipeline. Serving shares one data module with ingest on purpose:
 * what an id may be (it validates request ids by the same rule).
 */
const SHARED_WITH_INGEST = new Set(['lib/data/external-id.ts']);
describe('functions/recommend bundle', () => {
  it('holds every serving part and nothing only training needs', async () => {
    const [recommend, serving, training] = await Promise.all([
      ownInputs('functions/recommend.ts'),
      ownInputs('lib/models/serving-registry.ts'),
      ownInputs('lib/models/registry.ts'),
    ]);
    expect(recommend).toContain('lib/serving/model-cache.ts');
    // The demo page rides along as strings; its browser code is built into them, not bundled.
    expect(recommend).toContain('lib/http/page/assets.generated.ts');
    expect(recommend.filter((f) => f.startsWith('lib/http/page/src/'))).toEqual([]);
    for (const file of serving) expect(recommend).toContain(file);
    expect(serving.filter((f) => f.endsWith('/serve.ts')).length).toBeGreaterThanOrEqual(6);
    const trainingOnly = new Set(training.filter((f) => !serving.includes(f)));
    expect(trainingOnly.size).toBeGreaterThan(10);
    const forbidden = recommend.filter(
      (f) => !SHARED_WITH_INGEST.has(f) && (trainingOnly.has(f) || f.startsWith('lib/eval/') || f.startsWith('lib/pipeline/')),
    );
    expect(forbidden).toEqual([]);
  });
});
