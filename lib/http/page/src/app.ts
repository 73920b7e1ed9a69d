/**
 * The demo page: a user of the data set (`?user=40`) or a visitor who rates a dozen
 * popular movies; their recommendations, filtered by the ticked genres; similar movies
 * for any movie clicked. Every list comes from the public API (api.ts).
 */
import { ApiError, popular, rated, recoForUser, recoForVisitor, similar, type Movie, type MovieList, type Rating } from './api';
import { byId, h, isAbort, latestOnly } from './dom';
import { genresOf, renderGenreFilter } from './genre-filter';
import { renderMovies, titleOf } from './movie-list';
import { renderRatingForm } from './visitor-ratings';

const LIST_SIZE = 10;
const TO_RATE = 12;
/** The genre checkboxes offer the genres of this many of the most popular movies. */
const GENRE_SOURCE = 100;
const SIMILAR_SIZE = 8;

type Who = { kind: 'user'; id: string } | { kind: 'visitor'; ratings: Rating[] };

const page = {
  model: byId('model'),
  userForm: byId<HTMLFormElement>('user-form'),
  userId: byId<HTMLInputElement>('user-id'),
  visitorButton: byId<HTMLButtonElement>('visitor-mode'),
  genres: byId<HTMLFieldSetElement>('genres'),
  status: byId('status'),
  leftTitle: byId('left-title'),
  leftNote: byId('left-note'),
  leftBody: byId('left-body'),
  recoTitle: byId('reco-title'),
  recoNote: byId('reco-note'),
  recoList: byId<HTMLOListElement>('reco-list'),
  similar: byId('similar'),
  similarTitle: byId('similar-title'),
  similarList: byId<HTMLOListElement>('similar-list'),
};

let who: Who = { kind: 'visitor', ratings: [] };
let genres: string[] = [];
let popularMovies: Movie[] = [];
const requests = { left: latestOnly(), reco: latestOnly(), similar: latestOnly(), popular: latestOnly() };

function say(text: string, isError = false): void {
  page.status.textContent = text;
  page.status.classList.toggle('error', isError);
}

const describeError = (err: unknown): string => (err instanceof ApiError ? err.message : `The API did not answer (${(err as Error).message}).`);

/**
 * One request for one part of the page (a newer one for the same part cancels it), its
 * answer shown, or its error on the status line and through `failed`.
 */
async function load<T>(next: () => AbortSignal, request: (signal: AbortSignal) => Promise<T>, show: (answer: T) => void, failed?: (message: string) => void): Promise<void> {
  const signal = next();
  try {
    const answer = await request(signal);
    if (signal.aborted) return;
    say('');
    show(answer);
  } catch (err) {
    if (isAbort(err)) return;
    say(describeError(err), true);
    failed?.(describeError(err));
  }
}

function showModel(list: MovieList): void {
  const { kind, version, trainedAt } = list.model;
  page.model.textContent = `Model: ${kind}, version ${version}, trained ${new Date(trainedAt).toLocaleString()}`;
}

function showSimilar(movie: Movie): void {
  page.similar.hidden = false;
  page.similarTitle.textContent = `Similar to ${titleOf(movie)}`;
  page.similarTitle.focus();
  void load(
    requests.similar,
    (signal) => similar(movie.id, SIMILAR_SIZE, signal),
    (list) => renderMovies(page.similarList, list.movies, showSimilar, 'No similar movies.'),
    (message) => renderMovies(page.similarList, [], showSimilar, message),
  );
}

function recoNote(list: MovieList, current: Who): string {
  if (current.kind === 'visitor' && current.ratings.length === 0) return 'The most popular movies, until you rate some.';
  if (list.fallback === 'popular') {
    return current.kind === 'user' ? `User ${current.id} is not in the model: the most popular movies.` : 'This model does not personalise: the most popular movies.';
  }
  return current.kind === 'user' ? 'Movies they have not rated, best first.' : `From your ${current.ratings.length} rating${current.ratings.length === 1 ? '' : 's'}, best first.`;
}

function refreshRecommendations(): void {
  const current = who;
  const emptyText = genres.length ? 'No movie of the ticked genres is left to recommend.' : 'Nothing to recommend.';
  void load(
    requests.reco,
    (signal) =>
      current.kind === 'user'
        ? recoForUser(current.id, LIST_SIZE, genres, signal)
        : current.ratings.length
          ? recoForVisitor(current.ratings, LIST_SIZE, genres, signal)
          : popular(LIST_SIZE, genres, signal),
    (list) => {
      showModel(list);
      page.recoNote.textContent = recoNote(list, current);
      renderMovies(page.recoList, list.movies, showSimilar, emptyText);
    },
    (message) => renderMovies(page.recoList, [], showSimilar, message),
  );
}

function showUser(id: string): void {
  who = { kind: 'user', id };
  page.userId.value = id;
  history.replaceState(null, '', `?${new URLSearchParams({ user: id })}`);
  page.leftTitle.textContent = `Rated by user ${id}`;
  page.leftNote.textContent = '';
  page.recoTitle.textContent = `Recommended for user ${id}`;
  const list = h('ol', { id: 'rated-list', 'aria-labelledby': 'left-title', 'aria-live': 'polite' });
  page.leftBody.replaceChildren(list);
  void load(
    requests.left,
    (signal) => rated(id, LIST_SIZE, signal),
    (answer) => {
      page.leftNote.textContent = `${answer.rated} rated; those the model scores highest for them first.`;
      renderMovies(list, answer.movies, showSimilar, 'No rated movies.');
    },
    (message) => renderMovies(list, [], showSimilar, message),
  );
  refreshRecommendations();
}

function showVisitor(): void {
  who = { kind: 'visitor', ratings: [] };
  page.userId.value = '';
  history.replaceState(null, '', location.pathname);
  page.leftTitle.textContent = 'Rate a dozen popular movies';
  page.leftNote.textContent = 'Rate the ones you have seen; your recommendations follow.';
  page.recoTitle.textContent = 'Recommended for you';
  renderRatingForm(page.leftBody, popularMovies.slice(0, TO_RATE), showSimilar, (ratings) => {
    who = { kind: 'visitor', ratings };
    refreshRecommendations();
  });
  refreshRecommendations();
}

function start(): void {
  page.userForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const id = page.userId.value.trim();
    if (id) showUser(id);
  });
  page.visitorButton.addEventListener('click', showVisitor);
  const user = new URLSearchParams(location.search).get('user')?.trim();
  if (user) showUser(user);
  void load(requests.popular, (signal) => popular(GENRE_SOURCE, [], signal), (list) => {
    popularMovies = list.movies;
    showModel(list);
    renderGenreFilter(page.genres, genresOf(list.movies), (ticked) => {
      genres = ticked;
      refreshRecommendations();
    });
    page.visitorButton.disabled = false;
    if (!user) showVisitor();
  });
}

start();
