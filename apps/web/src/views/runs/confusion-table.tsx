import type { Confusion } from '../../api/types';
import { useShowMore } from '../../components/show-more';
import { TableRegion } from '../../components/table-region';
import { TechniqueLabel } from './technique-label';

/** The confusion matrix as a list of off-diagonal cells, largest confusion first. */
export function ConfusionTable({ confusions }: { confusions: Confusion[] }) {
  const sorted = confusions
    .filter((cell) => cell.gold !== cell.predicted)
    .sort((a, b) => b.count - a.count || a.gold.localeCompare(b.gold));
  const { visible, button } = useShowMore(sorted, 15);

  return (
    <section aria-labelledby="confusions-heading">
      <h2 id="confusions-heading">Confusions</h2>
      {sorted.length === 0 ? (
        <p className="note">No confusions: every test sentence was classified correctly.</p>
      ) : (
        <TableRegion label="Confusions">
          <table className="data-table">
            <caption>Gold technique predicted as another, largest first</caption>
            <thead>
              <tr>
                <th scope="col">Gold</th>
                <th scope="col">Predicted</th>
                <th scope="col">Sentences</th>
              </tr>
            </thead>
            <tbody>
              {visible.map((cell) => (
                <tr key={`${cell.gold}-${cell.predicted}`}>
                  <th scope="row">
                    <TechniqueLabel id={cell.gold} name={cell.goldName} />
                  </th>
                  <td>
                    <TechniqueLabel id={cell.predicted} name={cell.predictedName} />
                  </td>
                  <td className="number">{cell.count}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      )}
      {button}
    </section>
  );
}
