import { describe, expect, it } from 'vitest';
import { DatasetBuilder, type Dataset } from '../../lib/data/dataset';
import { parseRatingsBuffer } from '../../lib/data/parse';
import { mergeEvents } from '../../lib/events/merge';
import type { ReadEvent } from '../../lib/events/store';

/** user 1 rated movies 10 (4) and 11 (2); user 2 rated 10 (5). Newest timestamp 1000. */
function base(): Dataset {
  const b = new DatasetBuilder(8);
  b.add(1, 10, 4);
  b.add(1, 11, 2);
  b.add(2, 10, 5);
  return b.build('base', { min: 1, max: 5 });
}

const ev = (userId: number | string, movieId: number | string, timestamp: number, extra: Partial<ReadEvent> = {}): ReadEvent => ({
  userId,
  movieId,
  timestamp,
  key: `events/2026/12/04/${String(timestamp).padStart(13, '0')}-00000000-0000-0000-0000-000000000000.jsonl`,
  ...extra,
});

const valueOf = (d: Dataset, user: number, movie: number): number | undefined => {
  const u = d.userIds.index(user);
  const i = d.itemIds.index(movie);
  for (let r = 0; r < d.size; r++) if (d.users[r] === u && d.items[r] === i) return d.ratings[r];
  return undefined;
};

describe('merging posted events into a training data set', () => {
  it('drops events not newer than the data set, adds new users and movies, counts everything', () => {
    const events = [ev(1, 12, 900, { rating: 5 }), ev(1, 12, 1000, { rating: 5 }), ev(3, 99, 1001, { rating: 3 }), ev(2, 11, 1002, { rating: 1 })];
    const { dataset, report } = mergeEvents(base(), events, { newerThan: 1000, policy: 'last', objects: 2, through: events[3]!.key });
    expect(report).toMatchObject({ objects: 2, read: 4, merged: 2, dropped: { older: 2, malformed: 0 }, newerThan: 1000, through: events[3]!.key });
    expect(dataset.size).toBe(5);
    expect(valueOf(dataset, 1, 12)).toBeUndefined();
    expect(valueOf(dataset, 3, 99)).toBe(3);
    expect(valueOf(dataset, 2, 11)).toBe(1);
  });

  it('resolves a re-rated pair by the duplicates policy: last lets the event win, first keeps the file, mean and max merge', () => {
    const events = [ev(1, 10, 2000, { rating: 1 }), ev(1, 10, 2001, { rating: 2 })];
    expect(valueOf(mergeEvents(base(), events, { policy: 'last' }).dataset, 1, 10)).toBe(2);
    expect(valueOf(mergeEvents(base(), events, { policy: 'first' }).dataset, 1, 10)).toBe(4);
    expect(valueOf(mergeEvents(base(), events, { policy: 'max' }).dataset, 1, 10)).toBe(4);
    expect(valueOf(mergeEvents(base(), events, { policy: 'mean' }).dataset, 1, 10)).toBeCloseTo(7 / 3);
    const merged = mergeEvents(base(), events, { policy: 'last' });
    expect(merged.dataset.size).toBe(3);
    expect(merged.report.duplicates).toMatchObject({ policy: 'last', pairs: 1, dropped: 2 });
    expect(() => mergeEvents(base(), events, { policy: 'error' })).toThrow(/more than once/);
  });

  it('keeps the latest event by its timestamp, not by the order it was read in', () => {
    const events = [ev(1, 10, 3001, { rating: 5 }), ev(1, 10, 3000, { rating: 1 })];
    expect(valueOf(mergeEvents(base(), events, { policy: 'last' }).dataset, 1, 10)).toBe(5);
  });

  it('drops events an explicit data set cannot take, with examples; counts malformed lines read', () => {
    const events = [ev(1, 12, 1, { event: 'view' }), ev(1, 13, 1, { rating: 9 }), ev('u1', 13, 1, { rating: 3 })];
    const { report } = mergeEvents(base(), events, { policy: 'last', malformed: { count: 1, examples: ['events/x.jsonl:2: {oops'] } });
    expect(report.merged).toBe(0);
    expect(report.read).toBe(4);
    expect(report.dropped).toEqual({ older: 0, malformed: 1, noRating: 1, outsideScale: 1, wrongIdKind: 1 });
    expect(report.examples[0]).toBe('events/x.jsonl:2: {oops');
    expect(report.examples.join('\n')).toMatch(/no rating[\s\S]*outside the scale[\s\S]*numbers/);
  });

  it('gives implicit events without a rating their event type weight', () => {
    const implicit = parseRatingsBuffer(Buffer.from('user,item,event\n1,10,view\n1,11,cart\n'), { header: true, eventWeights: { view: 1, cart: 3 } }).dataset;
    expect(implicit.feedback).toBe('implicit');
    const events = [ev(1, 12, 1, { event: 'cart' }), ev(2, 10, 1, { event: 'unknown' }), ev(2, 11, 1)];
    const { dataset, report } = mergeEvents(implicit, events, { policy: 'last', eventWeights: { view: 1, cart: 3 } });
    expect(report.merged).toBe(3);
    expect(valueOf(dataset, 1, 12)).toBe(3);
    expect(valueOf(dataset, 2, 10)).toBe(1);
    expect(valueOf(dataset, 2, 11)).toBe(1);
  });
});
