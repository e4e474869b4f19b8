import type { ReactNode } from 'react';

import type { ApiResource } from '../api/use-api';

interface AsyncStateProps<T> {
  resource: ApiResource<T>;
  label: string;
  children: (data: T) => ReactNode;
}

/** Shows the loading note or the API's error until the data is there, then the children. */
export function AsyncState<T>({ resource, label, children }: AsyncStateProps<T>) {
  if (resource.data !== undefined) {
    return (
      <>
        {resource.error && <ErrorNote error={resource.error} label={label} />}
        {children(resource.data)}
      </>
    );
  }
  if (resource.error) return <ErrorNote error={resource.error} label={label} />;
  return (
    <p className="note" role="status">
      Loading {label}…
    </p>
  );
}

export function ErrorNote({ error, label }: { error: Error; label: string }) {
  return (
    <p className="error" role="alert">
      Could not load {label}: {error.message}
    </p>
  );
}
