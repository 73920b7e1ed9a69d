import { buildUserCsr } from '../data/csr';
import type { Dataset } from '../data/dataset';

/** Items each user has rated, as CSR: user u's items are items[offsets[u] .. offsets[u+1]), ascending, no repeats. */
export interface SeenCsr {
  offsets: Uint32Array;
  items: Int32Array;
}

/**
 * Seen items from EVERY rating of the data set (not just a train split), so a
 * recommendation never repeats anything the user rated. A user who rated the same
 * movie twice lists it once: duplicates are squeezed out in place.
 */
export function buildSeenCsr(d: Dataset): SeenCsr {
  const csr = buildUserCsr(d);
  const { offsets, items } = csr;
  const nRows = offsets.length - 1;
  let write = 0;
  let start = offsets[0]!;
  for (let u = 0; u < nRows; u++) {
    const end = offsets[u + 1]!;
    offsets[u] = write;
    let last = -1;
    for (let k = start; k < end; k++) {
      const item = items[k]!;
      if (item !== last) items[write++] = item;
      last = item;
    }
    start = end;
  }
  offsets[nRows] = write;
  return { offsets, items: write === items.length ? items : items.subarray(0, write) };
}
