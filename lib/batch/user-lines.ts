import type { ItemExplainer, LargestTerms } from '../math/contributions';
import type { TopN } from '../math/scoring';
import { shareOf, termShare } from '../serving/reasons';
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

  /**
   * The line of user index `user`, from the first `count` entries of a sorted heap. With
   * an explainer (null: explained, but this user has no reasons), the line also has
   * `"reasons"`: per item, a list of {"id", "share"}, as explain=true gives them.
   */
  line(user: number, heap: TopN, count: number, explainer?: ItemExplainer | null): string {
    let items = '';
    let scores = '';
    let reasons = '';
    const terms = explainer ? this.model.reasons.collect(explainer, heap.items, count) : undefined;
    for (let k = 0; k < count; k++) {
      const sep = k === 0 ? '' : ',';
      items += sep + this.itemJson[heap.items[k]!]!;
      scores += sep + float32Text(heap.scores[k]!);
      if (explainer !== undefined) reasons += sep + (terms ? this.reasons(terms[k]!) : '[]');
    }
    const explained = explainer === undefined ? '' : `,"reasons":[${reasons}]`;
    return `{"userId":${jsonId(this.model.artifacts.userIds[user]!)},"items":[${items}],"scores":[${scores}]${explained}}\n`;
  }

  private reasons(terms: LargestTerms): string {
    let out = '';
    for (let c = 0; c < terms.count; c++) {
      out += `${c === 0 ? '' : ','}{"id":${this.itemJson[terms.items[c]!]!},"share":${shareOf(termShare(terms, c))}}`;
    }
    return `[${out}]`;
  }
}
