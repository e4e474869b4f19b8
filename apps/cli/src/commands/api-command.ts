import { InvalidArgumentError, type Command } from 'commander';
import { z } from 'zod';

import { ApiClient, apiTarget } from '../api-client';
import { CliError, EXIT } from '../exit-codes';

/** Options every command that talks to the API accepts. */
export interface ApiOptions {
  apiUrl?: string;
  json?: boolean;
}

const RecordId = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/);

/** Adds `--api-url` and `--json` to a command that talks to the API. */
export function apiCommand(command: Command): Command {
  return command
    .option(
      '--api-url <url>',
      'API base URL (default: TTPGRID_API_URL, else 127.0.0.1:TTPGRID_API_PORT)',
    )
    .option('--json', 'print one JSON object instead of text');
}

export function clientFor(options: ApiOptions): ApiClient {
  return new ApiClient(apiTarget(options.apiUrl));
}

/** An experiment or run ID argument, checked before any request. */
export function recordId(value: string, what = 'experiment ID'): string {
  if (!RecordId.safeParse(value).success) {
    throw new CliError(
      `${what} ${JSON.stringify(value)} is not valid: letters, digits, - and _`,
      EXIT.badInput,
    );
  }
  return value;
}

/** A commander parser for a number of seconds in (0, 3600]. */
export function seconds(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0 || parsed > 3600) {
    throw new InvalidArgumentError('a number of seconds between 0 and 3600');
  }
  return parsed;
}

/** A commander parser for a positive integer up to `max`. */
export function positiveInt(max: number) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 1 || parsed > max) {
      throw new InvalidArgumentError(`an integer from 1 to ${max}`);
    }
    return parsed;
  };
}

export function printJson(value: unknown) {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printLines(lines: string[]) {
  process.stdout.write(`${lines.join('\n')}\n`);
}
