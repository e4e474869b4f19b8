/** Exit codes of the ttpgrid command, listed in `--help`. */
export const EXIT = {
  ok: 0,
  failure: 1,
  badInput: 2,
  unreachable: 3,
  runsFailed: 4,
  notFound: 5,
} as const;

export const EXIT_CODE_HELP = `
Exit codes:
  0  success
  1  unexpected failure
  2  bad input (invalid spec, option or file)
  3  a service is unreachable (API, Postgres or Temporal)
  4  the grid finished with failed runs
  5  not found (experiment, run, model)`;

/** An error that carries the exit code the command should end with. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
