import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { renderContractSchema } from '../src/schema';

const target = fileURLToPath(new URL('../schema/activities.schema.json', import.meta.url));
writeFileSync(target, renderContractSchema());
process.stdout.write(`wrote ${target}\n`);
