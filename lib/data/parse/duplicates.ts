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
 * sequential pass with a small bit filter) and resolved by `policy`: 'last' keeps the
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
  const lines = linesOf(data, nItems, repeated);
  const { ratings, times } = data;
  const drop = new Uint8Array(data.users.length);
  let dropped = 0;
  const examples: DuplicateReport['examples'] = [];
  for (const key of repeated) {
    const at = lines.get(key)!;
    const kept = at[0]!;
    if (examples.length < MAX_EXAMPLES) {
      examples.push({ user: Math.floor(key / nItems), item: key % nItems, values: at.slice(0, 10).map((r) => ratings[r]!) });
    }
    let value = ratings[kept]!;
    let sum = 0;
    let latest = kept;
    for (const r of at) {
      sum += ratings[r]!;
      if (policy === 'max' && ratings[r]! > value) value = ratings[r]!;
      if (r !== kept) {
        drop[r] = 1;
        dropped++;
        if (!times || !(times[r]! < times[latest]!)) latest = r;
      }
    }
    if (policy === 'last') value = ratings[latest]!;
    else if (policy === 'mean') value = sum / at.length;
    ratings[kept] = value;
    if (times && policy === 'last') times[kept] = times[latest]!;
  }
  return { data: compact(data, drop), report: { policy, pairs: repeated.length, dropped, examples } };
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

const FILTER_BITS = 1 << 22;
const bitOf = (key: number): number => (Math.imul(key | 0, 0x9e3779b1) ^ Math.imul((key / 4294967296) | 0, 0x85ebca6b)) >>> 10;

/** The lines of each repeated pair, in file order. */
function linesOf({ users, items }: Interactions, nItems: number, keys: number[]): Map<number, number[]> {
  const lines = new Map<number, number[]>(keys.map((k) => [k, []]));
  const filter = new Uint8Array(FILTER_BITS >>> 3);
  for (const key of keys) {
    const b = bitOf(key);
    filter[b >>> 3]! |= 1 << (b & 7);
  }
  for (let r = 0; r < users.length; r++) {
    const key = users[r]! * nItems + items[r]!;
    const b = bitOf(key);
    if (filter[b >>> 3]! & (1 << (b & 7))) lines.get(key)?.push(r);
  }
  return lines;
}

/** The lines not dropped, moved down in place (views of the same memory, shorter). */
function compact(data: Interactions, drop: Uint8Array): Interactions {
  const { users, items, ratings, times } = data;
  let w = 0;
  for (let r = 0; r < users.length; r++) {
    if (drop[r]) continue;
    users[w] = users[r]!;
    items[w] = items[r]!;
    ratings[w] = ratings[r]!;
    if (times) times[w] = times[r]!;
    w++;
  }
  return {
    users: users.subarray(0, w),
    items: items.subarray(0, w),
    ratings: ratings.subarray(0, w),
    ...(times ? { times: times.subarray(0, w) } : {}),
  };
}
