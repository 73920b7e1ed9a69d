import { DataError } from '../errors';
import type { DuplicatePolicy } from './schema';

/** Repeated (user, item) pairs found in one file, and how they were resolved. */
export interface DuplicateReport {
  policy: DuplicatePolicy;
  /** Pairs that occur more than once. */
  pairs: number;
  /** Lines dropped (or merged into their pair's one rating). */
  dropped: number;
  /** The first few pairs, in index terms: resolved to external ids by the caller. */
  examples: Array<{ user: number; item: number; values: number[] }>;
}

export interface Interactions {
  users: Int32Array;
  items: Int32Array;
  ratings: Float32Array;
  times?: Float64Array;
}

const MAX_EXAMPLES = 5;

/**
 * One rating per (user, item). Finding repeats costs a radix pass and a cache-resident
 * bitset check (repeatedPairs); only when there are repeats are their lines found (a
 * sequential pass that looks further only at users with a repeat) and resolved by `policy`: 'last' keeps the
 * latest timestamp (the last in the file when there are no times, or on a tie), 'first'
 * the first, 'mean' and 'max' merge the values, 'error' refuses the file. The kept
 * rating of a pair stays at its first line's place; the arrays are compacted in place.
 * Without repeats they come back untouched.
 */
export function resolveDuplicates(
  data: Interactions,
  nUsers: number,
  nItems: number,
  policy: DuplicatePolicy,
  describe: (user: number, item: number) => string,
): { data: Interactions; report: DuplicateReport } {
  const repeated = repeatedPairs(data, nUsers, nItems);
  if (repeated.length === 0) return { data, report: { policy, pairs: 0, dropped: 0, examples: [] } };
  if (policy === 'error') {
    const [u, i] = [Math.floor(repeated[0]! / nItems), repeated[0]! % nItems];
    throw new DataError(`${describe(u, i)} is rated more than once; pass --duplicates last|first|mean|max to resolve repeated pairs`, undefined, {
      quotesData: true,
    });
  }
  const lines = linesOf(data, nUsers, nItems, repeated);
  const { ratings, times } = data;
  const drop = new Int32Array(lines.start[repeated.length]! - repeated.length);
  let dropped = 0;
  const examples: DuplicateReport['examples'] = [];
  for (let p = 0; p < repeated.length; p++) {
    const at = lines.at.subarray(lines.start[p]!, lines.start[p + 1]!);
    const kept = at[0]!;
    if (examples.length < MAX_EXAMPLES) {
      const key = repeated[p]!;
      examples.push({ user: Math.floor(key / nItems), item: key % nItems, values: Array.from(at.subarray(0, 10), (r) => ratings[r]!) });
    }
    let value = ratings[kept]!;
    let sum = 0;
    let latest = kept;
    for (const r of at) {
      sum += ratings[r]!;
      if (policy === 'max' && ratings[r]! > value) value = ratings[r]!;
      if (r !== kept) {
        drop[dropped++] = r;
        if (!times || !(times[r]! < times[latest]!)) latest = r;
      }
    }
    if (policy === 'last') value = ratings[latest]!;
    else if (policy === 'mean') value = sum / at.length;
    ratings[kept] = value;
    if (times && policy === 'last') times[kept] = times[latest]!;
  }
  return { data: compact(data, drop.sort()), report: { policy, pairs: repeated.length, dropped, examples } };
}

/** A bucket's (user, item) marks fit in 2^22 bits (512 KiB): cache-resident while it is checked. */
const MARK_BITS_LOG2 = 22;
const bitsFor = (n: number): number => Math.max(1, Math.ceil(Math.log2(Math.max(n, 2))));

/**
 * Keys (user * nItems + item) of the pairs that occur more than once, each once.
 *
 * A radix pass groups the lines by bucket of consecutive users (user >>> shift), few
 * enough buckets that the scatter writes a few thousand sequential streams, not one
 * per user; each line is packed as (user's low bits, item) into one int32. Then each
 * bucket is checked against a bitset of its (user, item) pairs, small enough to stay in
 * cache, and cleared by the same values.
 */
