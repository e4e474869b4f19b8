import type { ArtifactStore } from '@ttpgrid/artifacts';
import type { Database } from '@ttpgrid/db';

import { createRoundTripActivities } from './roundtrip/activities';

export interface ActivityDependencies {
  store: ArtifactStore;
  db: Database;
}

/** All TypeScript activities, bound to their dependencies. */
export function createActivities(deps: ActivityDependencies) {
  return {
    ...createRoundTripActivities(deps),
  };
}
