import type { ExperimentProgress } from '../../api/types';

/** Stages done of total (trained + reused from cache), as a native progress bar and in words. */
export function StageProgress({ progress }: { progress: ExperimentProgress }) {
  const done = progress.stagesTrained + progress.stagesCached;
  return (
    <div className="stage-progress">
      <progress
        max={Math.max(progress.stagesTotal, 1)}
        value={done}
        aria-label={`${done} of ${progress.stagesTotal} stages done`}
      />
      <span>
        {done} / {progress.stagesTotal} stages
      </span>
    </div>
  );
}

/** The run counts a team lead scans for: how many ran, run now, failed, wait. */
export function RunCounts({ progress }: { progress: ExperimentProgress }) {
  return (
    <span className="run-counts">
      {progress.succeeded} / {progress.total} runs done
      {progress.running > 0 && <>, {progress.running} running</>}
      {progress.queued > 0 && <>, {progress.queued} queued</>}
      {progress.failed > 0 && <span className="failed">, {progress.failed} failed</span>}
      {progress.cancelled > 0 && <>, {progress.cancelled} cancelled</>}
    </span>
  );
}

export function isActive(status: string): boolean {
  return status === 'running' || status === 'queued' || status === 'pending';
}
