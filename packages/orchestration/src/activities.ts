import type { Client } from '@temporalio/client';

import type { ArtifactStore } from '@ttpgrid/artifacts';
import type { Database } from '@ttpgrid/db';

import { createGridActivities } from './grid/activities';
import { createRoundTripActivities } from './roundtrip/activities';

export interface ActivityDependencies {
  store: ArtifactStore;
  db: Database;
  client: Client;
  cpuTaskQueue: string;
  trainerTaskQueue: string;
}

/** All TypeScript activities, bound to their dependencies. */
export function createActivities(deps: ActivityDependencies) {
  return {
    ...createRoundTripActivities(deps),
    ...createGridActivities(deps),
  };
}
