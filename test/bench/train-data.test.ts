import { describe, expect, it } from 'vitest';
import { parseTrainArgs } from '../../scripts/bench/train';
import { loadTrainData, trainDataArgs } from '../../scripts/bench/support/train-data';

describe('a training bench data set', () => {
  it.each([
    [['--users', '300', '--movies', '40', '--per-user', '5', '--seed', '9']],
    [['--input', 'ratings.dat']],
    [['--shape', 'ml20m']],
  ])('is selected again in a child by the flags trainDataArgs gives and the seed (%j)', (flags) => {
    const o = parseTrainArgs(flags);
    const again = parseTrainArgs([...trainDataArgs(o), '--seed', String(o.seed)]);
    for (const key of ['input', 'shape', 'users', 'movies', 'perUser', 'seed'] as const) expect(again[key]).toEqual(o[key]);
  });

  it('regenerates the same synthetic ratings from those flags', async () => {
    const o = parseTrainArgs(['--users', '200', '--movies', '30', '--per-user', '4', '--seed', '3']);
    const [a, b] = [await loadTrainData(o), await loadTrainData(parseTrainArgs([...trainDataArgs(o), '--seed', '3']))];
    expect(a.size).toBe(800);
    expect(b.users).toEqual(a.users);
    expect(b.items).toEqual(a.items);
    expect(b.ratings).toEqual(a.ratings);
  });
});
