import type { Movie, Rating } from './api';
import { h } from './dom';
import { titleButton, titleOf, type OnPick } from './movie-list';

const STARS = [1, 2, 3, 4, 5];

/**
 * A form to rate `movies` as a visitor: one select per movie (not seen, 1 to 5), and a
 * button to clear them. `onChange` gets every rating given so far.
 */
export function renderRatingForm(container: HTMLElement, movies: Movie[], onPick: OnPick, onChange: (ratings: Rating[]) => void): void {
  const rows = movies.map((movie, k) => {
    const select = h(
      'select',
      { id: `rate-${k}` },
      h('option', { value: '' }, 'not seen'),
      ...STARS.map((s) => h('option', { value: String(s) }, `${s} ★`)),
    );
    const row = h('li', { class: 'rate-row' }, titleButton(movie, onPick), h('label', { for: select.id, class: 'visually-hidden' }, `Your rating for ${titleOf(movie)}`), select);
    return { movie, select, row };
  });
  const ratings = (): Rating[] => rows.filter((r) => r.select.value !== '').map((r) => ({ movieId: r.movie.id, rating: Number(r.select.value) }));
  const form = h(
    'form',
    { id: 'visitor-form', 'aria-labelledby': 'left-title' },
    h('ol', { class: 'rate-list' }, ...rows.map((r) => r.row)),
    h('button', { type: 'reset' }, 'Clear my ratings'),
  );
  form.addEventListener('change', () => onChange(ratings()));
  // A reset changes the selects without a change event.
  form.addEventListener('reset', () => setTimeout(() => onChange(ratings())));
  container.replaceChildren(form);
}
