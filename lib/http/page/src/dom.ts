/** Building DOM without HTML strings (the page's CSP enforces Trusted Types with no policy). */

export type Child = Node | string | null | undefined | false;

/** An element with attributes and children (strings become text). */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, value);
  for (const child of children) if (child) el.append(child);
  return el;
}

/** The element with this id, or a clear error if the HTML lacks it. */
export function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el as T;
}

/**
 * One request at a time for one part of the page: each call aborts the previous one, so
 * an older answer arriving late never overwrites a newer one.
 */
export function latestOnly(): () => AbortSignal {
  let current: AbortController | undefined;
  return () => {
    current?.abort();
    current = new AbortController();
    return current.signal;
  };
}

export const isAbort = (err: unknown): boolean => err instanceof DOMException && err.name === 'AbortError';
