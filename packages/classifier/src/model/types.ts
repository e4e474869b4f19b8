/** Where a deployed model came from; the API reads it from the deployed-model record. */
export interface ModelProvenance {
  /** ATT&CK release the labels were resolved against, e.g. "18.1" or "v18". */
  attackVersion: string;
  modelId?: string;
  experimentId?: string;
  runId?: string;
  datasetVersion?: string;
  encoder?: string;
  /** Dev/test figures worth showing beside results, e.g. { testMicroF1: 0.71 }. */
  metrics?: Record<string, number>;
}

/** Everything needed to load one exported model. */
export interface ModelDescriptor {
  /** ExportOnnxOutput.manifestKey. */
  manifestKey: string;
  /**
   * Tokens per sentence, as in ExportOnnxInput.maxLength. Required while the trainer's manifest
   * does not record it; a manifest value wins when present and a different value here is an error.
   */
  maxLength?: number;
  /** Technique names by ATT&CK ID; an ID without a name is shown by its ID. */
  techniqueNames?: Readonly<Record<string, string>>;
  provenance?: ModelProvenance;
  /** Calibrated default threshold (see calibration.ts); DEFAULT_THRESHOLD when absent. */
  defaultThreshold?: number;
}

export interface Technique {
  /** ATT&CK ID as the model's label set has it, e.g. "T1059.001". */
  id: string;
  name: string;
}

/** Fallback threshold for a model nobody calibrated yet: report any confident top-1. */
export const DEFAULT_THRESHOLD = 0.5;
