import { CommanderError } from 'commander';
import { vi } from 'vitest';

import { ConfigError } from '@ttpgrid/config';

import { registerCommands } from '../../src/commands';
import { CliError, EXIT } from '../../src/exit-codes';
import { createProgram } from '../../src/program';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the ttpgrid program in this process, as bin/ttpgrid.mjs does (same program, same
 * exit-code mapping as src/main.ts), with the environment changed for the run only.
 */
export async function runCli(
  argv: string[],
  env: Record<string, string | undefined> = {},
): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const capture = (sink: string[]) => (chunk: string | Uint8Array) => {
    sink.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  };
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(capture(out));
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(capture(err));
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  setEnvironment(env);

  let code: number = EXIT.ok;
  try {
    const program = createProgram();
    program.exitOverride();
    registerCommands(program);
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    code = exitCodeOf(error, err);
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
    setEnvironment(saved);
  }
  return { code, stdout: out.join(''), stderr: err.join('') };
}

function exitCodeOf(error: unknown, err: string[]): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.badInput;
  if (error instanceof CliError) {
    err.push(`ttpgrid: ${error.message}\n`);
    return error.exitCode;
  }
  if (error instanceof ConfigError) return EXIT.badInput;
  err.push(`ttpgrid: ${error instanceof Error ? error.message : String(error)}\n`);
  return EXIT.failure;
}

function setEnvironment(env: Record<string, string | undefined>) {
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}
