/**
 * Recall@k of a factor model on held-out interactions, for iALS's learning curve:
 * for each test user (at most maxUsers, evenly spaced), score every item by P[u]·Q[i],
 * skip the user's training items, take the top k and count how many of the user's
 * test items it holds, divided by min(k, |test items|). Scratch is allocated once.
 */
import { buildUserCsr, type UserCsr } from '../../data/csr';
import { nItems, type Dataset } from '../../data/dataset';

export class RecallAtK {
  private readonly users: Int32Array;
  private readonly test: UserCsr;
  private readonly excluded: Uint8Array;
  private readonly relevant: Uint8Array;
  private readonly topScore: Float64Array;
  private readonly topItem: Int32Array;

  constructor(
    private readonly trainOffsets: Uint32Array,
    private readonly trainItems: Int32Array,
    testSet: Dataset,
    private readonly k: number,
    maxUsers: number,
  ) {
    this.test = buildUserCsr(testSet);
    const withTest: number[] = [];
    const nU = Math.min(this.test.offsets.length, trainOffsets.length) - 1;
    for (let u = 0; u < nU; u++) if (this.test.offsets[u + 1]! > this.test.offsets[u]!) withTest.push(u);
    const take = Math.min(withTest.length, Math.max(1, maxUsers));
    this.users = Int32Array.from({ length: take }, (_, j) => withTest[Math.floor((j * withTest.length) / take)]!);
    const nI = nItems(testSet);
    this.excluded = new Uint8Array(nI);
    this.relevant = new Uint8Array(nI);
    this.topScore = new Float64Array(k);
    this.topItem = new Int32Array(k);
  }

  /** Mean recall@k over the sampled users; 0 when there are none. */
  measure(P: Float32Array, Q: Float32Array, dim: number): number {
    const { users, test, excluded, relevant, topScore, topItem, k, trainOffsets, trainItems } = this;
    const nI = Math.min(excluded.length, Math.floor(Q.length / Math.max(dim, 1)));
    let sum = 0;
    for (let j = 0; j < users.length; j++) {
      const u = users[j]!;
      for (let t = trainOffsets[u]!; t < trainOffsets[u + 1]!; t++) excluded[trainItems[t]!] = 1;
      for (let t = test.offsets[u]!; t < test.offsets[u + 1]!; t++) relevant[test.items[t]!] = 1;
      let filled = 0;
      const pOff = u * dim;
      for (let i = 0; i < nI; i++) {
        if (excluded[i]) continue;
        let s = 0;
        const qOff = i * dim;
        for (let a = 0; a < dim; a++) s += P[pOff + a]! * Q[qOff + a]!;
        if (filled === k && s <= topScore[k - 1]!) continue;
        // Insertion into the descending top-k list.
        let at = filled < k ? filled++ : k - 1;
        while (at > 0 && topScore[at - 1]! < s) {
          topScore[at] = topScore[at - 1]!;
          topItem[at] = topItem[at - 1]!;
          at--;
        }
        topScore[at] = s;
        topItem[at] = i;
      }
      let hits = 0;
      for (let r = 0; r < filled; r++) hits += relevant[topItem[r]!]!;
      const nRelevant = test.offsets[u + 1]! - test.offsets[u]!;
      sum += hits / Math.min(k, nRelevant);
      for (let t = trainOffsets[u]!; t < trainOffsets[u + 1]!; t++) excluded[trainItems[t]!] = 0;
      for (let t = test.offsets[u]!; t < test.offsets[u + 1]!; t++) relevant[test.items[t]!] = 0;
    }
    return users.length === 0 ? 0 : sum / users.length;
  }
}
