import type { ItemExplainer } from '../math/contributions';
import type { ItemSide, UserState } from '../math/factors';
import { itemNorms, scoreAllFactors, similarItems, type TopN } from '../math/scoring';
import { WasmItemScores, wasmItemScoresAvailable } from '../math/wasm-item-scores';
import { FoldInError, type Scorer } from './contract';

/**
 * The Scorer of a factor model (score = mu + b_u + b_i + p_u·q_i, similar items by
 * cosine of item rows), given the kind's own fold-in. The item scan (WebAssembly SIMD
 * where the runtime has it: a copy of the item rows in its memory) is set up on the
 * first scoreAll, and item norms on the first similar-items call, so a cold start pays
 * only for what it answers. `explain`, when the kind has one, is passed through.
 */
export function factorScorer(
  model: ItemSide,
  foldIn: (items: Int32Array, ratings: Float32Array) => UserState,
  explain?: (user: UserState, ratings: Float32Array) => ItemExplainer,
): Scorer {
  let norms: Float32Array | undefined;
  let scoreAll: ((user: UserState) => Float32Array) | undefined;
  return {
    scoreAll: (user) => (scoreAll ??= itemScan(model))(user),
    foldIn,
    similar: (item: number, heap: TopN, allowed?: Uint8Array) => similarItems(model, (norms ??= itemNorms(model)), item, heap, allowed),
    ...(explain ? { explain } : {}),
  };
}

/** Every item's score for a user into one reused buffer: the WebAssembly scan, else the JS scan (the same bits). */
function itemScan(model: ItemSide): (user: UserState) => Float32Array {
  if (wasmItemScoresAvailable()) {
    const wasm = new WasmItemScores(model);
    return (user) => wasm.scoreAll(user);
  }
  const out = new Float32Array(model.nItems);
  return (user) => {
    scoreAllFactors(model, user, out);
    return out;
  };
}

/** A visitor's state: the vector and bias a fold-in found, the posted items as seen. */
export const visitorState = (vec: Float32Array | undefined, bias: number, items: Int32Array): UserState => ({
  vec,
  offset: 0,
  bias,
  seen: items,
});

/**
 * A number from a model's foldIn record, else from the params it trained with (models
 * published before a kind recorded that constant in foldIn); FoldInError when neither has it.
 */
export function foldInNumber(model: ItemSide, key: string): number {
  const v = model.foldIn?.[key] ?? model.params?.[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new FoldInError(`${model.kind} foldIn.${key} must be a finite number`);
  return v;
}
