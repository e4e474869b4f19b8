import { fileURLToPath } from 'node:url';

export * from './activities';
export * from './deploy/deployments';
export * from './deploy/types';
export * from './grid/compare';
export * from './grid/control';
export * from './grid/data-watch-activities';
export * from './grid/environment';
export * from './grid/experiment-views';
export * from './grid/leaderboard';
export * from './grid/sentence-bootstrap';
export * from './grid/plan-store';
export * from './grid/retention';
export * from './grid/rerun';
export * from './grid/result-rows';
export * from './grid/results';
export * from './grid/run-detail';
export * from './grid/schedules';
export * from './grid/submission';
export * from './grid/techniques';
export * from './grid/types';

/** The file the worker bundles as its workflow code. */
export const WORKFLOWS_PATH = fileURLToPath(new URL('./workflows.ts', import.meta.url));
