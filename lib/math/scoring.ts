import type { RatingScale } from '../data/dataset';
import type { UserState } from './factors';

/**
 * Scoring shared by serving and evaluation, so the offline numbers describe the
 * service: score(u, i) = (f32(mu + b_u) + b_i) + p_u·q_i in float32, the dot product in
 * scoreDot's order, which the WebAssembly scan (wasm-item-scores.ts) follows too, so
 * either gives the same scores bit for bit. Nothing here allocates per item.
 */
export interface ScoringModel {
  scoring: 'rating' | 'ranking';
  dim: number;
  nItems: number;
  mu: number;
  scale: RatingScale;
  Q: Float32Array;
  itemBias?: Float32Array;
}

/** p·q in double precision, for what is not a score (norms, cosines, fold-in residuals); scores use scoreDot. */
export function dot(a: Float32Array, aOffset: number, b: Float32Array, bOffset: number, dim: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let f = 0;
  for (; f + 3 < dim; f += 4) {
    s0 += a[aOffset + f]! * b[bOffset + f]!;
    s1 += a[aOffset + f + 1]! * b[bOffset + f + 1]!;
    s2 += a[aOffset + f + 2]! * b[bOffset + f + 2]!;
    s3 += a[aOffset + f + 3]! * b[bOffset + f + 3]!;
  }
  for (; f < dim; f++) s0 += a[aOffset + f]! * b[bOffset + f]!;
  return s0 + s1 + s2 + s3;
}

const f32 = Math.fround;

/**
 * p·q in float32, in the one order every scoring path uses: lane j (0..3) sums the
 * products of dimensions f ≡ j (mod 4) in turn, then (lane0 + lane1) + (lane2 + lane3).
 * These are the operations of an f32x4 loop over rows zero-padded to a multiple of 4.
 */
export function scoreDot(a: Float32Array, aOffset: number, b: Float32Array, bOffset: number, dim: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let f = 0;
  for (; f + 3 < dim; f += 4) {
    s0 = f32(s0 + f32(a[aOffset + f]! * b[bOffset + f]!));
    s1 = f32(s1 + f32(a[aOffset + f + 1]! * b[bOffset + f + 1]!));
    s2 = f32(s2 + f32(a[aOffset + f + 2]! * b[bOffset + f + 2]!));
    s3 = f32(s3 + f32(a[aOffset + f + 3]! * b[bOffset + f + 3]!));
  }
  if (f < dim) s0 = f32(s0 + f32(a[aOffset + f]! * b[bOffset + f]!));
  if (f + 1 < dim) s1 = f32(s1 + f32(a[aOffset + f + 1]! * b[bOffset + f + 1]!));
  if (f + 2 < dim) s2 = f32(s2 + f32(a[aOffset + f + 2]! * b[bOffset + f + 2]!));
  return f32(f32(s0 + s1) + f32(s2 + s3));
}

/** The part of every score of a user that does not depend on the item: f32(mu + b_u). */
export const scoreBase = (mu: number, userBias: number): number => f32(mu + userBias);

/** One score from its parts, in float32: (base + b_i) + p_u·q_i. */
const combine = (base: number, itemBias: number, dotProduct: number): number => f32(f32(base + itemBias) + dotProduct);

export function clip(value: number, scale: RatingScale): number {
  return value < scale.min ? scale.min : value > scale.max ? scale.max : value;
}

/**
 * The model's score for one user (given as a factor row and a bias) and item.
 * Rating models clip to the rating scale, as a prediction should.
 */
export function scoreItem(
  m: ScoringModel,
  userVec: Float32Array | undefined,
  userOffset: number,
  userBias: number,
  item: number,
): number {
  const d = userVec && m.dim > 0 ? scoreDot(userVec, userOffset, m.Q, item * m.dim, m.dim) : 0;
  const s = combine(scoreBase(m.mu, userBias), m.itemBias ? m.itemBias[item]! : 0, d);
  return m.scoring === 'rating' ? clip(s, m.scale) : s;
}

/** Predicted rating of a known user for an item, from full factors. */
export function predictRating(
  m: ScoringModel & { P?: Float32Array; userBias?: Float32Array },
  user: number,
  item: number,
): number {
  return scoreItem(m, m.P, user * m.dim, m.userBias ? m.userBias[user]! : 0, item);
}

/**
 * A bounded min-heap keeping the n best (item, score) pairs seen so far.
 * Preallocated once and reused: reset() before each list.
 */
export class TopN {
  readonly items: Int32Array;
  readonly scores: Float32Array;
  private count = 0;

