import { baselineTraining } from './baseline/train';
import { bpmfTraining } from './bpmf/train';
import type { Dataset } from '../data/dataset';
import type { FitOptions, FitResult, ServingPart, TrainingPart } from './contract';
import { easeTraining } from './ease/train';
import { ialsTraining } from './ials/train';
import { nsvdTraining } from './nsvd/train';
import { popularityTraining } from './popularity/train';
import { ModelParamsError } from './params';
import { MODEL_KINDS, SERVING_PARTS, isModelKind, type ModelKind } from './serving-registry';
import { svdTraining } from './svd/train';
import { svdppTraining } from './svdpp/train';

/** The training part of every kind in serving-registry.ts (the compiler checks both lists agree). */
const TRAINING_PARTS = {
  svd: svdTraining,
  nsvd: nsvdTraining,
  ials: ialsTraining,
  baseline: baselineTraining,
  popularity: popularityTraining,
  ease: easeTraining,
  svdpp: svdppTraining,
  bpmf: bpmfTraining,
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

/**
 * Fits a kind on `train` with resolved params, after checking the kind learns from this
 * kind of feedback: a rating model refuses implicit data (no rating column) by name.
 */
export function fitModel(model: RegisteredModel, train: Dataset, params: Record<string, unknown>, options?: FitOptions): Promise<FitResult> {
  const feedback = train.feedback ?? 'explicit';
  if (!model.training.feedback.includes(feedback)) {
    const takes = MODEL_KINDS.filter((k) => TRAINING_PARTS[k].feedback.includes(feedback));
    throw new ModelParamsError(
      feedback === 'implicit'
        ? `${model.kind} learns from ratings, and ${train.name} is implicit feedback (no rating column): ` +
            `train ${takes.join(', ')} on it, or declare its rating column (--columns ...,rating)`
        : `${model.kind} learns from implicit feedback only; ${train.name} has ratings: use ${takes.join(', ')}`,
    );
  }
  return model.training.fit(train, params, options);
}
