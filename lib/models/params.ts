import * as z from 'zod';

/** Hyper-parameters a model does not accept: unknown keys, wrong types, values out of range. */
export class ModelParamsError extends RangeError {
  override name = 'ModelParamsError';
}

/** Parses model params with a strict zod schema; every bad or unknown key is named in one message. */
export function parseParams<S extends z.ZodType>(model: string, schema: S, params: unknown): z.infer<S> {
  const parsed = schema.safeParse(params ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(params)'}: ${i.message}`).join('; ');
    throw new ModelParamsError(`${model} params: ${issues}`);
  }
  return parsed.data;
}
