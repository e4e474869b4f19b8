import type { Axes, MetricSummary } from './api/types';

/** A score in [0, 1] as a percentage with one decimal, e.g. 0.6912 → "69.1" (Table 3 style). */
export function formatPercent(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value)
    ? '–'
    : (value * 100).toFixed(1);
}

/** "69.1 ± 1.2"; the deviation is left out when it is undefined (one seed). */
export function formatMeanStd(summary: Pick<MetricSummary, 'mean' | 'std'> | null): string {
  if (!summary) return '–';
  const mean = formatPercent(summary.mean);
  const std = summary.std;
  return std === null || !Number.isFinite(std) ? mean : `${mean} ± ${formatPercent(std)}`;
}

/** A signed difference in percentage points, e.g. "+2.4" or "−1.0". */
export function formatGain(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  const text = formatPercent(Math.abs(value));
  if (text === '0.0') return '0.0';
  return value > 0 ? `+${text}` : `−${text}`;
}

/** "[−1.2, 3.4]" in percentage points. */
export function formatInterval(interval: { lower: number; upper: number } | null | undefined) {
  if (!interval) return '–';
  return `[${formatGain(interval.lower)}, ${formatGain(interval.upper)}]`;
}

/** "42 s", "3 min 05 s", "2 h 07 min". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) {
    return '–';
  }
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole} s`;
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) return `${minutes} min ${String(whole % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '–';
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : date.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}

const AXIS_PREFIXES = ['hyperparameters.', 'augmentation.', 'dataset.'];

/** Axis values of a cell as "k=10, learningRate=2e-5" (as the API labels columns); '' for none. */
export function formatAxes(axes: Axes | null | undefined): string {
  if (!axes) return '';
  return Object.entries(axes)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([path, value]) => `${shortAxisName(path)}=${value}`)
    .join(', ');
}

function shortAxisName(path: string): string {
  const prefix = AXIS_PREFIXES.find((candidate) => path.startsWith(candidate));
  return prefix ? path.slice(prefix.length) : path;
}

export function shortId(id: string): string {
  return id.length > 8 ? id.slice(0, 8) : id;
}

/** A probability or threshold with three decimals, e.g. 0.87312 → "0.873". */
export function formatProbability(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(3);
}

/** A share as a percentage with one decimal and a per cent sign, e.g. 0.125 → "12.5 %". */
export function formatShare(value: number | null | undefined): string {
  const text = formatPercent(value);
  return text === '–' ? text : `${text} %`;
}
