import { MinorityMark } from '../../components/badges';
import { TableRegion } from '../../components/table-region';
import { formatGain, formatPercent } from '../../format';
import type { HeatmapRow } from './technique-grid';

interface HeatmapProps {
  rows: HeatmapRow[];
  cases: string[];
  gainCase: string | null;
  column: string;
}

/** A heat table: F1 per technique (rows) and case (columns), darker for higher F1. */
export function HeatmapTable({ rows, cases, gainCase, column }: HeatmapProps) {
  return (
    <TableRegion label="Per-technique F1">
      <table className="data-table heatmap">
        <caption>
          Test F1 (%) per technique and case (mean over seeds), {column}
          {gainCase && <>, with the gain of {gainCase} over P in points</>}
        </caption>
        <thead>
          <tr>
            <th scope="col">Technique</th>
            <th scope="col">Support</th>
            {cases.map((caseName) => (
              <th key={caseName} scope="col">
                {caseName}
              </th>
            ))}
            {gainCase && <th scope="col">Gain of {gainCase} over P</th>}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.techniqueId} className={row.minority ? 'minority' : undefined}>
              <th scope="row">
                <span className="mono">{row.techniqueId}</span>
                {row.minority && <MinorityMark />}
                {row.name && <span className="technique-name"> {row.name}</span>}
              </th>
              <td className="number">{row.support}</td>
              {cases.map((caseName) => (
                <HeatCell key={caseName} f1={row.byCase.get(caseName)?.f1} />
              ))}
              {gainCase && <GainCell gain={row.byCase.get(gainCase)?.gainOverP} />}
            </tr>
          ))}
        </tbody>
      </table>
    </TableRegion>
  );
}

function HeatCell({ f1 }: { f1: number | undefined }) {
  if (f1 === undefined) return <td className="number">–</td>;
  const lightness = 96 - f1 * 62;
  return (
    <td
      className="number heat"
      style={{
        backgroundColor: `hsl(215 70% ${lightness}%)`,
        color: lightness < 60 ? '#fff' : '#111',
      }}
    >
      {formatPercent(f1)}
    </td>
  );
}

function GainCell({ gain }: { gain: number | null | undefined }) {
  const tone =
    gain === null || gain === undefined ? '' : gain > 0 ? 'gain-up' : gain < 0 ? 'gain-down' : '';
  return <td className={`number ${tone}`}>{formatGain(gain)}</td>;
}
