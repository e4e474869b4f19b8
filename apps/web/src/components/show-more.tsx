import { useState } from 'react';

/** The first `limit` items, and a button that shows the rest. */
export function useShowMore<T>(items: readonly T[], limit: number) {
  const [expanded, setExpanded] = useState(false);
  const visible = expanded ? items : items.slice(0, limit);
  const button =
    items.length > limit ? (
      <button type="button" className="link-button" onClick={() => setExpanded(!expanded)}>
        {expanded ? `Show the first ${limit}` : `Show all ${items.length}`}
      </button>
    ) : null;
  return { visible, button };
}
