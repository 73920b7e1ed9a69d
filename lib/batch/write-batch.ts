import type { ItemFilter, ItemMask } from '../serving/item-filter';
import { explainerOf, topItems } from '../serving/recommender';
import type { ServingModel } from '../serving/serving-model';
import type { ObjectStore } from '../storage/object-store';
import { BATCH_FORMAT_VERSION, BATCH_MANIFEST_FILE, BatchManifest, PART_FILE, partFile } from './batch-manifest';
import { outUrl, type OutLocation } from './out-location';
import { PartUpload, type PartInfo } from './part-upload';
import { UserLines } from './user-lines';

export interface WriteBatchOptions {
  n: number;
  partUsers: number;
  /** Lines give each movie's reasons (empty lists where the model gives none). */
  explain?: boolean;
  filter: ItemFilter;
  mask: ItemMask | undefined;
  /** Users done so far, of all; called every few thousand users. */
  onProgress?: (done: number, total: number) => void;
  onPart?: (part: PartInfo) => void;
  /** Fail (with no manifest written) once Date.now() passes this: the Lambda's remaining time. */
  deadline?: number;
}

/** Users whose lines go to S3 in one write: about 0.2-1 MB of text at n = 20. */
const USERS_PER_WRITE = 2000;

/**
 * Writes the top n of every user of `model` under `out` and returns the manifest:
 * 1. removes a previous run's manifest, so no reader takes the parts being rewritten for complete;
 * 2. streams the parts, users in index order, each part uploaded while the next lines are made;
 * 3. removes part files of a previous run beyond this run's last;
 * 4. writes manifest.json.
 * Per user it is the recommend function's own top-N (topItems), into one reused heap.
 */
export async function writeBatch(model: ServingModel, store: ObjectStore, out: OutLocation, o: WriteBatchOptions): Promise<BatchManifest> {
  const startedAt = new Date().toISOString();
  const total = model.manifest.nUsers;
  const manifestKey = out.prefix + BATCH_MANIFEST_FILE;
  await store.deleteMany([manifestKey]);

  const lines = new UserLines(model);
  const heap = model.heap(o.n);
  const ratingsOf = o.explain && model.scorer.explain ? await model.userRows.allRatings() : undefined;
  const lineOf = (user: number): string => {
    const state = model.userRows.peek(user);
    if (!state) throw new Error(`user ${user}'s row is not in memory: load the model with its per-user files whole`);
    const count = topItems(model, state, heap, o.mask);
    if (!o.explain) return lines.line(user, heap, count);
    const ratings = ratingsOf?.(user);
    return lines.line(user, heap, count, ratings ? (explainerOf(model, state, ratings) ?? null) : null);
  };
  const parts: PartInfo[] = [];
  for (let start = 0; start < total; start += o.partUsers) {
    const part = await writePart(new PartUpload(store, out.prefix + partFile(parts.length)), start, Math.min(total, start + o.partUsers), lineOf, {
      ...o,
      total,
      out,
    });
    parts.push(part);
    o.onPart?.(part);
  }

  await removeStaleParts(store, out, parts.length);
  const manifest: BatchManifest = {
    format: BATCH_FORMAT_VERSION,
    model: { version: model.version, kind: model.kind, nUsers: total, nItems: model.manifest.nItems },
    n: o.n,
    explain: o.explain ?? false,
    filters: o.filter,
    filteredItems: o.mask?.removed ?? 0,
    parts: parts.map((p) => ({ file: p.key.slice(out.prefix.length), users: p.users, bytes: p.bytes })),
    totalUsers: parts.reduce((s, p) => s + p.users, 0),
    totalBytes: parts.reduce((s, p) => s + p.bytes, 0),
    startedAt,
    finishedAt: new Date().toISOString(),
  };
  await store.put(manifestKey, JSON.stringify(BatchManifest.parse(manifest), null, 2), 'application/json');
  return manifest;
}

/** Users [start, end) into one part, USERS_PER_WRITE lines per write; the part is aborted if anything fails. */
async function writePart(
  part: PartUpload,
  start: number,
  end: number,
  lineOf: (user: number) => string,
  o: Pick<WriteBatchOptions, 'onProgress' | 'deadline'> & { total: number; out: OutLocation },
): Promise<PartInfo> {
  try {
    for (let from = start; from < end; from += USERS_PER_WRITE) {
      if (o.deadline !== undefined && Date.now() > o.deadline) {
        throw new Error(`out of time after ${from} of ${o.total} users; no manifest written (${outUrl(o.out)} is incomplete)`);
      }
      const to = Math.min(end, from + USERS_PER_WRITE);
      let text = '';
      for (let user = from; user < to; user++) text += lineOf(user);
      await part.write(text, to - from);
      o.onProgress?.(to, o.total);
    }
    return await part.finish();
  } catch (err) {
    await part.abort();
    throw err;
  }
}

/** Part files under the prefix numbered from `count` on: a previous, longer run's. */
async function removeStaleParts(store: ObjectStore, out: OutLocation, count: number): Promise<void> {
  const keep = new Set(Array.from({ length: count }, (_, i) => partFile(i)));
  const stale = (await store.list(out.prefix + 'part-')).filter((key) => {
    const file = key.slice(out.prefix.length);
    return PART_FILE.test(file) && !keep.has(file);
  });
  if (stale.length) await store.deleteMany(stale);
}
