/** Entry point of the TypeScript worker: `npm start -w @ttpgrid/worker`. */
import { createLogger, loadConfig } from '@ttpgrid/config';

import { startCpuWorker } from './worker';

const log = createLogger('worker.main');

async function main() {
  const running = await startCpuWorker(loadConfig());
  const stop = () => void running.shutdown();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await running.run;
}

main().catch((error: unknown) => {
  log.error('worker failed', { error });
  process.exit(1);
});
