import type { ExperimentStatus } from '../api/types';

const STATUS_LABELS: Record<string, string> = {
  completed_with_failures: 'completed with failures',
};

export function StatusBadge({ status }: { status: ExperimentStatus }) {
  return <span className={`badge status-${status}`}>{STATUS_LABELS[status] ?? status}</span>;
}

/** Probe results are never mistaken for fine-tuned ones: every view labels them. */
export function ModeBadge({ mode }: { mode: string | null | undefined }) {
  if (!mode) return null;
  return <span className={`badge mode-${mode === 'probe' ? 'probe' : 'other'}`}>{mode}</span>;
}

export function MinorityMark() {
  return (
    <span className="minority-mark" title="minority class">
      <span aria-hidden="true">◆</span>
      <span className="visually-hidden">minority class</span>
    </span>
  );
}
