import { nItems, nUsers, type Dataset } from './dataset';

/** Ratings grouped by user: user u's items are items[offsets[u] .. offsets[u+1]), ascending. */
export interface UserCsr {
  offsets: Uint32Array;
  items: Int32Array;
  ratings: Float32Array;
}

/** Ratings grouped by item: item i's users are users[offsets[i] .. offsets[i+1]), ascending. */
export interface ItemCsr {
  offsets: Uint32Array;
  users: Int32Array;
  ratings: Float32Array;
}

/**
 * Two-pass counting sort (an LSD radix sort on (row, column)): positions ordered by
 * column first, then stably by row, so every row's columns come out ascending in
 * O(size + rows + columns) with no comparison sort. Duplicate pairs are kept.
 */
function groupBy(
  rows: Int32Array,
  cols: Int32Array,
  values: Float32Array,
  size: number,
  nRows: number,
  nCols: number,
): { offsets: Uint32Array; cols: Int32Array; values: Float32Array } {
  const byCol = new Int32Array(size);
  const colStart = new Uint32Array(nCols + 1);
  for (let r = 0; r < size; r++) colStart[cols[r]! + 1]!++;
  for (let c = 0; c < nCols; c++) colStart[c + 1]! += colStart[c]!;
  for (let r = 0; r < size; r++) byCol[colStart[cols[r]!]!++] = r;

  const offsets = new Uint32Array(nRows + 1);
  for (let r = 0; r < size; r++) offsets[rows[r]! + 1]!++;
  for (let u = 0; u < nRows; u++) offsets[u + 1]! += offsets[u]!;
  const cursor = offsets.slice(0, nRows);
  const outCols = new Int32Array(size);
  const outValues = new Float32Array(size);
  for (let k = 0; k < size; k++) {
    const r = byCol[k]!;
    const at = cursor[rows[r]!]!++;
    outCols[at] = cols[r]!;
    outValues[at] = values[r]!;
  }
  return { offsets, cols: outCols, values: outValues };
}

/** Ratings by user (CSR over nUsers(d) rows), item indices ascending within each user. */
export function buildUserCsr(d: Dataset): UserCsr {
  const g = groupBy(d.users, d.items, d.ratings, d.size, nUsers(d), nItems(d));
  return { offsets: g.offsets, items: g.cols, ratings: g.values };
}

/** Ratings by item (CSR over nItems(d) rows), user indices ascending within each item. */
export function buildItemCsr(d: Dataset): ItemCsr {
  const g = groupBy(d.items, d.users, d.ratings, d.size, nItems(d), nUsers(d));
  return { offsets: g.offsets, users: g.cols, ratings: g.values };
}
