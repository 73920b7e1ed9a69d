// @ts-nocheck -- AssemblyScript (compiled by scripts/build/wasm-kernels.ts), not TypeScript.
/**
 * The push-through solver's arithmetic (../push-through-js.ts is the reference) in
 * WebAssembly SIMD, float64 (f64x2), over an imported memory whose regions JS lays out
 * (../push-through-wasm.ts). Arguments are byte offsets (16-byte aligned) and counts of
 * doubles. R holds the m rows, each padded with zeros to `rowDoubles`, a multiple of 4;
 * H and M are m x m, row-major, rows `mStride` doubles apart (even).
 * The sums run in another order than the reference's, so results agree to rounding.
 */
@inline function hsum(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/** Σ a[k] b[k] over k < count, any count and alignment. */
@inline function dot(a: usize, b: usize, count: usize): f64 {
  const bytes = count << 3;
  let s0 = f64x2.splat(0);
  let s1 = f64x2.splat(0);
  let k: usize = 0;
  for (; k + 32 <= bytes; k += 32) {
    s0 = f64x2.add(s0, f64x2.mul(v128.load(a + k), v128.load(b + k)));
    s1 = f64x2.add(s1, f64x2.mul(v128.load(a + k + 16), v128.load(b + k + 16)));
  }
  if (k + 16 <= bytes) {
    s0 = f64x2.add(s0, f64x2.mul(v128.load(a + k), v128.load(b + k)));
    k += 16;
  }
  let s = hsum(f64x2.add(s0, s1));
  if (k < bytes) s += load<f64>(a + k) * load<f64>(b + k);
  return s;
}

@inline function at(matrix: usize, stride: usize, j: usize, k: usize): usize {
  return matrix + ((j * stride + k) << 3);
}

/** H[j][k] = H[k][j] = h; M[k][j] = S_j h S_k (+1 on the diagonal), j ≥ k: M's upper triangle. */
@inline function setEntry(H: usize, M: usize, S: usize, ms: usize, j: usize, k: usize, h: f64): void {
  store<f64>(at(H, ms, j, k), h);
  store<f64>(at(H, ms, k, j), h);
  store<f64>(at(M, ms, k, j), load<f64>(S + (j << 3)) * h * load<f64>(S + (k << 3)) + (j == k ? 1.0 : 0.0));
}

/** dst[k] -= a src[k] over k < count, any count and alignment. */
@inline function subtractScaled(dst: usize, src: usize, a: f64, count: usize): void {
  const bytes = count << 3;
  const av = f64x2.splat(a);
  let k: usize = 0;
  for (; k + 16 <= bytes; k += 16) v128.store(dst + k, f64x2.sub(v128.load(dst + k), f64x2.mul(av, v128.load(src + k))));
  if (k < bytes) store<f64>(dst + k, load<f64>(dst + k) - a * load<f64>(src + k));
}

/** dst[k] -= a srcA[k] + b srcB[k] over k < count, any count and alignment. */
@inline function subtractScaled2(dst: usize, srcA: usize, a: f64, srcB: usize, b: f64, count: usize): void {
  const bytes = count << 3;
  const av = f64x2.splat(a);
  const bv = f64x2.splat(b);
  let k: usize = 0;
  for (; k + 16 <= bytes; k += 16) v128.store(dst + k, f64x2.sub(v128.load(dst + k), f64x2.add(f64x2.mul(av, v128.load(srcA + k)), f64x2.mul(bv, v128.load(srcB + k)))));
  if (k < bytes) store<f64>(dst + k, load<f64>(dst + k) - (a * load<f64>(srcA + k) + b * load<f64>(srcB + k)));
}

/**
 * Rows of a float32 table kept in this memory, as float64 rows of `rowDoubles` at `dst`:
 * row r is table row index[r] (`stride` floats apart; i32 indices), its first `width`
 * values, then a 1 where `appendOne`, then zeros.
 */
export function gather(table: usize, stride: i32, index: usize, count: i32, width: i32, appendOne: i32, dst: usize, rowDoubles: i32): void {
  const w = <usize>width;
  const rowBytes = (<usize>rowDoubles) << 3;
  for (let r: usize = 0; r < <usize>count; r++) {
    const src = table + ((<usize>load<i32>(index + (r << 2)) * <usize>stride) << 2);
    const d = dst + r * rowBytes;
    let a: usize = 0;
    for (; a + 4 <= w; a += 4) {
      const v = v128.load(src + (a << 2));
      v128.store(d + (a << 3), f64x2.promote_low_f32x4(v));
      v128.store(d + (a << 3) + 16, f64x2.promote_low_f32x4(v128.shuffle<i32>(v, v, 2, 3, 0, 1)));
    }
    for (; a < w; a++) store<f64>(d + (a << 3), <f64>load<f32>(src + (a << 2)));
    if (appendOne != 0) store<f64>(d + (a++ << 3), 1.0);
    for (; a < <usize>rowDoubles; a++) store<f64>(d + (a << 3), 0.0);
  }
}

/**
 * Scales the rows by D^-½ (invSqrtD, zero-padded like the rows), then H = R Rᵀ (whole),
 * M = I + S H S and its Cholesky factor: U = Lᵀ in M's upper triangle, L in its strict
 * lower one (each solve then walks rows), 1 / diagonal in diagInv. Returns 0, or 1 + the
 * first pivot that is not positive (M is then unusable).
 */
export function prepare(R: usize, rowDoubles: i32, count: i32, invSqrtD: usize, S: usize, H: usize, M: usize, mStride: i32, diagInv: usize): i32 {
  const m = <usize>count;
  const ms = <usize>mStride;
  const rowBytes = (<usize>rowDoubles) << 3;
  for (let j: usize = 0; j < m; j++) {
    const r = R + j * rowBytes;
    for (let f: usize = 0; f < rowBytes; f += 16) v128.store(r + f, f64x2.mul(v128.load(r + f), v128.load(invSqrtD + f)));
  }
  // 2 x 2 blocks of H, four doubles of a row at a time: each row is loaded once per block.
  for (let j: usize = 0; j < m; j += 2) {
    const j1 = j + 1 < m ? j + 1 : j;
    const rj0 = R + j * rowBytes;
    const rj1 = R + j1 * rowBytes;
    for (let k: usize = 0; k <= j; k += 2) {
      const k1 = k + 1 < m ? k + 1 : k;
      const rk0 = R + k * rowBytes;
      const rk1 = R + k1 * rowBytes;
      let a00 = f64x2.splat(0);
      let a01 = f64x2.splat(0);
      let a10 = f64x2.splat(0);
      let a11 = f64x2.splat(0);
      let b00 = f64x2.splat(0);
      let b01 = f64x2.splat(0);
      let b10 = f64x2.splat(0);
      let b11 = f64x2.splat(0);
      for (let f: usize = 0; f < rowBytes; f += 32) {
        const x0 = v128.load(rj0 + f);
        const x1 = v128.load(rj1 + f);
        const y0 = v128.load(rk0 + f);
        const y1 = v128.load(rk1 + f);
        a00 = f64x2.add(a00, f64x2.mul(x0, y0));
        a01 = f64x2.add(a01, f64x2.mul(x0, y1));
        a10 = f64x2.add(a10, f64x2.mul(x1, y0));
        a11 = f64x2.add(a11, f64x2.mul(x1, y1));
        const z0 = v128.load(rj0 + f + 16);
        const z1 = v128.load(rj1 + f + 16);
        const w0 = v128.load(rk0 + f + 16);
        const w1 = v128.load(rk1 + f + 16);
        b00 = f64x2.add(b00, f64x2.mul(z0, w0));
        b01 = f64x2.add(b01, f64x2.mul(z0, w1));
        b10 = f64x2.add(b10, f64x2.mul(z1, w0));
        b11 = f64x2.add(b11, f64x2.mul(z1, w1));
      }
      setEntry(H, M, S, ms, j, k, hsum(f64x2.add(a00, b00)));
      if (k1 != k && k1 <= j) setEntry(H, M, S, ms, j, k1, hsum(f64x2.add(a01, b01)));
      if (j1 != j) {
        setEntry(H, M, S, ms, j1, k, hsum(f64x2.add(a10, b10)));
        if (k1 != k) setEntry(H, M, S, ms, j1, k1, hsum(f64x2.add(a11, b11)));
      }
    }
  }
  // Right-looking Cholesky M = UᵀU by rows of the upper triangle: no dot products, so no
  // chain of reductions, only row updates.
  for (let k: usize = 0; k < m; k++) {
    const rk = at(M, ms, k, 0);
    const d = load<f64>(rk + (k << 3));
    if (!(d > 0)) return <i32>k + 1;
    const ukk = Math.sqrt(d);
    const inv = 1 / ukk;
    store<f64>(rk + (k << 3), ukk);
    store<f64>(diagInv + (k << 3), inv);
    for (let c = k + 1; c < m; c++) store<f64>(rk + (c << 3), load<f64>(rk + (c << 3)) * inv);
    for (let i = k + 1; i < m; i++) subtractScaled(at(M, ms, i, i), rk + (i << 3), load<f64>(rk + (i << 3)), m - i);
  }
  for (let j: usize = 0; j < m; j++) for (let k: usize = 0; k < j; k++) store<f64>(at(M, ms, j, k), load<f64>(at(M, ms, k, j)));
  return 0;
}

/**
 * `project` for `batch` sources (rows of `rowDoubles` at `sources`, zero-padded; scaled
 * here) in one call, each u reduced to what a reason needs: the terms t_j = u_j scale_j,
 * the `keep` largest positive ones, largest first, as (j, t_j) pairs of doubles at
 * top + 16 b keep (j = -1 past the last), and the sum of every positive term at sums + 8 b.
 * (Solving the batch together, a row update across all sources at a time, measured no
 * faster here: the two-row steps already keep one source's solve busy.)
 */
export function largestTerms(R: usize, rowDoubles: i32, count: i32, sources: usize, batch: i32, invSqrtD: usize, S: usize, H: usize, M: usize, mStride: i32, diagInv: usize, v: usize, y: usize, u: usize, smallestS: f64, scale: usize, keep: i32, top: usize, sums: usize): void {
  const m = <usize>count;
  const slots = <usize>keep;
  const rowBytes = (<usize>rowDoubles) << 3;
  for (let b: usize = 0; b < <usize>batch; b++) {
    project(R, rowDoubles, count, sources + b * rowBytes, invSqrtD, S, H, M, mStride, diagInv, v, y, u, smallestS);
    const out = top + ((b * slots) << 4);
    for (let c: usize = 0; c < slots; c++) store<f64>(out + (c << 4), -1.0);
    let kept: usize = 0;
    let positive: f64 = 0;
    // What a term must beat to be kept: 0, then the smallest kept once the slots are full
    // (a branch seldom taken; the sign of each term is summed without one).
    let threshold: f64 = 0;
    for (let j: usize = 0; j < m; j++) {
      const t = load<f64>(u + (j << 3)) * load<f64>(scale + (j << 3));
      positive += select<f64>(t, 0, t > 0);
      if (!(t > threshold)) continue;
      // Insertion into the sorted slots: the last one (the smallest kept) falls out when full.
      let c = kept < slots ? kept++ : slots - 1;
      while (c > 0 && load<f64>(out + ((c - 1) << 4) + 8) < t) {
        store<f64>(out + (c << 4), load<f64>(out + ((c - 1) << 4)));
        store<f64>(out + (c << 4) + 8, load<f64>(out + ((c - 1) << 4) + 8));
        c--;
      }
      store<f64>(out + (c << 4), <f64>j);
      store<f64>(out + (c << 4) + 8, t);
      if (kept == slots) threshold = load<f64>(out + ((slots - 1) << 4) + 8);
    }
    store<f64>(sums + (b << 3), positive);
  }
}

/**
 * u = X A⁻¹ s for the prepared A, s zero-padded to rowDoubles (scaled here: ŝ = D^-½ s):
 * v = R ŝ, y = M⁻¹ S v by the two triangular solves (column by column, two rows a step),
 * u_j = y_j / S_j, or where S_j ≤ smallestS, u_j = v_j − (H S y)_j.
 * v and y are scratch of m doubles.
 */
export function project(R: usize, rowDoubles: i32, count: i32, sHat: usize, invSqrtD: usize, S: usize, H: usize, M: usize, mStride: i32, diagInv: usize, v: usize, y: usize, u: usize, smallestS: f64): void {
  const m = <usize>count;
  const ms = <usize>mStride;
  const rowBytes = (<usize>rowDoubles) << 3;
  for (let f: usize = 0; f < rowBytes; f += 16) v128.store(sHat + f, f64x2.mul(v128.load(sHat + f), v128.load(invSqrtD + f)));
  let j: usize = 0;
  // Two rows at a time: one load of ŝ for both.
  for (; j + 2 <= m; j += 2) {
    const r0 = R + j * rowBytes;
    const r1 = r0 + rowBytes;
    let a0 = f64x2.splat(0);
    let a1 = f64x2.splat(0);
    let b0 = f64x2.splat(0);
    let b1 = f64x2.splat(0);
    for (let f: usize = 0; f < rowBytes; f += 32) {
      const s0 = v128.load(sHat + f);
      const s1 = v128.load(sHat + f + 16);
      a0 = f64x2.add(a0, f64x2.mul(v128.load(r0 + f), s0));
      a1 = f64x2.add(a1, f64x2.mul(v128.load(r1 + f), s0));
      b0 = f64x2.add(b0, f64x2.mul(v128.load(r0 + f + 16), s1));
      b1 = f64x2.add(b1, f64x2.mul(v128.load(r1 + f + 16), s1));
    }
    const v0 = hsum(f64x2.add(a0, b0));
    const v1 = hsum(f64x2.add(a1, b1));
    store<f64>(v + (j << 3), v0);
    store<f64>(v + ((j + 1) << 3), v1);
    store<f64>(y + (j << 3), load<f64>(S + (j << 3)) * v0);
    store<f64>(y + ((j + 1) << 3), load<f64>(S + ((j + 1) << 3)) * v1);
  }
  if (j < m) {
    const vj = dot(R + j * rowBytes, sHat, <usize>rowDoubles);
    store<f64>(v + (j << 3), vj);
    store<f64>(y + (j << 3), load<f64>(S + (j << 3)) * vj);
  }
  // Uᵀ z = y, two rows at a time: z_i and z_i+1 (in registers), then their part out of
  // the rest in one pass, by rows i and i+1 of U. Each step of a triangular solve waits on
  // the one before: pairs halve the waits.
  let i: usize = 0;
  for (; i + 2 <= m; i += 2) {
    const yi = y + (i << 3);
    const z0 = load<f64>(yi) * load<f64>(diagInv + (i << 3));
    const z1 = (load<f64>(yi + 8) - z0 * load<f64>(at(M, ms, i, i + 1))) * load<f64>(diagInv + ((i + 1) << 3));
    store<f64>(yi, z0);
    store<f64>(yi + 8, z1);
    subtractScaled2(yi + 16, at(M, ms, i, i + 2), z0, at(M, ms, i + 1, i + 2), z1, m - i - 2);
  }
  if (i < m) store<f64>(y + (i << 3), load<f64>(y + (i << 3)) * load<f64>(diagInv + (i << 3)));
  // U x = z, two rows at a time from the last: x_i and x_i-1, then their part out of
  // z[0 .. i-1), by rows i and i-1 of L = Uᵀ.
  let top = m;
  for (; top >= 2; top -= 2) {
    const i1 = top - 1;
    const i0 = top - 2;
    const x1 = load<f64>(y + (i1 << 3)) * load<f64>(diagInv + (i1 << 3));
    const x0 = (load<f64>(y + (i0 << 3)) - x1 * load<f64>(at(M, ms, i1, i0))) * load<f64>(diagInv + (i0 << 3));
    store<f64>(y + (i1 << 3), x1);
    store<f64>(y + (i0 << 3), x0);
    subtractScaled2(y, at(M, ms, i1, 0), x1, at(M, ms, i0, 0), x0, i0);
  }
  if (top == 1) store<f64>(y, load<f64>(y) * load<f64>(diagInv));
  for (let k: usize = 0; k < m; k++) {
    const sk = load<f64>(S + (k << 3));
    if (sk > smallestS) {
      store<f64>(u + (k << 3), load<f64>(y + (k << 3)) / sk);
      continue;
    }
    let hsy: f64 = 0;
    for (let l: usize = 0; l < m; l++) hsy += load<f64>(at(H, ms, k, l)) * load<f64>(S + (l << 3)) * load<f64>(y + (l << 3));
    store<f64>(u + (k << 3), load<f64>(v + (k << 3)) - hsy);
  }
}
