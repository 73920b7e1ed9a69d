import { instantiate, lazyModule, WasmArena } from '../wasm/runtime';
import type { UserState } from './factors';
import { SCORES_WASM_BASE64 } from './scores-wasm.generated';
import { scoreBase, type ScoringModel } from './scoring';

const kernel = lazyModule(SCORES_WASM_BASE64);
/** Whether this runtime can compile the scoring kernel (SIMD + shared memory). */
export const wasmItemScoresAvailable = kernel.available;

type ScoreItemsFn = (Q: number, bias: number, user: number, base: number, nItems: number, rowBytes: number, out: number) => void;

/**
 * scoreAllFactors in WebAssembly SIMD (assembly/scores.ts), with the same bits. The item
 * rows (zero-padded to a multiple of 4 floats) and biases are copied into the kernel's
 * memory once, here; each call writes the user's row there and returns the scores as a
 * view of that memory, overwritten by the next call.
 */
export class WasmItemScores {
  private readonly run: ScoreItemsFn;
  private readonly userRow: Float32Array;
  private readonly scores: Float32Array;
  private readonly offsets: { Q: number; bias: number; user: number; scores: number };
  private readonly rowFloats: number;

  constructor(private readonly model: ScoringModel) {
    const { dim, nItems, Q, itemBias } = model;
    this.rowFloats = Math.ceil(dim / 4) * 4;
    const arena = new WasmArena();
    const plan = {
      Q: arena.reserve(Float32Array, nItems * this.rowFloats),
      bias: arena.reserve(Float32Array, nItems),
      user: arena.reserve(Float32Array, this.rowFloats),
      scores: arena.reserve(Float32Array, nItems),
    };
    const memory = arena.commit();
    this.run = instantiate(kernel.module(), memory).scoreItems as ScoreItemsFn;
    const rows = arena.view<Float32Array>(plan.Q);
    if (this.rowFloats === dim) rows.set(Q.subarray(0, nItems * dim));
    else for (let i = 0; i < nItems; i++) rows.set(Q.subarray(i * dim, (i + 1) * dim), i * this.rowFloats);
    if (itemBias) arena.view<Float32Array>(plan.bias).set(itemBias.subarray(0, nItems));
    this.userRow = arena.view(plan.user);
    this.scores = arena.view(plan.scores);
    this.offsets = { Q: arena.offset(plan.Q), bias: arena.offset(plan.bias), user: arena.offset(plan.user), scores: arena.offset(plan.scores) };
  }

  /** Every item's score for `user` (unclipped): a view of nItems floats, valid until the next call. */
  scoreAll(user: UserState): Float32Array {
    const { dim, nItems, mu } = this.model;
    const { vec, offset } = user;
    // A user without factors scores by biases alone: a zero row adds +0 to each score, as the JS scan does.
    for (let f = 0; f < dim; f++) this.userRow[f] = vec ? vec[offset + f]! : 0;
    const o = this.offsets;
    this.run(o.Q, o.bias, o.user, scoreBase(mu, user.bias), nItems, this.rowFloats * 4, o.scores);
    return this.scores;
  }
}
