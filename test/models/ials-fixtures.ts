import { DatasetBuilder, type Dataset } from '../../lib/data/dataset';
import { createRng } from '../../lib/data/random';

/**
 * A data set from [user, item, rating] triples over dense indices (external id =
 * index + 1), every user and item interned up front so that index u is user u.
 */
export function datasetOf(triples: ReadonlyArray<readonly [number, number, number]>, nUsers: number, nItems: number): Dataset {
  const b = new DatasetBuilder(Math.max(16, triples.length));
  for (let u = 0; u < nUsers; u++) b.userIds.intern(u + 1);
  for (let i = 0; i < nItems; i++) b.itemIds.intern(i + 1);
  for (const [u, i, r] of triples) b.add(u + 1, i + 1, r);
  return b.build('ials-fixture', { min: 1, max: 5 });
}

/**
 * A planted, clustered interaction set: `blockbusters` items everyone watches now
 * and then (Zipf-weighted, so popularity ranks them first), then `clusters` groups
 * of `clusterSize` items; user u belongs to group u % clusters and rates `fromGroup`
 * distinct items of it plus `fromBlockbusters` blockbusters. Ratings are uniform 1..5.
 * What a user will like next is in their own group, which popularity cannot see.
 */
export function clusteredDataset(seed: number, spec = { users: 200, clusters: 4, clusterSize: 25, blockbusters: 20, fromGroup: 12, fromBlockbusters: 4 }): Dataset {
  const { users, clusters, clusterSize, blockbusters, fromGroup, fromBlockbusters } = spec;
  const rng = createRng(seed);
  const nItems = blockbusters + clusters * clusterSize;
  const triples: Array<[number, number, number]> = [];
  const zipf = Array.from({ length: blockbusters }, (_, j) => 1 / (j + 1));
  const zipfTotal = zipf.reduce((a, b) => a + b, 0);
  for (let u = 0; u < users; u++) {
    const chosen = new Set<number>();
    const groupStart = blockbusters + (u % clusters) * clusterSize;
    while (chosen.size < fromGroup) chosen.add(groupStart + rng.nextInt(clusterSize));
    let picked = 0;
    while (picked < fromBlockbusters) {
      let x = rng.next() * zipfTotal;
      let j = 0;
      while (x > zipf[j]! && j < blockbusters - 1) x -= zipf[j++]!;
      if (!chosen.has(j)) {
        chosen.add(j);
        picked++;
      }
    }
    for (const i of chosen) triples.push([u, i, 1 + rng.nextInt(5)]);
  }
  return datasetOf(triples, users, nItems);
}
