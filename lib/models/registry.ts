import { baseline } from './baseline';
import { ials } from './ials';
import type { Model, ModelKind } from './model';
import { nsvd } from './nsvd';
import { popularity } from './popularity';
import { svd } from './svd';

/**
 * Every trainable model by kind. One line per model: add yours here.
 * Params are model specific, so the registry hands out Model<object> and each
 * model validates its own params.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const MODELS: Partial<Record<ModelKind, Model<any>>> = {
  svd,
  nsvd,
  baseline,
  popularity,
  ials,
};

export const modelKinds = (): ModelKind[] => Object.keys(MODELS) as ModelKind[];

/** The model for a kind, or a clear error naming the kinds that exist. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function getModel(kind: string): Model<any> {
  const model = (MODELS as Record<string, Model<object> | undefined>)[kind];
  if (!model) throw new Error(`unknown model "${kind}"; known models: ${modelKinds().join(', ')}`);
  return model;
}
