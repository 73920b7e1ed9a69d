import * as z from 'zod';
import { MODEL_KINDS, isModelKind } from '../models/serving-registry';

/**
 * The model artifact format, version 3: one folder per version under `models/`,
 * plus `models/LATEST` naming the live one. Binary files are little-endian with no
 * header, so row i of a float32 matrix with `dim` columns starts at byte i * dim * 4
 * and one user's row is one ranged GET. The manifest gives every file's byte length,
 * sha256, dtype and shape, and for each per-user file the checksums of its blocks.
 */
export const FORMAT_VERSION = 3;
/**
 * Versions this build reads. Version 2 is version 3 without seen_ratings.f32: it loads,
 * and its known users get no reasons (explain=true gives them empty lists; visitors
 * still get theirs). Version 1 is version 2 without string ids (its ids are always
 * user_ids.i32 / item_ids.i32), so it loads as it is.
 */
export const READABLE_FORMAT_VERSIONS = [1, 2, 3] as const;
export { MODELS_PREFIX, LATEST_KEY, FILES, versionPrefix, fileKey } from './layout';

export const FileEntry = z.object({
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** 'sha256': block checksums of another file, 32 raw bytes a block (blocks.ts). */
  dtype: z.enum(['f32', 'i32', 'u32', 'json', 'svg', 'text', 'sha256']),
  shape: z.array(z.number().int().nonnegative()),
  /**
   * Files that may be served by ranged GET (the per-user files) name their block
   * checksums: the sha256 of every `size`-byte block, in `file`. Models published before
   * block checksums have none; their ranged rows get only the value checks of UserRows.
   */
  blocks: z.object({ size: z.number().int().positive(), file: z.string() }).optional(),
});
export type FileEntry = z.infer<typeof FileEntry>;

export const CurvePoint = z.object({
  epoch: z.number(),
  step: z.number(),
  /** null where the run had none (JSON has no NaN): no held-out set, or a closed-form fit. */
  batchError: z.number().nullable(),
  testError: z.number().nullable(),
  elapsedMs: z.number(),
  best: z.boolean(),
});

export const Manifest = z.object({
  formatVersion: z.union([z.literal(1), z.literal(2), z.literal(3)], {
    error: (issue) => `model format version ${String(issue.input)} is not one this build reads (${READABLE_FORMAT_VERSIONS.join(', ')}); retrain or upgrade`,
  }),
  version: z.string().regex(/^[A-Za-z0-9._-]+$/),
  createdAt: z.string(),
  model: z.object({
    /** A kind this build can serve (serving-registry.ts). */
    kind: z.string().refine(isModelKind, {
      error: (issue) => `unknown model kind "${String(issue.input)}"; this build serves ${MODEL_KINDS.join(', ')}`,
    }),
    scoring: z.enum(['rating', 'ranking']),
    params: z.record(z.string(), z.unknown()),
    foldIn: z.record(z.string(), z.union([z.number(), z.string()])).optional(),
  }),
  dim: z.number().int().nonnegative(),
  nUsers: z.number().int().nonnegative(),
  nItems: z.number().int().nonnegative(),
  nRatings: z.number().int().nonnegative(),
  mu: z.number(),
  scale: z.object({ min: z.number(), max: z.number() }),
  dataset: z.object({
    name: z.string(),
    source: z.string(),
    sha256: z.string(),
    nRatings: z.number().int(),
    nUsers: z.number().int(),
    nItems: z.number().int(),
  }),
  metrics: z.record(z.string(), z.number()),
  timings: z.record(z.string(), z.number()),
  training: z.object({
    epochs: z.number().int(),
    stoppedBy: z.string().optional(),
    curve: z.array(CurvePoint),
  }),
  files: z.record(z.string(), FileEntry),
  /** The newest events/ object this version has taken in (training merged it, or a refresh read it): the next refresh starts after it. */
  events: z.object({ through: z.string(), merged: z.number().int().nonnegative() }).optional(),
  /** A refresh (users re-solved against fixed items): the version it started from and the one whose item files it copied. */
  refresh: z
    .object({
      from: z.string(),
      itemsFrom: z.string(),
      events: z.number().int().nonnegative(),
      users: z.number().int().nonnegative(),
      newUsers: z.number().int().nonnegative(),
    })
    .optional(),
});
export type Manifest = z.infer<typeof Manifest>;
