import type { Dataset } from '../data/dataset';
import type { ExternalId } from '../data/external-id';
import type { Ids } from '../data/id-map';
import { resolveDuplicates, type DuplicateReport } from '../data/parse/duplicates';
import type { DuplicatePolicy } from '../data/parse/schema';
import type { ReadEvent } from './store';
import { describeEvent, eventValue, inTimeOrder } from './values';

/** What merging posted events into a training data set did; in the run report. */
export interface EventsMergeReport {
  /** Event objects and lines read from events/. */
  objects: number;
  read: number;
  merged: number;
  dropped: { older: number; malformed: number; noRating: number; outsideScale: number; wrongIdKind: number };
  /** Quoted bad lines and why others were dropped (a few). */
  examples: string[];
  /** The data set's own newest timestamp (Unix seconds) events had to be newer than; absent when it has none. */
  newerThan?: number;
  /** Repeated (user, item) pairs after the merge, resolved by the duplicates policy. */
  duplicates: DuplicateReport;
  /** Where the read of events/ stopped: a refresh of the model trained on this starts after it. */
  through?: string;
}

export interface MergeOptions {
  /** Events at or before this Unix time are older than the data set and dropped. */
  newerThan?: number;
  policy: DuplicatePolicy;
  eventWeights?: Readonly<Record<string, number>>;
  /** Events read from S3 that did not parse (counted, quoted). */
  malformed?: { count: number; examples: string[] };
  objects?: number;
  through?: string;
}

const MAX_EXAMPLES = 5;

function internAs(ids: Ids, id: ExternalId): number | undefined {
  if (ids.kind === 'int') return typeof id === 'number' ? ids.intern(id) : undefined;
  return typeof id === 'string' ? ids.intern(id) : undefined;
}

/**
 * The data set with the posted events appended (newer than its own newest timestamp,
 * values as eventValue reads them, new users and movies added to its id maps), then one
 * value per (user, item) by the duplicates policy. The events come after the file's lines
 * and in time order, so `last` lets an event override an older rating and `first` keeps
 * the file's. Nothing is dropped silently: every skipped event is counted by reason.
 */
export function mergeEvents(d: Dataset, events: readonly ReadEvent[], options: MergeOptions): { dataset: Dataset; report: EventsMergeReport } {
  const feedback = d.feedback ?? 'explicit';
  const dropped = { older: 0, malformed: options.malformed?.count ?? 0, noRating: 0, outsideScale: 0, wrongIdKind: 0 };
  const examples = [...(options.malformed?.examples ?? [])].slice(0, MAX_EXAMPLES);
  const note = (why: string, e: ReadEvent) => {
    if (examples.length < MAX_EXAMPLES) examples.push(`${why}: ${describeEvent(e)}`);
  };
  const ordered = inTimeOrder(events);
  const users: number[] = [];
  const items: number[] = [];
  const values: number[] = [];
  for (const e of ordered) {
    if (options.newerThan !== undefined && e.timestamp <= options.newerThan) {
      dropped.older++;
      continue;
    }
    const value = eventValue(e, feedback, options.eventWeights);
    if (value === undefined) {
      dropped.noRating++;
      note('no rating for explicit data', e);
      continue;
    }
    if (feedback === 'explicit' && (value < d.scale.min || value > d.scale.max)) {
      dropped.outsideScale++;
      note(`outside the scale ${d.scale.min}..${d.scale.max}`, e);
      continue;
    }
    const u = internAs(d.userIds, e.userId);
    const i = u === undefined ? undefined : internAs(d.itemIds, e.movieId);
    if (u === undefined || i === undefined) {
      dropped.wrongIdKind++;
      note(`ids must be ${d.userIds.kind === 'int' ? 'numbers' : 'strings'} for this data set`, e);
      continue;
    }
    users.push(u);
    items.push(i);
    values.push(value);
  }
  const report = (duplicates: DuplicateReport): EventsMergeReport => ({
    objects: options.objects ?? 0,
    read: events.length + (options.malformed?.count ?? 0),
    merged: users.length,
    dropped,
    examples,
    ...(options.newerThan !== undefined ? { newerThan: options.newerThan } : {}),
    duplicates,
    ...(options.through ? { through: options.through } : {}),
  });
  // Nothing to merge: the data set as it is (its parser already applied the policy to its own pairs).
  if (users.length === 0) return { dataset: d, report: report({ policy: options.policy, pairs: 0, dropped: 0, examples: [] }) };
  const n = d.size + users.length;
  const all = { users: new Int32Array(n), items: new Int32Array(n), ratings: new Float32Array(n) };
  all.users.set(d.users);
  all.items.set(d.items);
  all.ratings.set(d.ratings);
  all.users.set(users, d.size);
  all.items.set(items, d.size);
  all.ratings.set(values, d.size);
  const { data, report: duplicates } = resolveDuplicates(all, d.userIds.size, d.itemIds.size, options.policy, (u, i) => `user ${d.userIds.external(u)}, movie ${d.itemIds.external(i)} (with posted events)`);
  const dataset: Dataset = { ...d, size: data.users.length, users: data.users, items: data.items, ratings: data.ratings };
  return { dataset, report: report(duplicates) };
}
