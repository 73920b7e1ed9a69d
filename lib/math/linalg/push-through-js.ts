/**
 * The push-through solver (push-through.ts) in plain JS: the reference the WebAssembly
 * kernel (push-through-wasm.ts) is tested against, and the path where WebAssembly SIMD is
 * missing. Buffers grow, never shrink.
 */
import { GrowableBuffer, type LargestTerms } from '../contributions';
import { choleskyFactor } from './cholesky';
import type { PushThroughEngine } from './push-through';

export class JsPushThrough implements PushThroughEngine {
  private readonly rowBuffer = new GrowableBuffer();
  private readonly hBuffer = new GrowableBuffer();
  private readonly mBuffer = new GrowableBuffer();
  private readonly vectorBuffers = [new GrowableBuffer(), new GrowableBuffer(), new GrowableBuffer(), new GrowableBuffer()];
  private readonly invSqrtD: Float64Array;
  private readonly sHat: Float64Array;
  private rows: Float64Array = new Float64Array(0);
  private H: Float64Array = new Float64Array(0);
  private M: Float64Array = new Float64Array(0);
  private S: Float64Array = new Float64Array(0);
  private v: Float64Array = new Float64Array(0);
  private y: Float64Array = new Float64Array(0);
  private u: Float64Array = new Float64Array(0);
  private smallestS = 0;
  private count = 0;

  constructor(readonly n: number) {
    this.invSqrtD = new Float64Array(n);
    this.sHat = new Float64Array(n);
  }

  prepare(table: Float32Array, stride: number, items: Int32Array, appendOne: boolean, diagonal: ArrayLike<number>, weights: ArrayLike<number> | number): void {
    const { n, invSqrtD } = this;
    const m = (this.count = items.length);
    const width = appendOne ? n - 1 : n;
    for (let a = 0; a < n; a++) invSqrtD[a] = 1 / Math.sqrt(diagonal[a]!);
    const R = (this.rows = this.rowBuffer.of(m * n));
    for (let j = 0; j < m; j++) {
      const src = items[j]! * stride;
      const dst = j * n;
      for (let a = 0; a < width; a++) R[dst + a] = table[src + a]! * invSqrtD[a]!;
      if (appendOne) R[dst + width] = invSqrtD[width]!;
    }
    const S = (this.S = this.vectorBuffers[0]!.of(m));
    let largest = 0;
    for (let j = 0; j < m; j++) {
      const w = typeof weights === 'number' ? weights : weights[j]!;
      S[j] = Math.sqrt(Math.max(0, w));
      largest = Math.max(largest, S[j]!);
    }
    this.smallestS = 1e-3 * largest;
    this.H = this.hBuffer.of(m * m);
    const M = (this.M = this.mBuffer.of(m * m));
    // Two rows of H at a time: each row k read once for both.
    for (let j = 0; j < m; j += 2) {
      const rj = j * n;
      const pair = j + 1 < m;
      for (let k = 0; k <= (pair ? j + 1 : j); k++) {
        const rk = k * n;
        let h0 = 0;
        let h1 = 0;
        let g0 = 0;
        let g1 = 0;
        if (pair) {
          let a = 0;
          for (; a + 1 < n; a += 2) {
            const x0 = R[rk + a]!;
            const x1 = R[rk + a + 1]!;
            h0 += R[rj + a]! * x0;
            g0 += R[rj + a + 1]! * x1;
            h1 += R[rj + n + a]! * x0;
            g1 += R[rj + n + a + 1]! * x1;
          }
          if (a < n) {
            h0 += R[rj + a]! * R[rk + a]!;
            h1 += R[rj + n + a]! * R[rk + a]!;
          }
          if (k <= j + 1) this.setEntry(j + 1, k, h1 + g1);
        } else h0 = dot4(R, rj, R, rk, n);
        if (k <= j) this.setEntry(j, k, h0 + g0);
      }
    }
    choleskyFactor(M, m);
    // Lᵀ into the (unused) strict upper triangle, so back substitution walks rows too.
    for (let j = 0; j < m; j++) for (let k = 0; k < j; k++) M[k * m + j] = M[j * m + k]!;
    this.v = this.vectorBuffers[1]!.of(m);
    this.y = this.vectorBuffers[2]!.of(m);
    this.u = this.vectorBuffers[3]!.of(m);
  }

  /** H[j][k] = H[k][j] = h and M's lower-triangle entry (j ≥ k). */
  private setEntry(j: number, k: number, h: number): void {
    const { H, M, S, count: m } = this;
    H[j * m + k] = h;
    H[k * m + j] = h;
    M[j * m + k] = S[j]! * h * S[k]! + (j === k ? 1 : 0);
  }

  project(source: ArrayLike<number>, offset: number, length: number, u: Float64Array): void {
    const { n, invSqrtD, sHat, rows, H, M, S, v, y, count: m, smallestS } = this;
    for (let a = 0; a < n; a++) sHat[a] = a < length ? source[offset + a]! * invSqrtD[a]! : 0;
    for (let j = 0; j < m; j++) {
      const vj = dot4(rows, j * n, sHat, 0, length);
      v[j] = vj;
      y[j] = S[j]! * vj;
    }
    for (let i = 0; i < m; i++) {
      const ri = i * m;
      y[i] = (y[i]! - dot4(M, ri, y, 0, i)) / M[ri + i]!;
    }
    for (let i = m - 1; i >= 0; i--) {
      const ri = i * m;
      y[i] = (y[i]! - dot4(M, ri + i + 1, y, i + 1, m - i - 1)) / M[ri + i]!;
    }
    for (let j = 0; j < m; j++) {
      if (S[j]! > smallestS) {
        u[j] = y[j]! / S[j]!;
        continue;
      }
      let hsy = 0;
      for (let k = 0; k < m; k++) hsy += H[j * m + k]! * S[k]! * y[k]!;
      u[j] = v[j]! - hsy;
    }
  }

  largestTerms(table: ArrayLike<number>, stride: number, rows: ArrayLike<number>, count: number, length: number, scale: ArrayLike<number>, out: readonly LargestTerms[]): void {
    const { u } = this;
    for (let k = 0; k < count; k++) {
      this.project(table, rows[k]! * stride, length, u);
      const terms = out[k]!;
      terms.reset();
      for (let j = 0; j < this.count; j++) terms.add(j, u[j]! * scale[j]!);
    }
  }
}

/** Σ a[aOff + k] b[bOff + k] over k < len, four partial sums (the JIT keeps them in registers). */
function dot4(a: Float64Array, aOff: number, b: Float64Array, bOff: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < len; k += 4) {
    s0 += a[aOff + k]! * b[bOff + k]!;
    s1 += a[aOff + k + 1]! * b[bOff + k + 1]!;
    s2 += a[aOff + k + 2]! * b[bOff + k + 2]!;
    s3 += a[aOff + k + 3]! * b[bOff + k + 3]!;
  }
  for (; k < len; k++) s0 += a[aOff + k]! * b[bOff + k]!;
  return s0 + s1 + (s2 + s3);
}
