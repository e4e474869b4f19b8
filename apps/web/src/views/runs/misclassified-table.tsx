import type { MisclassifiedSentence } from '../../api/types';
import { useShowMore } from '../../components/show-more';
import { TableRegion } from '../../components/table-region';
import { TechniqueLabel } from './technique-label';

/** Test sentences the run got wrong. Dataset text may contain markup: it is shown as text. */
export function MisclassifiedTable({ sentences }: { sentences: MisclassifiedSentence[] }) {
  const { visible, button } = useShowMore(sentences, 20);
  return (
    <section aria-labelledby="misclassified-heading">
      <h2 id="misclassified-heading">Misclassified test sentences</h2>
      {sentences.length === 0 ? (
        <p className="note">None.</p>
      ) : (
        <TableRegion label="Misclassified test sentences">
          <table className="data-table sentences">
            <caption>
              {sentences.length} misclassified test sentences with gold and predicted technique
            </caption>
            <thead>
              <tr>
                <th scope="col">Sentence</th>
                <th scope="col">Gold</th>
                <th scope="col">Predicted</th>
              </tr>
            </thead>
            <tbody>
              {visible.map((sentence) => (
                <tr key={sentence.index}>
                  <td className="sentence">
                    {sentence.text ?? `(test sentence ${sentence.index})`}
                  </td>
                  <td>
                    <TechniqueLabel id={sentence.gold} name={sentence.goldName} />
                  </td>
                  <td>
                    <TechniqueLabel id={sentence.predicted} name={sentence.predictedName} />
                  </td>
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
