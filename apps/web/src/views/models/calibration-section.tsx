import type { ModelDetail, ThresholdPoint } from '../../api/types';
import { TableRegion } from '../../components/table-region';
import { formatPercent, formatProbability, formatShare } from '../../format';

/** The default threshold, the rule that chose it, and what it costs on negatives and dev. */
export function CalibrationSection({ model }: { model: ModelDetail }) {
  const calibration = model.calibration;
  const negatives = calibration.negatives;

  return (
    <section aria-labelledby="threshold-heading">
      <h2 id="threshold-heading">Default threshold</h2>
      <dl className="facts threshold-facts">
        <dt>Threshold</dt>
        <dd data-field="threshold">{formatProbability(model.threshold)}</dd>
        <dt>Rule</dt>
        <dd className="mono" data-field="rule">
          {calibration.rule ?? '–'}
        </dd>
        <dt>Negatives allowed to show a technique</dt>
        <dd>at most {formatShare(calibration.maxNegativeShare)}</dd>
        <dt>Negatives shown a technique</dt>
        <dd data-field="negative-share">
          {formatShare(model.negativeShare)}
          {negatives && <> of {negatives.measurement} held-out negative sentences</>}
        </dd>
        <dt>On the calibration half</dt>
        <dd>
          {formatShare(calibration.calibrationNegativeShare)}
          {negatives && (
            <>
              {' '}
              of {negatives.calibration} ({negatives.used} of {negatives.available} negatives used)
            </>
          )}
        </dd>
        <dt>Dev at the threshold</dt>
        <dd>
          Micro-F1 {formatPercent(calibration.devMicroF1)}, precision{' '}
          {formatPercent(calibration.devPrecision)}, recall {formatPercent(calibration.devRecall)}
          {calibration.devSentences !== undefined && <> on {calibration.devSentences} sentences</>}
        </dd>
      </dl>
      <p className="note">
        A sentence lists a technique only when its probability reaches the threshold. Negative
        sentences describe no technique; the share is measured on negatives kept out of the
        calibration.
      </p>
      {calibration.curve && calibration.curve.length > 0 && (
        <ThresholdCurve points={calibration.curve} />
      )}
    </section>
  );
}

function ThresholdCurve({ points }: { points: ThresholdPoint[] }) {
  return (
    <TableRegion label="Other thresholds">
      <table className="data-table threshold-curve">
        <caption>Other thresholds: dev scores (%) and negatives shown a technique</caption>
        <thead>
          <tr>
            <th scope="col">Threshold</th>
            <th scope="col">Dev Micro-F1</th>
            <th scope="col">Dev precision</th>
            <th scope="col">Dev recall</th>
            <th scope="col">Negatives shown a technique</th>
          </tr>
        </thead>
        <tbody>
          {points.map((point) => (
            <tr key={point.threshold}>
              <th scope="row" className="number">
                {formatProbability(point.threshold)}
              </th>
              <td className="number">{formatPercent(point.devMicroF1)}</td>
              <td className="number">{formatPercent(point.devPrecision)}</td>
              <td className="number">{formatPercent(point.devRecall)}</td>
              <td className="number">{formatShare(point.negativeShare)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableRegion>
  );
}
