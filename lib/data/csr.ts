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
 * Counting sort by row (a stable scatter in data order), then each row sorted by column
 * in place (stable), so every row's columns come out ascending and repeated pairs stay in
 * data order. Data already in column order (a file sorted by user, for the item table)
 * needs no row sorting. Duplicate pairs are kept. An item relabelling (`label[i]` = i's
 * new index), when given, applies to the item side, rows or columns, before the sort.
 */
function groupBy(
  rows: Int32Array,
  cols: Int32Array,
  values: Float32Array,
  size: number,
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
  // Scatter to rows in data order, then sort each row by column, stably: no scratch the size
  // of the data (a two-pass radix sort needs 8 bytes a rating more, 240 MB at 30M ratings).
  for (let r = 0; r < size; r++) {
    const at = cursor[rowOf ? rowOf[rows[r]!]! : rows[r]!]!++;
    outCols[at] = colOf ? colOf[cols[r]!]! : cols[r]!;
    outValues[at] = values[r]!;
  }
  const rowSort = new RowSorter(outCols, outValues);
  const nRows = offsets.length - 1;
  for (let row = 0; row < nRows; row++) rowSort.sort(offsets[row]!, offsets[row + 1]!);
}

/**
 * Stable in-place sorts of ranges of (column, value) pairs by column: insertion sort in
 * runs of RUN, then bottom-up merges through scratch as long as the longest range sorted.
 */
class RowSorter {
  private static readonly RUN = 32;
  private scratchCols = new Int32Array(0);
  private scratchValues = new Float32Array(0);

  constructor(
    private readonly cols: Int32Array,
    private readonly values: Float32Array,
  ) {}

  sort(lo: number, hi: number): void {
    const { cols, values } = this;
    let sorted = true;
    for (let k = lo + 1; k < hi && sorted; k++) sorted = cols[k - 1]! <= cols[k]!;
    if (sorted) return;
    const n = hi - lo;
    const RUN = RowSorter.RUN;
    for (let b = lo; b < hi; b += RUN) insertionSort(cols, values, b, Math.min(b + RUN, hi));
    if (n <= RUN) return;
    if (this.scratchCols.length < n) {
      this.scratchCols = new Int32Array(n);
      this.scratchValues = new Float32Array(n);
    }
    let fromCols: Int32Array = cols;
    let fromValues: Float32Array = values;
    let from = lo;
    let toCols: Int32Array = this.scratchCols;
    let toValues: Float32Array = this.scratchValues;
    let to = 0;
    for (let width = RUN; width < n; width *= 2) {
      for (let s = 0; s < n; s += 2 * width) {
        mergeRuns(fromCols, fromValues, from + s, from + Math.min(s + width, n), from + Math.min(s + 2 * width, n), toCols, toValues, to + s);
      }
      [fromCols, toCols] = [toCols, fromCols];
      [fromValues, toValues] = [toValues, fromValues];
      [from, to] = [to, from];
    }
    if (fromCols !== cols) {
      cols.set(fromCols.subarray(from, from + n), lo);
      values.set(fromValues.subarray(from, from + n), lo);
    }
  }
}

function insertionSort(cols: Int32Array, values: Float32Array, lo: number, hi: number): void {
  for (let k = lo + 1; k < hi; k++) {
    const c = cols[k]!;
    const v = values[k]!;
    let j = k - 1;
    for (; j >= lo && cols[j]! > c; j--) {
      cols[j + 1] = cols[j]!;
      values[j + 1] = values[j]!;
    }
    cols[j + 1] = c;
    values[j + 1] = v;
  }
}

/** Merges sorted [a, mid) and [mid, b) into `to` from `at`; ties take the left run first (stable). */
function mergeRuns(
  cols: Int32Array,
  values: Float32Array,
  a: number,
  mid: number,
  b: number,
  toCols: Int32Array,
  toValues: Float32Array,
  at: number,
): void {
  let i = a;
  let j = mid;
  while (i < mid && j < b) {
    const k = cols[j]! < cols[i]! ? j++ : i++;
    toCols[at] = cols[k]!;
    toValues[at++] = values[k]!;
  }
  for (; i < mid; i++, at++) {
    toCols[at] = cols[i]!;
    toValues[at] = values[i]!;
  }
  for (; j < b; j++, at++) {
    toCols[at] = cols[j]!;
    toValues[at] = values[j]!;
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
 * d.size entries each), as buildUserCsr and buildItemCsr would: the side with more rows
 * (shorter ones, cheaper to sort) from the data, then the other as its transpose, which
 * reads the first in order and needs no sorting (its columns come out ascending, repeated
 * pairs in the first table's order, which is data order).
 */
export function fillCsrPair(d: Dataset, users: CsrArrays, items: CsrArrays, itemLabel?: Int32Array): void {
  if (nUsers(d) >= nItems(d)) {
    groupBy(d.users, d.items, d.ratings, d.size, { cols: itemLabel }, users);
    transposeInto(users, items);
  } else {
    groupBy(d.items, d.users, d.ratings, d.size, { rows: itemLabel }, items);
    transposeInto(items, users);
  }
}

/** `into` (rows = `from`'s columns) as the transpose of `from`, read in order. */
function transposeInto(from: CsrArrays, into: CsrArrays): void {
  const { offsets, cols: outCols, values: outValues } = into;
  const size = from.offsets[from.offsets.length - 1]!;
  offsets.fill(0);
  for (let k = 0; k < size; k++) offsets[from.cols[k]! + 1]!++;
  const cursor = countsToOffsets(offsets);
  const nRows = from.offsets.length - 1;
  for (let r = 0; r < nRows; r++) {
    for (let k = from.offsets[r]!; k < from.offsets[r + 1]!; k++) {
      const at = cursor[from.cols[k]!]!++;
      outCols[at] = r;
      outValues[at] = from.values[k]!;
    }
  }
}

/** Ratings by user (CSR over nUsers(d) rows), item indices (relabelled by `itemLabel` when given) ascending within each user. */
export function buildUserCsr(d: Dataset, itemLabel?: Int32Array): UserCsr {
  const g = csrArrays(nUsers(d), d.size);
  groupBy(d.users, d.items, d.ratings, d.size, { cols: itemLabel }, g);
  return { offsets: g.offsets, items: g.cols, ratings: g.values };
}

/** Ratings by item (CSR over nItems(d) rows, relabelled by `itemLabel` when given), user indices ascending within each item. */
export function buildItemCsr(d: Dataset, itemLabel?: Int32Array): ItemCsr {
  const g = csrArrays(nItems(d), d.size);
  groupBy(d.items, d.users, d.ratings, d.size, { rows: itemLabel }, g);
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
