/**
 * The item factors in the eigenbasis of their Gram matrix: QᵀQ = V diag(values) Vᵀ
 * (linalg/symmetric-eigen.ts) and rotated = Q V (row i is q_iᵀV). In that basis every
 * user's QᵀQ + λ_u I is the diagonal values + λ_u, which lets reasons.ts solve a user's
 * system by push-through. Made once per loaded model, on the first explanation (the
 * eigensolve, about 10 dim³ flops); a row is rotated the first time it is asked for
 * (dim² flops), so no request pays for the whole table (a float32 table the size of Q).
 */
import { symmetricEigen } from '../../math/linalg/symmetric-eigen';

export class ItemEigenbasis {
  readonly values: Float64Array;
  /** Row i is q_iᵀV once ensure() has been called for i. */
  readonly rotated: Float32Array;
  private readonly vectors: Float64Array;
  private readonly done: Uint8Array;
  private readonly row: Float64Array;

  constructor(
    private readonly Q: Float32Array,
    nItems: number,
    private readonly dim: number,
    gram: ArrayLike<number>,
  ) {
    const { values, vectors } = symmetricEigen(gram, dim);
    this.values = values;
    this.vectors = vectors;
    this.rotated = new Float32Array(nItems * dim);
    this.done = new Uint8Array(nItems);
    this.row = new Float64Array(dim);
  }

  /** Makes sure rotated rows `items` (or the one item) are filled. */
  ensure(items: Int32Array | number): void {
    if (typeof items === 'number') this.rotate(items);
    else for (let k = 0; k < items.length; k++) this.rotate(items[k]!);
  }

  private rotate(i: number): void {
    if (this.done[i] === 1) return;
    const { Q, dim, vectors: V, row, rotated } = this;
    const off = i * dim;
    row.fill(0);
    for (let a = 0; a < dim; a++) {
      const qa = Q[off + a]!;
      if (qa === 0) continue;
      const va = a * dim;
      for (let k = 0; k < dim; k++) row[k] += qa * V[va + k]!;
    }
    for (let k = 0; k < dim; k++) rotated[off + k] = row[k]!;
    this.done[i] = 1;
  }
}
