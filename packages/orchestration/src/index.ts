import { fileURLToPath } from 'node:url';

export * from './activities';
export * from './grid/control';
export * from './grid/environment';
export * from './grid/plan-store';
export * from './grid/submission';
export * from './grid/types';

/** The file the worker bundles as its workflow code. */
export const WORKFLOWS_PATH = fileURLToPath(new URL('./workflows.ts', import.meta.url));
