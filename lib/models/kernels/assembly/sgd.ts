// @ts-nocheck -- AssemblyScript (compiled by scripts/build/wasm-kernels.ts), not TypeScript.
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

/**
 * NSVD's per-user SGD step (nsvd.ts) in f32x4: p = norm Σ Y[items[from..from+used)];
 * for each rating in [from, to): e, biases, g += e q_i, q_i += lr (e p - reg q_i);
 * then Y[j] += lr (norm g - reg Y[j]) for the first `used` items. `p` and `g` are
 * dim-float scratch rows. Returns the sum of squared errors.
 */
export function nsvdUser(
  items: usize,
  ratings: usize,
  from: i32,
  to: i32,
  used: i32,
  u: i32,
  Q: usize,
  Y: usize,
  userBias: usize,
  itemBias: usize,
  p: usize,
  g: usize,
  dim: i32,
  mu: f32,
  lr: f32,
  reg: f32,
  regBias: f32,
): f64 {
  const rowBytes = <usize>dim << 2;
  const norm: f32 = <f32>1.0 / Mathf.sqrt(<f32>used);
  const zero = f32x4.splat(0);
  let k: usize = 0;
  for (k = 0; k < rowBytes; k += 16) {
    v128.store(p + k, zero);
    v128.store(g + k, zero);
  }
  for (let r = from; r < from + used; r++) {
    const yj = Y + <usize>load<i32>(items + (<usize>r << 2)) * rowBytes;
    for (k = 0; k < rowBytes; k += 16) v128.store(p + k, f32x4.add(v128.load(p + k), v128.load(yj + k)));
  }
  const normV = f32x4.splat(norm);
  for (k = 0; k < rowBytes; k += 16) v128.store(p + k, f32x4.mul(v128.load(p + k), normV));
  const decay = f32x4.splat(<f32>1.0 - lr * reg);
  const ub = userBias + (<usize>u << 2);
  let sse: f64 = 0;
  for (let r = from; r < to; r++) {
    const i = <usize>load<i32>(items + (<usize>r << 2));
    const qi = Q + i * rowBytes;
    let acc = f32x4.splat(0);
    for (k = 0; k < rowBytes; k += 16) acc = f32x4.add(acc, f32x4.mul(v128.load(p + k), v128.load(qi + k)));
    const dot = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
    const bu = load<f32>(ub);
    const bi = load<f32>(itemBias + (i << 2));
    const e: f32 = load<f32>(ratings + (<usize>r << 2)) - (mu + bu + bi + dot);
    sse += <f64>e * <f64>e;
    store<f32>(ub, bu + lr * (e - regBias * bu));
    store<f32>(itemBias + (i << 2), bi + lr * (e - regBias * bi));
    const ev = f32x4.splat(e);
    const le = f32x4.splat(lr * e);
    for (k = 0; k < rowBytes; k += 16) {
      const q = v128.load(qi + k);
      v128.store(g + k, f32x4.add(v128.load(g + k), f32x4.mul(ev, q)));
      v128.store(qi + k, f32x4.add(f32x4.mul(decay, q), f32x4.mul(le, v128.load(p + k))));
    }
  }
  const step = f32x4.splat(lr * norm);
  for (let r = from; r < from + used; r++) {
    const yj = Y + <usize>load<i32>(items + (<usize>r << 2)) * rowBytes;
    for (k = 0; k < rowBytes; k += 16) {
      v128.store(yj + k, f32x4.add(f32x4.mul(decay, v128.load(yj + k)), f32x4.mul(step, v128.load(g + k))));
    }
  }
  return sse;
}
