import {
  CategoryScale,
  Chart as ChartJS,
  Legend,
  LinearScale,
  LineElement,
  PointElement,
  Tooltip,
  type ChartData,
  type ChartOptions,
} from 'chart.js';
import { Line } from 'react-chartjs-2';

import type { DevCurvePoint, RunStage } from '../../api/types';
import { TableRegion } from '../../components/table-region';
import { formatPercent } from '../../format';

ChartJS.register(CategoryScale, LinearScale, PointElement, LineElement, Legend, Tooltip);

const COLORS = ['#1f5fbf', '#c2410c', '#15803d', '#7e22ce', '#b91c1c'];

type CurveStage = RunStage & { devCurve: DevCurvePoint[] };

/** Dev-set Macro-F1 and Micro-F1 per epoch for each stage; the data also as a table. */
export function DevCurveChart({ stages }: { stages: RunStage[] }) {
  const curves = stages.filter((stage): stage is CurveStage => (stage.devCurve ?? []).length > 0);
  return (
    <section aria-labelledby="curves-heading">
      <h2 id="curves-heading">Dev curves</h2>
      {curves.length === 0 ? (
        <p className="note">No dev curve recorded for this run's stages.</p>
      ) : (
        <>
          <div className="chart-box">
            <Line
              data={chartData(curves)}
              options={OPTIONS}
              role="img"
              aria-label="Dev-set F1 per epoch for each stage; the same numbers are in the table below"
            />
          </div>
          <details>
            <summary>Dev-curve data as a table</summary>
            <DevCurveTable stages={curves} />
          </details>
        </>
      )}
    </section>
  );
}

const OPTIONS: ChartOptions<'line'> = {
  responsive: true,
  maintainAspectRatio: false,
  animation: false,
  scales: {
    x: { title: { display: true, text: 'epoch' } },
    y: { title: { display: true, text: 'dev F1 (%)' }, suggestedMin: 0 },
  },
};

function stageLabel(stage: RunStage): string {
  return `stage ${stage.position + 1}${stage.sources ? ` (${stage.sources})` : ''}`;
}

function chartData(stages: CurveStage[]): ChartData<'line'> {
  const epochs = [...new Set(stages.flatMap((stage) => stage.devCurve.map((p) => p.epoch)))];
  epochs.sort((a, b) => a - b);
  const datasets = stages.flatMap((stage, index) => {
    const color = COLORS[index % COLORS.length];
    const values = (pick: 'devMacroF1' | 'devMicroF1') =>
      epochs.map((epoch) => {
        const value = stage.devCurve.find((point) => point.epoch === epoch)?.[pick];
        return typeof value === 'number' ? value * 100 : null;
      });
    return [
      { label: `${stageLabel(stage)} Macro-F1`, data: values('devMacroF1') },
      { label: `${stageLabel(stage)} Micro-F1`, data: values('devMicroF1'), borderDash: [6, 4] },
    ].map((dataset) => ({ ...dataset, borderColor: color, backgroundColor: color }));
  });
  return { labels: epochs.map(String), datasets };
}

function DevCurveTable({ stages }: { stages: CurveStage[] }) {
  return (
    <TableRegion label="Dev-curve data">
      <table className="data-table">
        <caption>Dev-set F1 (%) per epoch</caption>
        <thead>
          <tr>
            <th scope="col">Stage</th>
            <th scope="col">Epoch</th>
            <th scope="col">Micro-F1</th>
            <th scope="col">Macro-F1</th>
            <th scope="col">Training loss</th>
          </tr>
        </thead>
        <tbody>
          {stages.flatMap((stage) =>
            stage.devCurve.map((point) => (
              <tr key={`${stage.key}-${point.epoch}`}>
                <th scope="row">{stageLabel(stage)}</th>
                <td className="number">{point.epoch}</td>
                <td className="number">{formatPercent(point.devMicroF1)}</td>
                <td className="number">{formatPercent(point.devMacroF1)}</td>
                <td className="number">{point.trainLoss?.toFixed(3) ?? '–'}</td>
              </tr>
            )),
          )}
        </tbody>
      </table>
    </TableRegion>
  );
}
