import { useId, type FormEvent, type InputHTMLAttributes } from 'react';

import type { ModelSummary, ReportFormat } from '../../api/types';
import { formatProbability } from '../../format';
import { activeModel, modelLabel } from '../models/model-figures';
import {
  fieldProblems,
  TITLE_MAX,
  TOP_K_MAX,
  type CheckedField,
  type ClassifyFields,
  type FieldProblems,
} from './classify-input';

const FORMATS: { format: ReportFormat; label: string }[] = [
  { format: 'text', label: 'Plain text' },
  { format: 'markdown', label: 'Markdown' },
  { format: 'html', label: 'HTML' },
];

interface ClassifyFormProps {
  fields: ClassifyFields;
  /** Undefined while the list is loading (or could not be read). */
  models: ModelSummary[] | undefined;
  busy: boolean;
  onChange: (fields: ClassifyFields) => void;
  onSubmit: () => void;
}

/** The report and its options; options are checked as they are typed, the report by the API. */
export function ClassifyForm({ fields, models, busy, onChange, onSubmit }: ClassifyFormProps) {
  const ids = useFieldIds();
  const problems = fieldProblems(fields);
  const set = <K extends keyof ClassifyFields>(name: K, value: ClassifyFields[K]) =>
    onChange({ ...fields, [name]: value });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const invalid = (['topK', 'threshold', 'title'] as const).find((name) => problems[name]);
    if (invalid) {
      document.getElementById(ids[invalid])?.focus();
      return;
    }
    onSubmit();
  };

  return (
    <form className="classify-form" noValidate onSubmit={submit} aria-labelledby="classify-heading">
      <div className="field report-field">
        <label htmlFor={ids.text}>Report</label>
        <textarea
          id={ids.text}
          value={fields.text}
          rows={12}
          spellCheck={false}
          aria-describedby={`${ids.text}-hint`}
          onChange={(event) => set('text', event.target.value)}
        />
        <span id={`${ids.text}-hint`} className="hint">
          Paste the report: plain text, Markdown or HTML.
        </span>
      </div>
      <OptionFields fields={fields} problems={problems} models={models} ids={ids} set={set} />
      <button type="submit" className="primary" disabled={busy}>
        {busy ? 'Classifying…' : 'Classify'}
      </button>
    </form>
  );
}

type FieldIds = ReturnType<typeof useFieldIds>;

interface OptionFieldsProps {
  fields: ClassifyFields;
  problems: FieldProblems;
  models: ModelSummary[] | undefined;
  ids: FieldIds;
  set: <K extends keyof ClassifyFields>(name: K, value: ClassifyFields[K]) => void;
}

function OptionFields({ fields, problems, models, ids, set }: OptionFieldsProps) {
  return (
    <div className="filters">
      <label className="field">
        <span>Format</span>
        <select
          value={fields.format}
          onChange={(event) => set('format', event.target.value as ReportFormat)}
        >
          {FORMATS.map((choice) => (
            <option key={choice.format} value={choice.format}>
              {choice.label}
            </option>
          ))}
        </select>
      </label>
      <ModelSelect value={fields.modelId} models={models} onChange={(id) => set('modelId', id)} />
      <CheckedInput
        id={ids.topK}
        label="Techniques per sentence (top-k)"
        hint={`1 to ${TOP_K_MAX}; empty: 3`}
        problem={problems.topK}
        inputMode="numeric"
        size={6}
        value={fields.topK}
        onChange={(value) => set('topK', value)}
      />
      <CheckedInput
        id={ids.threshold}
        label="Threshold"
        hint={thresholdHint(fields.modelId, models)}
        problem={problems.threshold}
        inputMode="decimal"
        size={8}
        value={fields.threshold}
        onChange={(value) => set('threshold', value)}
      />
      <CheckedInput
        id={ids.title}
        label="Report title"
        hint={`optional, at most ${TITLE_MAX} characters; names the Navigator layer`}
        problem={problems.title}
        size={24}
        value={fields.title}
        onChange={(value) => set('title', value)}
      />
    </div>
  );
}

function useFieldIds(): Record<'text' | CheckedField, string> {
  const base = useId();
  return {
    text: `${base}-report`,
    topK: `${base}-top-k`,
    threshold: `${base}-threshold`,
    title: `${base}-title`,
  };
}

interface CheckedInputProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange'> {
  id: string;
  label: string;
  hint: string;
  problem: string | undefined;
  value: string;
  onChange: (value: string) => void;
}

/** A labelled text input with its hint and, when its value is wrong, the problem beneath it. */
function CheckedInput({ id, label, hint, problem, onChange, ...input }: CheckedInputProps) {
  return (
    <div className={`field${problem ? ' invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <input
        {...input}
        id={id}
        type="text"
        aria-invalid={problem ? true : undefined}
        aria-describedby={problem ? `${id}-problem ${id}-hint` : `${id}-hint`}
        onChange={(event) => onChange(event.target.value)}
      />
      <span id={`${id}-hint`} className="hint">
        {hint}
      </span>
      {problem && (
        <span id={`${id}-problem`} className="field-problem">
          {problem}
        </span>
      )}
    </div>
  );
}

interface ModelSelectProps {
  value: string;
  models: ModelSummary[] | undefined;
  onChange: (id: string) => void;
}

function ModelSelect({ value, models, onChange }: ModelSelectProps) {
  const active = models ? activeModel(models) : undefined;
  const unknown = value !== '' && !models?.some((model) => model.id === value);

  return (
    <label className="field">
      <span>Model</span>
      <select value={value} onChange={(event) => onChange(event.target.value)}>
        <option value="">Active model{active ? ` (${modelLabel(active)})` : ''}</option>
        {models?.map((model) => (
          <option key={model.id} value={model.id}>
            {modelLabel(model)}
            {model.active ? ' (active)' : ''}
          </option>
        ))}
        {unknown && (
          <option value={value}>
            {value} {models ? '(not among the deployed models)' : ''}
          </option>
        )}
      </select>
    </label>
  );
}

function thresholdHint(modelId: string, models: ModelSummary[] | undefined): string {
  const model = modelId
    ? models?.find((candidate) => candidate.id === modelId)
    : models && activeModel(models);
  const calibrated = model ? ` ${formatProbability(model.threshold)}` : '';
  return `0 to 1; empty: the model's calibrated${calibrated}`;
}
