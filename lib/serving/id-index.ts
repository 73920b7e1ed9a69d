/**
 * External id -> dense index, O(1) or O(log n) per lookup.
 *
 * Ids are usually the indices plus a constant (interned in the order 1..n), so a lookup
 * first tries index `id - ids[0]` and checks it with one read: no pass over the ids at
 * load, which for a million users is several milliseconds of a cold start. Only a
 * lookup that misses builds the general index, once: dense-ish ids get a flat
 * Int32Array table; sparse ids get a sorted copy searched by bisection, so a million
 * users index in a few milliseconds without a Map of a million entries.
 */
const MAX_TABLE = 1 << 26;

export interface IdIndex {
  /** Index of an external id, or -1 if the model does not know it. */
  indexOf(externalId: number): number;
}

export function buildIdIndex(ids: Int32Array): IdIndex {
  const shift = ids.length ? ids[0]! : 0;
  let general: IdIndex | undefined;
  return {
    indexOf(id) {
      // Ids are distinct (interned), so a hit at the guessed index is the answer.
      const guess = id - shift;
      if (Number.isInteger(guess) && guess >= 0 && guess < ids.length && ids[guess] === id) return guess;
      return (general ??= generalIndex(ids)).indexOf(id);
    },
  };
}

function generalIndex(ids: Int32Array): IdIndex {
  let max = -1;
  let min = 0;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (id > max) max = id;
    if (id < min) min = id;
  }
  if (min >= 0 && max < MAX_TABLE && max < 4 * ids.length + (1 << 20)) return tableIndex(ids, max);
  return sortedIndex(ids);
}

function tableIndex(ids: Int32Array, max: number): IdIndex {
  const table = new Int32Array(max + 1).fill(-1);
  for (let i = 0; i < ids.length; i++) table[ids[i]!] = i;
  return {
    indexOf: (id) => (Number.isInteger(id) && id >= 0 && id <= max ? table[id]! : -1),
  };
}

function sortedIndex(ids: Int32Array): IdIndex {
  const order = new Int32Array(ids.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  order.sort((a, b) => ids[a]! - ids[b]!);
  const sorted = new Int32Array(ids.length);
  for (let k = 0; k < order.length; k++) sorted[k] = ids[order[k]!]!;
  return {
    indexOf(id) {
      let lo = 0;
      let hi = sorted.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const v = sorted[mid]!;
        if (v === id) return order[mid]!;
        if (v < id) lo = mid + 1;
        else hi = mid - 1;
      }
      return -1;
    },
  };
}
