import { describe, expect, it } from 'vitest';
import { meanRating, nItems, nUsers, type Dataset } from '../../lib/data/dataset';
import { createRng } from '../../lib/data/random';
import * as z from 'zod';
import { crossValidate, holdout, meanOf, stdOf, stratifiedHoldout } from '../../lib/eval/protocols';
import type { FitOptions, TrainingPart } from '../../lib/models/contract';
import { resolver } from '../../lib/models/params';
import { getModel, type RegisteredModel } from '../../lib/models/registry';
import { servingPart } from '../../lib/models/serving-registry';
import { tinyDataset } from './tiny';

function randomData(seed: number, nU = 40, nI = 30, density = 0.4): Dataset {
  const rng = createRng(seed);
  const triples: [number, number, number][] = [];
  for (let u = 0; u < nU; u++) for (let i = 0; i < nI; i++) if (rng.next() < density) triples.push([u, i, 1 + rng.nextInt(5)]);
  return tinyDataset(triples, nU, nI);
}

const pairs = (d: Dataset): string[] => Array.from({ length: d.size }, (_, r) => `${d.users[r]},${d.items[r]}`);

const baseline = getModel('baseline');
const popularity = getModel('popularity');

/** A model that predicts the training mean and records what it was given (served as a baseline). */
function recordingModel(patience: number) {
  const calls: { train: Dataset; test?: Dataset }[] = [];
  const schema = z.object({ patience: z.number().int().min(0) }).strict();
  const training: TrainingPart<typeof schema> = {
    kind: 'baseline',
    schema,
    defaults: { patience },
    resolve: resolver('baseline', schema, { patience }),
    stopsEarly: (p) => p.patience > 0,
    tuning: { metric: 'rmse', grid: { patience: [0, 2] } },
    feedback: ['explicit'],
    async fit(train: Dataset, params, options: FitOptions = {}) {
      calls.push({ train, ...(options.test ? { test: options.test } : {}) });
      const factors = {
        kind: 'baseline',
        scoring: 'rating' as const,
        dim: 0,
        nUsers: nUsers(train),
        nItems: nItems(train),
        mu: meanRating(train),
        scale: train.scale,
        Q: new Float32Array(0),
      };
      return { factors, resolvedParams: params, curve: [] };
    },
  };
  const model: RegisteredModel = { kind: 'baseline', training, serving: servingPart('baseline') };
  return { model, calls };
}

describe('crossValidate', () => {
  const data = randomData(1);

  it('evaluates disjoint folds covering the data, early-stopping sets carved from the training part', async () => {
    const { model, calls } = recordingModel(2);
    const report = await crossValidate(model, data, { folds: 4, seed: 5 });
    expect(report.folds).toHaveLength(4);
    expect(calls).toHaveLength(4);
    const all = pairs(data);
    const evaluated: string[] = [];
    for (const [f, call] of calls.entries()) {
      expect(call.test).toBeDefined();
      const fit = new Set(pairs(call.train));
      const stop = pairs(call.test!);
      expect(stop.some((p) => fit.has(p))).toBe(false);
      const known = new Set([...fit, ...stop]);
      const heldOut = all.filter((p) => !known.has(p));
      expect(heldOut.length).toBe(report.folds[f]!.testSize);
      expect(report.folds[f]!.trainSize).toBe(known.size);
      evaluated.push(...heldOut);
      // the fold's rmse is that of the training mean over exactly the held-out ratings
      const mu = meanRating(call.train);
      const truth = all.map((p, r) => [p, data.ratings[r]!] as const).filter(([p]) => !known.has(p));
      const rmse = Math.sqrt(truth.reduce((s, [, r]) => s + (Math.min(5, Math.max(1, mu)) - r) ** 2, 0) / truth.length);
      expect(report.folds[f]!.metrics['rmse']).toBeCloseTo(rmse, 5);
    }
    expect(evaluated.sort()).toEqual([...all].sort());
  });

  it('passes no early-stopping set to a model without patience, so it fits on the whole training part', async () => {
    const { model, calls } = recordingModel(0);
    const report = await crossValidate(model, data, { folds: 3, seed: 5 });
    for (const [f, call] of calls.entries()) {
      expect(call.test).toBeUndefined();
      expect(call.train.size + report.folds[f]!.testSize).toBe(data.size);
    }
  });

  it('reports the mean of the per-fold metrics and ranking metrics at k', async () => {
    const report = await crossValidate(baseline, data, { folds: 3, seed: 2, k: 5 });
    expect(report.protocol).toBe('kfold');
    expect(report.model).toBe('baseline');
    for (const key of ['rmse', 'mae', 'ndcg@5', 'precision@5', 'recall@5', 'map@5', 'coverage']) {
      const values = report.folds.map((f) => f.metrics[key]!);
      expect(values.every(Number.isFinite)).toBe(true);
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      expect(report.mean[key]).toBeCloseTo(mean, 12);
      expect(report.std[key]).toBeCloseTo(Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length), 12);
    }
    expect(report.fitSeconds).toBeGreaterThanOrEqual(0);
  });

  it('gives the same result for the same seed and rejects fewer than 2 folds', async () => {
    const a = await crossValidate(baseline, data, { folds: 3, seed: 9 });
    const b = await crossValidate(baseline, data, { folds: 3, seed: 9 });
    expect(a.mean).toEqual(b.mean);
    await expect(crossValidate(baseline, data, { folds: 1, seed: 9 })).rejects.toThrow(/folds/);
  });
});

