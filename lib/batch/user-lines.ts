import type { TopN } from '../math/scoring';
import type { ServingModel } from '../serving/serving-model';
import { float32Text } from './score-text';

const jsonId = (id: number | string): string => (typeof id === 'number' ? String(id) : JSON.stringify(id));

/**
 * One JSON Lines record per user: `{"userId":ID,"items":[IDS],"scores":[SCORES]}\n`, ids as
 * the data set's own (numbers, or strings for a string-id model), best first. The items'
 * JSON is made once per model, so a line costs its scores' text and one concatenation.
 */
export class UserLines {
  private readonly itemJson: string[];

  constructor(private readonly model: ServingModel) {
    const { itemIds } = model.artifacts;
    this.itemJson = Array.from({ length: itemIds.length }, (_, i) => jsonId(itemIds[i]!));
  }

  /** The line of user index `user`, from the first `count` entries of a sorted heap. */
  line(user: number, heap: TopN, count: number): string {
    let items = '';
    let scores = '';
    for (let k = 0; k < count; k++) {
      const sep = k === 0 ? '' : ',';
      items += sep + this.itemJson[heap.items[k]!]!;
      scores += sep + float32Text(heap.scores[k]!);
    }
    return `{"userId":${jsonId(this.model.artifacts.userIds[user]!)},"items":[${items}],"scores":[${scores}]}\n`;
  }
}
