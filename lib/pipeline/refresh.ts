import * as z from 'zod';
import { loadModelArtifacts, readTyped } from '../artifacts/load';
import { FILES } from '../artifacts/layout';
import { publishRefresh, type UserSide } from '../artifacts/publish-refresh';
import type { Manifest } from '../artifacts/format';
import { readLatest, readManifest } from '../artifacts/versions';
import type { ExternalId } from '../data/external-id';
import { eventsKeyAt } from '../events/keys';
import { readEvents, type ReadEvent } from '../events/store';
import { describeEvent, eventValue, inTimeOrder } from '../events/values';
import type { UserState } from '../math/factors';
import { clip } from '../math/scoring';
import { FoldInError } from '../models/contract';
import { servingPart } from '../models/serving-registry';
import { ServingModel } from '../serving/serving-model';
import type { ObjectStore } from '../storage/object-store';

/**
 * Refresh: the live model taken forward by the events posted since it was made, without
 * retraining (implicit's partial_fit_users). Only the users with new events are re-solved,
 * each by its kind's fold-in (Scorer.foldIn, the serving contract) against the FIXED item
 * side, from the user's old seen items plus the new ones; new users are appended. The new
 * version copies the item files and rewrites the per-user ones (publishRefresh), LATEST last.
 *
 * Stored models keep which items a user saw, not the values: an old item enters the
 * fold-in with the model's own (clipped) prediction for a rating model, which keeps the
 * user where the model had them, and with the training mean `mu` (the typical interaction
 * value) for a ranking model. A posted value replaces it.
 */
export const RefreshRequest = z
  .object({
    /** How repeated (user, movie) events resolve: the latest (default), the first, their mean or max. */
    duplicates: z.enum(['last', 'first', 'mean', 'max']).default('last'),
    /** Weights of implicit event types without a rating (as --event-weights); 1 otherwise. */
    eventWeights: z.record(z.string().min(1), z.number().positive().finite()).optional(),
  })
  .strict();
export type RefreshRequest = z.output<typeof RefreshRequest>;

export interface RefreshResult {
  published: boolean;
  /** Why nothing was published. */
  reason?: string;
  from?: string;
  version?: string;
  events: number;
  users: number;
  newUsers: number;
  dropped: { malformed: number; unknownMovie: number; wrongIdKind: number; outsideScale: number };
  examples: string[];
}

type Log = (message: string, data?: Record<string, unknown>) => void;

/** Where the events not yet in `m` begin: after the newest object it took in, else at the start of its training. */
export function eventsAfter(m: Manifest): string {
  if (m.events?.through) return m.events.through;
  const trainedFor = (m.timings.total ?? 0) * 1000;
  return eventsKeyAt(Date.parse(m.createdAt) - trainedFor);
}

interface PairValue {
  item: number;
  /** Undefined: seen only (an explicit model's event without a rating). */
  value: number | undefined;
}

function resolvePair(values: number[], policy: RefreshRequest['duplicates']): number {
  if (policy === 'first') return values[0]!;
  if (policy === 'last') return values.at(-1)!;
  if (policy === 'max') return Math.max(...values);
  return values.reduce((a, b) => a + b, 0) / values.length;
}

const noOp = (reason: string, extra: Partial<RefreshResult> = {}): RefreshResult => ({
  published: false,
  reason,
  events: 0,
  users: 0,
  newUsers: 0,
  dropped: { malformed: 0, unknownMovie: 0, wrongIdKind: 0, outsideScale: 0 },
  examples: [],
  ...extra,
});

export interface RefreshOptions {
  log?: Log;
  /** Take the events received before this time (epoch ms; default readEvents' settled ones). */
  until?: number;
}

