import { describe, expect, it } from 'vitest';
import { eventsKeyAt, newEventsKey, receivedAt } from '../../lib/events/keys';
import { EventsInputError, validateEvents } from '../../lib/events/schema';
import { keysMatch, keyVerdict } from '../../lib/events/api-key';

const NOW = 1_800_000_000;
const bad = (body: unknown, scale?: { min: number; max: number }) => {
  try {
    validateEvents(body, { now: NOW, ...(scale ? { scale } : {}) });
  } catch (err) {
    if (err instanceof EventsInputError) return err;
    throw err;
  }
  throw new Error('expected an EventsInputError');
};

describe('POST /events validation', () => {
  it('takes numeric and string ids, fills the timestamp with the time of receipt, keeps rating and event', () => {
    const events = validateEvents(
      [
        { userId: 40, movieId: 1, rating: 4.5 },
        { userId: 'u-7', movieId: 'sku-1', event: 'purchase', timestamp: 1_700_000_000 },
      ],
      { now: NOW, scale: { min: 1, max: 5 } },
    );
    expect(events).toEqual([
      { userId: 40, movieId: 1, rating: 4.5, timestamp: NOW },
      { userId: 'u-7', movieId: 'sku-1', event: 'purchase', timestamp: 1_700_000_000 },
    ]);
  });

  it('names the first bad entry and its field', () => {
    const e = bad([{ userId: 1, movieId: 2 }, { userId: 1, movieId: -3 }, { userId: 'x' }]);
    expect(e.index).toBe(1);
    expect(e.field).toBe('movieId');
    expect(e.message).toMatch(/^events\[1\]\.movieId: /);
    expect(bad([{ userId: 1, movieId: 2, stars: 5 }])).toMatchObject({ index: 0, field: 'stars' });
    expect(bad([{ userId: 1, movieId: 2, event: 'a b' }])).toMatchObject({ index: 0, field: 'event' });
    expect(bad([{ userId: 1, movieId: 2, timestamp: 1.5 }])).toMatchObject({ index: 0, field: 'timestamp' });
    expect(bad([{ userId: '', movieId: 2 }])).toMatchObject({ index: 0, field: 'userId' });
    // A little clock skew is fine; a timestamp well in the future is not.
    expect(validateEvents([{ userId: 1, movieId: 2, timestamp: NOW + 60 }], { now: NOW })[0]!.timestamp).toBe(NOW + 60);
    expect(bad([{ userId: 1, movieId: 2, timestamp: NOW + 3600 }])).toMatchObject({ index: 0, field: 'timestamp', message: expect.stringMatching(/in the future/) });
  });

  it("checks ratings against the live model's scale when there is one", () => {
    expect(bad([{ userId: 1, movieId: 2, rating: 3 }, { userId: 1, movieId: 3, rating: 6 }], { min: 1, max: 5 })).toMatchObject({ index: 1, field: 'rating' });
    expect(validateEvents([{ userId: 1, movieId: 2, rating: 6 }], { now: NOW })).toHaveLength(1);
  });

  it('takes 1 to 100 events, as an array', () => {
    const one = { userId: 1, movieId: 2 };
    expect(validateEvents(Array(100).fill(one), { now: NOW })).toHaveLength(100);
    expect(bad(Array(101).fill(one)).message).toMatch(/at most 100/);
    expect(bad([]).message).toMatch(/no events/);
    expect(bad(one).message).toMatch(/JSON array/);
  });
});

describe('events keys', () => {
  it('sort by time of receipt and carry it', () => {
    const a = newEventsKey(Date.UTC(2026, 11, 4, 1, 2, 3));
    const b = newEventsKey(Date.UTC(2026, 11, 4, 1, 2, 4));
    expect(a).toMatch(/^events\/2026\/12\/04\/\d{13}-[0-9a-f-]{36}\.jsonl$/);
    expect(a < b).toBe(true);
    expect(receivedAt(a)).toBe(Date.UTC(2026, 11, 4, 1, 2, 3));
    expect(eventsKeyAt(Date.UTC(2026, 11, 4, 1, 2, 3)) < a).toBe(true);
    expect(eventsKeyAt(Date.UTC(2026, 11, 4, 1, 2, 3, 1)) > a).toBe(true);
  });
});

describe('the API key check', () => {
  it('accepts only the exact key', () => {
    expect(keysMatch('secret-key', 'secret-key')).toBe(true);
    expect(keysMatch('secret-kez', 'secret-key')).toBe(false);
    expect(keysMatch('secret-key-longer', 'secret-key')).toBe(false);
    expect(keysMatch('', '')).toBe(false);
    expect(keyVerdict(undefined, 'k')).toBe('missing');
    expect(keyVerdict('', 'k')).toBe('missing');
    expect(keyVerdict('j', 'k')).toBe('invalid');
    expect(keyVerdict('k', 'k')).toBe('valid');
  });
});
