// @ts-nocheck -- AssemblyScript (compiled by scripts/build/wasm-kernels.ts), not TypeScript.
/**
 * The iALS half-step of ../solve.ts in WebAssembly SIMD (f32x4), float32 throughout as
 * in the implicit library, over a shared imported memory whose regions JS lays out
 * (../wasm.ts). Arguments are byte offsets; dim must be a multiple of 4. Per row u:
 *
 *   (G + Σ w_ui y_i y_iᵀ + λ_u I) x_u = Σ (1 + w_ui) y_i,  a few CG steps from x_u.
 *
 * G is symmetric, so G x is taken as Σ_b x_b G[b,:]: sixteen output floats at a time
 * stay in four registers while G streams past, no horizontal sums.
 */

const CHUNK: usize = 64; // bytes of output kept in registers by gramTimes

@inline function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

@inline function dot(a: usize, b: usize, rowBytes: usize): f32 {
  // Four accumulators: the adds' latency, not the loads, bounds a dot of 64 floats.
  let acc0 = f32x4.splat(0);
  let acc1 = f32x4.splat(0);
  let acc2 = f32x4.splat(0);
  let acc3 = f32x4.splat(0);
  let k: usize = 0;
  for (; k + 64 <= rowBytes; k += 64) {
    acc0 = f32x4.add(acc0, f32x4.mul(v128.load(a + k), v128.load(b + k)));
    acc1 = f32x4.add(acc1, f32x4.mul(v128.load(a + k + 16), v128.load(b + k + 16)));
    acc2 = f32x4.add(acc2, f32x4.mul(v128.load(a + k + 32), v128.load(b + k + 32)));
    acc3 = f32x4.add(acc3, f32x4.mul(v128.load(a + k + 48), v128.load(b + k + 48)));
  }
  for (; k < rowBytes; k += 16) acc0 = f32x4.add(acc0, f32x4.mul(v128.load(a + k), v128.load(b + k)));
  return hsum(f32x4.add(f32x4.add(acc0, acc1), f32x4.add(acc2, acc3)));
}

/** out = G x + reg x (G: dim x dim row-major, symmetric). */
function gramTimes(G: usize, x: usize, out: usize, dim: i32, reg: f32): void {
  const rowBytes = <usize>dim << 2;
  const regV = f32x4.splat(reg);
  let c: usize = 0;
  for (; c + CHUNK <= rowBytes; c += CHUNK) {
    let a0 = f32x4.mul(regV, v128.load(x + c));
    let a1 = f32x4.mul(regV, v128.load(x + c + 16));
    let a2 = f32x4.mul(regV, v128.load(x + c + 32));
    let a3 = f32x4.mul(regV, v128.load(x + c + 48));
    let g = G + c;
    for (let b: usize = 0; b < rowBytes; b += 4) {
      const xb = v128.load32_splat(x + b);
      a0 = f32x4.add(a0, f32x4.mul(xb, v128.load(g)));
      a1 = f32x4.add(a1, f32x4.mul(xb, v128.load(g + 16)));
      a2 = f32x4.add(a2, f32x4.mul(xb, v128.load(g + 32)));
      a3 = f32x4.add(a3, f32x4.mul(xb, v128.load(g + 48)));
      g += rowBytes;
    }
    v128.store(out + c, a0);
    v128.store(out + c + 16, a1);
    v128.store(out + c + 32, a2);
    v128.store(out + c + 48, a3);
  }
  for (; c < rowBytes; c += 16) {
    let a0 = f32x4.mul(regV, v128.load(x + c));
    let g = G + c;
    for (let b: usize = 0; b < rowBytes; b += 4) {
      a0 = f32x4.add(a0, f32x4.mul(v128.load32_splat(x + b), v128.load(g)));
      g += rowBytes;
    }
    v128.store(out + c, a0);
  }
}

/** One CG move: x += α p, r −= α Ap; returns the new ‖r‖². */
@inline function stepAlong(x: usize, r: usize, p: usize, ap: usize, step: f32, rowBytes: usize): f32 {
  const alpha = f32x4.splat(step);
  let rs = f32x4.splat(0);
  for (let j: usize = 0; j < rowBytes; j += 16) {
    v128.store(x + j, f32x4.add(v128.load(x + j), f32x4.mul(alpha, v128.load(p + j))));
    const rj = f32x4.sub(v128.load(r + j), f32x4.mul(alpha, v128.load(ap + j)));
    v128.store(r + j, rj);
    rs = f32x4.add(rs, f32x4.mul(rj, rj));
  }
  return hsum(rs);
}

/** The next CG direction: p = r + β p. */
@inline function nextDirection(p: usize, r: usize, beta: f32, rowBytes: usize): void {
  const b = f32x4.splat(beta);
  for (let j: usize = 0; j < rowBytes; j += 16) v128.store(p + j, f32x4.add(v128.load(r + j), f32x4.mul(b, v128.load(p + j))));
}

