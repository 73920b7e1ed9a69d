import { createHash, randomBytes } from 'node:crypto';

/**
 * A model version id that sorts by time: `20261125T061500Z-1a2b3c` (UTC second, then
 * 6 random hex digits so two publishes in the same second do not collide).
 */
export function newVersionId(now: Date = new Date()): string {
  return `${stampOf(now)}-${randomBytes(3).toString('hex')}`;
}

/** The same form for one event, the same every time it is delivered: its time, then 6 hex digits of its id's sha256. */
export function versionIdOf(time: Date, eventId: string): string {
  return `${stampOf(time)}-${createHash('sha256').update(eventId).digest('hex').slice(0, 6)}`;
}

const stampOf = (t: Date): string => t.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');

const VERSION_TIME = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z-/;

/** The time encoded in a version id, or undefined for ids not made by newVersionId. */
export function versionTime(version: string): Date | undefined {
  const m = VERSION_TIME.exec(version);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m;
  const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