function repeatedPairs({ users, items }: Interactions, nUsers: number, nItems: number): number[] {
  const n = users.length;
  const itemBits = bitsFor(nItems);
  const shift = Math.max(0, Math.min(bitsFor(nUsers), MARK_BITS_LOG2 - itemBits));
  const nBuckets = Math.max(1, ((nUsers - 1) >>> shift) + 1);
  const start = new Int32Array(nBuckets + 1);
  for (let r = 0; r < n; r++) start[(users[r]! >>> shift) + 1]!++;
  for (let b = 0; b < nBuckets; b++) start[b + 1]! += start[b]!;
  const cursor = start.slice(0, nBuckets);
  const low = (1 << shift) - 1;
  const packed = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    const u = users[r]!;
    packed[cursor[u >>> shift]!++] = ((u & low) << itemBits) | items[r]!;
  }
  const marks = new Int32Array(Math.max(1, 1 << (shift + itemBits - 5)));
  const itemMask = (1 << itemBits) - 1;
  const found = new Set<number>();
  for (let b = 0; b < nBuckets; b++) {
    const from = start[b]!;
    const to = start[b + 1]!;
    for (let k = from; k < to; k++) {
      const v = packed[k]!;
      const bit = 1 << (v & 31);
      if (marks[v >>> 5]! & bit) found.add(((b << shift) | (v >>> itemBits)) * nItems + (v & itemMask));
      else marks[v >>> 5]! |= bit;
    }
    for (let k = from; k < to; k++) marks[packed[k]! >>> 5] = 0;
  }
  return [...found].sort((x, y) => x - y);
}

/**
 * The lines of each repeated pair, in file order: pair p's are at[start[p] .. start[p+1]).
 * One sequential pass: a line is looked at further only when its user (a bit in a
 * cache-resident set) has a repeated pair, and then only against that user's few
 * repeated items (`keys` is sorted, so a user's are consecutive).
 */
function linesOf({ users, items }: Interactions, nUsers: number, nItems: number, keys: number[]): { at: Int32Array; start: Int32Array } {
  const hasRepeat = new Uint8Array((nUsers >>> 3) + 1);
  const first = new Int32Array(nUsers);
  for (let p = keys.length - 1; p >= 0; p--) {
    const u = Math.floor(keys[p]! / nItems);
    hasRepeat[u >>> 3]! |= 1 << (u & 7);
    first[u] = p;
  }
  let pairOf = new Int32Array(Math.max(16, keys.length * 2));
  let lineOf = new Int32Array(pairOf.length);
  let hits = 0;
  for (let r = 0; r < users.length; r++) {
    const u = users[r]!;
    if (!(hasRepeat[u >>> 3]! & (1 << (u & 7)))) continue;
    const key = u * nItems + items[r]!;
    for (let p = first[u]!; p < keys.length && keys[p]! <= key; p++) {
      if (keys[p] !== key) continue;
      if (hits === pairOf.length) [pairOf, lineOf] = [grow(pairOf), grow(lineOf)];
      pairOf[hits] = p;
      lineOf[hits++] = r;
      break;
    }
  }
  const start = new Int32Array(keys.length + 1);
  for (let h = 0; h < hits; h++) start[pairOf[h]! + 1]!++;
  for (let p = 0; p < keys.length; p++) start[p + 1]! += start[p]!;
  const cursor = start.slice(0, keys.length);
  const at = new Int32Array(hits);
  for (let h = 0; h < hits; h++) at[cursor[pairOf[h]!]!++] = lineOf[h]!;
  return { at, start };
}

const grow = (a: Int32Array): Int32Array<ArrayBuffer> => {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
};

/** The lines not dropped (`drop`: sorted line numbers), moved down in place by runs: views of the same memory, shorter. */
function compact(data: Interactions, drop: Int32Array): Interactions {
  const { users, items, ratings, times } = data;
  const columns = [users, items, ratings, ...(times ? [times] : [])];
  let w = drop[0] ?? users.length;
  for (let d = 0; d < drop.length; d++) {
    const from = drop[d]! + 1;
    const to = drop[d + 1] ?? users.length;
    for (const column of columns) column.copyWithin(w, from, to);
    w += to - from;
  }
  return {
    users: users.subarray(0, w),
    items: items.subarray(0, w),
    ratings: ratings.subarray(0, w),
    ...(times ? { times: times.subarray(0, w) } : {}),
  };
}
