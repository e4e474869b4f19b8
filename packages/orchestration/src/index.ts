import { fileURLToPath } from 'node:url';

export * from './activities';

/** The file the worker bundles as its workflow code. */
export const WORKFLOWS_PATH = fileURLToPath(new URL('./workflows.ts', import.meta.url));
