import type { Dataset } from '../../lib/data/dataset';
import type { FitOptions, FitResult } from '../../lib/models/contract';
import { fitModel as fitRegistered, getModel } from '../../lib/models/registry';

/** Fits a kind the way the pipeline does: its TrainingPart resolves the overrides, then fits. */
export async function fitModel(kind: string, train: Dataset, overrides: Record<string, unknown> = {}, options?: FitOptions): Promise<FitResult> {
  const model = getModel(kind);
  return fitRegistered(model, train, model.training.resolve(overrides), options);
}
