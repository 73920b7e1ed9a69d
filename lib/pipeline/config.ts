import { availableParallelism } from 'node:os';
import * as z from 'zod';
import { COLUMN_ROLES } from '../data/parse';
import { SEPARATORS } from '../data/parse/slow-line';
import { MODEL_KINDS } from '../models/registry';

/** How to read a file or S3 object of interactions (lib/data/parse/schema.ts); the Lambda event's `format`. */
export const InteractionsFormatSchema = z
  .object({
    /** Each column's role in order: user, item, rating, timestamp, event, or '-' to skip it. */
    columns: z.array(z.enum([...COLUMN_ROLES, '-'])).min(2).optional(),
    separator: z.enum(Object.keys(SEPARATORS) as [keyof typeof SEPARATORS, ...(keyof typeof SEPARATORS)[]]).optional(),
    header: z.boolean().optional(),
    scale: z
      .object({ min: z.number().finite(), max: z.number().finite() })
      .strict()
      .refine((s) => s.min <= s.max, 'scale min must not be above max')
      .optional(),
    duplicates: z.enum(['last', 'first', 'mean', 'max', 'error']).optional(),
    ids: z.enum(['int', 'string']).optional(),
    eventWeights: z.record(z.string().min(1), z.number().positive().finite()).optional(),
  })
  .strict();
export type InteractionsFormatInput = z.input<typeof InteractionsFormatSchema>;

/**
 * What one training run does: the Lambda's event, the CLI's flags and the bench all
 * become this. Every field is optional (defaults below); unknown keys are an error.
 * Model params are checked by the model itself (each model has a strict schema).
 */
export const TrainConfigSchema = z
  .object({
    /** Any source text parseSource accepts: ml-100k, 1|10|20, s3://bucket/key, a path, synthetic:... */
    source: z.string().min(1).default('synthetic'),
    /** How to read the source when it is a file or an S3 object (columns, separator, header, scale, duplicates...). */
    format: InteractionsFormatSchema.optional(),
    /** Your own catalogue for a file or S3 source: a path or s3:// URL of an items file (id, title, genres, year). */
    items: z.string().min(1).optional(),
    /** The service's default is the model that ranks best (iALS); svd predicts ratings. */
    model: z.enum(MODEL_KINDS).default('ials'),
    params: z.record(z.string(), z.unknown()).default({}),
    seed: z.number().int().default(1),
    /** Worker threads for training; default: the cores this process may use. */
    threads: z.number().int().min(1).max(256).optional(),
    /** Fractions of ratings for [train, test (early stopping), validation (reported)]. */
    split: z
      .tuple([z.number().positive(), z.number().nonnegative(), z.number().nonnegative()])
      .refine((s) => Math.abs(s[0] + s[1] + s[2] - 1) < 1e-9, 'split fractions must add up to 1')
      .default([0.8, 0.1, 0.1]),
    /** Stop training by this many ms after the run starts (keeping the best model so far). */
    deadlineMs: z.number().int().positive().optional(),
    /** Merge the posted events (events/ in the model bucket) into the data, when the run has the bucket. */
    events: z.boolean().default(true),
    /** Stop training at this absolute time (epoch ms); the earlier of the two wins. */
    deadline: z.number().int().positive().optional(),
  })
  .strict();

export type TrainConfigInput = z.input<typeof TrainConfigSchema>;
export type TrainConfig = z.output<typeof TrainConfigSchema>;

/** Validates and fills in a config; throws one readable message naming every bad field. */
export function parseTrainConfig(input: unknown): TrainConfig {
  const parsed = TrainConfigSchema.safeParse(input ?? {});
  if (!parsed.success) throw new TrainConfigError(describeIssues(parsed.error));
  return parsed.data;
}

export class TrainConfigError extends Error {
  override name = 'TrainConfigError';
}

function describeIssues(error: z.ZodError): string {
  return `invalid training config: ${error.issues
    .map((i) => {
      const where = i.path.length ? i.path.join('.') : '(config)';
      if (i.code === 'unrecognized_keys') return `${where}: unknown key(s) ${i.keys.map((k) => `"${k}"`).join(', ')}`;
      return `${where}: ${i.message}`;
    })
    .join('; ')}`;
}

export const defaultThreads = (): number => Math.max(1, availableParallelism());
