import { loadConfig } from '@ttpgrid/config';
import { startTrainerWorker, type TrainerProcess } from '@ttpgrid/devstack';

export type { TrainerProcess };

/** The real Python trainer worker with the test environment and its metrics server off. */
export async function startTrainerProcess(env: Record<string, string> = {}) {
  const config = loadConfig();
  const queue = env.TTPGRID_TRAINER_TASK_QUEUE ?? config.trainerTaskQueue;
  return startTrainerWorker(
    { ...config, trainerTaskQueue: queue },
    { env: { TTPGRID_TRAINER_METRICS_PORT: '0', ...env } },
  );
}
