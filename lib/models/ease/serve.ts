import type { UserState } from '../../math/factors';
import type { TopN } from '../../math/scoring';
import type { Contributions, ItemExplainer, ServingPart } from '../contract';

/**
 * EASE serving. The item rows Q are the rows of B (dim = nItems), so with x_u the
 * user's binary row, score(u) = x_u B = Σ_{j ∈ seen(u)} B[j, :]: one axpy of length
 * nItems per item the user has. A visitor is the same sum over the posted items (fold-in
 * is free). Similar items to i: the largest B[i, j], j ≠ i (diag(B) is 0).
 * Reasons are exact: score_i = Σ_{j ∈ seen(u)} x_uj B[j, i], one term per rated item.
 */
export const easeServing: ServingPart = {
  kind: 'ease',
  scoring: 'ranking',
  personal: true,
  open(model) {
    const { Q: B, nItems } = model;
    let out: Float32Array | undefined;
    let explained: Int32Array = new Int32Array(0);
    const explainer: ItemExplainer = {
      explain(item: number, sink: Contributions): void {
        for (let k = 0; k < explained.length; k++) sink.add(explained[k]!, B[explained[k]! * nItems + item]!);
      },
    };
    return {
      scoreAll(user: UserState): Float32Array {
        out ??= new Float32Array(nItems);
        out.fill(0);
        const { seen } = user;
        for (let k = 0; k < seen.length; k++) {
          const row = seen[k]! * nItems;
          for (let i = 0; i < nItems; i++) out[i] += B[row + i]!;
        }
        return out;
      },
      foldIn: (items: Int32Array): UserState => ({ vec: undefined, offset: 0, bias: 0, seen: items }),
      similar(item: number, heap: TopN, allowed?: Uint8Array): number {
        heap.reset();
        const row = item * nItems;
        for (let j = 0; j < nItems; j++) if (j !== item && (!allowed || allowed[j] === 1)) heap.offer(j, B[row + j]!);
        return heap.sortDescending();
      },
      explain(user: UserState): ItemExplainer {
        explained = user.seen;
        return explainer;
      },
    };
  },
};
