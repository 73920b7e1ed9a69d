import { ArtifactError } from './errors';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { ObjectStore } from '../storage/object-store';
import { sha256OfObject } from './checksum';
import { FILES, LATEST_KEY, MODELS_PREFIX, Manifest, fileKey, versionPrefix } from './format';
import { versionTime } from './version-id';

const VERSION_ID = /^[A-Za-z0-9._-]+$/;

export function assertVersionId(version: string): void {
  if (!VERSION_ID.test(version)) throw new Error(`not a model version id: ${JSON.stringify(version)}`);
}

/** The live version named by models/LATEST, or undefined when nothing is published. */
export async function readLatest(store: ObjectStore): Promise<string | undefined> {
  const body = await store.get(LATEST_KEY);
  const version = body?.toString('utf8').trim();
  return version ? version : undefined;
}

/** A version's manifest, validated; throws a clear error if it is missing or malformed. */
export async function readManifest(store: ObjectStore, version: string): Promise<Manifest> {
  assertVersionId(version);
  const key = fileKey(version, FILES.manifest);
  const body = await store.get(key);
  if (!body) throw new ArtifactError(`model version ${version} has no manifest (${key})`);
  let raw: unknown;
  try {
    raw = JSON.parse(body.toString('utf8'));
  } catch {
    throw new ArtifactError(`model version ${version}: manifest is not JSON`);
  }
  const parsed = Manifest.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ArtifactError(`model version ${version}: invalid manifest at ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
  }
  if (parsed.data.version !== version) {
    throw new ArtifactError(`model version ${version}: manifest names version ${parsed.data.version}`);
  }
  return parsed.data;
}

export interface VersionInfo {
  version: string;
  /** From the manifest, else from the version id, else the newest object's time. */
  createdAt: string;
  live: boolean;
  /** Has a valid manifest and every file it lists, at the listed size. */
  complete: boolean;
  /** Every file's sha256 was read back and matches (only when listed with `verify`; else undefined). */
  verified?: boolean;
  /** Why the version is incomplete. */
  problem?: string;
  model?: string;
  metrics?: Record<string, number>;
  stoppedBy?: string;
  nUsers?: number;
  nItems?: number;
  bytes: number;
}

interface ListedObject {
  key: string;
  size: number;
  lastModified?: Date;
}

async function listWithSizes(store: ObjectStore, prefix: string): Promise<ListedObject[]> {
  const out: ListedObject[] = [];
  let token: string | undefined;
  do {
    const page = await store.client.send(
      new ListObjectsV2Command({ Bucket: store.bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const o of page.Contents ?? []) {
      if (o.Key) out.push({ key: o.Key, size: o.Size ?? 0, ...(o.LastModified ? { lastModified: o.LastModified } : {}) });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return out;
}

/**
 * Every version folder under models/, newest first, with a live flag and a complete
 * flag: a folder left by an interrupted publish (no manifest, or files missing or of
 * the wrong size) is listed as incomplete, never as a usable model.
 */
export async function listVersions(store: ObjectStore, options: { verify?: boolean } = {}): Promise<VersionInfo[]> {
  const [objects, live] = await Promise.all([listWithSizes(store, MODELS_PREFIX), readLatest(store)]);
  const byVersion = new Map<string, Map<string, ListedObject>>();
  for (const o of objects) {
    const rest = o.key.slice(MODELS_PREFIX.length);
    const slash = rest.indexOf('/');
    if (slash <= 0) continue; // models/LATEST and stray top-level keys
    const version = rest.slice(0, slash);
    let files = byVersion.get(version);
    if (!files) byVersion.set(version, (files = new Map()));
    files.set(rest.slice(slash + 1), o);
  }

  const infos = await Promise.all(
    [...byVersion].map(async ([version, files]): Promise<VersionInfo> => {
      const bytes = [...files.values()].reduce((s, o) => s + o.size, 0);
      const newest = Math.max(...[...files.values()].map((o) => o.lastModified?.getTime() ?? 0));
      const fallbackTime = (versionTime(version) ?? new Date(newest)).toISOString();
      const base = { version, live: version === live, bytes };
      if (!files.has(FILES.manifest)) {
        return { ...base, createdAt: fallbackTime, complete: false, problem: 'no manifest (interrupted publish?)' };
      }
      let manifest: Manifest;
      try {
        manifest = await readManifest(store, version);
      } catch (err) {
        return { ...base, createdAt: fallbackTime, complete: false, problem: (err as Error).message };
      }
      const bad = Object.entries(manifest.files).find(([name, entry]) => files.get(name)?.size !== entry.bytes);
      let verified: boolean | undefined;
      let problem = bad ? `${bad[0]} is ${files.has(bad[0]) ? 'the wrong size' : 'missing'}` : undefined;
      if (options.verify && !bad) {
        verified = await verifyVersion(store, version).then(
          () => true,
          (err: Error) => ((problem = err.message), false),
        );
      }
      return {
        ...base,
        createdAt: manifest.createdAt,
        complete: bad === undefined,
        ...(verified !== undefined ? { verified } : {}),
        ...(problem ? { problem } : {}),
        model: manifest.model.kind,
        metrics: manifest.metrics,
        ...(manifest.training.stoppedBy ? { stoppedBy: manifest.training.stoppedBy } : {}),
        nUsers: manifest.nUsers,
        nItems: manifest.nItems,
      };
    }),
  );
  return infos.sort((a, b) => compareDesc(a.createdAt, b.createdAt) || compareDesc(a.version, b.version));
}

const compareDesc = (a: string, b: string): number => (a < b ? 1 : a > b ? -1 : 0);

/**
 * Reads every file of a version back (streaming sha256) and compares it with the
 * manifest. Returns the manifest when all match; throws naming the first mismatch.
 */
export async function verifyVersion(store: ObjectStore, version: string): Promise<Manifest> {
  const manifest = await readManifest(store, version);
  for (const [name, entry] of Object.entries(manifest.files)) {
    const got = await sha256OfObject(store, fileKey(version, name));
    if (!got) throw new ArtifactError(`model version ${version}: ${name} is missing`);
    if (got.bytes !== entry.bytes) {
      throw new ArtifactError(`model version ${version}: ${name} has ${got.bytes} bytes, the manifest says ${entry.bytes}`);
    }
    if (got.sha256 !== entry.sha256) throw new ArtifactError(`model version ${version}: ${name} does not match its sha256`);
  }
  return manifest;
}

/** Makes an existing, verified version live. Throws (LATEST untouched) if it is not whole. */
export async function rollback(store: ObjectStore, version: string): Promise<Manifest> {
  const manifest = await verifyVersion(store, version);
  await store.put(LATEST_KEY, version, 'text/plain');
  return manifest;
}

export interface PruneOptions {
  /** Complete versions to keep, counting the live one (always kept), then newest first. Default 5. */
  keep?: number;
  /** Incomplete folders younger than this may be a publish in progress: left alone. Default 1 hour. */
  incompleteGraceMs?: number;
  now?: Date;
}

/** Deletes complete versions beyond `keep` and stale incomplete ones; never the live one. */
export async function prune(store: ObjectStore, options: PruneOptions = {}): Promise<string[]> {
  const keep = options.keep ?? 5;
  if (!Number.isInteger(keep) || keep < 1) throw new Error(`keep must be a positive integer, got ${keep}`);
  const grace = options.incompleteGraceMs ?? 60 * 60 * 1000;
  const now = (options.now ?? new Date()).getTime();
  const versions = await listVersions(store);
  const doomed: string[] = [];
  let kept = versions.some((v) => v.live) ? 1 : 0;
  for (const v of versions) {
    if (v.live) continue;
    // A version counts as kept only once its files read back as published: a corrupted one
    // would otherwise take the place of a good fallback.
    // A corrupt one stays for inspection until `keep` good versions are newer than it.
    const good = v.complete && kept < keep && (await verifyVersion(store, v.version).then(() => true, () => false));
    if (good) kept++;
    else if (v.complete) {
      if (kept >= keep) doomed.push(v.version);
    } else if (now - Date.parse(v.createdAt) > grace) doomed.push(v.version);
  }
  for (const version of doomed) {
    const keys = await store.list(versionPrefix(version));
    // Manifest first: if this is interrupted, what is left reads as incomplete, not as a model.
    const manifestKey = fileKey(version, FILES.manifest);
    if (keys.includes(manifestKey)) await store.deleteMany([manifestKey]);
    const rest = keys.filter((k) => k !== manifestKey);
    if (rest.length) await store.deleteMany(rest);
  }
  return doomed;
}
