import * as z from 'zod';
import { BatchRequestError } from './errors';
import { BatchFilterFields, type BatchFilter } from './filter';
import { parseOutLocation, type OutLocation } from './out-location';

/** Users per part object unless the request says otherwise. */
export const DEFAULT_PART_USERS = 100_000;
export const DEFAULT_BATCH_N = 10;
export const MAX_BATCH_N = 1000;

/**
 * A batch export, as the train function's event gives it (`{"mode": "batch", ...}`) and
 * the CLI's flags: the top `n` of every user of the live model, to `out`, `partUsers`
 * users per part, with the API's filter fields. Unknown keys are refused.
 */
const BatchRequestSchema = z
  .object({
    mode: z.literal('batch').optional(),
    n: z.number().int().min(1).max(MAX_BATCH_N).default(DEFAULT_BATCH_N),
    out: z.string({ error: 'out is required: s3://bucket/prefix/' }),
    partUsers: z.number().int().min(1).max(10_000_000).default(DEFAULT_PART_USERS),
    /** Each line also gives every movie's reasons, as explain=true does. */
    explain: z.boolean().default(false),
    ...BatchFilterFields,
  })
  .strict();

export type BatchRequestInput = z.input<typeof BatchRequestSchema>;

export interface BatchRequest {
  n: number;
  out: OutLocation;
  partUsers: number;
  explain: boolean;
  filter: BatchFilter;
}

/** Validates a batch request; throws one BatchRequestError naming every bad field. */
export function parseBatchRequest(input: unknown): BatchRequest {
  const parsed = BatchRequestSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => {
      const where = i.path.length ? i.path.join('.') : '(request)';
      return i.code === 'unrecognized_keys' ? `${where}: unknown key(s) ${i.keys.map((k) => `"${k}"`).join(', ')}` : `${where}: ${i.message}`;
    });
    throw new BatchRequestError(`invalid batch request: ${issues.join('; ')}`);
  }
  const { n, out, partUsers, explain, mode: _mode, ...filter } = parsed.data;
  return { n, out: parseOutLocation(out), partUsers, explain, filter };
}
