import { apiPath } from '../api/client';
import type { ExperimentPage } from '../api/types';
import { useApi } from '../api/use-api';
import { formatDateTime } from '../format';

interface ExperimentSelectProps {
  label: string;
  value: string;
  onChange: (id: string) => void;
  /** Text of the empty choice; without it an experiment must be chosen. */
  emptyLabel?: string;
}

/** The latest experiments, newest first: what the pickers offer. */
export function useRecentExperiments() {
  return useApi<ExperimentPage>(apiPath('experiments', { pageSize: 100 })).data?.items ?? [];
}

/** A labelled drop-down of the latest experiments, newest first. */
export function ExperimentSelect({ label, value, onChange, emptyLabel }: ExperimentSelectProps) {
  const items = useRecentExperiments();

  return (
    <label className="field">
      <span>{label}</span>
      <select value={value} onChange={(event) => onChange(event.target.value)}>
        <option value="">{emptyLabel ?? 'Choose an experiment…'}</option>
        {items.map((item) => (
          <option key={item.id} value={item.id}>
            {item.name} · {item.mode} · {formatDateTime(item.createdAt)}
          </option>
        ))}
      </select>
    </label>
  );
}
