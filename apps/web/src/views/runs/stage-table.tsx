import type { RunStage } from '../../api/types';
import { StatusBadge } from '../../components/badges';
import { TableRegion } from '../../components/table-region';
import { formatDuration } from '../../format';

/** The run's chain of stages: what each trained on, how long, how often, and whether reused. */
export function StageTable({ stages }: { stages: RunStage[] }) {
  return (
    <section aria-labelledby="stages-heading">
      <h2 id="stages-heading">Stages</h2>
      <TableRegion label="Stages">
        <table className="data-table">
          <caption>Stages in training order: timings, attempts and cache reuse</caption>
          <thead>
            <tr>
              <th scope="col">Stage</th>
              <th scope="col">Training data</th>
              <th scope="col">Status</th>
              <th scope="col">Reused from cache</th>
              <th scope="col">Attempts</th>
              <th scope="col">Device</th>
              <th scope="col">Duration</th>
              <th scope="col">Best epoch</th>
            </tr>
          </thead>
          <tbody>
            {stages.map((stage) => (
              <tr key={stage.key}>
                <th scope="row">
                  {stage.position + 1} <span className="mono key">{stage.key.slice(0, 12)}</span>
                </th>
                <td>{stage.sources ?? '–'}</td>
                <td>
                  <StatusBadge status={stage.status} />
                </td>
                <td>{stage.cached ? 'yes' : 'no'}</td>
                <td className="number">{stage.attempts ?? '–'}</td>
                <td>{stage.device ?? '–'}</td>
                <td className="number">{formatDuration(stage.durationSeconds)}</td>
                <td className="number">{stage.bestEpoch ?? '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableRegion>
    </section>
  );
}
