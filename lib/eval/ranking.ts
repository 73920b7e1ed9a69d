/**
 * Top-k ranking metrics with the definitions of the Microsoft Recommenders benchmark
 * (recommenders.evaluation.python_evaluation), binary relevance:
 *
 *   precision@k = hits in the top k / k            (k, even when the list is shorter)
 *   recall@k    = hits in the top k / |relevant|
 *   ndcg@k      = Σ_{hit at rank r ≤ k} 1/log2(r + 1)  /  Σ_{r=1}^{min(k, |relevant|)} 1/log2(r + 1)
 *   map@k       = Σ_{hit at rank r ≤ k} (hits in the top r / r)  /  |relevant|
 *
 * A list whose user has no relevant items scores 0 everywhere; evaluateRanking skips
 * such users (it averages over users with at least one test rating).
 */
import { buildUserCsr } from '../data/csr';
import { nItems, nUsers, type Dataset } from '../data/dataset';
import { trainedUserState, type Factors, type UserState } from '../math/factors';
import { selectTopN, TopN } from '../math/scoring';
import { servingPart } from '../models/serving-registry';

export interface ListScores {
  precision: number;
  recall: number;
  ndcg: number;
  map: number;
}

const discounts: number[] = [];
/** 1 / log2(rank + 1) for a 1-based rank, cached. */
function discount(rank: number): number {
  while (discounts.length <= rank) discounts.push(1 / Math.log2(discounts.length + 1));
  return discounts[rank]!;
}

/**
 * All four scores of one list: the first min(k, length) entries of `recommended`,
 * `isRelevant` telling hits, `nRelevant` the size of the user's relevant set.
 * Writes into `out` (reused by evaluateRanking) and returns it.
 */
export function scoreList(
  recommended: ArrayLike<number>,
  length: number,
  isRelevant: (item: number) => boolean,
  nRelevant: number,
  k: number,
  out: ListScores = { precision: 0, recall: 0, ndcg: 0, map: 0 },
): ListScores {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
  out.precision = out.recall = out.ndcg = out.map = 0;
  if (nRelevant <= 0) return out;
  const n = Math.min(k, length, recommended.length);
  let hits = 0;
  let dcg = 0;
  let precisionSum = 0;
  for (let r = 0; r < n; r++) {
    if (!isRelevant(recommended[r]!)) continue;
    hits++;
    dcg += discount(r + 1);
    precisionSum += hits / (r + 1);
  }
  let idcg = 0;
  const ideal = Math.min(k, nRelevant);
  for (let r = 1; r <= ideal; r++) idcg += discount(r);
  out.precision = hits / k;
  out.recall = hits / nRelevant;
  out.ndcg = dcg / idcg;
  out.map = precisionSum / nRelevant;
  return out;
}

function scoreAgainst(recommended: ArrayLike<number>, relevant: Iterable<number>, k: number): ListScores {
  const set = relevant instanceof Set ? (relevant as ReadonlySet<number>) : new Set(relevant);
  return scoreList(recommended, recommended.length, (item) => set.has(item), set.size, k);
}

export const precisionAtK = (recommended: ArrayLike<number>, relevant: Iterable<number>, k: number): number =>
  scoreAgainst(recommended, relevant, k).precision;
export const recallAtK = (recommended: ArrayLike<number>, relevant: Iterable<number>, k: number): number =>
  scoreAgainst(recommended, relevant, k).recall;
export const ndcgAtK = (recommended: ArrayLike<number>, relevant: Iterable<number>, k: number): number =>
  scoreAgainst(recommended, relevant, k).ndcg;
export const mapAtK = (recommended: ArrayLike<number>, relevant: Iterable<number>, k: number): number =>
  scoreAgainst(recommended, relevant, k).map;

/** Distinct items across all lists / catalogue size. */
export function catalogueCoverage(lists: Iterable<ArrayLike<number>>, nItemsTotal: number): number {
  const seen = new Set<number>();
  for (const list of lists) for (let r = 0; r < list.length; r++) seen.add(list[r]!);
  return nItemsTotal > 0 ? seen.size / nItemsTotal : 0;
}

export type RankingMetric = 'ndcg' | 'precision' | 'recall' | 'map';
export type RankingReport<K extends number = number> = Record<`${RankingMetric}@${K}`, number> & {
  /** Distinct items recommended across the evaluated users / nItems. */
  coverage: number;
  /** Users evaluated: those with at least one test rating. */
  users: number;
};

/**
 * Ranking metrics of the service's own top-k lists: the model kind's serving scorer
 * (what the recommend function runs) scores every item for each user with a test
 * rating, and the k best among the items the user did not rate in `train` are scored
 * against the user's test items (any rating value counts as relevant). Averages over
 * those users. `train` and `test` must share indices.
 */
export function evaluateRanking<K extends number>(
  factors: Factors,
  train: Dataset,
  test: Dataset,
  k: K,
): RankingReport<K> {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
  if (nItems(train) !== factors.nItems || nUsers(test) > factors.nUsers) {
    throw new RangeError(
      `factors (${factors.nUsers} users x ${factors.nItems} items) do not match the data ` +
        `(${nUsers(test)} users x ${nItems(train)} items)`,
    );
  }
  const seen = buildUserCsr(train);
  const relevant = buildUserCsr(test);
  const nI = factors.nItems;
  const scorer = servingPart(factors.kind).open(factors);
  const heap = new TopN(k);
  // relevantOf[item] === current user marks a hit: one store per relevant item, no set.
  const relevantOf = new Int32Array(nI).fill(-1);
  const recommendedOnce = new Uint8Array(nI);
  let user = -1;
  const isRelevant = (item: number): boolean => relevantOf[item] === user;
  const scores: ListScores = { precision: 0, recall: 0, ndcg: 0, map: 0 };
  let sumPrecision = 0;
  let sumRecall = 0;
  let sumNdcg = 0;
  let sumMap = 0;
  let users = 0;
  const nUserRows = relevant.offsets.length - 1;
  const state: UserState = { vec: undefined, offset: 0, bias: 0, seen: new Int32Array(0) };

  for (let u = 0; u < nUserRows; u++) {
    const start = relevant.offsets[u]!;
    const end = relevant.offsets[u + 1]!;
    if (start === end) continue;
    user = u;
    let nRelevant = 0;
    for (let r = start; r < end; r++) {
      const item = relevant.items[r]!;
      if (relevantOf[item] !== u) {
        relevantOf[item] = u;
        nRelevant++;
      }
    }
    trainedUserState(factors, seen, u, state);
    const n = selectTopN(scorer.scoreAll(state), nI, heap, state.seen);
    for (let r = 0; r < n; r++) recommendedOnce[heap.items[r]!] = 1;
    scoreList(heap.items, n, isRelevant, nRelevant, k, scores);
    sumPrecision += scores.precision;
    sumRecall += scores.recall;
    sumNdcg += scores.ndcg;
    sumMap += scores.map;
    users++;
  }

  let covered = 0;
  for (let i = 0; i < nI; i++) covered += recommendedOnce[i]!;
  const mean = (sum: number): number => (users > 0 ? sum / users : 0);
  return {
    [`ndcg@${k}`]: mean(sumNdcg),
    [`precision@${k}`]: mean(sumPrecision),
    [`recall@${k}`]: mean(sumRecall),
    [`map@${k}`]: mean(sumMap),
    coverage: nI > 0 ? covered / nI : 0,
    users,
  } as RankingReport<K>;
}
