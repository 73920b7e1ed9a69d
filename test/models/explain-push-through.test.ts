import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildUserCsr } from '../../lib/data/csr';
import { generateSynthetic } from '../../lib/data/synthetic';
import type { Contributions } from '../../lib/math/contributions';
import type { Factors, ItemSide } from '../../lib/math/factors';
import { FoldInReasons } from '../../lib/math/fold-in-reasons';
import { gram } from '../../lib/math/linalg/dense';
import { PushThroughSolver } from '../../lib/math/linalg/push-through';
import { dot } from '../../lib/math/scoring';
import { foldInNumber } from '../../lib/models/factor-scorer';
import { parseIalsFoldIn } from '../../lib/models/ials/fold-in';
import { IalsReasons } from '../../lib/models/ials/reasons';
import { getModel } from '../../lib/models/registry';
import { implicitTerm } from '../../lib/models/svdpp/implicit-term';
import { MAX_REASONS, ReasonPicker } from '../../lib/serving/reasons';

/**
 * The push-through path of the reasons (fewer ratings than K) against the K x K solve,
 * on the same inputs: the same terms, and the terms still sum to the fold-in score. A
 * visitor with m < K takes the new path, one with m > K the solve. A list's reasons,
 * which the solver reduces to the largest terms itself, are the solve's too.
 */
const data = generateSynthetic({ users: 150, movies: 90, perUser: 30, seed: 11, mode: 'planted' }).dataset;
const rows = buildUserCsr(data);
const user = 4;
const allItems = rows.items.slice(rows.offsets[user]!, rows.offsets[user + 1]!);
const allRatings = rows.ratings.slice(rows.offsets[user]!, rows.offsets[user + 1]!);

const QUICK: Record<string, Record<string, unknown>> = {
  svd: { dim: 16, epochs: 20, lr: 0.05, reg: 0.02, patience: 100 },
  svdpp: { dim: 16, epochs: 8 },
  ials: { dim: 16, epochs: 4 },
};

class AllTerms implements Contributions {
  readonly terms = new Map<number, number>();
  add(ratedItem: number, contribution: number): void {
    this.terms.set(ratedItem, contribution);
  }
  get sum(): number {
    let s = 0;
    for (const t of this.terms.values()) s += t;
    return s;
  }
}

async function opened(kind: string) {
  const { training, serving } = getModel(kind);
  const params = training.resolve(QUICK[kind]!);
  const { factors } = await training.fit(data, params, { seed: 2, threads: 1 });
  const { P: _p, userBias: _b, nUsers: _n, ...rest } = factors as Factors;
  const side: ItemSide = { ...rest, params };
  return { side, scorer: serving.open(side) };
}

/** The kind's explainer forced onto the K x K solve, prepared as its serve.ts prepares it. */
function solved(kind: string, side: ItemSide, items: Int32Array, ratings: Float32Array) {
  const { dim, Q, Y, nItems } = side;
  if (kind === 'ials') {
    const g = new Float64Array(dim * dim);
    gram(Q, nItems, dim, g);
    return new IalsReasons(Q, dim, 'solve').prepare(g, items, ratings, parseIalsFoldIn(side.foldIn));
  }
  const implicit = kind === 'svdpp' ? { z: implicitTerm(Y!, dim, items, 0, items.length, new Float32Array(dim)), norm: 1 / Math.sqrt(items.length) } : undefined;
  return new FoldInReasons(side, 'solve').prepare(items, ratings, { weight: 1, ridge: { reg: foldInNumber(side, 'reg'), regBias: foldInNumber(side, 'regBias') } }, implicit);
}

const explained = Array.from({ length: data.itemIds.size }, (_, i) => i).filter((i) => !allItems.includes(i)).slice(0, 10);

afterEach(() => vi.restoreAllMocks());

describe.each(Object.keys(QUICK))('%s reasons by push-through', (kind) => {
  // K is 17 (svd, svdpp: dim + bias) or 16 (ials): 5 ratings take push-through, 30 the solve.
  it.each([5, 30])('with %i ratings: the terms of the solve (1e-4 relative), summing to the fold-in score', async (m) => {
    expect(allItems.length).toBeGreaterThanOrEqual(30);
    const items = allItems.slice(0, m);
    const ratings = allRatings.slice(0, m);
    const { side, scorer } = await opened(kind);
    const project = vi.spyOn(PushThroughSolver.prototype, 'project');
    const visitor = scorer.foldIn(items, ratings);
    const explainer = scorer.explain!(visitor, ratings);
    const reference = solved(kind, side, items, ratings);
    const scores = scorer.scoreAll(visitor).slice();
    let largest = 0;
    for (const i of explained) {
      const fast = new AllTerms();
      const slow = new AllTerms();
      explainer.explain(i, fast);
      reference.explain(i, slow);
      expect([...fast.terms.keys()].sort()).toEqual([...slow.terms.keys()].sort());
      let scale = 0;
      for (const t of slow.terms.values()) scale = Math.max(scale, Math.abs(t));
      for (const [j, t] of slow.terms) expect(Math.abs(fast.terms.get(j)! - t)).toBeLessThanOrEqual(1e-4 * scale + 1e-9);
      const interaction = dot(visitor.vec!, visitor.offset, side.Q, i * side.dim, side.dim);
      expect(Math.abs(fast.sum - interaction)).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(interaction));
      if (kind === 'ials') expect(Math.abs(fast.sum - scores[i]!)).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(scores[i]!));
      largest = Math.max(largest, Math.abs(fast.sum));
    }
    expect(largest).toBeGreaterThan(1e-3);
    // m < K goes through the push-through solver, m ≥ K never does.
    if (m < side.dim) expect(project).toHaveBeenCalledTimes(explained.length);
    else expect(project).not.toHaveBeenCalled();
  });

  it('with 5 ratings: the reasons of a whole list, reduced by the solver where the terms allow, are those of the solve’s terms', async () => {
    const items = allItems.slice(0, 5);
    const ratings = allRatings.slice(0, 5);
    const { side, scorer } = await opened(kind);
    const reduced = vi.spyOn(PushThroughSolver.prototype, 'largestTerms');
    const visitor = scorer.foldIn(items, ratings);
    const listed = new ReasonPicker().pick(scorer.explain!(visitor, ratings), Int32Array.from(explained), explained.length, (j, share) => ({ id: j, title: null, share }));
    const reference = solved(kind, side, items, ratings);
    let reasons = 0;
    explained.forEach((i, n) => {
      const slow = new AllTerms();
      reference.explain(i, slow);
      const positive = [...slow.terms].filter(([, t]) => t > 0).sort((a, b) => b[1] - a[1]);
      const total = positive.reduce((a, [, t]) => a + t, 0);
      expect(listed[n]!.map((r) => r.id)).toEqual(positive.slice(0, MAX_REASONS).map(([j]) => j));
      listed[n]!.forEach((r, c) => expect(r.share).toBeCloseTo(positive[c]![1] / total, 4));
      reasons += listed[n]!.length;
    });
    expect(reasons).toBeGreaterThan(explained.length);
    // SVD++'s terms carry an implicit part the solver does not see: it adds them one by one.
    expect(reduced).toHaveBeenCalledTimes(kind === 'svdpp' ? 0 : 1);
  });
});
