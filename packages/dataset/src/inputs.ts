import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { DatasetInputError } from './errors';
import { gitBlobSha1, sha256Hex, type InputFile } from './version';

export interface LoadedFile {
  input: InputFile;
  /** Absolute location, for error messages. */
  location: string;
  text: string;
}

/** Reads one raw file below the data folder as UTF-8 and hashes its bytes. */
export async function loadInputFile(
  rawDataDir: string,
  path: string,
  role: string,
): Promise<LoadedFile> {
  const location = join(rawDataDir, path);
  const bytes = await readFile(location).catch((error: NodeJS.ErrnoException) => {
    const reason = error.code === 'ENOENT' ? 'file not found' : `cannot be read (${error.code})`;
    throw new DatasetInputError(location, undefined, `${reason} (input "${role}")`);
  });

  return {
    input: {
      role,
      path,
      sha256: sha256Hex(bytes),
      gitBlobSha1: gitBlobSha1(bytes),
      bytes: bytes.length,
    },
    location,
    text: bytes.toString('utf8'),
  };
}
