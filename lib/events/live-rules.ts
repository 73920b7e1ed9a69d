import { FILES } from '../artifacts/format';
import { readLatest, readManifest } from '../artifacts/versions';
import type { RatingScale } from '../data/dataset';
import type { ObjectStore } from '../storage/object-store';

/** What the live model says posted events must look like: its rating scale and its kinds of ids. */
export interface LiveRules {
  version: string;
  scale: RatingScale;
  userIds: 'int' | 'string';
  movieIds: 'int' | 'string';
}

/** The live model's rules (LATEST and its manifest), re-read at most every `ttlMs`; undefined while none is live. */
export function cachedLiveRules(store: ObjectStore, ttlMs = 60_000, now: () => number = Date.now): () => Promise<LiveRules | undefined> {
  let cached: { at: number; rules: LiveRules | undefined } | undefined;
  return async () => {
    if (cached && now() - cached.at < ttlMs) return cached.rules;
    const version = await readLatest(store);
    let rules: LiveRules | undefined;
    if (version) {
      const m = await readManifest(store, version);
      rules = {
        version,
        scale: m.scale,
        userIds: m.files[FILES.userIdsText] ? 'string' : 'int',
        movieIds: m.files[FILES.itemIdsText] ? 'string' : 'int',
      };
    }
    cached = { at: now(), rules };
    return rules;
  };
}
