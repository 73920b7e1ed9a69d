import { describe, expect, it } from 'vitest';
import { nItems } from '../../lib/data/dataset';
import { stratifiedSplit } from '../../lib/data/splits';
import { evaluateRanking } from '../../lib/eval/ranking';
import { spdInverse } from '../../lib/math/linalg/spd-inverse';
import { BLOCKED_FROM } from '../../lib/models/ease/blocked-inverse';
import { easeGram, easeWeights } from '../../lib/models/ease/train';
import { ModelParamsError } from '../../lib/models/params';
import { fitModel } from '../helpers/fit';
import { clusteredDataset, datasetOf } from './ials-fixtures';

describe('EASE', () => {
  // users x items: 0 {0, 1}, 1 {1, 2}, 2 {0, 1, 2}; ratings do not matter, only interactions.
  const tiny = datasetOf(
    [
      [0, 0, 5],
      [0, 1, 1],
      [1, 1, 3],
      [1, 2, 4],
      [2, 0, 2],
      [2, 1, 2],
      [2, 2, 2],
    ],
    3,
    3,
  );

  it('builds XᵀX + λI from the binary interactions', () => {
    expect(Array.from(easeGram(tiny, 10))).toEqual([12, 2, 1, 2, 13, 2, 1, 2, 12]);
  });

  it('solves the constrained least squares: B_ij = -P_ij / P_jj with a zero diagonal', () => {
    const n = 3;
    const P = Float64Array.of(4, -1, 0.5, -1, 3, -2, 0.5, -2, 5);
    const B = easeWeights(P, n);
    for (let i = 0; i < n; i++) expect(B[i * n + i]).toBe(0);
    expect(B[0 * n + 1]).toBeCloseTo(1 / 3, 6);
    expect(B[2 * n + 1]).toBeCloseTo(2 / 3, 6);
    expect(B[1 * n + 2]).toBeCloseTo(2 / 5, 6);
  });

  it('fits B = I − P·diag(1/diag P): so (XᵀX + λI)·B equals XᵀX + λI off the diagonal', async () => {
    const reg = 2;
    const { factors } = await fitModel('ease', tiny, { reg });
    const G = easeGram(tiny, reg);
    const n = 3;
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) {
        if (i === j) continue;
        let s = 0;
        for (let k = 0; k < n; k++) s += G[i * n + k]! * factors.Q[k * n + j]!;
        // G B = G - diag(1 / P_jj) (from B = I - P diag(1/P_jj)), so its off-diagonal is G's.
        expect(s).toBeCloseTo(G[i * n + j]!, 4);
      }
    }
    expect(factors).toMatchObject({ kind: 'ease', scoring: 'ranking', dim: 3, nItems: 3 });
  });

  it('fits a catalogue past BLOCKED_FROM to the weights of the plain JS inverse', async () => {
    const data = clusteredDataset(3, { users: 300, clusters: 6, clusterSize: 40, blockbusters: 20, fromGroup: 15, fromBlockbusters: 4 });
    const n = nItems(data);
    expect(n).toBeGreaterThan(BLOCKED_FROM);
    const { factors } = await fitModel('ease', data, { reg: 50 }, { threads: 2 });
    const reference = easeWeights(spdInverse(easeGram(data, 50), n), n);
    let diff = 0;
    let scale = 0;
    for (let k = 0; k < n * n; k++) {
      diff = Math.max(diff, Math.abs(factors.Q[k]! - reference[k]!));
      scale = Math.max(scale, Math.abs(reference[k]!));
    }
    // float32 weights from float64 inverses that agree to ~1e-12
    expect(diff / scale).toBeLessThan(1e-6);
  }, 60_000);

  it('refuses a catalogue above maxItems, saying what it would cost', async () => {
    await expect(fitModel('ease', tiny, { maxItems: 2 })).rejects.toThrow(ModelParamsError);
    await expect(fitModel('ease', tiny, { maxItems: 2 })).rejects.toThrow(/3 items, above maxItems 2.*GiB.*ials/);
  });

  it('ranks clustered tastes far better than popularity', async () => {
    const data = clusteredDataset(2);
    const { train, test } = stratifiedSplit(data, 0.25, 1);
    const ease = evaluateRanking((await fitModel('ease', train)).factors, train, test, 10);
    const popular = evaluateRanking((await fitModel('popularity', train)).factors, train, test, 10);
    expect(ease['ndcg@10']).toBeGreaterThan(popular['ndcg@10'] * 1.3);
  });
});
