import { describe, expect, it } from 'vitest';
import { buildUserCsr } from '../../lib/data/csr';
import { generateSynthetic } from '../../lib/data/synthetic';
import type { Contributions } from '../../lib/math/contributions';
import type { Factors, ItemSide } from '../../lib/math/factors';
import { choleskyFactor, choleskySolve } from '../../lib/math/linalg/cholesky';
import { BiasedGram } from '../../lib/math/linalg/normal-equations';
import { dot } from '../../lib/math/scoring';
import { decodeUserPrior } from '../../lib/models/bpmf/fold-in';
import { getModel } from '../../lib/models/registry';
import { implicitTerm } from '../../lib/models/svdpp/implicit-term';
import { itemResiduals } from '../../lib/math/ridge-fold-in';
import { ReasonPicker, MAX_REASONS } from '../../lib/serving/reasons';

/**
 * Scorer.explain, kind by kind: the terms it gives for an item, summed, are what the
 * kind's algebra says they must sum to (the score, or its interaction part p·q_i), for a
 * visitor folded in from a training user's ratings.
 */
const data = generateSynthetic({ users: 120, movies: 80, perUser: 25, seed: 5, mode: 'planted' }).dataset;
const rows = buildUserCsr(data);
const user = 9;
const items = rows.items.slice(rows.offsets[user]!, rows.offsets[user + 1]!);
const ratings = rows.ratings.slice(rows.offsets[user]!, rows.offsets[user + 1]!);

const QUICK: Record<string, Record<string, unknown>> = {
  svd: { dim: 6, epochs: 25, lr: 0.05, reg: 0.01, patience: 100 },
  nsvd: { dim: 6, epochs: 30, lr: 0.02, reg: 0.01, patience: 100 },
  svdpp: { dim: 6, epochs: 10 },
  bpmf: { dim: 4, burnIn: 5, samples: 10 },
  bpmfImplicit: { dim: 4, burnIn: 5, samples: 10, implicit: true },
  ials: { dim: 6, epochs: 4 },
  ease: {},
};

/** Every term, as given. */
class AllTerms implements Contributions {
  readonly terms = new Map<number, number>();
  add(ratedItem: number, contribution: number): void {
    expect(this.terms.has(ratedItem)).toBe(false);
    this.terms.set(ratedItem, contribution);
  }
  get sum(): number {
    let s = 0;
    for (const t of this.terms.values()) s += t;
    return s;
  }
}

async function opened(kind: string, overrides: Record<string, unknown>) {
  const { training, serving } = getModel(kind);
  const params = training.resolve(overrides);
  const { factors } = await training.fit(data, params, { seed: 1, threads: 1 });
  const { P: _p, userBias: _b, nUsers: _n, ...rest } = factors as Factors;
  const side: ItemSide = { ...rest, params };
  return { side, scorer: serving.open(side) };
}

/** The item explained: a few unrated ones, so the check is not one lucky item. */
const unrated = Array.from({ length: data.itemIds.size }, (_, i) => i).filter((i) => !items.includes(i)).slice(0, 8);

const close = (got: number, want: number) => expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(want));

describe.each(Object.keys(QUICK))('%s reasons', (name) => {
  const kind = name === 'bpmfImplicit' ? 'bpmf' : name;

  it('sum to what the algebra says, over the rated items only', async () => {
    const { side, scorer } = await opened(kind, QUICK[name]!);
    const visitor = scorer.foldIn(items, ratings);
    const explainer = scorer.explain!(visitor, ratings);
    const scores = scorer.scoreAll(visitor).slice();
    let largest = 0;
    for (const i of unrated) {
      const all = new AllTerms();
      explainer.explain(i, all);
      expect([...all.terms.keys()].every((j) => items.includes(j))).toBe(true);
      const interaction = kind !== 'ease' && side.dim > 0 ? dot(visitor.vec!, visitor.offset, side.Q, i * side.dim, side.dim) : 0;
      if (kind === 'ease') close(all.sum, scores[i]!);
      else if (kind === 'bpmf') close(all.sum, interaction - bpmfPriorPart(side, i));
      else close(all.sum, interaction);
      // iALS: the score is the interaction (no biases): the HKV terms sum to the fold-in score itself.
      if (kind === 'ials') close(all.sum, scores[i]!);
      largest = Math.max(largest, Math.abs(all.sum));
    }
    expect(largest).toBeGreaterThan(1e-3);
  });

  it('picks at most three, largest share first, shares of the positive total', async () => {
    const { scorer } = await opened(kind, QUICK[name]!);
    const visitor = scorer.foldIn(items, ratings);
    const explainer = scorer.explain!(visitor, ratings);
    const picker = new ReasonPicker();
    const listed = picker.pick(explainer, Int32Array.from(unrated), unrated.length, (j, share) => ({ id: j, title: null, share }));
    expect(listed.length).toBe(unrated.length);
    for (const [n, i] of unrated.entries()) {
      const all = new AllTerms();
      explainer.explain(i, all);
      const positive = [...all.terms.values()].filter((t) => t > 0);
      const total = positive.reduce((a, b) => a + b, 0);
      const reasons = listed[n]!;
      expect(reasons.length).toBe(Math.min(MAX_REASONS, positive.length));
      for (let k = 1; k < reasons.length; k++) expect(reasons[k - 1]!.share).toBeGreaterThanOrEqual(reasons[k]!.share);
      const best = [...all.terms.entries()].sort((a, b) => b[1] - a[1]).slice(0, reasons.length);
      reasons.forEach((r, k) => {
        expect(r.id).toBe(best[k]![0]);
        expect(r.share).toBeCloseTo(best[k]![1] / total, 5);
      });
    }
  });
});

/** BPMF's prior term q_i·(A⁻¹Λμ)[0..dim), A = Λ + α Σ x xᵀ: the part of p·q_i no rated item owns. */
function bpmfPriorPart(side: ItemSide, item: number): number {
  const { dim, Q, Y } = side;
  const K = dim + 1;
  const prior = decodeUserPrior(side);
  const A = Float64Array.from(prior.precision);
  const z = Y ? implicitTerm(Y, dim, items, 0, items.length, new Float32Array(dim)) : undefined;
  new BiasedGram(dim).add(Q, dim, items, itemResiduals(side, items, ratings, z), 0, items.length, prior.noisePrecision, A, new Float64Array(K));
  const rhs = new Float64Array(K);
  for (let a = 0; a < K; a++) for (let c = 0; c < K; c++) rhs[a] += prior.precision[a * K + c]! * prior.mean[c]!;
  choleskyFactor(A, K);
  choleskySolve(A, K, rhs, rhs);
  let s = 0;
  for (let a = 0; a < dim; a++) s += Q[item * dim + a]! * rhs[a]!;
  return s;
}

describe('kinds without reasons', () => {
  it('popularity and baseline have no explain (their ranking is the same for everyone)', () => {
    expect(getModel('popularity').serving.open).toBeDefined();
    for (const kind of ['popularity', 'baseline']) {
      const side = { kind, scoring: 'rating', dim: 0, nItems: 3, mu: 3, scale: { min: 1, max: 5 }, Q: new Float32Array(0), itemBias: new Float32Array(3), foldIn: { regUser: 1 } } as ItemSide;
      expect(getModel(kind).serving.open(side).explain).toBeUndefined();
    }
  });
});
