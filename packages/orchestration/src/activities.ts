import type { Client } from '@temporalio/client';

import type { ArtifactStore } from '@ttpgrid/artifacts';
import type { TtpgridConfig } from '@ttpgrid/config';
import type { Database } from '@ttpgrid/db';
import type { TtpgridMetrics } from '@ttpgrid/telemetry';

import { createDeployActivities } from './deploy/activities';
import { createGridActivities } from './grid/activities';
import { createDataWatchActivities } from './grid/data-watch-activities';
import { createRoundTripActivities } from './roundtrip/activities';

export interface ActivityDependencies {
  store: ArtifactStore;
  db: Database;
  client: Client;
  /** Stage durations and GPU-seconds are observed here as stages finish, when given. */
  metrics?: TtpgridMetrics;
  cpuTaskQueue: string;
  trainerTaskQueue: string;
  /** The worker's configuration (data folder, encoders); read from the environment if absent. */
  config?: TtpgridConfig;
}

/** All TypeScript activities, bound to their dependencies. */
export function createActivities(deps: ActivityDependencies) {
  return {
    ...createRoundTripActivities(deps),
    ...createGridActivities(deps),
    ...createDataWatchActivities(deps),
    ...createDeployActivities(deps),
  };
}
