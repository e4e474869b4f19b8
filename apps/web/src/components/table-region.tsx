import type { ReactNode } from 'react';

/**
 * A horizontally scrollable box around a wide table, so narrow windows scroll the table rather
 * than the page. It is focusable, so keyboard users can scroll it too.
 */
export function TableRegion({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-region" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
