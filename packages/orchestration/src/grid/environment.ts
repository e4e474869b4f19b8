import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { venvBin, type TtpgridConfig } from '@ttpgrid/config';
import type { EncoderIdentity } from '@ttpgrid/grid';

const run = promisify(execFile);

interface RegistryEntry {
  name: string;
  available: boolean;
  path: string | null;
  weightsHash: string | null;
  reason: string | null;
  explicitOnly: boolean;
}

/** The trainer's encoder registry with weights hashes (`python -m ttpgrid_trainer encoders`). */
export async function readEncoderRegistry(config: TtpgridConfig) {
  const { stdout } = await run(
    venvBin(config, 'python'),
    ['-m', 'ttpgrid_trainer', 'encoders', '--json'],
    {
      cwd: config.repoRoot,
      env: { ...process.env, PYTHONPATH: join(config.repoRoot, 'apps/trainer/src') },
      maxBuffer: 16 * 1024 * 1024,
    },
  ).catch((error: Error) => {
    throw new Error(`cannot read the encoder registry from the trainer: ${error.message}`);
  });

  const parsed = JSON.parse(stdout) as { encoders: RegistryEntry[] };
  const identities = new Map<string, EncoderIdentity>();
  const reasons = new Map<string, string>();
  for (const entry of parsed.encoders) {
    identities.set(entry.name, {
      name: entry.name,
      path: entry.path ?? undefined,
      weightsHash: entry.weightsHash ?? undefined,
      available: entry.available,
    });
    if (entry.reason) reasons.set(entry.name, entry.reason);
  }
  return { identities, reasons };
}

/** Major.minor of the numerics libraries pinned for the trainer: part of every stage key. */
export function trainerLibraries(config: TtpgridConfig): Record<string, string> {
  const pins = readFileSync(join(config.repoRoot, 'apps/trainer/requirements.txt'), 'utf8');
  const libraries: Record<string, string> = {};
  for (const name of ['torch', 'transformers']) {
    const match = new RegExp(`^${name}==(\\d+)\\.(\\d+)`, 'm').exec(pins);
    libraries[name] = match ? `${match[1]}.${match[2]}` : 'unpinned';
  }
  return libraries;
}

/** The code version recorded with every result: the git commit, marked when the tree differs. */
export async function codeVersion(config: TtpgridConfig): Promise<string> {
  if (process.env.TTPGRID_CODE_VERSION) return process.env.TTPGRID_CODE_VERSION;
  try {
    const head = await run('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: config.repoRoot });
    const status = await run('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd: config.repoRoot,
    });
    return `${head.stdout.trim()}${status.stdout.trim() ? '-dirty' : ''}`;
  } catch {
    const pkg = JSON.parse(readFileSync(join(config.repoRoot, 'package.json'), 'utf8'));
    return `v${(pkg as { version: string }).version}`;
  }
}
