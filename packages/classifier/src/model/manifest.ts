import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { artifactKeyOf, assertArtifactKey, getJson, type ArtifactStore } from '@ttpgrid/artifacts';

/** The trainer's ONNX export manifest (ExportOnnxOutput.manifestKey): file name → blob key. */
export interface ExportManifest {
  files: Record<string, string>;
  /** Optional: newer exports may record the maxLength they were exported with. */
  maxLength?: number;
}

/** Files every export must carry; others (tokenizer_config.json, external weights) are copied. */
export const REQUIRED_EXPORT_FILES = ['model.onnx', 'tokenizer.json', 'labels.json'] as const;

const SAFE_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const COMPLETE_MARKER = '.complete';

export class ExportManifestError extends Error {
  constructor(
    readonly manifestKey: string,
    problem: string,
  ) {
    super(`export manifest ${manifestKey}: ${problem}`);
    this.name = 'ExportManifestError';
  }
}

export async function readExportManifest(
  store: ArtifactStore,
  manifestKey: string,
): Promise<ExportManifest> {
  assertArtifactKey(manifestKey);
  const manifest = await getJson<ExportManifest>(store, manifestKey);
  checkManifest(manifestKey, manifest);
  return manifest;
}

function checkManifest(manifestKey: string, manifest: ExportManifest): void {
  if (typeof manifest !== 'object' || manifest === null || typeof manifest.files !== 'object') {
    throw new ExportManifestError(manifestKey, 'has no "files" object');
  }

  const missing = REQUIRED_EXPORT_FILES.filter((name) => !(name in manifest.files));
  if (missing.length > 0) {
    throw new ExportManifestError(manifestKey, `lacks ${missing.join(', ')}`);
  }

  for (const [name, key] of Object.entries(manifest.files)) {
    // File names become paths under the cache folder: no separators, no `..`.
    if (!SAFE_FILE_NAME.test(name) || name.includes('..')) {
      throw new ExportManifestError(manifestKey, `unsafe file name ${JSON.stringify(name)}`);
    }
    assertArtifactKey(key);
  }
}

/**
 * Copies an export's files out of the artifact store into `<cacheDir>/<manifestKey>/`, once:
 * onnxruntime loads models (and any external weight files beside them) from a folder. Each blob
 * is checked against its key; the folder is written under a temporary name and renamed into
 * place, so a crashed copy is never mistaken for a complete one.
 */
export async function materializeExport(
  store: ArtifactStore,
  manifestKey: string,
  cacheDir: string,
): Promise<{ folder: string; manifest: ExportManifest }> {
  const manifest = await readExportManifest(store, manifestKey);
  const folder = join(cacheDir, manifestKey);
  if (await isComplete(folder)) {
    return { folder, manifest };
  }

  const temporary = `${folder}.tmp-${randomBytes(6).toString('hex')}`;
  await mkdir(temporary, { recursive: true });
  try {
    await copyFiles(store, manifestKey, manifest, temporary);
    await writeFile(join(temporary, COMPLETE_MARKER), `${manifestKey}\n`);
    await rename(temporary, folder);
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    if (!(await isComplete(folder))) {
      throw error;
    }
    // Another process finished the same copy first: its folder is as good as ours.
  }
  return { folder, manifest };
}

async function copyFiles(
  store: ArtifactStore,
  manifestKey: string,
  manifest: ExportManifest,
  target: string,
): Promise<void> {
  for (const [name, key] of Object.entries(manifest.files)) {
    const bytes = await store.get(key);
    if (artifactKeyOf(bytes) !== key) {
      throw new ExportManifestError(manifestKey, `${name} (${key}) does not match its key`);
    }
    await writeFile(join(target, name), bytes);
  }
}

async function isComplete(folder: string): Promise<boolean> {
  try {
    await stat(join(folder, COMPLETE_MARKER));
    return true;
  } catch {
    return false;
  }
}
