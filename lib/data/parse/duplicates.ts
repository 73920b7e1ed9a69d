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
 * One rating per (user, item). Finding repeats costs one counting sort of the item
 * column by user (sequential reads, scattered writes) and a per-user pass with a
 * last-seen-user mark per item; only when there are repeats are their lines found (a
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

/** Keys (user * nItems + item) of the pairs that occur more than once, each once. */
function repeatedPairs({ users, items }: Interactions, nUsers: number, nItems: number): number[] {
  const n = users.length;
  const start = new Int32Array(nUsers + 1);
  for (let r = 0; r < n; r++) start[users[r]! + 1]!++;
  for (let u = 0; u < nUsers; u++) start[u + 1]! += start[u]!;
  const cursor = start.slice(0, nUsers);
  // The item column grouped by user: scattering the values (not positions) keeps the check below sequential.
  const grouped = new Int32Array(n);
  for (let r = 0; r < n; r++) grouped[cursor[users[r]!]!++] = items[r]!;
  const seenBy = new Int32Array(nItems).fill(-1);
  const reported = new Int32Array(nItems).fill(-1);
  const out: number[] = [];
  for (let u = 0; u < nUsers; u++) {
    for (let k = start[u]!; k < start[u + 1]!; k++) {
      const i = grouped[k]!;
      if (seenBy[i] !== u) seenBy[i] = u;
      else if (reported[i] !== u) {
        reported[i] = u;
        out.push(u * nItems + i);
      }
    }
  }
  return out;
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
