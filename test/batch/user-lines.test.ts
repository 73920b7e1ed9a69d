import { describe, expect, it } from 'vitest';
import { UserLines } from '../../lib/batch/user-lines';
import { TopN } from '../../lib/math/scoring';
import type { ServingModel } from '../../lib/serving/serving-model';

/** Just the ids a line needs of a model. */
const modelWithIds = (userIds: Int32Array | string[], itemIds: Int32Array | string[]) => ({ artifacts: { userIds, itemIds } }) as unknown as ServingModel;

function heapOf(pairs: Array<[number, number]>): { heap: TopN; count: number } {
  const heap = new TopN(pairs.length);
  for (const [item, score] of pairs) heap.offer(item, Math.fround(score));
  return { heap, count: heap.sortDescending() };
}

describe('UserLines', () => {
  it('writes one JSON line per user, best first, ids as numbers for an integer-id model', () => {
    const lines = new UserLines(modelWithIds(Int32Array.from([40, 41]), Int32Array.from([7, 8, 9])));
    const { heap, count } = heapOf([[0, 3.5], [2, 4.25], [1, -0.1]]);
    const line = lines.line(1, heap, count);
    expect(line).toBe('{"userId":41,"items":[9,7,8],"scores":[4.25,3.5,-0.1]}\n');
  });

  it('quotes string ids as JSON, whatever they hold', () => {
    const lines = new UserLines(modelWithIds(['u "one"'], ['m\\1', 'ünï']));
    const { heap, count } = heapOf([[0, 1], [1, 2]]);
    expect(JSON.parse(lines.line(0, heap, count))).toEqual({ userId: 'u "one"', items: ['ünï', 'm\\1'], scores: [2, 1] });
  });

  it('writes an empty list when nothing passes', () => {
    const lines = new UserLines(modelWithIds(Int32Array.from([1]), Int32Array.from([1])));
    expect(lines.line(0, new TopN(5), 0)).toBe('{"userId":1,"items":[],"scores":[]}\n');
  });
});
