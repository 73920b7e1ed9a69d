import type { ObjectStore } from '../storage/object-store';
import { EVENTS_PREFIX, EVENTS_SETTLE_MS, eventsKeyAt, newEventsKey } from './keys';
import { StoredEventSchema, toJsonLines, type StoredEvent } from './schema';
import { mapLimit } from '../storage/map-limit';

/** Writes one call's events as one JSON Lines object; resolves only once S3 has it. */
export async function writeEvents(store: ObjectStore, events: readonly StoredEvent[], nowMs: number): Promise<string> {
  const key = newEventsKey(nowMs);
  await store.put(key, toJsonLines(events), 'application/x-ndjson');
  return key;
}

export interface ReadEvent extends StoredEvent {
  /** The object it came from (its key sorts by time of receipt). */
  key: string;
}

export interface EventsRead {
  /** In order of receipt (object key), then line. */
  events: ReadEvent[];
  objects: number;
  /** Where this read stopped: the next read starts after it. */
  through: string;
  bad: { count: number; examples: string[] };
}

const MAX_BAD_EXAMPLES = 5;
/** Event objects are small (at most 100 lines): many GETs in flight, not one after another. */
const GETS_IN_FLIGHT = 16;

/**
 * The event objects under events/ after `afterKey` (from the first without one) and
 * received before `untilMs` (default: EVENTS_SETTLE_MS ago, so none is still being
 * written); malformed lines are counted, not fatal.
 */
export async function readEvents(store: ObjectStore, afterKey?: string, untilMs: number = Date.now() - EVENTS_SETTLE_MS): Promise<EventsRead> {
  const through = eventsKeyAt(untilMs);
  const keys = (await store.list(EVENTS_PREFIX, afterKey))
    .filter((k) => k.endsWith('.jsonl') && k < through)
    .sort();
  const events: ReadEvent[] = [];
  const bad = { count: 0, examples: [] as string[] };
  const bodies = await mapLimit(keys, GETS_IN_FLIGHT, (key) => store.get(key));
  keys.forEach((key, k) => {
    const body = bodies[k];
    if (!body) return;
    const lines = body.toString('utf8').split('\n');
    lines.forEach((line, n) => {
      if (line.trim() === '') return;
      let parsed: ReturnType<typeof StoredEventSchema.safeParse> | undefined;
      try {
        parsed = StoredEventSchema.safeParse(JSON.parse(line));
      } catch {
        parsed = undefined;
      }
      if (parsed?.success) events.push({ ...parsed.data, key } as ReadEvent);
      else {
        bad.count++;
        if (bad.examples.length < MAX_BAD_EXAMPLES) bad.examples.push(`${key}:${n + 1}: ${line.slice(0, 120)}`);
      }
    });
  });
  return { events, objects: keys.length, through, bad };
}
