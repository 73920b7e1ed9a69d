// @ts-nocheck -- AssemblyScript (compiled by scripts/build/wasm-kernels.ts), not TypeScript.
/**
 * The factor models' score of every item (../scoring.ts, scoreAllFactors) in WebAssembly
 * SIMD, over an imported memory whose regions JS lays out (../wasm-item-scores.ts).
 * Arguments are byte offsets; rows are zero-padded to `rowBytes`, a multiple of 16.
 * out[i] = (base + bias[i]) + q_i·u in float32, the dot product in scoreDot's order:
 * lane j sums the products of dimensions f ≡ j (mod 4) in turn, then
 * (lane0 + lane1) + (lane2 + lane3). So the scores equal the JS scan's bit for bit.
 */
@inline function lanes(acc: v128): f32 {
  return (f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1)) + (f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
}

@inline function score(base: f32, bias: usize, out: usize, i: usize, acc: v128): void {
  store<f32>(out + (i << 2), (base + load<f32>(bias + (i << 2))) + lanes(acc));
}

export function scoreItems(Q: usize, bias: usize, user: usize, base: f32, nItems: i32, rowBytes: i32, out: usize): void {
  const row = <usize>rowBytes;
  const n = <usize>nItems;
  let i: usize = 0;
  // Four items at a time: four independent accumulation chains, one load of the user's row.
  for (; i + 4 <= n; i += 4) {
    const q0 = Q + i * row;
    const q1 = q0 + row;
    const q2 = q1 + row;
    const q3 = q2 + row;
    let a0 = f32x4.splat(0);
    let a1 = f32x4.splat(0);
    let a2 = f32x4.splat(0);
    let a3 = f32x4.splat(0);
    for (let f: usize = 0; f < row; f += 16) {
      const u = v128.load(user + f);
      a0 = f32x4.add(a0, f32x4.mul(v128.load(q0 + f), u));
      a1 = f32x4.add(a1, f32x4.mul(v128.load(q1 + f), u));
      a2 = f32x4.add(a2, f32x4.mul(v128.load(q2 + f), u));
      a3 = f32x4.add(a3, f32x4.mul(v128.load(q3 + f), u));
    }
    score(base, bias, out, i, a0);
    score(base, bias, out, i + 1, a1);
    score(base, bias, out, i + 2, a2);
    score(base, bias, out, i + 3, a3);
  }
  for (; i < n; i++) {
    const q = Q + i * row;
    let a = f32x4.splat(0);
    for (let f: usize = 0; f < row; f += 16) a = f32x4.add(a, f32x4.mul(v128.load(q + f), v128.load(user + f)));
    score(base, bias, out, i, a);
  }
}
