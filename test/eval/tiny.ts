import { DatasetBuilder, selectDataset, type Dataset } from '../../lib/data/dataset';

/**
 * A tiny data set from [user, item, rating] triples over dense ids 0..nUsers-1 and
 * 0..nItems-1 (external id = index + 100), every id interned up front so the index of
 * user u is u and of item i is i.
 */
export function tinyDataset(
  triples: ReadonlyArray<readonly [number, number, number]>,
  nUsers: number,
  nItems: number,
  scale = { min: 1, max: 5 },
): Dataset {
  const b = new DatasetBuilder(16);
  for (let u = 0; u < nUsers; u++) b.userIds.intern(100 + u);
  for (let i = 0; i < nItems; i++) b.itemIds.intern(100 + i);
  for (const [u, i, r] of triples) b.add(100 + u, 100 + i, r);
  return b.build('tiny', scale);
}

/** The ratings at the given positions as a split sharing the ids. */
export const part = (d: Dataset, positions: number[]): Dataset => selectDataset(d, positions);
