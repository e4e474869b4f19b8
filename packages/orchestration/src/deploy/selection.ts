import type { DevCurvePoint } from '@ttpgrid/contracts';

import { SELECTION_RULE, type RunSelection } from './types';

/** A finished run with the dev curve of its final stage. */
export interface SelectionCandidate {
  runId: string;
  runKey: string;
  devCurve: readonly DevCurvePoint[];
  /** The epoch whose weights the stage kept: the last, or the best with `evaluate: best`. */
  keptEpoch: number | null;
}

/** The dev point of the weights a run's final stage kept, or null without a curve. */
export function checkpointDevPoint(candidate: SelectionCandidate): DevCurvePoint | null {
  const { devCurve, keptEpoch } = candidate;
  if (keptEpoch !== null) {
    return devCurve.find((point) => point.epoch === keptEpoch) ?? null;
  }
  return devCurve.reduce<DevCurvePoint | null>(
    (last, point) => (last === null || point.epoch > last.epoch ? point : last),
    null,
  );
}

/** The run to deploy by SELECTION_RULE; null when no candidate has a dev curve. */
export function chooseRunByDev(
  candidates: readonly SelectionCandidate[],
): { runId: string; selection: RunSelection } | null {
  const scored = candidates.flatMap((candidate) => {
    const point = checkpointDevPoint(candidate);
    return point ? [{ candidate, point }] : [];
  });
  scored.sort(
    (a, b) =>
      b.point.devMacroF1 - a.point.devMacroF1 ||
      b.point.devMicroF1 - a.point.devMicroF1 ||
      a.candidate.runKey.localeCompare(b.candidate.runKey),
  );

  const best = scored[0];
  if (!best) return null;
  return {
    runId: best.candidate.runId,
    selection: {
      rule: SELECTION_RULE,
      epoch: best.point.epoch,
      devMacroF1: best.point.devMacroF1,
      devMicroF1: best.point.devMicroF1,
      candidates: scored.length,
    },
  };
}
