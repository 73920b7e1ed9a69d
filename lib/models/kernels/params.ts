import { z } from 'zod';

/** Parses model params with a strict zod schema; unknown or bad keys give one clear message. */
export function parseParams<S extends z.ZodType>(model: string, schema: S, params: unknown): z.infer<S> {
  const parsed = schema.safeParse(params ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(params)'}: ${i.message}`).join('; ');
    throw new Error(`${model} params: ${issues}`);
  }
  return parsed.data;
}
