import { createHash } from 'node:crypto';
import { join } from 'node:path';

import { ApplicationFailure, Context } from '@temporalio/activity';

import { getJsonLines, type ArtifactStore } from '@ttpgrid/artifacts';
import {
  calibrateThreshold,
  ClassifierRegistry,
  devPointsFromPredictionRows,
  negativeMaxProbabilities,
  negativeShareAbove,
  splitNegatives,
  thresholdCurve,
  type TechniqueClassifier,
} from '@ttpgrid/classifier';
import type { TtpgridConfig } from '@ttpgrid/config';
import type { PredictionRow } from '@ttpgrid/contracts';

import type { DeployCalibration } from './types';

// The deploy activities import this file on first use: it loads onnxruntime's native module.

export interface CalibrationRequest {
  manifestKey: string;
  maxLength: number;
  devPredictionsKey: string;
  negativesKey: string;
  negativesLimit: number | null;
}

/** Sentences predicted between two heartbeats of the calibration activity. */
const NEGATIVES_PER_HEARTBEAT = 64;
/** Thresholds of the curve stored with the calibration, for the model page. */
const CURVE_THRESHOLDS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

/** One model open at a time: the worker loads an export for one calibration, then closes it. */
export function openRegistry(store: ArtifactStore, config: TtpgridConfig): ClassifierRegistry {
  return new ClassifierRegistry(store, {
    cacheDir: join(config.dataHome, 'onnx-cache'),
    capacity: 1,
  });
}

/**
 * The default threshold from the trainer's dev predictions and the model's highest probability
 * (onnxruntime, as served) on the calibration half of the negatives; the measurement half gives
 * the share to report. Heartbeats between batches.
 */
export async function calibrate(
  model: TechniqueClassifier,
  store: ArtifactStore,
  request: CalibrationRequest,
): Promise<DeployCalibration> {
  const devRows = await getJsonLines<PredictionRow>(store, request.devPredictionsKey);
  const dev = devPointsFromPredictionRows(devRows);
  const negatives = await getJsonLines<{ text: string }>(store, request.negativesKey);
  const used = sampleNegatives(
    negatives.map((row) => row.text),
    request.negativesLimit,
  );
  const halves = splitNegatives(used);
  if (halves.calibration.length === 0 || halves.measurement.length === 0) {
    throw ApplicationFailure.nonRetryable(
      `${used.length} negatives leave a half empty: use a larger negativesLimit`,
      'BadInput',
    );
  }

  const progress = { done: 0, total: used.length };
  const calibrationMax = await maxProbabilities(model, halves.calibration, progress);
  const measurementMax = await maxProbabilities(model, halves.measurement, progress);
  const chosen = calibrateThreshold({ dev, negativeMaxProbabilities: calibrationMax });

  return {
    rule: chosen.rule,
    threshold: chosen.threshold,
    maxNegativeShare: chosen.maxNegativeShare,
    devMicroF1: chosen.devMicroF1,
    devPrecision: chosen.devPrecision,
    devRecall: chosen.devRecall,
    calibrationNegativeShare: chosen.negativeShare,
    measurementNegativeShare: negativeShareAbove(measurementMax, chosen.threshold),
    devSentences: dev.length,
    negatives: {
      available: negatives.length,
      used: used.length,
      calibration: halves.calibration.length,
      measurement: halves.measurement.length,
    },
    negativesLimit: request.negativesLimit,
    curve: thresholdCurve({ dev, negativeMaxProbabilities: measurementMax }, CURVE_THRESHOLDS),
  };
}

/** Highest probability per sentence, in batches with a heartbeat after each. */
async function maxProbabilities(
  model: TechniqueClassifier,
  texts: readonly string[],
  progress: { done: number; total: number },
): Promise<number[]> {
  const maxima: number[] = [];
  for (let start = 0; start < texts.length; start += NEGATIVES_PER_HEARTBEAT) {
    const batch = texts.slice(start, start + NEGATIVES_PER_HEARTBEAT);
    maxima.push(...(await negativeMaxProbabilities(model, batch)));
    progress.done += batch.length;
    Context.current().heartbeat(progress);
  }
  return maxima;
}

/**
 * At most `limit` negatives: those with the smallest SHA-256 of their text, a deterministic
 * sample unrelated to the order of the source documents. All of them without a limit.
 */
export function sampleNegatives(texts: readonly string[], limit: number | null): string[] {
  if (limit === null || texts.length <= limit) return [...texts];
  const hashed = texts.map((text) => ({
    text,
    hash: createHash('sha256').update(text, 'utf8').digest('hex'),
  }));
  hashed.sort((a, b) => (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0));
  return hashed.slice(0, limit).map((entry) => entry.text);
}
