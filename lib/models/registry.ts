import { baselineTraining } from './baseline/train';
import type { ServingPart, TrainingPart } from './contract';
import { easeTraining } from './ease/train';
import { ialsTraining } from './ials/train';
import { nsvdTraining } from './nsvd/train';
import { popularityTraining } from './popularity/train';
import { MODEL_KINDS, SERVING_PARTS, isModelKind, type ModelKind } from './serving-registry';
import { svdTraining } from './svd/train';

/** The training part of every kind in serving-registry.ts (the compiler checks both lists agree). */
const TRAINING_PARTS = {
  svd: svdTraining,
  nsvd: nsvdTraining,
  ials: ialsTraining,
  baseline: baselineTraining,
  popularity: popularityTraining,
  ease: easeTraining,
} as const satisfies Record<ModelKind, TrainingPart>;

export interface RegisteredModel {
  readonly kind: ModelKind;
  readonly training: TrainingPart;
  readonly serving: ServingPart;
}

export { MODEL_KINDS, type ModelKind };

/** The model of a kind (both parts), or a clear error naming the kinds that exist. */
export function getModel(kind: string): RegisteredModel {
  if (!isModelKind(kind)) throw new RangeError(`unknown model "${kind}"; known models: ${MODEL_KINDS.join(', ')}`);
  return { kind, training: TRAINING_PARTS[kind] as TrainingPart, serving: SERVING_PARTS[kind] };
}
