import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

import { loadConfig, venvBin } from '@ttpgrid/config';

export interface TrainerProcess {
  child: ChildProcess;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts the real Python trainer worker (`python -m ttpgrid_trainer worker`) with the test
 * environment, and resolves once it polls its task queue.
 */
export async function startTrainerProcess(
  env: Record<string, string> = {},
  readyPattern = /worker started/,
): Promise<TrainerProcess> {
  const config = loadConfig();
  const child = spawn(venvBin(config, 'python'), ['-m', 'ttpgrid_trainer', 'worker'], {
    cwd: join(config.repoRoot, 'apps/trainer'),
    env: {
      ...process.env,
      PYTHONPATH: join(config.repoRoot, 'apps/trainer/src'),
      TTPGRID_TRAINER_METRICS_PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-200_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (readyPattern.test(output)) {
        clearInterval(timer);
        resolve();
      }
    }, 100);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`trainer exited with code ${code} before it was ready:\n${output}`));
    });
  });

  return {
    child,
    output: () => output,
    stop: (signal = 'SIGTERM') => stopTrainer(child, signal),
  };
}

function stopTrainer(child: ChildProcess, signal: NodeJS.Signals): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve(child.exitCode);
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    child.kill(signal);
  });
}
