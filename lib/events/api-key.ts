import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * The events API key: EVENTS_API_KEY where it runs on your machine, else the SSM
 * parameter EVENTS_API_KEY_PARAM names (a SecureString), read once per container and
 * cached. Comparison is constant-time: both sides are hashed to 32 bytes first, so
 * neither the content nor the length of the key leaks through timing.
 */
export const API_KEY_HEADER = 'x-api-key';

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

export function keysMatch(given: string | undefined, expected: string): boolean {
  if (given === undefined || expected.length === 0) return false;
  return timingSafeEqual(digest(given), digest(expected));
}

export type KeyVerdict = 'valid' | 'missing' | 'invalid';

export function keyVerdict(given: string | undefined, expected: string): KeyVerdict {
  if (given === undefined || given === '') return 'missing';
  return keysMatch(given, expected) ? 'valid' : 'invalid';
}

export class ApiKeyConfigError extends Error {
  override name = 'ApiKeyConfigError';
}

/** Reads the expected key once (the first call) and returns the same promise after; a failed read is retried on the next call. */
export function cachedApiKey(env: NodeJS.ProcessEnv = process.env, readParameter: (name: string) => Promise<string> = readSsmParameter): () => Promise<string> {
  let pending: Promise<string> | undefined;
  return () => {
    pending ??= resolveKey(env, readParameter).catch((err: unknown) => {
      pending = undefined;
      throw err;
    });
    return pending;
  };
}

async function resolveKey(env: NodeJS.ProcessEnv, readParameter: (name: string) => Promise<string>): Promise<string> {
  if (env.EVENTS_API_KEY) return env.EVENTS_API_KEY;
  const name = env.EVENTS_API_KEY_PARAM;
  if (!name) throw new ApiKeyConfigError('neither EVENTS_API_KEY nor EVENTS_API_KEY_PARAM is set: no events API key to check against');
  const value = await readParameter(name);
  if (!value) throw new ApiKeyConfigError(`SSM parameter ${name} is empty`);
  return value;
}

async function readSsmParameter(name: string): Promise<string> {
  // Loaded on first use: only the authorizer needs SSM.
  const { SSMClient, GetParameterCommand } = await import('@aws-sdk/client-ssm');
  const client = new SSMClient({});
  try {
    const out = await client.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
    return out.Parameter?.Value ?? '';
  } finally {
    client.destroy();
  }
}
