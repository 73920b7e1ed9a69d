import * as z from 'zod';
import { FILES, LATEST_KEY, fileKey } from '../artifacts/layout';
import type { RatingScale } from '../data/dataset';
import type { ObjectStore } from '../storage/object-store';

/** What the live model says posted events must look like: its rating scale and its kinds of ids. */
export interface LiveRules {
  version: string;
  scale: RatingScale;
  userIds: 'int' | 'string';
  movieIds: 'int' | 'string';
}

/** The few manifest fields the rules need (the full schema, format.ts, would bundle every model kind). */
const ManifestRules = z.object({
  scale: z.object({ min: z.number(), max: z.number() }),
  files: z.record(z.string(), z.unknown()),
});

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function readRules(store: ObjectStore): Promise<LiveRules | undefined> {
  const version = (await store.get(LATEST_KEY))?.toString('utf8').trim();
  if (!version || !/^[A-Za-z0-9._-]+$/.test(version)) return undefined;
  const body = await store.get(fileKey(version, FILES.manifest));
  const parsed = body ? ManifestRules.safeParse(parseJson(body.toString('utf8'))) : undefined;
  // A live version without a readable manifest: the recommend side says so; events are still taken, unchecked.
  if (!parsed?.success) return undefined;
  const { scale, files } = parsed.data;
  return { version, scale, userIds: files[FILES.userIdsText] ? 'string' : 'int', movieIds: files[FILES.itemIdsText] ? 'string' : 'int' };
}

/** The live model's rules (LATEST and its manifest), re-read at most every `ttlMs`; undefined while none is live. */
export function cachedLiveRules(store: ObjectStore, ttlMs = 60_000, now: () => number = Date.now): () => Promise<LiveRules | undefined> {
  let cached: { at: number; rules: LiveRules | undefined } | undefined;
  return async () => {
    if (cached && now() - cached.at < ttlMs) return cached.rules;
    const rules = await readRules(store);
    cached = { at: now(), rules };
    return rules;
  };
}
