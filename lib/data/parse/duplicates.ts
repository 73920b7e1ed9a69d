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
 * One rating per (user, item): finds repeated pairs in O(size + nUsers + nItems) (a
 * counting sort by user, then a last-seen-user mark per item) and resolves them by
 * `policy`: 'last' keeps the latest timestamp (the last in the file when there are no
 * times or they tie), 'first' the first, 'mean' and 'max' merge the values, 'error'
 * refuses the file. Without duplicates the arrays come back untouched. The kept rating
 * of a pair stays at its first occurrence's place, so file order is kept otherwise.
 */
export function resolveDuplicates(
  data: Interactions,
  nUsers: number,
  nItems: number,
  policy: DuplicatePolicy,
  describe: (user: number, item: number) => string,
): { data: Interactions; report: DuplicateReport } {
  const { users, items, ratings, times } = data;
  const n = users.length;
  const start = new Int32Array(nUsers + 1);
  for (let r = 0; r < n; r++) start[users[r]! + 1]!++;
  for (let u = 0; u < nUsers; u++) start[u + 1]! += start[u]!;
  const byUser = new Int32Array(n);
  const cursor = start.slice(0, nUsers);
  for (let r = 0; r < n; r++) byUser[cursor[users[r]!]!++] = r;

  const markUser = new Int32Array(nItems).fill(-1);
  const keptAt = new Int32Array(nItems);
  let drop: Uint8Array | undefined;
  let merged: Map<number, { sum: number; count: number; values: number[] }> | undefined;
  let pairs = 0;
  let dropped = 0;
  const examples: DuplicateReport['examples'] = [];
  for (let u = 0; u < nUsers; u++) {
    for (let k = start[u]!; k < start[u + 1]!; k++) {
      const r = byUser[k]!;
      const i = items[r]!;
      if (markUser[i] !== u) {
        markUser[i] = u;
        keptAt[i] = r;
        continue;
      }
      // r repeats the pair kept at keptAt[i] (an earlier line: byUser is stable).
      const kept = keptAt[i]!;
      drop ??= new Uint8Array(n);
      merged ??= new Map();
      let group = merged.get(kept);
      if (!group) {
        group = { sum: ratings[kept]!, count: 1, values: [ratings[kept]!] };
        merged.set(kept, group);
        pairs++;
      }
      group.sum += ratings[r]!;
      group.count++;
      if (group.values.length < 10) group.values.push(ratings[r]!);
      if (examples.length < MAX_EXAMPLES && group.count === 2) examples.push({ user: u, item: i, values: group.values });
      if (policy === 'error') {
        throw new DataError(`${describe(u, i)} is rated more than once; pass --duplicates last|first|mean|max to resolve repeated pairs`);
      }
      dropped++;
      drop[r] = 1;
      if (policy === 'last') {
        const later = !times || !(times[r]! < times[kept]!);
        if (later) {
          ratings[kept] = ratings[r]!;
          if (times) times[kept] = times[r]!;
        }
      } else if (policy === 'max') {
        if (ratings[r]! > ratings[kept]!) ratings[kept] = ratings[r]!;
      }
    }
  }
  const report: DuplicateReport = { policy, pairs, dropped, examples };
  if (!drop) return { data, report };
  if (policy === 'mean') for (const [kept, g] of merged!) ratings[kept] = g.sum / g.count;

  const size = n - dropped;
  const out: Interactions = {
    users: new Int32Array(size),
    items: new Int32Array(size),
    ratings: new Float32Array(size),
    ...(times ? { times: new Float64Array(size) } : {}),
  };
  let w = 0;
  for (let r = 0; r < n; r++) {
    if (drop[r]) continue;
    out.users[w] = users[r]!;
    out.items[w] = items[r]!;
    out.ratings[w] = ratings[r]!;
    if (times) out.times![w] = times[r]!;
    w++;
  }
  return { data: out, report };
}
