import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { compileWasm, generatedModule, KERNELS } from '../../scripts/build/wasm-kernels';

describe('the committed WebAssembly kernels', () => {
  it.each(KERNELS.map((k) => [k.name, k] as const))('%s is what its AssemblyScript compiles to (else run: npm run build:wasm)', async (_, kernel) => {
    const fresh = generatedModule(kernel, await compileWasm(kernel));
    expect(await readFile(kernel.generated, 'utf8')).toBe(fresh);
  }, 120_000);
});