export async function runRefresh(store: ObjectStore, input: unknown = {}, options: RefreshOptions = {}): Promise<RefreshResult> {
  const log = options.log ?? (() => {});
  const request = RefreshRequest.parse(input ?? {});
  const live = await readLatest(store);
  if (!live) return noOp('no model is live');
  const base = await readManifest(store, live);
  const part = servingPart(base.model.kind);
  if (!part.personal) return noOp(`model kind ${base.model.kind} has no personal scores to refresh`, { from: live });

  const after = eventsAfter(base);
  const got = await readEvents(store, after, options.until);
  if (got.events.length === 0) {
    log('refresh: no new events', { from: live, after, malformed: got.bad.count });
    return noOp('no new events', { from: live, dropped: { malformed: got.bad.count, unknownMovie: 0, wrongIdKind: 0, outsideScale: 0 }, examples: got.bad.examples });
  }

  const artifacts = await loadModelArtifacts(store, live, { wholeUpToBytes: Infinity });
  const model = new ServingModel(artifacts, store);
  const { dim, nUsers, scale } = base;
  const rating = base.model.scoring === 'rating';
  const dropped = { malformed: got.bad.count, unknownMovie: 0, wrongIdKind: 0, outsideScale: 0 };
  const examples = [...got.bad.examples];
  const note = (why: string, e: ReadEvent) => examples.length < 5 && examples.push(`${why}: ${describeEvent(e)}`);

  // Per user (external id), per item: the values of their events in time order.
  const byUser = new Map<ExternalId, Map<number, { values: number[]; seenOnly: boolean }>>();
  const ordered = inTimeOrder(got.events);
  for (const e of ordered) {
    if (typeof e.userId !== (model.users.kind === 'int' ? 'number' : 'string')) {
      dropped.wrongIdKind++;
      note('wrong id kind for this model', e);
      continue;
    }
    const item = model.items.indexOf(e.movieId);
    if (item < 0) {
      dropped.unknownMovie++;
      note('movie not in the model', e);
      continue;
    }
    const value = eventValue(e, rating ? 'explicit' : 'implicit', request.eventWeights);
    if (rating && value !== undefined && (value < scale.min || value > scale.max)) {
      dropped.outsideScale++;
      note(`outside the scale ${scale.min}..${scale.max}`, e);
      continue;
    }
    let items = byUser.get(e.userId);
    if (!items) byUser.set(e.userId, (items = new Map()));
    let pair = items.get(item);
    if (!pair) items.set(item, (pair = { values: [], seenOnly: true }));
    if (value !== undefined) {
      pair.values.push(value);
      pair.seenOnly = false;
    }
  }
  if (byUser.size === 0) {
    log('refresh: no usable new events', { from: live, dropped, examples });
    return noOp('no usable new events', { from: live, dropped, examples });
  }

  const P = artifacts.P?.kind === 'whole' ? artifacts.P.data : undefined;
  const userBias = artifacts.userBias?.kind === 'whole' ? artifacts.userBias.data : undefined;
  const seenOffsets = artifacts.seenOffsets.kind === 'whole' ? artifacts.seenOffsets.data : undefined;
  const seenItems = artifacts.seenItems.kind === 'whole' ? artifacts.seenItems.data : undefined;
  if (!seenOffsets || !seenItems) throw new Error(`model ${live}: its seen items did not load whole`);
  const oldSeen = (u: number) => (u < nUsers ? seenItems.subarray(seenOffsets[u]!, seenOffsets[u + 1]!) : new Int32Array(0));
  // Format 3 stores each seen item's rating: the old values fold in as they were rated.
  const storedRatings = artifacts.seenRatings ? await readTyped(store, base, FILES.seenRatings, Float32Array, seenItems.length) : undefined;
  const oldRatings = (u: number) => (u < nUsers && storedRatings ? storedRatings.subarray(seenOffsets[u]!, seenOffsets[u + 1]!) : undefined);
  const oldValue = rating ? undefined : Number.isFinite(base.mu) && base.mu > 0 ? base.mu : 1;

  const newIds: ExternalId[] = [];
  const solved = new Map<number, { state: UserState; seen: Int32Array; ratings: Float32Array }>();
  let addedRatings = 0;
  try {
    for (const [id, items] of byUser) {
      let u = model.users.indexOf(id);
      if (u < 0) {
        u = nUsers + newIds.length;
        newIds.push(id);
      }
      const before = oldSeen(u);
      const beforeRatings = oldRatings(u);
      const pairs = new Map<number, PairValue>();
      let scores: Float32Array | undefined;
      if (before.length && rating && !beforeRatings) {
        scores = model.scorer.scoreAll({ vec: P, offset: u * dim, bias: userBias ? userBias[u]! : 0, seen: before });
      }
      before.forEach((i, k) => pairs.set(i, { item: i, value: beforeRatings ? beforeRatings[k]! : scores ? clip(scores[i]!, scale) : oldValue }));
      for (const [i, pair] of items) {
        if (!pairs.has(i)) addedRatings++;
        if (!pair.seenOnly) pairs.set(i, { item: i, value: resolvePair(pair.values, request.duplicates) });
        else if (!pairs.has(i)) pairs.set(i, { item: i, value: undefined });
      }
      const all = [...pairs.values()].sort((a, b) => a.item - b.item);
      const valued = all.filter((p) => p.value !== undefined);
      const state = model.scorer.foldIn(Int32Array.from(valued, (p) => p.item), Float32Array.from(valued, (p) => p.value!));
      // A seen-only item (an event without a value on a rating model) is stored with the model's own prediction.
      const predicted = valued.length < all.length ? model.scorer.scoreAll(state) : undefined;
      const ratingOf = (p: PairValue): number => p.value ?? clip(predicted![p.item]!, scale);
      // scoreAll's buffer belongs to the scorer: the state's row is copied out below before the next user.
      solved.set(u, {
        state: { ...state, vec: state.vec ? state.vec.slice(state.offset, state.offset + dim) : undefined, offset: 0 },
        seen: Int32Array.from(all, (p) => p.item),
        ratings: Float32Array.from(all, ratingOf),
      });
    }
  } catch (err) {
    if (err instanceof FoldInError) {
      log('refresh: this model cannot fold in users, nothing published', { from: live, kind: base.model.kind, reason: err.message });
      return noOp(`model kind ${base.model.kind} cannot fold in: ${err.message}`, { from: live, dropped, examples });
    }
    throw err;
  }

  const total = nUsers + newIds.length;
  const side: UserSide = {
    nUsers: total,
    dim,
    seen: rebuildSeen(total, oldSeen, storedRatings ? oldRatings : undefined, solved),
    userIds: artifacts.userIds instanceof Int32Array ? Int32Array.from([...artifacts.userIds, ...(newIds as number[])]) : [...artifacts.userIds, ...(newIds as string[])],
  };
  if (P) {
    const next = new Float32Array(total * dim);
    next.set(P);
    for (const [u, { state }] of solved) if (state.vec) next.set(state.vec.subarray(0, dim), u * dim);
    side.P = next;
  }
  if (userBias) {
    const next = new Float32Array(total);
    next.set(userBias);
    for (const [u, { state }] of solved) next[u] = state.bias;
    side.userBias = next;
  }
  const events = got.events.length;
  const manifest = await publishRefresh(store, base, side, { events, users: solved.size, newUsers: newIds.length, through: got.through, addedRatings }, { log });
  const result: RefreshResult = { published: true, from: live, version: manifest.version, events, users: solved.size, newUsers: newIds.length, dropped, examples };
  log('refresh: published', { ...result });
  return result;
}

/**
 * The seen CSR with the re-solved users' lists replaced and new users appended; with
 * their ratings when the base model stored them (without, the new version has none either).
 */
function rebuildSeen(
  total: number,
  oldSeen: (u: number) => Int32Array,
  oldRatings: ((u: number) => Float32Array | undefined) | undefined,
  solved: Map<number, { seen: Int32Array; ratings: Float32Array }>,
): UserSide['seen'] {
  const offsets = new Uint32Array(total + 1);
  for (let u = 0; u < total; u++) offsets[u + 1] = offsets[u]! + (solved.get(u)?.seen ?? oldSeen(u)).length;
  const items = new Int32Array(offsets[total]!);
  const ratings = oldRatings ? new Float32Array(offsets[total]!) : undefined;
  for (let u = 0; u < total; u++) {
    const mine = solved.get(u);
    items.set(mine?.seen ?? oldSeen(u), offsets[u]!);
    ratings?.set(mine?.ratings ?? oldRatings!(u)!, offsets[u]!);
  }
  return ratings ? { offsets, items, ratings } : { offsets, items };
}
