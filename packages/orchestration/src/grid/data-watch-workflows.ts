// Workflow code: runs in Temporal's sandbox, so no Node built-ins and no I/O here.
import { log, proxyActivities } from '@temporalio/workflow';

import type { DataWatchActivities, DataWatchInput, DataWatchReport } from './data-watch-activities';

// Preparing a new dataset version and submitting re-runs takes seconds to a few minutes.
const watch = proxyActivities<DataWatchActivities>({
  startToCloseTimeout: '30 minutes',
  retry: { maximumAttempts: 3 },
});

/**
 * One check of the data sources, started by the `data-watch` Temporal Schedule (or on demand):
 * registers new dataset versions and re-runs the subscribed experiments whose data changed.
 */
export async function dataWatchWorkflow(input: DataWatchInput = {}): Promise<DataWatchReport> {
  const report = await watch.checkDataSources(input);
  log.info('data watch finished', {
    registered: report.sources.filter((source) => source.registered).length,
    reruns: report.reruns.length,
  });
  return report;
}