describe('holdout (80/10/10)', () => {
  it('fits on train, early-stops on test and evaluates the untouched validation part', async () => {
    const data = randomData(4, 60, 40);
    const { model, calls } = recordingModel(2);
    const report = await holdout(model, data, { seed: 3 });
    const [{ train, test }] = calls as [{ train: Dataset; test: Dataset }];
    const fit = new Set(pairs(train));
    expect(pairs(test).some((p) => fit.has(p))).toBe(false);
    expect(train.size + test.size + report.folds[0]!.testSize).toBe(data.size);
    expect(train.size / data.size).toBeCloseTo(0.8, 1);
    expect(report.folds[0]!.testSize / data.size).toBeCloseTo(0.1, 1);
    expect(report.mean['rmse']).toBe(report.folds[0]!.metrics['rmse']);
  });
});

describe('stratifiedHoldout', () => {
  it("holds out a share of every user's ratings and scores rankings", async () => {
    const data = randomData(6, 50, 40, 0.5);
    const { model, calls } = recordingModel(0);
    const report = await stratifiedHoldout(model, data, { seed: 1, testRatio: 0.25 });
    const train = calls[0]!.train;
    const known = new Set(pairs(train));
    const heldOutUsers = new Set(pairs(data).filter((p) => !known.has(p)).map((p) => p.split(',')[0]));
    expect(heldOutUsers.size).toBe(50);
    expect(report.folds[0]!.testSize / data.size).toBeCloseTo(0.25, 1);
    expect(report.folds[0]!.metrics['ndcg@10']).toBeGreaterThanOrEqual(0);
    await expect(stratifiedHoldout(model, data, { seed: 1, testRatio: 1 })).rejects.toThrow(/testRatio/);
  });

  it('uses the shrunk item means of popularity for rating metrics', async () => {
    const data = randomData(8);
    const report = await stratifiedHoldout(popularity, data, { seed: 1, testRatio: 0.2 });
    expect(Number.isFinite(report.mean['rmse'])).toBe(true);
    expect(report.mean['precision@10']).toBeGreaterThan(0);
  });
});

describe('meanOf', () => {
  it('averages each key over the records that have it', () => {
    expect(meanOf([{ a: 1, b: 2 }, { a: 3 }])).toEqual({ a: 2, b: 2 });
    expect(stdOf([{ a: 1, b: 2 }, { a: 3 }])).toEqual({ a: 1, b: 0 });
  });
});
