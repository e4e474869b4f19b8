/**
 * Single-label classification scores with scikit-learn's defaults (zero_division=0).
 *
 * Per class c: precision = tp / (tp + fp), recall = tp / (tp + fn), f1 = 2 tp / (2 tp + fp + fn),
 * each 0 when its denominator is 0. Micro-F1 equals accuracy for single-label data, and Macro-F1
 * is the unweighted mean of per-class F1 over the averaged label set.
 */

/** Scores of one label. `support` counts its gold occurrences, `predicted` its predictions. */
export interface ClassScore {
  precision: number;
  recall: number;
  f1: number;
  support: number;
  predicted: number;
}

/** How often gold label `gold` was predicted as `predicted` (diagonal pairs included). */
export interface ConfusionPair {
  gold: string;
  predicted: string;
  count: number;
}

export interface ClassificationReport {
  /** Number of sentences scored. */
  sentences: number;
  /** Accuracy, which is Micro-F1 (and micro precision and recall) for single-label data. */
  microF1: number;
  /** Unweighted mean of `perClass[label].f1` over `labels`. */
  macroF1: number;
  /** The labels Macro-F1 averages over, sorted by code unit. */
  labels: string[];
  perClass: Record<string, ClassScore>;
  /** Every observed (gold, predicted) pair, largest count first, then by gold and predicted. */
  confusion: ConfusionPair[];
}

export interface ReportOptions {
  /**
   * The label set to average over, e.g. all 73 classes of the task. Defaults to the union of gold
   * and predicted labels. Labels listed here but never seen score 0 (zero division); it must
   * contain every gold and predicted label, because dropping labels would change Micro-F1.
   */
  labels?: readonly string[];
}

interface LabelCounts {
  truePositives: number;
  gold: number;
  predicted: number;
}

/**
 * Scores single-label predictions against gold labels.
 *
 * @param gold - the gold label of each sentence
 * @param predicted - the predicted label of each sentence, aligned with `gold`
 */
export function classificationReport(
  gold: readonly string[],
  predicted: readonly string[],
  options: ReportOptions = {},
): ClassificationReport {
  assertAligned(gold, predicted);

  const counts = countLabels(gold, predicted);
  const labels = averagedLabels(counts, options.labels);
  const perClass = scoreLabels(labels, counts);
  const correct = sumOf([...counts.values()].map((count) => count.truePositives));

  return {
    sentences: gold.length,
    microF1: gold.length === 0 ? 0 : correct / gold.length,
    macroF1: meanOf(labels.map((label) => perClass[label]?.f1 ?? 0)),
    labels,
    perClass,
    confusion: confusionPairs(gold, predicted),
  };
}

/** Macro-F1 over a subset of labels, and which of them the report never saw. */
export interface SubsetMacroF1 {
  macroF1: number;
  /** The subset, deduplicated and sorted; the labels averaged over. */
  labels: string[];
  /** Labels of the subset that are neither gold nor predicted in the report; they score 0. */
  unseen: string[];
}

/**
 * Macro-F1 over a given subset of labels, e.g. the minority classes (fewer than k = 10 training
 * sentences, paper section 3.2). Labels of the subset missing from the report score 0, as
 * scikit-learn does with an explicit `labels` list. A label that is only predicted (never gold)
 * counts only if the subset lists it.
 */
export function macroF1Over(
  report: ClassificationReport,
  subset: readonly string[],
): SubsetMacroF1 {
  const labels = sortLabels([...new Set(subset)]);
  const unseen = labels.filter((label) => report.perClass[label] === undefined);
  const f1s = labels.map((label) => report.perClass[label]?.f1 ?? 0);

  return { macroF1: meanOf(f1s), labels, unseen };
}

/**
 * Splits Macro-F1 into the listed labels (e.g. minority classes) and all other labels of the
 * report. The others are `report.labels` minus the subset, so labels that are only predicted land
 * there unless the subset lists them; when the subset lies within `report.labels` the two parts,
 * weighted by their label counts, average back to `report.macroF1`.
 */
