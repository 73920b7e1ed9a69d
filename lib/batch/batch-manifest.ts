import * as z from 'zod';

/**
 * What a batch export writes under its prefix: part-00000.jsonl, part-00001.jsonl, ...
 * (each user's line in exactly one part, users in the model's order) and, last,
 * manifest.json. A reader that finds the manifest finds every part it lists, complete.
 */
export const BATCH_MANIFEST_FILE = 'manifest.json';
export const BATCH_FORMAT_VERSION = 1;

export const partFile = (index: number): string => `part-${String(index).padStart(5, '0')}.jsonl`;
/** A part file name of any run (a later run with fewer parts removes the extra ones). */
export const PART_FILE = /^part-\d{5,}\.jsonl$/;

const YearRange = z.object({ from: z.number().int(), to: z.number().int() }).strict();

export const BatchManifest = z
  .object({
    format: z.literal(BATCH_FORMAT_VERSION),
    model: z.object({ version: z.string(), kind: z.string(), nUsers: z.number().int(), nItems: z.number().int() }).strict(),
    n: z.number().int().positive(),
    /** Whether lines carry `reasons` (absent: written before reasons, so no). */
    explain: z.boolean().optional(),
    /** The filter as read against the model (movie ids as the model's); {} for none. */
    filters: z
      .object({
        genres: z.array(z.string()).optional(),
        excludeGenres: z.array(z.string()).optional(),
        exclude: z.array(z.union([z.number(), z.string()])).optional(),
        years: YearRange.optional(),
      })
      .strict(),
    /** Movies the filter removes (before each user's seen movies). */
    filteredItems: z.number().int().nonnegative(),
    parts: z.array(z.object({ file: z.string(), users: z.number().int().nonnegative(), bytes: z.number().int().nonnegative() }).strict()),
    totalUsers: z.number().int().nonnegative(),
    totalBytes: z.number().int().nonnegative(),
    startedAt: z.string(),
    finishedAt: z.string(),
  })
  .strict();
export type BatchManifest = z.infer<typeof BatchManifest>;
