import { DatasetSettingsError, resolveDatasetSettings } from '@ttpgrid/dataset';
import {
  datasetVariantKey,
  expandCells,
  GridSpecError,
  validateGridSpec,
  type GridSpec,
  type SpecProblem,
} from '@ttpgrid/grid';

import { RecordNotFoundError } from './result-rows';
import { submitExperiment, type SubmitOptions } from './submission';

export type DatasetOverride = Record<string, unknown>;

export interface RerunOptions extends Omit<SubmitOptions, 'parentExperimentId'> {
  /** Dataset settings merged into the spec's (objects deeply, other values replaced). */
  dataset?: DatasetOverride;
}

/**
 * Submits an experiment's grid again, on the dataset its settings give now (with `dataset`
 * merged in): a new experiment whose parent is the old one. Stages whose training data did not
 * change keep their keys, so they are reused rather than retrained.
 */
export async function rerunExperiment(experimentId: string, options: RerunOptions) {
  const experiment = await options.db.experiment.findUnique({ where: { id: experimentId } });
  if (!experiment) throw new RecordNotFoundError('experiment', experimentId);

  const stored = experiment.spec as unknown as GridSpec;
  const merged = { ...stored, dataset: mergeSettings(stored.dataset ?? {}, options.dataset ?? {}) };
  const spec = validateGridSpec(merged, 'rerun');
  assertDatasetSettings(spec);

  const submission = await submitExperiment(spec, { ...options, parentExperimentId: experimentId });
  return { ...submission, parentExperimentId: experimentId };
}

/** Deep merge of plain objects; arrays and scalars of the override replace the base's. */
export function mergeSettings(base: DatasetOverride, override: DatasetOverride): DatasetOverride {
  const merged: DatasetOverride = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = merged[key];
    merged[key] =
      isPlainObject(current) && isPlainObject(value) ? mergeSettings(current, value) : value;
  }
  return merged;
}

function isPlainObject(value: unknown): value is DatasetOverride {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Every problem of the dataset settings of every variant, as spec paths (`dataset.split.seed`). */
export function datasetSettingsProblems(spec: GridSpec): SpecProblem[] {
  const problems = new Map<string, SpecProblem>();
  const variants = new Map(expandCells(spec).map((cell) => [datasetVariantKey(cell), cell]));
  for (const cell of variants.values()) {
    try {
      resolveDatasetSettings(cell.dataset);
    } catch (error) {
      if (!(error instanceof DatasetSettingsError)) throw error;
      for (const problem of error.problems) {
        const [path, ...reason] = problem.split(': ');
        const where = path === '(root)' ? 'dataset' : `dataset.${path}`;
        const entry = { path: where, reason: reason.join(': ') || problem };
        problems.set(`${entry.path}|${entry.reason}`, entry);
      }
    }
  }
  return [...problems.values()];
}

/** Throws a GridSpecError listing every dataset settings problem. */
export function assertDatasetSettings(spec: GridSpec, source = 'spec'): void {
  const problems = datasetSettingsProblems(spec);
  if (problems.length > 0) throw new GridSpecError(problems, source);
}
