import { useEffect, useState } from 'react';

import { authHeaders } from './client';

export type LiveMode = 'stream' | 'polling' | 'idle';

/**
 * Follows the experiment's server-sent events and calls `onChange` for each one. EventSource
 * cannot send a bearer header, so this reads the stream with fetch. When the stream is refused or
 * breaks, it falls back to calling `onChange` every few seconds (polling).
 */
export function useLiveEvents(path: string | null, onChange: () => void): LiveMode {
  const [mode, setMode] = useState<LiveMode>('idle');

  useEffect(() => {
    if (path === null) {
      setMode('idle');
      return;
    }
    const controller = new AbortController();
    let timer: number | undefined;
    const poll = () => {
      setMode('polling');
      timer = window.setInterval(onChange, POLL_MS);
    };

    setMode('stream');
    readEventStream(path, controller.signal, onChange)
      .then(() => {
        // The server ends the stream when the experiment has finished: one last refresh.
        if (!controller.signal.aborted) {
          onChange();
          setMode('idle');
        }
      })
      .catch(() => {
        if (!controller.signal.aborted) poll();
      });
    return () => {
      controller.abort();
      window.clearInterval(timer);
    };
  }, [path, onChange]);

  return mode;
}

const POLL_MS = 3000;

async function readEventStream(path: string, signal: AbortSignal, onEvent: () => void) {
  const response = await fetch(path, {
    signal,
    headers: { ...authHeaders(), Accept: 'text/event-stream' },
  });
  const type = response.headers.get('content-type') ?? '';
  if (!response.ok || !response.body || !type.includes('text/event-stream')) {
    throw new Error(`no event stream (${response.status})`);
  }

  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    const events = buffer.split(/\r?\n\r?\n/);
    buffer = events.pop() ?? '';
    if (events.some((event) => /^data:/m.test(event))) onEvent();
  }
}
