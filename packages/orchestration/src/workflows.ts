// Every workflow the TypeScript worker registers. Workflow code runs in Temporal's sandbox:
// nothing here may import Node built-ins or do I/O (lint enforces it).
export * from './deploy/workflows';
export * from './grid/data-watch-workflows';
export * from './grid/workflows';
export * from './roundtrip/workflows';
