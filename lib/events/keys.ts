import { randomUUID } from 'node:crypto';

/**
 * Where posted events live in the model bucket: one object per POST /events call,
 * `events/YYYY/MM/DD/<epoch ms, 13 digits>-<uuid>.jsonl`. Keys sort by the time the call
 * was received, so "everything after key K" is one S3 listing with StartAfter.
 */
export const EVENTS_PREFIX = 'events/';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The key prefix of a moment: every object received at or after `ms` sorts after it. */
export function eventsKeyAt(ms: number): string {
  const d = new Date(ms);
  return `${EVENTS_PREFIX}${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${pad(Math.max(0, Math.floor(ms)), 13)}`;
}

/**
 * How long after its key's time an events object is surely complete: the key is made when
 * the call arrives, the PUT may finish a few seconds later (the events function times out
 * at 6 s), so a reader that took in a newer key could otherwise pass an older one still
 * being written. Readers stop at keys older than this, and the next read starts there.
 */
export const EVENTS_SETTLE_MS = 30_000;

/** A fresh key for one call's events received at `ms`. */
export const newEventsKey = (ms: number): string => `${eventsKeyAt(ms)}-${randomUUID()}.jsonl`;

const KEY = /^events\/\d{4}\/\d{2}\/\d{2}\/(\d{13})-[0-9a-f-]{36}\.jsonl$/;

/** When the object at `key` was received (epoch ms), or undefined for a key that is not an events object. */
export function receivedAt(key: string): number | undefined {
  const m = KEY.exec(key);
  return m ? Number(m[1]) : undefined;
}
