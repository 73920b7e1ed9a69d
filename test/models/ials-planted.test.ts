import { describe, expect, it } from 'vitest';
import { stratifiedSplit } from '../../lib/data/splits';
import { generateSynthetic, type SyntheticSpec } from '../../lib/data/synthetic';
import { evaluateRanking } from '../../lib/eval/ranking';
import { getModel } from '../../lib/models/registry';

/**
 * On planted data users pick movies by taste as well as popularity (see
 * lib/data/synthetic/planted.ts), so a personalised ranker has something popularity
 * cannot see. Small enough to train in a few seconds on one thread.
 */
const SPEC: SyntheticSpec = { users: 1500, movies: 400, perUser: 30, seed: 21, mode: 'planted', dim: 2 };

async function recallAt10(kind: string, spec: SyntheticSpec): Promise<{ recall: number; ndcg: number }> {
  const { dataset } = generateSynthetic(spec);
  const { train, test } = stratifiedSplit(dataset, 0.25, 1);
  const model = getModel(kind);
  const { factors } = await model.training.fit(train, model.training.resolve(), { seed: 1, threads: 1 });
  const report = evaluateRanking(factors, train, test, 10);
  return { recall: report['recall@10'], ndcg: report['ndcg@10'] };
}

describe('iALS against popularity on planted synthetic data', () => {
  it('beats popularity clearly when users choose by taste, and it is the taste that does it', async () => {
    const ials = await recallAt10('ials', SPEC);
    const popularity = await recallAt10('popularity', SPEC);
    expect(ials.recall).toBeGreaterThan(popularity.recall * 1.5);
    expect(ials.ndcg).toBeGreaterThan(popularity.ndcg * 1.5);

    // Choice by popularity alone (taste 0, the old generator): popularity is the ideal
    // ranker there, and iALS's edge shrinks to nothing or less.
    const blind = { ...SPEC, taste: 0 };
    const blindIals = await recallAt10('ials', blind);
    const blindPopularity = await recallAt10('popularity', blind);
    expect(blindIals.recall / blindPopularity.recall).toBeLessThan((ials.recall / popularity.recall) / 1.3);
  }, 60_000);
});
