import { CommanderError } from 'commander';

import { ConfigError } from '@ttpgrid/config';

import { registerCommands } from './commands';
import { CliError, EXIT } from './exit-codes';
import { createProgram } from './program';

async function main(argv: string[]) {
  const program = createProgram();
  // Before the subcommands exist, so that they inherit it and bad options exit with 2.
  program.exitOverride();
  registerCommands(program);
  await program.parseAsync(argv);
}

main(process.argv).catch((error: unknown) => {
  if (error instanceof CommanderError) {
    const helpOrVersion = error.exitCode === 0;
    process.exit(helpOrVersion ? EXIT.ok : EXIT.badInput);
  }
  if (error instanceof CliError) {
    process.stderr.write(`ttpgrid: ${error.message}\n`);
    process.exit(error.exitCode);
  }
  if (error instanceof ConfigError) {
    process.stderr.write(`ttpgrid: ${error.message}\n`);
    process.exit(EXIT.badInput);
  }
  process.stderr.write(`ttpgrid: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(EXIT.failure);
});
