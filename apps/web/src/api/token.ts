/**
 * The bearer token for reads, asked for once and kept in sessionStorage for the tab's life.
 * A small external store, so React components can subscribe with useSyncExternalStore.
 */
const STORAGE_KEY = 'ttpgrid.token';

interface TokenState {
  token: string | null;
  /** Set when the API answered 401/403: the UI then asks for a token. */
  required: boolean;
  /** Bumped when the token changes, so every view fetches again. */
  generation: number;
}

let state: TokenState = { token: readStored(), required: false, generation: 0 };
const listeners = new Set<() => void>();

function readStored(): string | null {
  try {
    return window.sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

function update(next: Partial<TokenState>) {
  state = { ...state, ...next };
  for (const listener of listeners) listener();
}

export function tokenState(): TokenState {
  return state;
}

export function subscribeToken(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function saveToken(token: string) {
  window.sessionStorage.setItem(STORAGE_KEY, token);
  update({ token, required: false, generation: state.generation + 1 });
}

export function forgetToken() {
  window.sessionStorage.removeItem(STORAGE_KEY);
  update({ token: null, generation: state.generation + 1 });
}

export function requireToken() {
  if (!state.required) update({ required: true });
}
