/**
 * Small, fast, seeded pseudo-random numbers for reproducible splits, shuffles and
 * initialisation: xoshiro128** (Blackman & Vigna), seeded through splitmix32 so that
 * nearby seeds give unrelated streams. Not for cryptography.
 */
export interface Rng {
  /** Uniform in [0, 1), 32 bits of resolution. */
  next(): number;
  /** Uniform unsigned 32-bit integer. */
  nextUint32(): number;
  /**
   * Uniform integer in [0, n), n in [1, 2^32]: exact for n <= 2^21 (Lemire's
   * multiply-and-reject), and for larger n off from uniform by less than n / 2^53.
   */
  nextInt(n: number): number;
  /** Standard normal (Box-Muller, the spare value cached). */
  nextGaussian(): number;
}

const TWO_32 = 4294967296;
const TWO_21 = 2097152;
const TWO_53 = 9007199254740992;

/** splitmix32 step: returns [next state, output]. */
function splitmix32(state: number): [number, number] {
  state = (state + 0x9e3779b9) | 0;
  let z = state;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [state, (z ^ (z >>> 16)) >>> 0];
}

export function createRng(seed: number): Rng {
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  // Fold the seed (possibly > 32 bits or fractional) into 32 bits.
  let state = (Math.trunc(seed) ^ Math.trunc(seed / TWO_32)) | 0;
  let s0: number, s1: number, s2: number, s3: number;
  [state, s0] = splitmix32(state);
  [state, s1] = splitmix32(state);
  [state, s2] = splitmix32(state);
  [state, s3] = splitmix32(state);
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1; // the all-zero state is a fixed point

  const nextUint32 = (): number => {
    const t = s1 << 9;
    let r = Math.imul(s1, 5);
    r = Math.imul((r << 7) | (r >>> 25), 9);
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    return r >>> 0;
  };

  let spare: number | undefined;
  return {
    nextUint32,
    next: () => nextUint32() / TWO_32,
    nextInt(n: number): number {
      if (!(n >= 1 && n <= TWO_32) || !Number.isInteger(n)) {
        throw new RangeError(`nextInt needs an integer in [1, 2^32], got ${n}`);
      }
      if (n <= TWO_21) {
        // x * n < 2^53 is exact; its top 32 bits are the result, and rejecting the
        // few low parts below (2^32 mod n) makes every result equally likely.
        let m = nextUint32() * n;
        let low = m - Math.floor(m / TWO_32) * TWO_32;
        if (low < n) {
          const threshold = (TWO_32 - n) % n;
          while (low < threshold) {
            m = nextUint32() * n;
            low = m - Math.floor(m / TWO_32) * TWO_32;
          }
        }
        return Math.floor(m / TWO_32);
      }
      const x53 = (nextUint32() >>> 5) * 67108864 + (nextUint32() >>> 6); // 27 + 26 bits
      return Math.floor((x53 / TWO_53) * n);
    },
    nextGaussian(): number {
      if (spare !== undefined) {
        const s = spare;
        spare = undefined;
        return s;
      }
      let u = 0;
      while (u === 0) u = nextUint32() / TWO_32;
      const v = nextUint32() / TWO_32;
      const radius = Math.sqrt(-2 * Math.log(u));
      spare = radius * Math.sin(2 * Math.PI * v);
      return radius * Math.cos(2 * Math.PI * v);
    },
  };
}

/** Fisher-Yates shuffle of an array (or typed array) in place. */
export function shuffleInPlace(array: { length: number; [i: number]: number }, rng: Rng): void {
  for (let i = array.length - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    const t = array[i]!;
    array[i] = array[j]!;
    array[j] = t;
  }
}

/**
 * Fills `out` with N(0, std^2) draws, two at a time by Marsaglia's polar method: no
 * trigonometry, so initialising 64M factors takes about half the time of nextGaussian.
 */
export function fillGaussian(out: Float32Array, std: number, rng: Rng): Float32Array {
  const n = out.length;
  for (let k = 0; k < n; k += 2) {
    let x: number;
    let y: number;
    let s: number;
    do {
      x = (rng.nextUint32() / TWO_32) * 2 - 1;
      y = (rng.nextUint32() / TWO_32) * 2 - 1;
      s = x * x + y * y;
    } while (s >= 1 || s === 0);
    const scale = std * Math.sqrt((-2 * Math.log(s)) / s);
    out[k] = x * scale;
    if (k + 1 < n) out[k + 1] = y * scale;
  }
  return out;
}

/**
 * Advances `rng` exactly as fillGaussian over n values would, without computing them:
 * a caller can draw later from the start of the stream (a second rng of the same seed)
 * what it skips here.
 */
export function skipGaussian(n: number, rng: Rng): void {
  for (let k = 0; k < n; k += 2) {
    let s: number;
    do {
      const x = (rng.nextUint32() / TWO_32) * 2 - 1;
      const y = (rng.nextUint32() / TWO_32) * 2 - 1;
      s = x * x + y * y;
    } while (s >= 1 || s === 0);
  }
}

/** A random permutation of 0..n-1. */
export function permutation(n: number, rng: Rng): Int32Array {
  const p = new Int32Array(n);
  for (let k = 0; k < n; k++) p[k] = k;
  shuffleInPlace(p, rng);
  return p;
}

/** Fisher-Yates over positions [start, end) of parallel rating arrays, moved together (no users: rows of one user's ratings). */
export function shuffleRatings(
  users: Int32Array | undefined,
  items: Int32Array,
  ratings: Float32Array,
  start: number,
  end: number,
  rng: Rng,
): void {
  for (let k = end - 1; k > start; k--) {
    const j = start + rng.nextInt(k - start + 1);
    if (users) {
      const u = users[k]!;
      users[k] = users[j]!;
      users[j] = u;
    }
    const i = items[k]!;
    items[k] = items[j]!;
    items[j] = i;
    const r = ratings[k]!;
    ratings[k] = ratings[j]!;
    ratings[j] = r;
  }
}
