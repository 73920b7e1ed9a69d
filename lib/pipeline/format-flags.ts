import { TrainConfigError, type InteractionsFormatInput } from './config';

/** The CLI's data-format flags as written (`--columns user,item,-,rating`, `--scale 1:5`...). */
export interface FormatFlags {
  columns?: string;
  separator?: string;
  header?: boolean;
  scale?: string;
  duplicates?: string;
  ids?: string;
  eventWeights?: string;
}

const SEPARATOR_NAMES: Record<string, string> = { tab: '\t', '\\t': '\t', comma: ',', semicolon: ';', pipe: '|', space: ' ', '::': '::' };

/**
 * The training config's `format` from the CLI flags; each malformed flag is named as the
 * CLI spells it. Values are checked again, by the config schema, with the rest.
 */
export function formatFromFlags(f: FormatFlags): InteractionsFormatInput | undefined {
  const out: Record<string, unknown> = {};
  if (f.columns !== undefined) out.columns = f.columns.split(',').map((c) => c.trim().toLowerCase());
  if (f.separator !== undefined) out.separator = SEPARATOR_NAMES[f.separator.toLowerCase()] ?? f.separator;
  if (f.header !== undefined) out.header = f.header;
  if (f.scale !== undefined) {
    const m = /^\s*(-?[\d.]+)\s*[:,]\s*(-?[\d.]+)\s*$/.exec(f.scale);
    if (!m) throw new TrainConfigError(`--scale takes min:max (e.g. 1:5 or 0.5:5), got "${f.scale}"`);
    out.scale = { min: Number(m[1]), max: Number(m[2]) };
  }
  if (f.duplicates !== undefined) out.duplicates = f.duplicates;
  if (f.ids !== undefined) out.ids = f.ids;
  if (f.eventWeights !== undefined) {
    const weights: Record<string, number> = {};
    for (const part of f.eventWeights.split(',').map((p) => p.trim()).filter(Boolean)) {
      const eq = part.lastIndexOf('=');
      const weight = Number(part.slice(eq + 1));
      if (eq < 1 || !Number.isFinite(weight)) throw new TrainConfigError(`--event-weights takes type=weight,... (e.g. view=1,cart=3), got "${part}"`);
      weights[part.slice(0, eq)] = weight;
    }
    out.eventWeights = weights;
  }
  return Object.keys(out).length ? (out as InteractionsFormatInput) : undefined;
}
