// @ts-nocheck -- AssemblyScript (compiled by scripts/build/wasm-kernels.ts), not TypeScript.
/**
 * The tile kernels of the blocked SPD inverse (../blocked-inverse.ts states the
 * algorithm), float64 in WebAssembly SIMD (f64x2), over a shared imported memory.
 * Arguments are byte offsets; strides (ld*) are in doubles. Every matrix is row-major
 * and every product is of rows with rows ("dot form"), so all loads are contiguous.
 */

/** Depth of one pass of gemmNT: 2 KiB of each row, so a 64-row tile's slice stays in L2. */
const DEPTH_CHUNK: i32 = 256;

@inline function hsum(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/** Σ_{k<len} a[k] b[k]. */
@inline function dot(a: usize, b: usize, len: i32): f64 {
  const bytes = (<usize>len) << 3;
  let acc0 = f64x2.splat(0);
  let acc1 = f64x2.splat(0);
  let k: usize = 0;
  for (; k + 32 <= bytes; k += 32) {
    acc0 = f64x2.add(acc0, f64x2.mul(v128.load(a + k), v128.load(b + k)));
    acc1 = f64x2.add(acc1, f64x2.mul(v128.load(a + k, 16), v128.load(b + k, 16)));
  }
  for (; k + 16 <= bytes; k += 16) acc0 = f64x2.add(acc0, f64x2.mul(v128.load(a + k), v128.load(b + k)));
  let s = hsum(f64x2.add(acc0, acc1));
  if (k < bytes) s += load<f64>(a + k) * load<f64>(b + k);
  return s;
}

@inline function put(c: usize, s: f64, alpha: f64, beta: f64): void {
  store<f64>(c, beta == 0 ? alpha * s : beta * load<f64>(c) + alpha * s);
}

/** One depth chunk of gemmNT: `bytes` of each row from the row starts given. */
function gemmChunk(c: usize, cs: usize, x: usize, xs: usize, y: usize, ys: usize, m: i32, p: i32, len: i32, alpha: f64, beta: f64): void {
  const pairBytes = (<usize>(len & ~1)) << 3;
  const odd = (len & 1) != 0;
  let i = 0;
  for (; i + 2 <= m; i += 2) {
    const x0 = x + <usize>i * xs;
    const x1 = x0 + xs;
    const c0 = c + <usize>i * cs;
    const c1 = c0 + cs;
    let j = 0;
    // 2 x 4 outputs in eight registers while the six rows stream past.
    for (; j + 4 <= p; j += 4) {
      const y0 = y + <usize>j * ys;
      const y1 = y0 + ys;
      const y2 = y1 + ys;
      const y3 = y2 + ys;
      let a00 = f64x2.splat(0), a01 = f64x2.splat(0), a02 = f64x2.splat(0), a03 = f64x2.splat(0);
      let a10 = f64x2.splat(0), a11 = f64x2.splat(0), a12 = f64x2.splat(0), a13 = f64x2.splat(0);
      for (let k: usize = 0; k < pairBytes; k += 16) {
        const u = v128.load(x0 + k);
        const v = v128.load(x1 + k);
        let b = v128.load(y0 + k);
        a00 = f64x2.add(a00, f64x2.mul(u, b));
        a10 = f64x2.add(a10, f64x2.mul(v, b));
        b = v128.load(y1 + k);
        a01 = f64x2.add(a01, f64x2.mul(u, b));
        a11 = f64x2.add(a11, f64x2.mul(v, b));
        b = v128.load(y2 + k);
        a02 = f64x2.add(a02, f64x2.mul(u, b));
        a12 = f64x2.add(a12, f64x2.mul(v, b));
        b = v128.load(y3 + k);
        a03 = f64x2.add(a03, f64x2.mul(u, b));
        a13 = f64x2.add(a13, f64x2.mul(v, b));
      }
      let s00 = hsum(a00), s01 = hsum(a01), s02 = hsum(a02), s03 = hsum(a03);
      let s10 = hsum(a10), s11 = hsum(a11), s12 = hsum(a12), s13 = hsum(a13);
      if (odd) {
        const u = load<f64>(x0 + pairBytes);
        const v = load<f64>(x1 + pairBytes);
        const b0 = load<f64>(y0 + pairBytes), b1 = load<f64>(y1 + pairBytes), b2 = load<f64>(y2 + pairBytes), b3 = load<f64>(y3 + pairBytes);
        s00 += u * b0; s01 += u * b1; s02 += u * b2; s03 += u * b3;
        s10 += v * b0; s11 += v * b1; s12 += v * b2; s13 += v * b3;
      }
      const cj = (<usize>j) << 3;
      put(c0 + cj, s00, alpha, beta); put(c0 + cj + 8, s01, alpha, beta); put(c0 + cj + 16, s02, alpha, beta); put(c0 + cj + 24, s03, alpha, beta);
      put(c1 + cj, s10, alpha, beta); put(c1 + cj + 8, s11, alpha, beta); put(c1 + cj + 16, s12, alpha, beta); put(c1 + cj + 24, s13, alpha, beta);
    }
    for (; j < p; j++) {
      const yj = y + <usize>j * ys;
      const cj = (<usize>j) << 3;
      put(c0 + cj, dot(x0, yj, len), alpha, beta);
      put(c1 + cj, dot(x1, yj, len), alpha, beta);
    }
  }
  for (; i < m; i++) {
    const xi = x + <usize>i * xs;
    const ci = c + <usize>i * cs;
    for (let j = 0; j < p; j++) put(ci + ((<usize>j) << 3), dot(xi, y + <usize>j * ys, len), alpha, beta);
  }
}

/**
 * C[i][j] = beta C[i][j] + alpha Σ_{k<depth} X[i][k] Y[j][k] for i < m, j < p
 * (beta 0 never reads C).
 */
export function gemmNT(c: usize, ldc: i32, x: usize, ldx: i32, y: usize, ldy: i32, m: i32, p: i32, depth: i32, alpha: f64, beta: f64): void {
  const cs = (<usize>ldc) << 3;
  const xs = (<usize>ldx) << 3;
  const ys = (<usize>ldy) << 3;
  if (depth == 0) {
    if (beta == 1) return;
    for (let i = 0; i < m; i++) for (let j = 0; j < p; j++) store<f64>(c + <usize>i * cs + ((<usize>j) << 3), beta == 0 ? 0 : beta * load<f64>(c + <usize>i * cs + ((<usize>j) << 3)));
    return;
  }
  let first = true;
  for (let k = 0; k < depth; k += DEPTH_CHUNK) {
    const len = min(DEPTH_CHUNK, depth - k);
    const off = (<usize>k) << 3;
    gemmChunk(c, cs, x + off, xs, y + off, ys, m, p, len, alpha, first ? beta : 1);
    first = false;
  }
}

/**
 * Cholesky of the w x w tile at `a` in place (lower triangle, diagonal included; the
 * upper triangle is not read). Returns -1, or the first pivot that is not positive.
 */
export function choleskyTile(a: usize, lda: i32, w: i32): i32 {
  const rs = (<usize>lda) << 3;
  for (let j = 0; j < w; j++) {
    const rj = a + <usize>j * rs;
    const jj = rj + ((<usize>j) << 3);
    const d = load<f64>(jj) - dot(rj, rj, j);
    if (!(d > 0)) {
      store<f64>(jj, d);
      return j;
    }
    const ljj = Math.sqrt(d);
    store<f64>(jj, ljj);
    for (let i = j + 1; i < w; i++) {
      const ri = a + <usize>i * rs;
      const ij = ri + ((<usize>j) << 3);
      store<f64>(ij, (load<f64>(ij) - dot(ri, rj, j)) / ljj);
    }
  }
  return -1;
}

/** Rows of a panel below a factored diagonal tile D (w x w, lower): R = R D⁻ᵀ, row by row. */
export function solvePanelRows(r: usize, ldr: i32, d: usize, ldd: i32, rows: i32, w: i32): void {
  const rs = (<usize>ldr) << 3;
  const ds = (<usize>ldd) << 3;
  for (let i = 0; i < rows; i++) {
    const ri = r + <usize>i * rs;
    for (let j = 0; j < w; j++) {
      const dj = d + <usize>j * ds;
      const at = ri + ((<usize>j) << 3);
      store<f64>(at, (load<f64>(at) - dot(ri, dj, j)) / load<f64>(dj + ((<usize>j) << 3)));
    }
  }
}

/**
 * U = D⁻ᵀ for a factored diagonal tile D (w x w, lower), written to the tile at `u`
 * in full: zeros below the diagonal. Row j of U is the solution of D x = e_j:
 *   U[j][i] = (δ_ij − Σ_{k=j..i−1} D[i][k] U[j][k]) / D[i][i].
 */
export function invertDiagonalTile(d: usize, ldd: i32, u: usize, ldu: i32, w: i32): void {
  const ds = (<usize>ldd) << 3;
  const us = (<usize>ldu) << 3;
  for (let j = 0; j < w; j++) {
    const uj = u + <usize>j * us;
    for (let i = 0; i < j; i++) store<f64>(uj + ((<usize>i) << 3), 0);
    const jj = (<usize>j) << 3;
    store<f64>(uj + jj, 1 / load<f64>(d + <usize>j * ds + jj));
    for (let i = j + 1; i < w; i++) {
      const di = d + <usize>i * ds;
      const s = dot(di + jj, uj + jj, i - j);
      store<f64>(uj + ((<usize>i) << 3), -s / load<f64>(di + ((<usize>i) << 3)));
    }
  }
}

/**
 * Finishes a tile of U = L⁻ᵀ right of the diagonal: on entry C holds Σ over the earlier
 * columns, and the part within the tile's own columns, against the factored diagonal
 * tile D of its column block, is solved in place:
 *   C[j][i] = −(C[j][i] + Σ_{k<i} C[j][k] D[i][k]) / D[i][i].
 */
export function finishInverseTile(c: usize, ldc: i32, d: usize, ldd: i32, rows: i32, w: i32): void {
  const cs = (<usize>ldc) << 3;
  const ds = (<usize>ldd) << 3;
  for (let j = 0; j < rows; j++) {
    const cj = c + <usize>j * cs;
    for (let i = 0; i < w; i++) {
      const di = d + <usize>i * ds;
      const at = cj + ((<usize>i) << 3);
      store<f64>(at, -(load<f64>(at) + dot(cj, di, i)) / load<f64>(di + ((<usize>i) << 3)));
    }
  }
}

/** dst[j][i] = src[i][j] for i < rows, j < cols. */
export function transposeTile(src: usize, lds: i32, dst: usize, ldd: i32, rows: i32, cols: i32): void {
  const ss = (<usize>lds) << 3;
  const ds = (<usize>ldd) << 3;
  for (let i = 0; i < rows; i++) {
    const si = src + <usize>i * ss;
    const di = dst + ((<usize>i) << 3);
    for (let j = 0; j < cols; j++) store<f64>(di + <usize>j * ds, load<f64>(si + ((<usize>j) << 3)));
  }
}
