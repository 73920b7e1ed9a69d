import * as z from 'zod';

/** Hyper-parameters a model does not accept: unknown keys, wrong types, values out of range. */
export class ModelParamsError extends RangeError {
  override name = 'ModelParamsError';
  constructor(
    message: string,
    /** Each bad key (empty for the params as a whole, e.g. unknown keys) and what is wrong with it. */
    readonly issues: ReadonlyArray<{ key: string; message: string }> = [],
  ) {
    super(message);
  }
}

/** Parses model params with a strict zod schema; every bad or unknown key is named in one message. */
export function parseParams<S extends z.ZodType>(model: string, schema: S, params: unknown): z.infer<S> {
  const parsed = schema.safeParse(params ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ key: i.path.join('.'), message: i.message }));
    throw new ModelParamsError(`${model} params: ${issues.map((i) => `${i.key || '(params)'}: ${i.message}`).join('; ')}`, issues);
  }
  return parsed.data;
}

/** The hyper-parameters every per-rating SGD model shares (SVD, NSVD); see those files. */
export const sgdParamFields = {
  dim: z.number().int().min(1).max(4096),
  epochs: z.number().int().min(1),
  lr: z.number().positive(),
  lrDecay: z.number().positive().max(1),
  reg: z.number().nonnegative(),
  regBias: z.number().nonnegative(),
  initStd: z.number().nonnegative(),
  patience: z.number().int().min(1),
  /** SGD kernel: 'wasm' (SIMD, needs dim % 4 == 0), 'js', or 'auto' (wasm when it can). */
  kernel: z.enum(['auto', 'wasm', 'js']),
};

/** The usual resolve of a TrainingPart: overrides over defaults, checked by the strict schema. */
export function resolver<S extends z.ZodType>(kind: string, schema: S, defaults: Readonly<z.infer<S>>) {
  return (overrides: Record<string, unknown> = {}): z.infer<S> => parseParams(kind, schema, { ...defaults, ...overrides });
}

/** The PoC's minibatch optimizer with momentum, shared by SVD and NSVD (kernels/momentum-kernel.ts, nsvd/momentum.ts). */
export const momentumParamFields = {
  /** 'sgd' (per-rating, or per-user for NSVD) or 'momentum' (the PoC's minibatch optimizer). */
  optimizer: z.enum(['sgd', 'momentum']),
  /** Momentum optimizer: ratings per minibatch. */
  batch: z.number().int().min(1),
  /** Momentum optimizer: minibatch steps in all; 0 = epochs x ceil(ratings / batch). */
  steps: z.number().int().min(0),
  momentum: z.number().min(0).max(1),
};

export const MOMENTUM_FIELD_DEFAULTS = Object.freeze({ optimizer: 'sgd' as const, batch: 1000, steps: 0, momentum: 0.9 });

/**
 * The momentum optimizer's batch loss is the mean over the batch, so a rating's own step
 * is about lr / batch / (1 - momentum): lr 0.5 with batch 1000 and momentum 0.9 is about
 * a per-rating SGD step of 0.005. Applied when the optimizer is momentum and lr is not given.
 */
export const MOMENTUM_LR = 0.5;

/**
 * The optimizer a kind's overrides ask for, and its learning-rate default: the PoC's
 * batch, steps and momentum only mean something for its minibatch optimizer, so they select it.
 */
export function optimizerOverrides(overrides: Record<string, unknown>): Record<string, unknown> {
  const minibatch = ['batch', 'steps', 'momentum'].some((key) => overrides[key] !== undefined);
  const optimizer = overrides.optimizer ?? (minibatch ? 'momentum' : 'sgd');
  return { optimizer, ...(optimizer === 'momentum' ? { lr: MOMENTUM_LR } : {}) };
}
