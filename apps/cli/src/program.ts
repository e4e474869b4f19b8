import { readFileSync } from 'node:fs';

import { Command } from 'commander';

import { REPO_ROOT } from '@ttpgrid/config';

import { EXIT_CODE_HELP } from './exit-codes';

function readVersion(): string {
  const pkg = JSON.parse(readFileSync(`${REPO_ROOT}/package.json`, 'utf8')) as { version: string };
  return pkg.version;
}

/** The root command; each feature folder registers its subcommands on it. */
export function createProgram(): Command {
  const program = new Command('ttpgrid')
    .description('Orchestrates two-stage ATT&CK technique classification grids')
    .version(readVersion(), '-V, --version')
    .showHelpAfterError()
    .addHelpText('after', EXIT_CODE_HELP);
  return program;
}
