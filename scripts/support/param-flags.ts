import { InvalidArgumentError } from 'commander';

/** A flag's value as JSON where it parses (numbers, true/false, quoted strings), else the text itself. */
export function flagValue(raw: string): unknown {
  const text = raw.trim();
  try {
    return JSON.parse(text);
  } catch {
    return text; // a bare word such as linear
  }
}

/** `--param key=value` (repeatable) into an object of params. */
export function parseParamFlag(text: string, previous: Record<string, unknown>): Record<string, unknown> {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`expected key=value, got "${text}"`);
  return { ...previous, [text.slice(0, eq).trim()]: flagValue(text.slice(eq + 1)) };
}

/** `--grid key=v1,v2,...` (repeatable): the values searched for that key, numbers or words. */
export function parseGridFlag(text: string, previous: Record<string, (number | string)[]>): Record<string, (number | string)[]> {
  const eq = text.indexOf('=');
  if (eq < 1 || eq === text.length - 1) throw new InvalidArgumentError(`--grid takes key=value,value,..., got "${text}"`);
  const values = text
    .slice(eq + 1)
    .split(',')
    .map((v) => {
      const value = flagValue(v);
      if (typeof value !== 'number' && typeof value !== 'string') throw new InvalidArgumentError(`--grid values are numbers or words, got "${v}"`);
      return value;
    });
  return { ...previous, [text.slice(0, eq).trim()]: values };
}
