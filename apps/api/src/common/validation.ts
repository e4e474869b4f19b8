import { HttpException, HttpStatus } from '@nestjs/common';
import type { z } from 'zod';

import type { OperationSpec } from './operation';

export interface Problem {
  path: string;
  reason: string;
}

/** A 400 whose body lists every problem with the path of the field (`query.page`). */
export class ValidationFailed extends HttpException {
  constructor(
    readonly problems: Problem[],
    message = 'invalid request',
  ) {
    super(
      { statusCode: 400, error: 'Bad Request', message: summaryOf(message, problems), problems },
      HttpStatus.BAD_REQUEST,
    );
  }
}

function summaryOf(message: string, problems: Problem[]): string {
  const first = problems[0];
  if (!first) return message;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  return `${message}: ${first.path || '(root)'}: ${first.reason}${more}`;
}

/** Zod issues as problems under a location prefix, e.g. `body.spec.cases.0`. */
export function problemsOf(error: z.ZodError, location: string): Problem[] {
  return error.issues.flatMap((issue) => {
    const path = [location, ...issue.path.map(String)].filter(Boolean);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: [...path, key].join('.'), reason: 'unknown field' }));
    }
    return [{ path: path.join('.'), reason: issue.message }];
  });
}

interface RequestParts {
  params?: unknown;
  query?: unknown;
  body?: unknown;
  headers: Record<string, string | string[] | undefined>;
}

/** Validates params, query and body of a request against an operation's schemas. */
export function parseInput(spec: OperationSpec, request: RequestParts) {
  const problems: Problem[] = [];
  const parse = (schema: z.ZodType | undefined, value: unknown, location: string) => {
    if (!schema) return undefined;
    const result = schema.safeParse(value ?? (location === 'body' ? undefined : {}));
    if (result.success) return result.data;
    problems.push(...problemsOf(result.error, location));
    return undefined;
  };

  const params = parse(spec.params, { ...(request.params as object) }, 'params');
  const query = parse(spec.query, { ...(request.query as object) }, 'query');
  const body = parse(spec.body, request.body, 'body');
  if (problems.length > 0) throw new ValidationFailed(problems);
  return { params, query, body, headers: request.headers };
}
