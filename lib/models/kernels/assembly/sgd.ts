// @ts-nocheck -- AssemblyScript (compiled by build-wasm.ts), not TypeScript.
/**
 * The SVD SGD step of sgd-kernel.ts in WebAssembly SIMD (f32x4), over a shared,
 * imported memory whose regions JS lays out (wasm-sgd.ts). Arguments are byte
 * offsets. dim must be a multiple of 4. Arithmetic is float32 throughout.
 * Returns the sum of squared errors (before each update) over [start, end).
 */
export function sgdRange(
  users: usize,
  items: usize,
  ratings: usize,
  start: i32,
  end: i32,
  P: usize,
  Q: usize,
  userBias: usize,
  itemBias: usize,
  dim: i32,
  mu: f32,
  lr: f32,
  reg: f32,
  regBias: f32,
): f64 {
  const rowBytes = <usize>dim << 2;
  const decay = f32x4.splat(<f32>1.0 - lr * reg);
  let sse: f64 = 0;
  for (let r = start; r < end; r++) {
    const u = <usize>load<i32>(users + (<usize>r << 2));
    const i = <usize>load<i32>(items + (<usize>r << 2));
    const pu = P + u * rowBytes;
    const qi = Q + i * rowBytes;
    let acc0 = f32x4.splat(0);
    let acc1 = f32x4.splat(0);
    let k: usize = 0;
    for (; k + 32 <= rowBytes; k += 32) {
      acc0 = f32x4.add(acc0, f32x4.mul(v128.load(pu + k), v128.load(qi + k)));
      acc1 = f32x4.add(acc1, f32x4.mul(v128.load(pu + k + 16), v128.load(qi + k + 16)));
    }
    for (; k < rowBytes; k += 16) acc0 = f32x4.add(acc0, f32x4.mul(v128.load(pu + k), v128.load(qi + k)));
    const acc = f32x4.add(acc0, acc1);
    const dot = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
    const bu = load<f32>(userBias + (u << 2));
    const bi = load<f32>(itemBias + (i << 2));
    const e: f32 = load<f32>(ratings + (<usize>r << 2)) - (mu + bu + bi + dot);
    sse += <f64>e * <f64>e;
    store<f32>(userBias + (u << 2), bu + lr * (e - regBias * bu));
    store<f32>(itemBias + (i << 2), bi + lr * (e - regBias * bi));
    const le = f32x4.splat(lr * e);
    for (k = 0; k < rowBytes; k += 16) {
      const p = v128.load(pu + k);
      const q = v128.load(qi + k);
      v128.store(pu + k, f32x4.add(f32x4.mul(decay, p), f32x4.mul(le, q)));
      v128.store(qi + k, f32x4.add(f32x4.mul(decay, q), f32x4.mul(le, p)));
    }
  }
  return sse;
}
