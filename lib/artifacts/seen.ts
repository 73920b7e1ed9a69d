import { buildUserCsr } from '../data/csr';
import type { Dataset } from '../data/dataset';

/**
 * Items each user has rated, as CSR: user u's items are items[offsets[u] .. offsets[u+1]),
 * ascending, no repeats, with the user's rating of each at the same index of `ratings`.
 */
export interface SeenCsr {
  offsets: Uint32Array;
  items: Int32Array;
  ratings: Float32Array;
}

/**
 * Seen items from EVERY rating of the data set (not just a train split), so a
 * recommendation never repeats anything the user rated. A user who rated the same
 * movie twice lists it once, with the rating that comes last in the data set's order
 * (ingest's duplicates policy has usually left one already): duplicates are squeezed
 * out in place.
 */
export function buildSeenCsr(d: Dataset): SeenCsr {
  const csr = buildUserCsr(d);
  const { offsets, items, ratings } = csr;
  const nRows = offsets.length - 1;
  let write = 0;
  let start = offsets[0]!;
  for (let u = 0; u < nRows; u++) {
    const end = offsets[u + 1]!;
    offsets[u] = write;
    let last = -1;
    for (let k = start; k < end; k++) {
      const item = items[k]!;
      // The CSR keeps a row's duplicates in data order, so a repeat overwrites with the later rating.
      if (item === last) ratings[write - 1] = ratings[k]!;
      else {
        items[write] = item;
        ratings[write++] = ratings[k]!;
      }
      last = item;
    }
    start = end;
  }
  offsets[nRows] = write;
  const squeezed = write !== items.length;
  return { offsets, items: squeezed ? items.subarray(0, write) : items, ratings: squeezed ? ratings.subarray(0, write) : ratings };
}