/** out = (G + λ I) x + Σ_{k ∈ [from, to)} w_k (y_k · x) y_k. */
function applyRow(G: usize, cols: usize, weights: usize, from: i32, to: i32, fixed: usize, x: usize, out: usize, dim: i32, reg: f32): void {
  const rowBytes = <usize>dim << 2;
  gramTimes(G, x, out, dim, reg);
  for (let k = from; k < to; k++) {
    const y = fixed + <usize>load<i32>(cols + (<usize>k << 2)) * rowBytes;
    const s = f32x4.splat(load<f32>(weights + (<usize>k << 2)) * dot(y, x, rowBytes));
    for (let j: usize = 0; j < rowBytes; j += 16) v128.store(out + j, f32x4.add(v128.load(out + j), f32x4.mul(s, v128.load(y + j))));
  }
}

/**
 * Solves rows [start, end) of `target` against `fixed` and its Gram matrix G (f32).
 * `scratch` holds 3 rows of dim floats (r, p, Ap) for this thread; `lambdas` each
 * row's λ_u (fixed for a job, so computed once in JS: nothing here needs Math.pow,
 * whose tables would be data written into the shared memory). With `withLoss`, returns
 * the rows' observed and regulariser terms of the objective at their new values (as
 * userObjective), while the fixed rows they read are still in cache; else 0.
 */
export function solveRows(
  offsets: usize,
  cols: usize,
  weights: usize,
  start: i32,
  end: i32,
  fixed: usize,
  G: usize,
  target: usize,
  scratch: usize,
  lambdas: usize,
  dim: i32,
  cgSteps: i32,
  withLoss: i32,
): f64 {
  const rowBytes = <usize>dim << 2;
  let loss: f64 = 0;
  const r = scratch;
  const p = r + rowBytes;
  const ap = p + rowBytes;
  const zero = f32x4.splat(0);
  const tol2: f32 = 1e-20;
  let j: usize = 0;
  for (let u = start; u < end; u++) {
    const from = load<i32>(offsets + (<usize>u << 2));
    const to = load<i32>(offsets + (<usize>(u + 1) << 2));
    const x = target + <usize>u * rowBytes;
    if (from == to) {
      for (j = 0; j < rowBytes; j += 16) v128.store(x + j, zero);
      continue;
    }
    const lambda = load<f32>(lambdas + (<usize>u << 2));
    // r = b − A x in one pass over the row's entries: b = Σ (1 + w) y, so each entry adds (1 + w − w (y·x)) y.
    gramTimes(G, x, r, dim, lambda);
    for (j = 0; j < rowBytes; j += 16) v128.store(r + j, f32x4.neg(v128.load(r + j)));
    for (let k = from; k < to; k++) {
      const y = fixed + <usize>load<i32>(cols + (<usize>k << 2)) * rowBytes;
      const w = load<f32>(weights + (<usize>k << 2));
      const c = f32x4.splat(<f32>1 + w - w * dot(y, x, rowBytes));
      for (j = 0; j < rowBytes; j += 16) v128.store(r + j, f32x4.add(v128.load(r + j), f32x4.mul(c, v128.load(y + j))));
    }
    let rs = f32x4.splat(0);
    for (j = 0; j < rowBytes; j += 16) {
      const rj = v128.load(r + j);
      v128.store(p + j, rj);
      rs = f32x4.add(rs, f32x4.mul(rj, rj));
    }
    let rsOld = hsum(rs);
    for (let step = 0; step < cgSteps && rsOld > tol2; step++) {
      applyRow(G, cols, weights, from, to, fixed, p, ap, dim, lambda);
      const pAp = dot(p, ap, rowBytes);
      if (!(pAp > 0)) break;
      const rsNew = stepAlong(x, r, p, ap, rsOld / pAp, rowBytes);
      nextDirection(p, r, rsNew / rsOld, rowBytes);
      rsOld = rsNew;
    }
    if (withLoss) loss += rowLoss(cols, weights, from, to, fixed, x, lambda, rowBytes);
  }
  return loss;
}

/** One row's Σ [(1 + w)(1 − ŷ)² − ŷ²] + λ ‖x‖², in f64. */
@inline function rowLoss(cols: usize, weights: usize, from: i32, to: i32, fixed: usize, x: usize, lambda: f32, rowBytes: usize): f64 {
  let loss: f64 = 0;
  for (let k = from; k < to; k++) {
    const w = <f64>load<f32>(weights + (<usize>k << 2));
    const y = <f64>dot(x, fixed + <usize>load<i32>(cols + (<usize>k << 2)) * rowBytes, rowBytes);
    loss += (1 + w) * (1 - y) * (1 - y) - y * y;
  }
  return loss + <f64>lambda * <f64>dot(x, x, rowBytes);
}

