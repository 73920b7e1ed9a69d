import type { StoredEvent } from './schema';
import type { ReadEvent } from './store';

/**
 * The value one event stands for, as the data layer reads an interactions file: its rating
 * when it has one; for implicit feedback without a rating, its event type's weight
 * (--event-weights, 1 for a type not listed or no type); undefined when the data needs a
 * rating and the event has none.
 */
export function eventValue(e: StoredEvent, feedback: 'explicit' | 'implicit', eventWeights?: Readonly<Record<string, number>>): number | undefined {
  if (e.rating !== undefined) return e.rating;
  if (feedback === 'explicit') return undefined;
  return (e.event !== undefined ? eventWeights?.[e.event] : undefined) ?? 1;
}

/** Events by time, then by the object they came in (so a retried read orders them the same). */
export function inTimeOrder(events: readonly ReadEvent[]): ReadEvent[] {
  return [...events].sort((a, b) => a.timestamp - b.timestamp || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** An event as a report quotes it. */
export const describeEvent = (e: StoredEvent): string =>
  JSON.stringify({ userId: e.userId, movieId: e.movieId, rating: e.rating, event: e.event, timestamp: e.timestamp });
