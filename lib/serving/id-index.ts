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
  /** Whether the model's ids are integers or strings. */
  readonly kind: 'int' | 'string';
  /** Index of an external id, or -1 if the model does not know it (an id of the other kind never matches). */
  indexOf(externalId: number | string): number;
}

type IntIndex = { indexOf(id: number): number };

/** The index of a model's ids: integers as below; string ids by a Map built at load (string-id models only). */
export function buildIdIndex(ids: Int32Array | string[]): IdIndex {
  if (!(ids instanceof Int32Array)) {
    const map = new Map<string, number>();
    ids.forEach((id, i) => map.set(id, i));
    return { kind: 'string', indexOf: (id) => (typeof id === 'string' ? (map.get(id) ?? -1) : -1) };
  }
  const ints = intIndex(ids);
  return { kind: 'int', indexOf: (id) => (typeof id === 'number' ? ints.indexOf(id) : -1) };
}

function intIndex(ids: Int32Array): IntIndex {
  const shift = ids.length ? ids[0]! : 0;
  let general: IntIndex | undefined;
  return {
    indexOf(id: number) {
      // Ids are distinct (interned), so a hit at the guessed index is the answer.
      const guess = id - shift;
      if (Number.isInteger(guess) && guess >= 0 && guess < ids.length && ids[guess] === id) return guess;
      return (general ??= generalIndex(ids)).indexOf(id);
    },
  };
}

function generalIndex(ids: Int32Array): IntIndex {
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

function tableIndex(ids: Int32Array, max: number): IntIndex {
  const table = new Int32Array(max + 1).fill(-1);
  for (let i = 0; i < ids.length; i++) table[ids[i]!] = i;
  return {
    indexOf: (id: number) => (Number.isInteger(id) && id >= 0 && id <= max ? table[id]! : -1),
  };
}

function sortedIndex(ids: Int32Array): IntIndex {
  const order = new Int32Array(ids.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  order.sort((a, b) => ids[a]! - ids[b]!);
  const sorted = new Int32Array(ids.length);
  for (let k = 0; k < order.length; k++) sorted[k] = ids[order[k]!]!;
  return {
    indexOf(id: number) {
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
