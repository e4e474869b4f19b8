import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';

import { getJson } from './client';
import { subscribeToken, tokenState } from './token';

export interface ApiResource<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  /** Fetches again, keeping the current data on screen meanwhile. */
  reload: () => void;
}

/** Fetches JSON from `path` (nothing while null); fetches again when the path or token changes. */
export function useApi<T>(path: string | null): ApiResource<T> {
  const generation = useTokenGeneration();
  const [data, setData] = useState<T>();
  const [error, setError] = useState<Error>();
  const [loading, setLoading] = useState(false);
  const [nonce, setNonce] = useState(0);

  useEffect(() => {
    if (path === null) return;
    const controller = new AbortController();
    setLoading(true);
    getJson<T>(path, controller.signal)
      .then((value) => {
        setData(value);
        setError(undefined);
      })
      .catch((reason: unknown) => {
        if (controller.signal.aborted) return;
        setError(reason instanceof Error ? reason : new Error(String(reason)));
      })
      .finally(() => {
        if (!controller.signal.aborted) setLoading(false);
      });
    return () => controller.abort();
  }, [path, generation, nonce]);

  const reload = useCallback(() => setNonce((value) => value + 1), []);
  return { data: path === null ? undefined : data, error, loading, reload };
}

export function useTokenGeneration(): number {
  return useSyncExternalStore(subscribeToken, () => tokenState().generation);
}

/** Calls `tick` every `intervalMs` while `active`. */
export function usePolling(active: boolean, intervalMs: number, tick: () => void) {
  useEffect(() => {
    if (!active) return;
    const timer = window.setInterval(tick, intervalMs);
    return () => window.clearInterval(timer);
  }, [active, intervalMs, tick]);
}
