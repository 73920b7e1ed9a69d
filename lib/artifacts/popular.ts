import { nItems, type Dataset } from '../data/dataset';

/** Every item index ordered by how many ratings it has, most first; ties by index. */
export function popularItems(d: Dataset): Int32Array {
  const n = nItems(d);
  const counts = new Uint32Array(n);
  const items = d.items;
  for (let r = 0; r < d.size; r++) counts[items[r]!]!++;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order.sort((a, b) => counts[b]! - counts[a]! || a - b);
}
