#!/usr/bin/env node
// Runs the TypeScript sources directly: the CLI has no build step.
import { fileURLToPath } from 'node:url';

import { register } from 'tsx/esm/api';

// tsx applies a tsconfig only to the files it includes, and the root one includes no app
// sources; the base one covers every file, so the API's Nest decorators compile from any cwd.
register({ tsconfig: fileURLToPath(new URL('../../../tsconfig.base.json', import.meta.url)) });
await import('../src/main.ts');
