/**
 * The users Finish evaluates on: every rating of at most `users` users drawn (seeded)
 * from those with a validation rating, so that evaluation costs what `users` users cost
 * however large the run. Without a limit it is the whole part, as one machine evaluates.
 */
import { nUsers, selectDataset, type Dataset } from '../data/dataset';
import { createRng, shuffleInPlace } from '../data/random';

export function sampleUsers(part: Dataset, users: number | undefined, seed: number): Dataset {
  const present = new Uint8Array(nUsers(part));
  for (let r = 0; r < part.size; r++) present[part.users[r]!] = 1;
  const candidates: number[] = [];
  present.forEach((p, u) => p && candidates.push(u));
  if (users === undefined || users >= candidates.length) return part;
  shuffleInPlace(candidates, createRng(seed));
  const chosen = new Uint8Array(present.length);
  for (let k = 0; k < users; k++) chosen[candidates[k]!] = 1;
  const positions: number[] = [];
  for (let r = 0; r < part.size; r++) if (chosen[part.users[r]!]) positions.push(r);
  return selectDataset(part, positions, `${part.name} (${users} users)`);
}
