import { jsonSyntaxErrorOffset } from './json-position';

/** Raw input that cannot be read as the recipe expects; the message names the file and position. */
export class DatasetInputError extends Error {
  constructor(
    readonly file: string,
    readonly position: string | undefined,
    readonly problem: string,
  ) {
    super(position === undefined ? `${file}: ${problem}` : `${file}: ${position}: ${problem}`);
    this.name = 'DatasetInputError';
  }
}

/** The leakage gate refused the dataset: exact duplicates across train, dev and test. */
export class DatasetLeakageError extends Error {
  constructor(readonly pairs: { partA: string; partB: string; text: string }[]) {
    const listed = pairs
      .slice(0, 10)
      .map((pair) => `  - ${pair.partA}/${pair.partB}: ${JSON.stringify(pair.text)}`);
    const more = pairs.length > 10 ? [`  - … and ${pairs.length - 10} more`] : [];
    super(
      `leakage gate: ${pairs.length} exact duplicate(s) across train, dev and test\n` +
        [...listed, ...more].join('\n'),
    );
    this.name = 'DatasetLeakageError';
  }
}

/** Describes where in a JSON text a `JSON.parse` error happened, as `line L, column C`. */
export function jsonErrorPosition(text: string, error: unknown): string | undefined {
  const reported = /position (\d+)/.exec(String(error));
  const offset = reported === null ? jsonSyntaxErrorOffset(text) : Number(reported[1]);
  if (offset === undefined) {
    return undefined;
  }

  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}
