import type { AuxiliarySelection } from '../../api/types';
import { MinorityMark } from '../../components/badges';
import { useShowMore } from '../../components/show-more';
import { TableRegion } from '../../components/table-region';

interface AuxiliaryRow {
  key: string;
  label: string;
  minority: boolean;
  text: string;
  score: number | null;
  source: string;
}

/** The auxiliary sentences chosen for each minority class, with their similarity scores. */
export function AuxiliaryTable({ selections }: { selections: AuxiliarySelection[] }) {
  const rows: AuxiliaryRow[] = selections.flatMap((selection) =>
    selection.sentences.map((sentence) => ({
      key: `${selection.stageKey}-${selection.label}-${sentence.source}-${sentence.index}`,
      label: selection.label,
      minority: selection.minority,
      text: sentence.text,
      score: sentence.score,
      source: sentence.source,
    })),
  );
  const shortfalls = selections.flatMap((selection) => selection.shortfall ?? []);
  const { visible, button } = useShowMore(rows, 30);

  return (
    <section aria-labelledby="auxiliary-heading">
      <h2 id="auxiliary-heading">Auxiliary sentences selected</h2>
      {rows.length === 0 ? (
        <p className="note">This run's training data took no auxiliary sentences.</p>
      ) : (
        <TableRegion label="Auxiliary sentences selected">
          <table className="data-table sentences">
            <caption>
              {rows.length} sentences added for {selections.length} classes, with the similarity
              score that chose them (– for random draws)
            </caption>
            <thead>
              <tr>
                <th scope="col">Class</th>
                <th scope="col">Source</th>
                <th scope="col">Score</th>
                <th scope="col">Sentence</th>
              </tr>
            </thead>
            <tbody>
              {visible.map((row) => (
                <tr key={row.key}>
                  <th scope="row">
                    <span className="mono">{row.label}</span>
                    {row.minority && <MinorityMark />}
                  </th>
                  <td>{row.source}</td>
                  <td className="number">{row.score === null ? '–' : row.score.toFixed(3)}</td>
                  <td className="sentence">{row.text}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      )}
      {button}
      {shortfalls.length > 0 && (
        <p className="note">
          Too few auxiliary sentences for:{' '}
          {shortfalls.map((gap) => `${gap.label} (${gap.available} of ${gap.needed})`).join(', ')}.
        </p>
      )}
    </section>
  );
}