/**
 * out (dim x dim, f64) += Σ_{rows [start, end)} x xᵀ of X. Four rows at a time go into
 * a float32 block `acc` (dim x dim, in scratch), flushed to `out` every 1024 rows so
 * that float32 never sums more than that many terms.
 */
export function gramRows(X: usize, start: i32, end: i32, dim: i32, acc: usize, out: usize): void {
  const rowBytes = <usize>dim << 2;
  const n = <usize>dim * <usize>dim;
  let row = start;
  while (row < end) {
    const blockEnd = min(end, row + 1024);
    for (let k: usize = 0; k < (n << 2); k += 16) v128.store(acc + k, f32x4.splat(0));
    for (; row + 4 <= blockEnd; row += 4) {
      const x0 = X + <usize>row * rowBytes;
      const x1 = x0 + rowBytes;
      const x2 = x1 + rowBytes;
      const x3 = x2 + rowBytes;
      for (let a: usize = 0; a < rowBytes; a += 4) {
        const s0 = v128.load32_splat(x0 + a);
        const s1 = v128.load32_splat(x1 + a);
        const s2 = v128.load32_splat(x2 + a);
        const s3 = v128.load32_splat(x3 + a);
        const g = acc + a * <usize>dim;
        // Upper triangle only, from a's 16-byte group on; the rest is mirrored in the flush.
        for (let b: usize = a & ~15; b < rowBytes; b += 16) {
          let v = v128.load(g + b);
          v = f32x4.add(v, f32x4.mul(s0, v128.load(x0 + b)));
          v = f32x4.add(v, f32x4.mul(s1, v128.load(x1 + b)));
          v = f32x4.add(v, f32x4.mul(s2, v128.load(x2 + b)));
          v = f32x4.add(v, f32x4.mul(s3, v128.load(x3 + b)));
          v128.store(g + b, v);
        }
      }
    }
    for (; row < blockEnd; row++) {
      const x0 = X + <usize>row * rowBytes;
      for (let a: usize = 0; a < rowBytes; a += 4) {
        const s0 = v128.load32_splat(x0 + a);
        const g = acc + a * <usize>dim;
        for (let b: usize = a & ~15; b < rowBytes; b += 16) v128.store(g + b, f32x4.add(v128.load(g + b), f32x4.mul(s0, v128.load(x0 + b))));
      }
    }
    for (let a = 0; a < dim; a++) {
      for (let b = a; b < dim; b++) {
        const at = out + ((<usize>a * <usize>dim + <usize>b) << 3);
        store<f64>(at, load<f64>(at) + <f64>load<f32>(acc + ((<usize>a * <usize>dim + <usize>b) << 2)));
      }
    }
  }
}

/**
 * The users' observed part of the training objective for rows [start, end):
 * Σ_observed [(1 + w)(1 − ŷ)² − ŷ²] + λ_u ‖x_u‖² (rows with interactions); the
 * unobserved part Σ_u x_uᵀ (QᵀQ) x_u = ⟨QᵀQ, PᵀP⟩ comes from the two Gram matrices.
 */
export function userObjective(
  offsets: usize,
  cols: usize,
  weights: usize,
  start: i32,
  end: i32,
  fixed: usize,
  target: usize,
  lambdas: usize,
  dim: i32,
): f64 {
  const rowBytes = <usize>dim << 2;
  let loss: f64 = 0;
  for (let u = start; u < end; u++) {
    const x = target + <usize>u * rowBytes;
    const from = load<i32>(offsets + (<usize>u << 2));
    const to = load<i32>(offsets + (<usize>(u + 1) << 2));
    if (from == to) continue;
    loss += rowLoss(cols, weights, from, to, fixed, x, load<f32>(lambdas + (<usize>u << 2)), rowBytes);
  }
  return loss;
}

/*
 * The same half-step for a side with few rows and many entries each (the items of a
 * set with far more users than items), run as one CG over all its rows at once, or
 * over its first `targetRows` rows (the most rated, when the side is ordered so). The
 * sparse products then go row by row over the *other* side (its CSR), so the large
 * fixed table streams past once per product instead of being gathered row by row for
 * every target row, while the target side's vectors (small) stay in cache. Rows
 * whose CG has stopped get p = 0, so they take no further steps.
 */

/**
 * One sparse product over rows [start, end) of the other side: for each entry (u, i)
 * with weight w, out_i += c y_u where c = w (y_u·X_i), or on the first pass (X = x)
 * c = 1 + w − w (y_u·x_i), which adds b_i − (the sparse part of A x_i). `out` (a
 * part's buffer, target rows x dim) is zeroed first. Only columns below `targetRows`
 * count; the other side's rows must list their columns in ascending order.
 */
