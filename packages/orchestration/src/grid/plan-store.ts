import type { GridPlan, GridSpec } from '@ttpgrid/grid';

/** The plan artifact an experiment executes: written once at submission, never changed. */
export interface StoredPlan {
  spec: GridSpec;
  plan: GridPlan;
  concurrency: number;
  datasetVersions: string[];
  codeVersion: string;
}
