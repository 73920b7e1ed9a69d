import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { compileSgdWasm, generatedModule, SGD_GENERATED } from '../../lib/models/kernels/build-wasm';

describe('the committed WebAssembly kernel', () => {
  it('is what assembly/sgd.ts compiles to (else run: npx tsx lib/models/kernels/build-wasm.ts)', async () => {
    const fresh = generatedModule(await compileSgdWasm());
    expect(await readFile(SGD_GENERATED, 'utf8')).toBe(fresh);
  }, 120_000);
});
