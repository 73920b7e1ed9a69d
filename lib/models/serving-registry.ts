import { baselineServing } from './baseline/serve';
import { bpmfServing } from './bpmf/serve';
import type { ServingPart } from './contract';
import { easeServing } from './ease/serve';
import { ialsServing } from './ials/serve';
import { nsvdServing } from './nsvd/serve';
import { popularityServing } from './popularity/serve';
import { svdServing } from './svd/serve';
import { svdppServing } from './svdpp/serve';

/**
 * The serving part of every model kind, by kind: the list the recommend function is
 * built from (it imports no training code). `ModelKind` and every kind enum derive
 * from it; registry.ts pairs each kind with its training part, and the compiler
 * refuses a kind that has one part without the other.
 */
export const SERVING_PARTS = {
  svd: svdServing,
  nsvd: nsvdServing,
  ials: ialsServing,
  baseline: baselineServing,
  popularity: popularityServing,
  ease: easeServing,
  svdpp: svdppServing,
  bpmf: bpmfServing,
} as const satisfies Record<string, ServingPart>;

export type ModelKind = keyof typeof SERVING_PARTS;
export const MODEL_KINDS = Object.keys(SERVING_PARTS) as [ModelKind, ...ModelKind[]];

export const isModelKind = (kind: string): kind is ModelKind => Object.hasOwn(SERVING_PARTS, kind);

/** The serving part of a kind, or a clear error naming the kinds this build knows. */
export function servingPart(kind: string): ServingPart {
  if (!isModelKind(kind)) throw new RangeError(`unknown model kind "${kind}"; known kinds: ${MODEL_KINDS.join(', ')}`);
  return SERVING_PARTS[kind];
}
