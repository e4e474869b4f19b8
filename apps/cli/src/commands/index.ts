import type { Command } from 'commander';

import { registerDataCommands } from './data';
import { registerExperimentCommands } from './experiments';
import { registerGcCommand } from './gc';
import { registerModelCommands } from './models';
import { registerPlanCommand } from './plan';
import { registerResultCommands } from './results';
import { registerRunCommand } from './run';

/** Registers every subcommand on the root program. */
export function registerCommands(program: Command) {
  registerDataCommands(program);
  registerPlanCommand(program);
  registerGcCommand(program);
  registerRunCommand(program);
  registerExperimentCommands(program);
  registerResultCommands(program);
  registerModelCommands(program);
}
