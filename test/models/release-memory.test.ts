import { describe, expect, it } from 'vitest';
import { RELEASE_MIN_BYTES, releaseMemory } from '../../lib/models/kernels/release-memory';

describe('releaseMemory', () => {
  it('collects an array that nothing references any more', async () => {
    let big: Float32Array | undefined = new Float32Array(RELEASE_MIN_BYTES / 4).fill(1);
    const ref = new WeakRef(big);
    big = undefined;
    await releaseMemory(RELEASE_MIN_BYTES);
    expect(ref.deref()).toBeUndefined();
  });

  it('leaves an array that is still referenced alone', async () => {
    const kept = new Float32Array(RELEASE_MIN_BYTES / 4).fill(2);
    const ref = new WeakRef(kept);
    await releaseMemory(RELEASE_MIN_BYTES);
    expect(ref.deref()?.[0]).toBe(2);
    expect(kept.length).toBe(RELEASE_MIN_BYTES / 4);
  });
});
