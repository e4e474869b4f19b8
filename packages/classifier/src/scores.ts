/** One label of a probability row, by its index in the model's label set. */
export interface RankedLabel {
  index: number;
  probability: number;
}

/**
 * Softmax of one row of logits, computed in float64 with the maximum subtracted first (the same
 * value as torch.softmax to within float32 rounding).
 */
export function softmax(logits: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i += 1) {
    max = Math.max(max, logits[i] as number);
  }

  const output = new Float64Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i += 1) {
    output[i] = Math.exp((logits[i] as number) - max);
    sum += output[i] as number;
  }
  return output.map((value) => value / sum);
}

/**
 * The k most probable labels, most probable first. Equal probabilities keep label-set order, as
 * the trainer's stable argsort does, so both sides name the same label on a tie.
 */
export function topK(probabilities: ArrayLike<number>, k: number): RankedLabel[] {
  const ranked: RankedLabel[] = Array.from({ length: probabilities.length }, (_, index) => ({
    index,
    probability: probabilities[index] as number,
  }));
  ranked.sort((a, b) => b.probability - a.probability || a.index - b.index);
  return ranked.slice(0, Math.max(0, k));
}

/** Top-k labels whose probability is at least the threshold. */
export function topKAbove(
  probabilities: ArrayLike<number>,
  k: number,
  threshold: number,
): RankedLabel[] {
  return topK(probabilities, k).filter((label) => label.probability >= threshold);
}

export function maxProbability(probabilities: ArrayLike<number>): number {
  let max = -Infinity;
  for (let i = 0; i < probabilities.length; i += 1) {
    max = Math.max(max, probabilities[i] as number);
  }
  return max;
}
