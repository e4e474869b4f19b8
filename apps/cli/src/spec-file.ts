import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

import { GridSpecError, parseGridSpecText, type GridSpec } from '@ttpgrid/grid';

import { CliError, EXIT } from './exit-codes';

/** Reads and validates a grid spec file; every problem is listed with its path. */
export async function readSpecFile(path: string): Promise<{ spec: GridSpec; text: string }> {
  const absolute = resolve(path);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new CliError(`cannot read spec ${absolute}: ${reason}`, EXIT.badInput);
  }

  try {
    return { spec: parseGridSpecText(text, path), text };
  } catch (error) {
    if (error instanceof GridSpecError) throw new CliError(error.message, EXIT.badInput);
    throw error;
  }
}
