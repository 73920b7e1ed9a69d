import type { Movie } from './api';
import { h } from './dom';

/** Every genre of these movies, sorted (the page offers those of the most popular ones). */
export const genresOf = (movies: Movie[]): string[] => [...new Set(movies.flatMap((m) => m.genres))].sort();

/** One checkbox per genre in `fieldset` (after its legend); `onChange` gets the ticked ones. */
export function renderGenreFilter(fieldset: HTMLFieldSetElement, genres: string[], onChange: (ticked: string[]) => void): void {
  const boxes = genres.map((genre) => h('input', { type: 'checkbox', name: 'genre', value: genre }));
  const legend = fieldset.querySelector('legend');
  fieldset.replaceChildren(
    ...(legend ? [legend] : []),
    ...(genres.length ? boxes.map((box) => h('label', { class: 'genre' }, box, box.value)) : [h('p', { class: 'muted' }, 'This model\'s movies have no genres.')]),
  );
  fieldset.addEventListener('change', () => onChange(boxes.filter((b) => b.checked).map((b) => b.value)));
}
