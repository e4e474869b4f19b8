import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

import { CaseSyntaxError, parseCase } from './cases';

/**
 * A grid spec, as researchers write it in YAML or JSON. Any setting marked `axis` may be given
 * as a list, and each list becomes an axis of the grid (e.g. `augmentation.k: [5, 10, 15]`).
 */
const axis = <T extends z.ZodType>(schema: T) => z.union([schema, z.array(schema).min(1)]);

const HyperparameterAxes = z.strictObject({
  learningRate: axis(z.number().positive()).optional(),
  batchSize: axis(z.int().min(1).max(4096)).optional(),
  epochs: axis(z.int().min(1).max(1000)).optional(),
  maxLength: axis(z.int().min(8).max(4096)).optional(),
  warmupSteps: axis(z.int().min(0)).optional(),
  weightDecay: axis(z.number().min(0)).optional(),
  beta1: axis(z.number().min(0).lt(1)).optional(),
  beta2: axis(z.number().min(0).lt(1)).optional(),
  evaluate: axis(z.enum(['final', 'best'])).optional(),
  batching: axis(z.enum(['shuffle', 'bucket'])).optional(),
});

const AugmentationSpec = z.strictObject({
  /** A minority class has fewer than k sentences in the training split. */
  k: axis(z.int().min(1).max(10_000)).default(10),
  /** Encoder for equation 1's embeddings; default: the paper's where present, else the first. */
  similarityEncoder: axis(z.string().min(1)).optional(),
  pooling: z.enum(['mean', 'cls']).default('mean'),
  /** Share of a sentence's words swapped in `Pswap`. */
  swapRate: axis(z.number().min(0).max(1)).default(0.1),
});

const ConcurrencySpec = z.strictObject({
  /** Stages of this experiment trained at the same time across all trainer workers. */
  stages: z.int().min(1).max(1024).default(2),
});

const DatasetSpec = z.record(z.string(), z.unknown()).default({});

export const GridSpecSchema = z.strictObject({
  name: z.string().min(1).max(200),
  description: z.string().max(5000).optional(),
  dataset: DatasetSpec,
  encoders: z.array(z.string().min(1)).min(1),
  cases: z.array(z.string().min(1)).min(1),
  seeds: z
    .array(
      z
        .int()
        .min(0)
        .max(2 ** 31 - 1),
    )
    .min(1),
  mode: axis(z.enum(['finetune', 'probe'])).default('finetune'),
  precision: axis(z.enum(['fp32', 'bf16'])).default('fp32'),
  hyperparameters: HyperparameterAxes.default({}),
  augmentation: AugmentationSpec.prefault({}),
  concurrency: ConcurrencySpec.prefault({}),
  /** Off: every stage is trained afresh, even where a finished stage has the same key. */
  reuse: z.boolean().default(true),
  /** Pairs [a, b] compared as a − b; default: each case against P plus the paper's claims. */
  comparisons: z.array(z.tuple([z.string(), z.string()])).optional(),
  /** Re-run this grid automatically when a new version of its data source is registered. */
  subscribe: z.boolean().default(false),
  /** The paper's published values for side-by-side tables: experiments/<file>. */
  paperValues: z.string().optional(),
});

export type GridSpec = z.infer<typeof GridSpecSchema>;
export type GridSpecInput = z.input<typeof GridSpecSchema>;

export interface SpecProblem {
  path: string;
  reason: string;
}

export class GridSpecError extends Error {
  constructor(
    readonly problems: SpecProblem[],
    readonly source = 'spec',
  ) {
    const lines = problems.map((problem) => `  - ${problem.path || '(root)'}: ${problem.reason}`);
    super(`invalid grid spec ${source}:\n${lines.join('\n')}`);
    this.name = 'GridSpecError';
  }
}

/** Parses YAML or JSON text (JSON is YAML) and validates it, listing every problem. */
export function parseGridSpecText(text: string, source = 'spec'): GridSpec {
  let raw: unknown;
  try {
    raw = parseYaml(text, { prettyErrors: true, uniqueKeys: true });
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0] ?? 'unreadable';
    throw new GridSpecError([{ path: '', reason: `not valid YAML or JSON: ${reason}` }], source);
  }
  return validateGridSpec(raw, source);
}

export function validateGridSpec(raw: unknown, source = 'spec'): GridSpec {
  const parsed = GridSpecSchema.safeParse(raw);
  const problems: SpecProblem[] = parsed.success
    ? []
    : parsed.error.issues.map((issue) => ({
        path: issue.path.map(String).join('.'),
        reason: issue.message,
      }));

  if (parsed.success) {
    problems.push(...semanticProblems(parsed.data));
  }
  if (problems.length > 0 || !parsed.success) {
    throw new GridSpecError(problems, source);
  }
  return parsed.data;
}

function semanticProblems(spec: GridSpec): SpecProblem[] {
  const problems: SpecProblem[] = [];
  spec.cases.forEach((name, index) => {
    try {
      parseCase(name);
    } catch (error) {
      if (!(error instanceof CaseSyntaxError)) throw error;
      problems.push({ path: `cases.${index}`, reason: error.message });
    }
  });

  problems.push(
    ...duplicates(
      spec.cases.map((name) => safeCaseName(name)),
      'cases',
    ),
  );
  problems.push(...duplicates(spec.encoders, 'encoders'));
  problems.push(...duplicates(spec.seeds.map(String), 'seeds'));

  (spec.comparisons ?? []).forEach(([a, b], index) => {
    for (const [position, name] of [a, b].entries()) {
      if (!spec.cases.map(safeCaseName).includes(safeCaseName(name))) {
        problems.push({
          path: `comparisons.${index}.${position}`,
          reason: `case "${name}" is not among the grid's cases`,
        });
      }
    }
  });
  return problems;
}

function safeCaseName(name: string): string {
  try {
    return parseCase(name).name;
  } catch {
    return name;
  }
}

function duplicates(values: string[], path: string): SpecProblem[] {
  const seen = new Map<string, number>();
  const problems: SpecProblem[] = [];
  values.forEach((value, index) => {
    const first = seen.get(value);
    if (first !== undefined) {
      problems.push({ path: `${path}.${index}`, reason: `repeats ${path}.${first} (${value})` });
    }
    seen.set(value, index);
  });
  return problems;
}