export function batchedSparse(
  offsets: usize,
  cols: usize,
  weights: usize,
  start: i32,
  end: i32,
  fixed: usize,
  X: usize,
  out: usize,
  targetRows: i32,
  dim: i32,
  first: i32,
): void {
  const rowBytes = <usize>dim << 2;
  const zero = f32x4.splat(0);
  const total = <usize>targetRows * rowBytes;
  for (let k: usize = 0; k < total; k += 16) v128.store(out + k, zero);
  for (let u = start; u < end; u++) {
    const y = fixed + <usize>u * rowBytes;
    const from = load<i32>(offsets + (<usize>u << 2));
    const to = load<i32>(offsets + (<usize>(u + 1) << 2));
    for (let k = from; k < to; k++) {
      const i = <usize>load<i32>(cols + (<usize>k << 2));
      if (i >= <usize>targetRows) break; // rows' columns ascend: the rest are solved row by row
      const w = load<f32>(weights + (<usize>k << 2));
      const d = dot(y, X + i * rowBytes, rowBytes);
      const c = f32x4.splat(first ? <f32>1 + w - w * d : w * d);
      const o = out + i * rowBytes;
      for (let j: usize = 0; j < rowBytes; j += 16) v128.store(o + j, f32x4.add(v128.load(o + j), f32x4.mul(c, v128.load(y + j))));
    }
  }
}

/**
 * The dense part of one batched CG step for target rows [start, end): sums the
 * `nParts` sparse parts (each `partBytes` apart from `parts`), then on the first pass
 * sets r = that − (G + λ I) x, p = r; afterwards Ap = that + (G + λ I) p and the CG
 * update of x, r, p. `rs` holds each row's ‖r‖² (f32); `empty` rows (no entries) get x = 0.
 */
export function batchedDense(
  start: i32,
  end: i32,
  parts: usize,
  nParts: i32,
  partBytes: usize,
  offsets: usize,
  G: usize,
  lambdas: usize,
  X: usize,
  R: usize,
  Pd: usize,
  AP: usize,
  rs: usize,
  dim: i32,
  first: i32,
): void {
  const rowBytes = <usize>dim << 2;
  const zero = f32x4.splat(0);
  const tol2: f32 = 1e-20;
  let j: usize = 0;
  for (let i = start; i < end; i++) {
    const at = <usize>i * rowBytes;
    const x = X + at;
    const r = R + at;
    const p = Pd + at;
    const ap = AP + at;
    const rsAt = rs + (<usize>i << 2);
    const lambda = load<f32>(lambdas + (<usize>i << 2));
    if (first) {
      if (load<i32>(offsets + (<usize>i << 2)) == load<i32>(offsets + (<usize>(i + 1) << 2))) {
        for (j = 0; j < rowBytes; j += 16) {
          v128.store(x + j, zero);
          v128.store(p + j, zero);
        }
        store<f32>(rsAt, 0);
        continue;
      }
      gramTimes(G, x, ap, dim, lambda);
      let acc = f32x4.splat(0);
      for (j = 0; j < rowBytes; j += 16) {
        let s = f32x4.neg(v128.load(ap + j));
        for (let q = 0; q < nParts; q++) s = f32x4.add(s, v128.load(parts + <usize>q * partBytes + at + j));
        v128.store(r + j, s);
        v128.store(p + j, s);
        acc = f32x4.add(acc, f32x4.mul(s, s));
      }
      const rs0 = hsum(acc);
      store<f32>(rsAt, rs0);
      if (!(rs0 > tol2)) for (j = 0; j < rowBytes; j += 16) v128.store(p + j, zero);
      continue;
    }
    const rsOld = load<f32>(rsAt);
    if (!(rsOld > tol2)) continue;
    gramTimes(G, p, ap, dim, lambda);
    for (j = 0; j < rowBytes; j += 16) {
      let s = v128.load(ap + j);
      for (let q = 0; q < nParts; q++) s = f32x4.add(s, v128.load(parts + <usize>q * partBytes + at + j));
      v128.store(ap + j, s);
    }
    const pAp = dot(p, ap, rowBytes);
    if (!(pAp > 0)) {
      store<f32>(rsAt, 0);
      for (j = 0; j < rowBytes; j += 16) v128.store(p + j, zero);
      continue;
    }
    const rsNew = stepAlong(x, r, p, ap, rsOld / pAp, rowBytes);
    store<f32>(rsAt, rsNew);
    if (!(rsNew > tol2)) {
      for (j = 0; j < rowBytes; j += 16) v128.store(p + j, zero);
      continue;
    }
    nextDirection(p, r, rsNew / rsOld, rowBytes);
  }
}
