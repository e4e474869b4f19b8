import type { Command } from 'commander';

/** Registers every subcommand on the root program. */
export function registerCommands(program: Command) {
  void program;
}
