import { z } from 'zod';

/**
 * Every rule of the recipe is a setting, so an ablation is a new dataset version rather than a
 * code change. Paths are relative to the raw data folder (`TTPGRID_DATA_DIR`), which keeps the
 * version independent of where a machine keeps its copy of the data.
 */
export const ATTACK_DOMAINS = ['enterprise', 'mobile', 'ics'] as const;
export type AttackDomain = (typeof ATTACK_DOMAINS)[number];

export const PRIMARY_PATH = 'tram/ctid-tram_v1.2.0/data/training/bootstrap-training-data.json';
export const OOD_PATH = 'tram/ctid-tram_main_f29793d/data/training/tram2_data/single_label.json';

/** Bumped whenever code changes what a given set of settings produces. Part of the version. */
export const RECIPE_VERSION = 1;

const attackVersion = z.string().regex(/^v\d+(\.\d+)?$/, 'an ATT&CK version looks like v14.1');

const labellingVersion = attackVersion.refine(
  (version) => Number(version.slice(1).split('.')[0]) >= 11,
  'class names need ATT&CK v11 or later (Mobile T1521 is "Encrypted Channel" only from v11)',
);

const domains = z
  .array(z.enum(ATTACK_DOMAINS))
  .min(1)
  .refine((list) => new Set(list).size === list.length, 'domains must not repeat');

const techniqueId = z.string().regex(/^T\d{4}(\.\d{3})?$/, 'an ATT&CK technique ID');

const PrimarySettings = z.strictObject({
  path: z.string().min(1).default(PRIMARY_PATH),
  format: z.enum(['tram-report', 'tram2-single-label']).default('tram-report'),
  /** Drop later copies of a sentence, compared after trimming surrounding whitespace. */
  dedupe: z.boolean().default(true),
  subtechniquesToParent: z.boolean().default(true),
  /** Merge classes whose techniques share a name across the labelling domains. */
  mergeSameName: z.boolean().default(true),
  minClassSize: z.number().int().min(1).default(3),
});

const LabelSettings = z.strictObject({
  /** Names and revocations come from this ATT&CK release; v14.1 is also the auxiliary default. */
  attackVersion: labellingVersion.default('v14.1'),
  domains: domains.default(['enterprise', 'mobile', 'ics']),
  /** Successors for revoked IDs when the ATT&CK files carry no revoked-by relationship. */
  revokedBy: z.record(techniqueId, techniqueId).default({}),
  /** What happens to a revoked or deprecated ID with no successor: keep it as its own class. */
  retiredWithoutSuccessor: z.enum(['keep', 'drop']).default('keep'),
});

const SplitSettings = z.strictObject({
  seed: z.number().int().min(0).max(0xffffffff).default(1),
});

const AuxiliarySettings = z.strictObject({
  attackVersion: attackVersion.default('v14.1'),
  /** Enterprise gives the class's own technique; other domains add its same-named aliases. */
  domains: domains.default(['enterprise']),
  includeSubtechniques: z.boolean().default(true),
  splitter: z.enum(['rule-v1', 'lines']).default('rule-v1'),
  dedupe: z.boolean().default(false),
  /** Drop auxiliary sentences that exactly or nearly duplicate a dev or test sentence. */
  dropNearDuplicates: z.boolean().default(false),
});

const LeakageSettings = z.strictObject({
  ngram: z.number().int().min(1).max(8).default(3),
  threshold: z.number().gt(0).max(1).default(0.7),
});

const NegativeSettings = z.strictObject({
  enabled: z.boolean().default(true),
});

const OodSettings = z.strictObject({
  path: z.string().min(1).nullable().default(OOD_PATH),
});

export const DatasetSettingsSchema = z.strictObject({
  primary: PrimarySettings.prefault({}),
  labels: LabelSettings.prefault({}),
  split: SplitSettings.prefault({}),
  auxiliary: AuxiliarySettings.prefault({}),
  leakage: LeakageSettings.prefault({}),
  negatives: NegativeSettings.prefault({}),
  ood: OodSettings.prefault({}),
});

export type DatasetSettings = z.infer<typeof DatasetSettingsSchema>;
export type DatasetSettingsInput = z.input<typeof DatasetSettingsSchema>;

export class DatasetSettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid dataset settings:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'DatasetSettingsError';
  }
}

/** Fills defaults and validates; a bad value is reported with its path, e.g. `split.seed`. */
export function resolveDatasetSettings(input: DatasetSettingsInput = {}): DatasetSettings {
  const parsed = DatasetSettingsSchema.safeParse(input);
  if (!parsed.success) {
    throw new DatasetSettingsError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
    );
  }
  return parsed.data;
}

export function attackFilePath(domain: AttackDomain, version: string): string {
  return `attack/${domain}-attack_${version}.jsonl`;
}