  constructor(readonly capacity: number) {
    this.items = new Int32Array(capacity);
    this.scores = new Float32Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  reset(): void {
    this.count = 0;
  }

  /** The score an item must beat to enter a full heap. */
  get threshold(): number {
    return this.count < this.capacity ? -Infinity : this.scores[0]!;
  }

  offer(item: number, score: number): void {
    if (this.count < this.capacity) {
      let i = this.count++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (this.scores[parent]! <= score) break;
        this.items[i] = this.items[parent]!;
        this.scores[i] = this.scores[parent]!;
        i = parent;
      }
      this.items[i] = item;
      this.scores[i] = score;
    } else if (score > this.scores[0]!) {
      this.siftDown(item, score, this.count);
    }
  }

  /**
   * Sorts the kept pairs best first in place (heap order is lost) and returns how many
   * there are: items[0..size) and scores[0..size).
   */
  sortDescending(): number {
    const n = this.count;
    // Heap sort on the min-heap: repeatedly move the minimum to the end.
    for (let end = n - 1; end > 0; end--) {
      const minItem = this.items[0]!;
      const minScore = this.scores[0]!;
      this.siftDown(this.items[end]!, this.scores[end]!, end);
      this.items[end] = minItem;
      this.scores[end] = minScore;
    }
    return n;
  }

  private siftDown(item: number, score: number, size: number): void {
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= size) break;
      const right = left + 1;
      const child = right < size && this.scores[right]! < this.scores[left]! ? right : left;
      if (this.scores[child]! >= score) break;
      this.items[i] = this.items[child]!;
      this.scores[i] = this.scores[child]!;
      i = child;
    }
    this.items[i] = item;
    this.scores[i] = score;
  }
}

/**
 * The factor models' score of every item for one user, in one pass over the item rows:
 * out[i] = (f32(mu + b_u) + b_i) + p_u·q_i (unclipped; selectTopN clips rating models).
 * The reference the WebAssembly scan equals, and its fallback.
 */
export function scoreAllFactors(m: ScoringModel, user: UserState, out: Float32Array): void {
  const { dim, Q, itemBias, nItems } = m;
  const base = scoreBase(m.mu, user.bias);
  const vec = user.vec;
  const useFactors = vec !== undefined && dim > 0;
  for (let i = 0; i < nItems; i++) {
    out[i] = combine(base, itemBias ? itemBias[i]! : 0, useFactors ? scoreDot(vec, user.offset, Q, i * dim, dim) : 0);
  }
}

/**
 * Fills `heap` with the best of scores[0..nItems), skipping `seen` (item indices sorted
 * ascending: one merge pointer, no set) and items `allowed` marks 0 (a filter, inside the
 * pass, so n come back whenever n pass), and clips the kept scores to `clipTo` when given
 * (rating models). Returns the number kept, sorted best first in heap.items / heap.scores.
 */
export function selectTopN(
  scores: Float32Array,
  nItems: number,
  heap: TopN,
  seen?: Int32Array,
  clipTo?: RatingScale,
  allowed?: Uint8Array,
): number {
  heap.reset();
  let next = 0;
  const seenCount = seen ? seen.length : 0;
  const { capacity } = heap;
  for (let i = 0; i < nItems; i++) {
    const score = scores[i]!;
    // Most items cannot enter the full heap (offer would drop them): the one test they need.
    if (heap.size === capacity && !(score > heap.scores[0]!)) continue;
    if (allowed && allowed[i] === 0) continue;
    if (next < seenCount) {
      while (next < seenCount && seen![next]! < i) next++;
      if (next < seenCount && seen![next] === i) continue;
    }
    heap.offer(i, score);
  }
  const n = heap.sortDescending();
  if (clipTo) for (let k = 0; k < n; k++) heap.scores[k] = clip(heap.scores[k]!, clipTo);
  return n;
}

/** Euclidean norm of every item row (for cosine similarity); compute once per model. */
export function itemNorms(m: Pick<ScoringModel, 'Q' | 'dim' | 'nItems'>): Float32Array {
  const norms = new Float32Array(m.nItems);
  for (let i = 0; i < m.nItems; i++) norms[i] = Math.sqrt(dot(m.Q, i * m.dim, m.Q, i * m.dim, m.dim));
  return norms;
}

/**
 * The n items whose factor rows are closest in cosine to `item`'s (itself and items
 * `allowed` marks 0 excluded). Returns the count kept, sorted best first in heap.items / heap.scores.
 */
export function similarItems(
  m: Pick<ScoringModel, 'Q' | 'dim' | 'nItems'>,
  norms: Float32Array,
  item: number,
  heap: TopN,
  allowed?: Uint8Array,
): number {
  heap.reset();
  const { Q, dim, nItems } = m;
  const self = norms[item]!;
  if (dim === 0 || self === 0) return 0;
  for (let i = 0; i < nItems; i++) {
    if (i === item || norms[i] === 0 || (allowed && allowed[i] === 0)) continue;
    heap.offer(i, dot(Q, item * dim, Q, i * dim, dim) / (self * norms[i]!));
  }
  return heap.sortDescending();
}
