import { describe, expect, it } from 'vitest';
import { generateSynthetic } from '../../lib/data/synthetic';
import { better, gridPoints, metricK, nestedTune } from '../../lib/eval/tuning';
import { ModelParamsError } from '../../lib/models/params';
import { getModel, MODEL_KINDS } from '../../lib/models/registry';

describe('gridPoints', () => {
  it('is every combination, first key slowest', () => {
    expect(gridPoints({ a: [1, 2], b: ['x', 'y', 'z'] })).toEqual([
      { a: 1, b: 'x' },
      { a: 1, b: 'y' },
      { a: 1, b: 'z' },
      { a: 2, b: 'x' },
      { a: 2, b: 'y' },
      { a: 2, b: 'z' },
    ]);
    expect(() => gridPoints({ a: [] })).toThrow(/"a" has no values/);
  });

  it('ranks rmse down and ranking metrics up', () => {
    expect(better('rmse', 0.9, 1)).toBe(true);
    expect(better('ndcg@10', 0.9, 1)).toBe(false);
    expect(metricK('ndcg@10')).toBe(10);
    expect(metricK('rmse')).toBeUndefined();
  });

  it('every kind has a grid its own schema accepts', () => {
    for (const kind of MODEL_KINDS) {
      const { training } = getModel(kind);
      for (const point of gridPoints(training.tuning.grid)) expect(() => training.resolve(point)).not.toThrow();
    }
  });
});

describe('nestedTune', () => {
  const data = generateSynthetic({ users: 150, movies: 40, perUser: 12, seed: 2, mode: 'planted' }).dataset;

  it('chooses inside each outer training part and scores once on its test fold', async () => {
    const grid = { regUser: [0, 15, 1000], regItem: [10] };
    const report = await nestedTune(getModel('baseline'), data, { outerFolds: 3, innerFolds: 2, seed: 4, grid });
    expect(report.gridSize).toBe(3);
    expect(report.outer).toHaveLength(3);
    for (const fold of report.outer) {
      expect(grid.regUser).toContain(fold.chosen.regUser);
      expect(fold.outerScore).toBeGreaterThan(0);
    }
    expect(report.final.table).toHaveLength(3);
    const scores = report.final.table.map((r) => r.score);
    expect(report.final.score).toBe(Math.min(...scores));
    // A user-bias penalty of 1000 is all but no user bias: it must lose to a moderate one.
    expect(report.final.best.regUser).not.toBe(1000);
    const mean = report.outer.reduce((s, f) => s + f.outerScore, 0) / 3;
    expect(report.nestedMean).toBeCloseTo(mean, 12);
  });

  it('refuses a grid point the schema does not accept before fitting anything', async () => {
    await expect(nestedTune(getModel('baseline'), data, { outerFolds: 2, innerFolds: 2, seed: 1, grid: { regUsr: [1] } })).rejects.toThrow(
      ModelParamsError,
    );
  });
});
