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
 * Two-pass counting sort (an LSD radix sort on (row, column)): the ratings are first
 * moved into column order (their rows and values, read in data order), then scattered
 * to their rows in that order, so every row's columns come out ascending in
 * O(size + rows + columns) with no comparison sort and every read sequential. Data
 * already in column order (a file sorted by user, for the item table) is scattered
 * straight away, with no scratch. Duplicate pairs are kept. An item relabelling (`label[i]` = i's
 * new index), when given, applies to the item side, rows or columns, before the sort.
 */
function groupBy(
  rows: Int32Array,
  cols: Int32Array,
  values: Float32Array,
  size: number,
  nCols: number,
  label: { rows?: Int32Array; cols?: Int32Array },
  into: CsrArrays,
): void {
  const rowOf = label.rows;
  const colOf = label.cols;
  const { offsets, cols: outCols, values: outValues } = into;
  offsets.fill(0);
  for (let r = 0; r < size; r++) offsets[(rowOf ? rowOf[rows[r]!]! : rows[r]!) + 1]!++;
  const cursor = countsToOffsets(offsets);

  let inColumnOrder = true;
  for (let r = 1, last = -1; r <= size && inColumnOrder; r++) {
    const c = colOf ? colOf[cols[r - 1]!]! : cols[r - 1]!;
    inColumnOrder = last <= c;
    last = c;
  }
  if (inColumnOrder) {
    for (let r = 0; r < size; r++) {
      const at = cursor[rowOf ? rowOf[rows[r]!]! : rows[r]!]!++;
      outCols[at] = colOf ? colOf[cols[r]!]! : cols[r]!;
      outValues[at] = values[r]!;
    }
    return;
  }
  const colStart = new Uint32Array(nCols + 1);
  for (let r = 0; r < size; r++) colStart[(colOf ? colOf[cols[r]!]! : cols[r]!) + 1]!++;
  const next = countsToOffsets(colStart);
  const byColRow = new Int32Array(size);
  const byColValue = new Float32Array(size);
  for (let r = 0; r < size; r++) {
    const at = next[colOf ? colOf[cols[r]!]! : cols[r]!]!++;
    byColRow[at] = rowOf ? rowOf[rows[r]!]! : rows[r]!;
    byColValue[at] = values[r]!;
  }
  for (let c = 0; c < nCols; c++) {
    for (let k = colStart[c]!; k < colStart[c + 1]!; k++) {
      const at = cursor[byColRow[k]!]!++;
      outCols[at] = c;
      outValues[at] = byColValue[k]!;
    }
  }
}

/** Turns per-row counts at offsets[row + 1] into offsets in place; returns each row's write cursor (its start). */
function countsToOffsets(offsets: Uint32Array): Uint32Array {
  const nRows = offsets.length - 1;
  for (let u = 0; u < nRows; u++) offsets[u + 1]! += offsets[u]!;
  return offsets.slice(0, nRows);
}

/** The arrays of a CSR table, to fill in place: offsets (rows + 1), then one column and value per entry. */
export interface CsrArrays {
  offsets: Uint32Array;
  cols: Int32Array;
  values: Float32Array;
}

const csrArrays = (rows: number, size: number): CsrArrays => ({
  offsets: new Uint32Array(rows + 1),
  cols: new Int32Array(size),
  values: new Float32Array(size),
});

/**
 * Fills both tables in place (`users`: nUsers(d) + 1 offsets, `items`: nItems(d) + 1,
 * d.size entries each), as buildUserCsr and buildItemCsr would: the item table from the
 * data, then the user table as its transpose, which reads the item table in order and
 * needs no scratch (items come out ascending in each user's row because they are read so).
 */
export function fillCsrPair(d: Dataset, users: CsrArrays, items: CsrArrays, itemLabel?: Int32Array): void {
  groupBy(d.items, d.users, d.ratings, d.size, nUsers(d), { rows: itemLabel }, items);
  const { offsets, cols: outCols, values: outValues } = users;
  offsets.fill(0);
  for (let k = 0; k < d.size; k++) offsets[items.cols[k]! + 1]!++;
  const cursor = countsToOffsets(offsets);
  const nI = items.offsets.length - 1;
  for (let i = 0; i < nI; i++) {
    for (let k = items.offsets[i]!; k < items.offsets[i + 1]!; k++) {
      const at = cursor[items.cols[k]!]!++;
      outCols[at] = i;
      outValues[at] = items.values[k]!;
    }
  }
}

/** Ratings by user (CSR over nUsers(d) rows), item indices (relabelled by `itemLabel` when given) ascending within each user. */
export function buildUserCsr(d: Dataset, itemLabel?: Int32Array): UserCsr {
  const g = csrArrays(nUsers(d), d.size);
  groupBy(d.users, d.items, d.ratings, d.size, nItems(d), { cols: itemLabel }, g);
  return { offsets: g.offsets, items: g.cols, ratings: g.values };
}

/** Ratings by item (CSR over nItems(d) rows, relabelled by `itemLabel` when given), user indices ascending within each item. */
export function buildItemCsr(d: Dataset, itemLabel?: Int32Array): ItemCsr {
  const g = csrArrays(nItems(d), d.size);
  groupBy(d.items, d.users, d.ratings, d.size, nUsers(d), { rows: itemLabel }, g);
  return { offsets: g.offsets, users: g.cols, ratings: g.values };
}

/**
 * Items from most to least rated (ties by index): `order[n]` is the n-th item,
 * `label[i]` item i's place in that order.
 */
export function itemsByPopularity(d: Dataset): { order: Int32Array; label: Int32Array } {
  const n = nItems(d);
  const counts = new Uint32Array(n);
  for (let r = 0; r < d.size; r++) counts[d.items[r]!]!++;
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => counts[b]! - counts[a]! || a - b);
  const label = new Int32Array(n);
  for (let k = 0; k < n; k++) label[order[k]!] = k;
  return { order, label };
}
