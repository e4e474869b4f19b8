import { mkdtemp, readdir, readFile, rm, symlink, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { UiStack } from './ui-stack';

/** TRAM's second source, the dataset's default OOD file (packages/dataset/src/settings.ts). */
const OOD_FILE = 'tram/ctid-tram_main_f29793d/data/training/tram2_data/single_label.json';
export const OOD_SLICE = 'tram/ood-slice.json';

/**
 * A data folder of links to the raw files plus a small OOD file (every `step`-th row of the
 * default one), so that the deployment evaluates OOD quickly. Returns the folder; remove it with
 * `removeDataFolder`. Nothing in the shared raw data is written.
 */
export async function linkRawDataWithOodSlice(rawDataDir: string, step: number) {
  const folder = await mkdtemp(join(tmpdir(), 'ttpgrid-web-raw-'));
  for (const entry of await readdir(rawDataDir)) {
    if (entry !== 'tram') await symlink(join(rawDataDir, entry), join(folder, entry));
  }
  await mkdir(join(folder, 'tram'));
  for (const entry of await readdir(join(rawDataDir, 'tram'))) {
    await symlink(join(rawDataDir, 'tram', entry), join(folder, 'tram', entry));
  }

  const rows = JSON.parse(await readFile(join(rawDataDir, OOD_FILE), 'utf8')) as unknown[];
  const slice = rows.filter((_, index) => index % step === 0);
  await writeFile(join(folder, OOD_SLICE), JSON.stringify(slice));
  return folder;
}

export async function removeDataFolder(folder: string) {
  await rm(folder, { recursive: true, force: true });
}

/** POSTs JSON with the read token, as the UI does for classifications. */
export function postAsReader(stack: UiStack, path: string, body: unknown): Promise<Response> {
  return fetch(`${stack.baseUrl}${path}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${stack.readToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

interface DeploymentStatus {
  workflowId: string;
  status: string;
  modelId: string | null;
  error: string | null;
}

/**
 * Deploys the experiment's best run through the API (write token) and waits for the deploy
 * workflow: ONNX export, dev/test/OOD evaluation, threshold calibration. Returns the model ID.
 */
export async function deployExperiment(
  stack: UiStack,
  experimentId: string,
  negativesLimit: number,
  timeoutMs: number,
): Promise<string> {
  const response = await fetch(`${stack.baseUrl}/api/models`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${stack.writeToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ experimentId, negativesLimit }),
  });
  if (response.status !== 202) {
    throw new Error(`deploy refused: ${response.status} ${await response.text()}`);
  }
  const { workflowId } = (await response.json()) as { workflowId: string };

  const finished = await waitForDeployment(stack, workflowId, timeoutMs);
  if (finished.status !== 'succeeded' || !finished.modelId) {
    throw new Error(`deployment ${workflowId} ${finished.status}: ${finished.error}`);
  }
  return finished.modelId;
}

async function waitForDeployment(stack: UiStack, workflowId: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(`${stack.baseUrl}/api/models/deployments/${workflowId}`, {
      headers: { Authorization: `Bearer ${stack.readToken}` },
    });
    const status = (await response.json()) as DeploymentStatus;
    if (status.status !== 'running') return status;
    if (Date.now() > deadline) throw new Error(`deployment ${workflowId} still running`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
