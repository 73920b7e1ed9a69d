import type { Movie, Reason } from './api';
import { h } from './dom';

/** What clicking a movie's title does (the page shows similar movies). */
export type OnPick = (movie: Movie) => void;

export const titleOf = (movie: Pick<Movie, 'id' | 'title'>): string => movie.title ?? `Movie ${movie.id}`;

function reasonText(reason: Reason): string {
  const share = Number.isFinite(reason.share) ? ` ${Math.round(reason.share * 100)}%` : '';
  return `${titleOf(reason)}${share}`;
}

/** A movie's title as a button that picks it. */
export function titleButton(movie: Movie, onPick: OnPick): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'movie-title', 'aria-describedby': 'pick-hint' }, titleOf(movie));
  button.addEventListener('click', () => onPick(movie));
  return button;
}

function movieItem(movie: Movie, onPick: OnPick): HTMLLIElement {
  const details = [movie.genres.join(' · '), movie.score === null ? '' : `score ${movie.score.toFixed(2)}`].filter(Boolean).join(' — ');
  return h(
    'li',
    {},
    titleButton(movie, onPick),
    h('span', { class: 'details' }, details),
    movie.reasons?.length ? h('span', { class: 'reasons' }, `Because of ${movie.reasons.map(reasonText).join(', ')}`) : null,
  );
}

/** Fills an <ol> with movies, or one line saying why there are none. */
export function renderMovies(list: HTMLOListElement, movies: Movie[], onPick: OnPick, emptyText: string): void {
  list.replaceChildren(...(movies.length ? movies.map((m) => movieItem(m, onPick)) : [h('li', { class: 'empty' }, emptyText)]));
}
