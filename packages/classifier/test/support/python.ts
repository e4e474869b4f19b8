import { spawn } from 'node:child_process';
import { access } from 'node:fs/promises';
import { join } from 'node:path';

import { loadConfig, venvBin } from '@ttpgrid/config';

export const TRAINER_SRC = join(loadConfig().repoRoot, 'apps/trainer/src');

/** The trainer's virtual environment Python (TTPGRID_VENV, else the requirements-hash folder). */
export async function trainerPython(): Promise<string> {
  const python = venvBin(loadConfig(), 'python');
  try {
    await access(python);
  } catch {
    throw new Error(`trainer Python not found at ${python}: run \`npm run setup\` first`);
  }
  return python;
}

/**
 * Runs the trainer's Python with PYTHONPATH on the trainer sources and the given environment;
 * resolves with stdout, rejects with the end of stderr on a non-zero exit.
 */
export function runPython(
  python: string,
  args: readonly string[],
  env: Record<string, string>,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, args, {
      env: { ...process.env, PYTHONPATH: TRAINER_SRC, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));

    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) {
        resolve(stdout);
      } else {
        reject(new Error(`${args.join(' ')} exited ${code}:\n${stderr.slice(-4000)}`));
      }
    });
  });
}
