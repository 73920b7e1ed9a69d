/** The public API as the page uses it: the answers' shapes and one function per request. */

export type MovieId = number | string;

/** One of the user's rated movies that led to a recommendation (present only with explain=true). */
export interface Reason {
  id: MovieId;
  title: string | null;
  share: number;
}

export interface Movie {
  id: MovieId;
  title: string | null;
  genres: string[];
  score: number | null;
  reasons?: Reason[];
}

export interface ModelInfo {
  version: string;
  kind: string;
  trainedAt: string;
}

export interface MovieList {
  model: ModelInfo;
  movies: Movie[];
  fallback?: 'popular';
  filtered?: number;
}

export interface RatedList extends MovieList {
  /** How many movies the user rated in all. */
  rated: number;
}

export interface Rating {
  movieId: MovieId;
  rating: number;
}

/** An answer other than 2xx, with the API's own {error, message}. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function send<T>(path: string, init: RequestInit): Promise<T> {
  // Relative paths, so the page works under a stage prefix too.
  const res = await fetch(path, { ...init, headers: { accept: 'application/json', ...init.headers } });
  const body = (await res.json().catch(() => null)) as { error?: string; message?: string } | null;
  if (!res.ok) throw new ApiError(res.status, body?.error ?? 'http', body?.message ?? `${res.status} ${res.statusText}`);
  return body as T;
}

const get = <T>(path: string, signal: AbortSignal) => send<T>(path, { signal });

function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  return q.toString();
}

const genreList = (genres: string[]) => (genres.length ? genres.join(',') : undefined);

/** GET /movies/popular: the most rated movies (of any of `genres`, if given). */
export const popular = (n: number, genres: string[], signal: AbortSignal) =>
  get<MovieList>(`movies/popular?${query({ n, genres: genreList(genres) })}`, signal);

/** GET /users/{id}/rated: the movies a user rated, those the model scores highest first. */
export const rated = (user: string, n: number, signal: AbortSignal) =>
  get<RatedList>(`users/${encodeURIComponent(user)}/rated?${query({ n })}`, signal);

/** GET /reco for a user of the data set, reasons asked for (a model that gives none ignores it). */
export const recoForUser = (user: string, n: number, genres: string[], signal: AbortSignal) =>
  get<MovieList>(`reco?${query({ userId: user, n, genres: genreList(genres), explain: 'true' })}`, signal);

/** POST /reco for a visitor, from their ratings alone. */
export const recoForVisitor = (ratings: Rating[], n: number, genres: string[], signal: AbortSignal) =>
  send<MovieList>(`reco?${query({ explain: 'true' })}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ratings, n, ...(genres.length ? { genres } : {}) }),
    signal,
  });

/** GET /movies/{id}/similar */
export const similar = (movieId: MovieId, n: number, signal: AbortSignal) =>
  get<MovieList>(`movies/${encodeURIComponent(String(movieId))}/similar?${query({ n })}`, signal);
