import { useSyncExternalStore } from 'react';

/** The view named by the URL hash, e.g. `#/runs/abc` or `#/leaderboard?mode=probe`. */
export interface Route {
  /** Path segments after `#/`, e.g. ['runs', 'abc']. */
  segments: string[];
  params: URLSearchParams;
}

function subscribe(listener: () => void) {
  window.addEventListener('hashchange', listener);
  return () => window.removeEventListener('hashchange', listener);
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseHash(hash);
}

export function parseHash(hash: string): Route {
  const text = hash.replace(/^#\/?/, '');
  const [path = '', query = ''] = text.split('?', 2);
  const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { segments, params: new URLSearchParams(query) };
}

/** `href` for a view: hashHref(['runs', id]) → `#/runs/<id>`. */
export function hashHref(
  segments: readonly string[],
  params: Record<string, string | undefined> = {},
): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value) query.set(name, value);
  }
  const path = segments.map(encodeURIComponent).join('/');
  const text = query.toString();
  return `#/${path}${text ? `?${text}` : ''}`;
}

/** Replaces the query of the current view (filters), keeping its path. */
export function setRouteParams(route: Route, changes: Record<string, string | undefined>) {
  const params: Record<string, string | undefined> = Object.fromEntries(route.params);
  window.location.hash = hashHref(route.segments, { ...params, ...changes });
}