export function macroF1Split(
  report: ClassificationReport,
  subset: readonly string[],
): { subset: SubsetMacroF1; others: SubsetMacroF1 } {
  const listed = new Set(subset);
  const others = report.labels.filter((label) => !listed.has(label));

  return { subset: macroF1Over(report, subset), others: macroF1Over(report, others) };
}

/** Sorts labels in place by UTF-16 code unit (Python's `sorted` order for ASCII labels). */
export function sortLabels(labels: string[]): string[] {
  return labels.sort(compareLabels);
}

/** Neumaier-compensated sum, so that Macro-F1 over many classes stays within an ulp or two. */
export function sumOf(values: readonly number[]): number {
  let sum = 0;
  let compensation = 0;
  for (const value of values) {
    const next = sum + value;
    compensation += Math.abs(sum) >= Math.abs(value) ? sum - next + value : value - next + sum;
    sum = next;
  }
  return sum + compensation;
}

/**
 * Arithmetic mean; 0 for an empty list. Sums deviations from the first value (compensated), so
 * equal values average to exactly themselves and nearby values lose no digits.
 */
export function meanOf(values: readonly number[]): number {
  const shift = values[0];
  if (shift === undefined) {
    return 0;
  }
  return shift + sumOf(values.map((value) => value - shift)) / values.length;
}

function assertAligned(gold: readonly string[], predicted: readonly string[]): void {
  if (gold.length !== predicted.length) {
    throw new Error(`gold has ${gold.length} labels but predicted has ${predicted.length}`);
  }
}

function countLabels(gold: readonly string[], predicted: readonly string[]) {
  const counts = new Map<string, LabelCounts>();
  const countsOf = (label: string): LabelCounts => {
    let entry = counts.get(label);
    if (entry === undefined) {
      entry = { truePositives: 0, gold: 0, predicted: 0 };
      counts.set(label, entry);
    }
    return entry;
  };

  gold.forEach((goldLabel, index) => {
    const predictedLabel = predicted[index] as string;
    countsOf(goldLabel).gold += 1;
    countsOf(predictedLabel).predicted += 1;
    if (goldLabel === predictedLabel) {
      countsOf(goldLabel).truePositives += 1;
    }
  });
  return counts;
}

function averagedLabels(
  counts: ReadonlyMap<string, LabelCounts>,
  requested: readonly string[] | undefined,
): string[] {
  if (requested === undefined) {
    return sortLabels([...counts.keys()]);
  }

  const labels = new Set(requested);
  const missing = [...counts.keys()].filter((label) => !labels.has(label));
  if (missing.length > 0) {
    throw new Error(`options.labels lacks observed labels: ${sortLabels(missing).join(', ')}`);
  }
  return sortLabels([...labels]);
}

function scoreLabels(
  labels: readonly string[],
  counts: ReadonlyMap<string, LabelCounts>,
): Record<string, ClassScore> {
  const perClass: Record<string, ClassScore> = {};
  for (const label of labels) {
    const {
      truePositives: tp,
      gold,
      predicted,
    } = counts.get(label) ?? {
      truePositives: 0,
      gold: 0,
      predicted: 0,
    };
    perClass[label] = {
      precision: ratio(tp, predicted),
      recall: ratio(tp, gold),
      // 2 tp / (2 tp + fp + fn), and 2 tp + fp + fn = gold + predicted: one rounding only.
      f1: ratio(2 * tp, gold + predicted),
      support: gold,
      predicted,
    };
  }
  return perClass;
}

function confusionPairs(gold: readonly string[], predicted: readonly string[]): ConfusionPair[] {
  const byPair = new Map<string, ConfusionPair>();
  gold.forEach((goldLabel, index) => {
    const predictedLabel = predicted[index] as string;
    const key = JSON.stringify([goldLabel, predictedLabel]);
    const pair = byPair.get(key) ?? { gold: goldLabel, predicted: predictedLabel, count: 0 };
    pair.count += 1;
    byPair.set(key, pair);
  });

  return [...byPair.values()].sort(
    (a, b) =>
      b.count - a.count || compareLabels(a.gold, b.gold) || compareLabels(a.predicted, b.predicted),
  );
}

function compareLabels(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}
