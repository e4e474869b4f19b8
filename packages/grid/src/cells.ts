import { Hyperparameters, type TrainingMode, type Precision } from '@ttpgrid/contracts';

import { parseCase } from './cases';
import type { GridSpec } from './spec';

/** Scalar dataset settings that become axes when a spec gives them as lists. */
export const DATASET_AXIS_PATHS = [
  'split.seed',
  'auxiliary.attackVersion',
  'labels.attackVersion',
] as const;

/** The head-only probe trains a linear layer: it needs a far larger step than fine-tuning. */
export const PROBE_LEARNING_RATE = 1e-3;

export interface Augmentation {
  k: number;
  similarityEncoder: string | null;
  pooling: 'mean' | 'cls';
  swapRate: number;
}

/** One combination of every axis but the seed. */
export interface GridCell {
  dataset: Record<string, unknown>;
  mode: TrainingMode;
  precision: Precision;
  hyperparameters: Hyperparameters;
  augmentation: Augmentation;
  encoder: string;
  caseName: string;
  /** The values of the axes that vary in this grid, for labels and tables. */
  axes: Record<string, string | number>;
}

export interface GridRunSpec extends GridCell {
  seed: number;
}

type Choice = { path: string; values: unknown[] };

export function expandRuns(spec: GridSpec): GridRunSpec[] {
  return expandCells(spec).flatMap((cell) => spec.seeds.map((seed) => ({ ...cell, seed })));
}

/** The cartesian product of every axis, in a stable order: settings, encoder, then case. */
export function expandCells(spec: GridSpec): GridCell[] {
  const choices = settingChoices(spec);
  const combinations = cartesian(choices);

  return combinations.flatMap((combination) =>
    spec.encoders.flatMap((encoder) =>
      spec.cases.map((name) => buildCell(spec, combination, choices, encoder, name)),
    ),
  );
}

function settingChoices(spec: GridSpec): Choice[] {
  const choices: Choice[] = [];
  for (const path of DATASET_AXIS_PATHS) {
    const value = readPath(spec.dataset, path);
    if (value !== undefined) choices.push({ path: `dataset.${path}`, values: asList(value) });
  }

  choices.push({ path: 'mode', values: asList(spec.mode) });
  choices.push({ path: 'precision', values: asList(spec.precision) });
  for (const [name, value] of Object.entries(spec.hyperparameters)) {
    if (value !== undefined)
      choices.push({ path: `hyperparameters.${name}`, values: asList(value) });
  }

  choices.push({ path: 'augmentation.k', values: asList(spec.augmentation.k) });
  choices.push({ path: 'augmentation.swapRate', values: asList(spec.augmentation.swapRate) });
  const similarity = spec.augmentation.similarityEncoder;
  choices.push({ path: 'augmentation.similarityEncoder', values: asList(similarity ?? null) });
  return choices;
}

function buildCell(
  spec: GridSpec,
  combination: unknown[],
  choices: Choice[],
  encoder: string,
  caseName: string,
): GridCell {
  const chosen = new Map(choices.map((choice, index) => [choice.path, combination[index]]));
  const dataset = structuredClone(spec.dataset);
  for (const path of DATASET_AXIS_PATHS) {
    if (chosen.has(`dataset.${path}`)) writePath(dataset, path, chosen.get(`dataset.${path}`));
  }

  const mode = chosen.get('mode') as TrainingMode;
  const hyperparameters = resolveHyperparameters(chosen, mode);
  const axes: Record<string, string | number> = {};
  for (const choice of choices) {
    if (choice.values.length > 1) axes[choice.path] = chosen.get(choice.path) as string | number;
  }

  return {
    dataset,
    mode,
    precision: chosen.get('precision') as Precision,
    hyperparameters,
    augmentation: {
      k: chosen.get('augmentation.k') as number,
      similarityEncoder: (chosen.get('augmentation.similarityEncoder') as string | null) ?? null,
      pooling: spec.augmentation.pooling,
      swapRate: chosen.get('augmentation.swapRate') as number,
    },
    encoder,
    caseName: parseCase(caseName).name,
    axes,
  };
}

function resolveHyperparameters(chosen: Map<string, unknown>, mode: TrainingMode) {
  const given: Record<string, unknown> = {};
  for (const [path, value] of chosen) {
    if (path.startsWith('hyperparameters.')) given[path.slice('hyperparameters.'.length)] = value;
  }
  if (mode === 'probe' && given.learningRate === undefined) {
    given.learningRate = PROBE_LEARNING_RATE;
  }
  return Hyperparameters.parse(given);
}

function cartesian(choices: Choice[]): unknown[][] {
  return choices.reduce<unknown[][]>(
    (rows, choice) => rows.flatMap((row) => choice.values.map((value) => [...row, value])),
    [[]],
  );
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

function readPath(target: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((node, part) => {
    return node !== null && typeof node === 'object'
      ? (node as Record<string, unknown>)[part]
      : undefined;
  }, target);
}

function writePath(target: Record<string, unknown>, path: string, value: unknown) {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    node[part] ??= {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1] as string] = value;
}

/** The dataset settings of a cell with its axes applied, for grouping runs by dataset. */
export function datasetVariantKey(cell: Pick<GridCell, 'dataset'>): string {
  return JSON.stringify(cell.dataset);
}
