/**
 * Holm–Bonferroni step-down adjustment. With the m p-values sorted ascending, the i-th smallest
 * (1-based) becomes max over j ≤ i of min(1, (m − j + 1) · p_(j)), so adjusted values keep the
 * raw order and never exceed 1. Rejecting where adjusted p ≤ α controls the family-wise error rate
 * at α across the m tests, under any dependence between them.
 *
 * @returns adjusted p-values in the order of the input
 */
export function holmAdjust(pValues: readonly number[]): number[] {
  for (const p of pValues) {
    if (!(p >= 0 && p <= 1)) {
      throw new RangeError(`p-values must lie in [0, 1], got ${p}`);
    }
  }

  const m = pValues.length;
  const valueAt = (index: number) => pValues[index] as number;
  const order = pValues.map((_, index) => index).sort((a, b) => valueAt(a) - valueAt(b) || a - b);
  const adjusted = new Array<number>(m);
  let runningMax = 0;

  order.forEach((index, rank) => {
    runningMax = Math.max(runningMax, Math.min(1, (m - rank) * valueAt(index)));
    adjusted[index] = runningMax;
  });
  return adjusted;
}
