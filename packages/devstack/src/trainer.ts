import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { venvBin, type TtpgridConfig } from '@ttpgrid/config';

import { ServiceStartError } from './ports';

export interface TrainerProcess {
  child: ChildProcess;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface TrainerOptions {
  env?: Record<string, string>;
  /** Echo the trainer's log lines to this stream (the main job shows them with --verbose). */
  echo?: NodeJS.WritableStream;
  readyTimeoutMs?: number;
}

/**
 * Starts the Python trainer worker (`python -m ttpgrid_trainer worker`) against the configured
 * Temporal server and resolves once it polls its task queue.
 */
export async function startTrainerWorker(
  config: TtpgridConfig,
  options: TrainerOptions = {},
): Promise<TrainerProcess> {
  const python = venvBin(config, 'python');
  if (!existsSync(python)) {
    throw new ServiceStartError('trainer', `Python not found at ${python} (run "npm run setup")`);
  }

  const child = spawn(python, ['-m', 'ttpgrid_trainer', 'worker'], {
    cwd: join(config.repoRoot, 'apps/trainer'),
    env: trainerEnvironment(config, options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-500_000);
    options.echo?.write(chunk);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  await waitUntilPolling(child, () => output, options.readyTimeoutMs ?? 120_000);
  return { child, output: () => output, stop: (signal = 'SIGTERM') => stopTrainer(child, signal) };
}

function trainerEnvironment(config: TtpgridConfig, extra: Record<string, string> = {}) {
  return {
    ...process.env,
    PYTHONPATH: join(config.repoRoot, 'apps/trainer/src'),
    TEMPORAL_ADDRESS: config.temporalAddress,
    TEMPORAL_NAMESPACE: config.temporalNamespace,
    TTPGRID_TRAINER_TASK_QUEUE: config.trainerTaskQueue,
    TTPGRID_ARTIFACT_DIR: config.artifactDir,
    // Stop when this process is gone, even if it was SIGKILLed before it could stop the trainer.
    TTPGRID_TRAINER_EXIT_WITH_PARENT: '1',
    ...extra,
  };
}

function waitUntilPolling(child: ChildProcess, output: () => string, timeoutMs: number) {
  return new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (/worker started/.test(output())) {
        clearInterval(timer);
        clearTimeout(deadline);
        resolve();
      }
    }, 100);
    const deadline = setTimeout(() => {
      clearInterval(timer);
      child.kill('SIGKILL');
      reject(new ServiceStartError('trainer', `not polling after ${timeoutMs / 1000} s`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearInterval(timer);
      clearTimeout(deadline);
      const last = output().trim().split('\n').slice(-3).join(' | ');
      reject(new ServiceStartError('trainer', `exited with code ${code} before polling: ${last}`));
    });
  });
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
