import { describe, expect, it } from 'vitest';
import { DatasetBuilder } from '../../lib/data/dataset';
import { sampleUsers } from '../../lib/distributed/eval-sample';
import { keys, runPrefix, splitBlocks } from '../../lib/distributed/run-layout';
import { isDistributedStep, parseStepEvent, StepEventError } from '../../lib/distributed/steps';

const RUN = { bucket: 'b', prefix: 'distributed/r1/', iterations: 3, maxConcurrency: 4, blockLists: { users: 'distributed/r1/blocks-users.json', items: 'distributed/r1/blocks-items.json' } };

describe('splitBlocks', () => {
  it('covers every row once, in order, with about equal entries per block', () => {
    const counts = Array.from({ length: 1000 }, (_, r) => (r * 7919) % 50);
    const offsets = new Uint32Array(1001);
    counts.forEach((c, r) => (offsets[r + 1] = offsets[r]! + c));
    const blocks = splitBlocks(offsets, 8);
    expect(blocks).toHaveLength(8);
    expect(blocks[0]!.start).toBe(0);
    expect(blocks.at(-1)!.end).toBe(1000);
    blocks.forEach((b, k) => {
      expect(b.block).toBe(k);
      if (k > 0) expect(b.start).toBe(blocks[k - 1]!.end);
      expect(b.entries).toBe(offsets[b.end]! - offsets[b.start]!);
      expect(Math.abs(b.entries - offsets[1000]! / 8)).toBeLessThan(offsets[1000]! / 8 / 5);
    });
  });

  it('gives every block a row even when one row holds most entries, and no more blocks than rows', () => {
    const offsets = Uint32Array.of(0, 1000, 1001, 1002, 1003);
    const blocks = splitBlocks(offsets, 3);
    expect(blocks.map((b) => [b.start, b.end])).toEqual([[0, 1], [1, 2], [2, 4]]);
    expect(splitBlocks(Uint32Array.of(0, 5, 9), 16)).toHaveLength(2);
  });
});

describe('step events', () => {
  it('reads each mode, and refuses a bad field by name', () => {
    expect(parseStepEvent({ mode: 'distributed-solve', run: RUN, side: 'items', block: 2, iteration: 1 })).toMatchObject({ side: 'items', block: 2 });
    expect(parseStepEvent({ mode: 'distributed-prepare', request: { shards: 16 } })).toMatchObject({ request: { shards: 16, config: {} } });
    expect(parseStepEvent({ mode: 'distributed-finish', run: RUN, iteration: 4, done: true }).mode).toBe('distributed-finish');
    expect(() => parseStepEvent({ mode: 'distributed-solve', run: RUN, side: 'movies', block: 0, iteration: 1 })).toThrow(/side/);
    expect(() => parseStepEvent({ mode: 'distributed-reduce', run: { ...RUN, prefix: 'models/' }, side: 'users', iteration: 1 })).toThrow(StepEventError);
    expect(() => parseStepEvent({ mode: 'distributed-prepare', request: { shards: 0 } })).toThrow(/request\.shards/);
    expect(() => parseStepEvent({ mode: 'distributed-prepare', request: { shards: 2, extra: 1 } })).toThrow(StepEventError);
  });

  it('tells distributed steps from the train and batch modes', () => {
    expect(isDistributedStep({ mode: 'distributed-solve' })).toBe(true);
    for (const e of [{ mode: 'batch' }, {}, null, 'distributed-solve', { 'detail-type': 'Scheduled Event' }]) expect(isDistributedStep(e)).toBe(false);
  });

  it('keeps a run under its own prefix, with keys that sort by iteration and block', () => {
    expect(runPrefix('20261204T010000Z-abc123')).toBe('distributed/20261204T010000Z-abc123/');
    expect(() => runPrefix('../models')).toThrow(RangeError);
    expect(keys.factors('distributed/r/', 'users', 12, 3)).toBe('distributed/r/factors/users/0012/00003.bin');
  });
});

describe('the Promise.withResolvers polyfill (for aws-local-stepfunctions on Node 20)', () => {
  it('gives a promise with its resolve and reject', async () => {
    await import('../../lib/distributed/with-resolvers');
    const P = Promise as unknown as { withResolvers<T>(): { promise: Promise<T>; resolve(v: T): void; reject(e: unknown): void } };
    const a = P.withResolvers<number>();
    a.resolve(3);
    expect(await a.promise).toBe(3);
    const b = P.withResolvers<number>();
    b.reject(new Error('no'));
    await expect(b.promise).rejects.toThrow('no');
  });
});

describe('sampleUsers (the users Finish evaluates on)', () => {
  const part = (() => {
    const b = new DatasetBuilder(64);
    for (let u = 1; u <= 40; u++) for (let i = 1; i <= 1 + (u % 3); i++) b.add(u, i, 3);
    return b.build('validation', { min: 1, max: 5 });
  })();
  const usersOf = (d: typeof part) => new Set(Array.from(d.users));

  it('keeps every rating of the sampled users and nobody else, the same for the same seed', () => {
    const sample = sampleUsers(part, 10, 7);
    const users = usersOf(sample);
    expect(users.size).toBe(10);
    for (const u of users) {
      const all = Array.from(part.users).filter((x) => x === u).length;
      expect(Array.from(sample.users).filter((x) => x === u).length).toBe(all);
    }
    expect(usersOf(sampleUsers(part, 10, 7))).toEqual(users);
    expect(usersOf(sampleUsers(part, 10, 8))).not.toEqual(users);
    expect(sample.userIds).toBe(part.userIds);
  });

  it('is the whole part without a limit, or with one at least its users', () => {
    expect(sampleUsers(part, undefined, 1)).toBe(part);
    expect(sampleUsers(part, 40, 1)).toBe(part);
  });
});
