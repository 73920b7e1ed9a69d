import type { StoredEvent } from './schema';

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
