import { ModelParamsError } from '../models/params';
import { getModel, MODEL_KINDS } from '../models/registry';
import { TrainConfigError } from './config';

/** A model param set by a CLI flag: the flag as the user typed it, the param it sets, the value. */
export interface FlagParam {
  flag: string;
  param: string;
  value: unknown;
}

/**
 * The params the CLI's flags set for `kind`, checked before any data is read and
 * reported in the CLI's own names: a flag for a param the model does not have names
 * the models that have it; a bad value names its flag.
 */
export function paramsFromFlags(kind: string, flags: readonly FlagParam[]): Record<string, unknown> {
  const { training } = getModel(kind);
  const params: Record<string, unknown> = {};
  for (const { flag, param, value } of flags) {
    if (!Object.hasOwn(training.defaults, param)) {
      const owners = MODEL_KINDS.filter((k) => Object.hasOwn(getModel(k).training.defaults, param));
      const hint = owners.length ? `; it is a parameter of ${owners.join(', ')} (pass -M ${owners[0]})` : '';
      throw new TrainConfigError(`${flag} sets ${param}, which ${kind} does not have${hint}`);
    }
    params[param] = value;
  }
  try {
    training.resolve(params);
  } catch (err) {
    if (!(err instanceof ModelParamsError)) throw err;
    const flagOf = (key: string) => flags.find((f) => f.param === key)?.flag;
    const described = err.issues.map((i) => `${flagOf(i.key) ?? i.key} (${kind} ${i.key}): ${i.message}`);
    throw new TrainConfigError(described.length ? described.join('; ') : err.message);
  }
  return params;
}
