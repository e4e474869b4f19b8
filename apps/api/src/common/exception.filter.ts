import { relative } from 'node:path';

import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { ScheduleNotFoundError } from '@temporalio/client';

import { createLogger } from '@ttpgrid/config';
import { DatasetInputError, DatasetLeakageError, DatasetSettingsError } from '@ttpgrid/dataset';
import { GridSpecError, PlanError } from '@ttpgrid/grid';
import { RecordNotFoundError, StateConflictError } from '@ttpgrid/orchestration';

import type { Problem } from './validation';

/** The JSON body of every error answer. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  problems?: Problem[];
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

interface HttpResponse {
  headersSent: boolean;
  status(code: number): HttpResponse;
  setHeader(name: string, value: string): void;
  json(body: unknown): void;
  end(): void;
}

/**
 * Every error becomes `{statusCode, error, message[, problems]}`. Domain errors map to 4xx;
 * anything unexpected is logged with its stack here and answered with a bare 500.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly log = createLogger('api.errors');

  constructor(private readonly rawDataDir: string) {}

  catch(exception: unknown, host: ArgumentsHost) {
    const response = host.switchToHttp().getResponse<HttpResponse>();
    const body = this.bodyOf(exception);
    if (response.headersSent) {
      response.end();
      return;
    }
    if (body.statusCode === 401) response.setHeader('WWW-Authenticate', 'Bearer');
    response.status(body.statusCode).json(body);
  }

  bodyOf(exception: unknown): ErrorBody {
    if (exception instanceof HttpException) return httpErrorBody(exception);
    const mapped = domainErrorBody(exception, this.rawDataDir);
    if (mapped) return mapped;

    this.log.error('unhandled error', {
      error: exception,
      stack: exception instanceof Error ? exception.stack : undefined,
    });
    return { statusCode: 500, error: STATUS_TEXT[500]!, message: 'internal server error' };
  }
}

function httpErrorBody(exception: HttpException): ErrorBody {
  const statusCode = exception.getStatus();
  const response = exception.getResponse();
  const error = STATUS_TEXT[statusCode] ?? 'Error';
  if (typeof response === 'string') return { statusCode, error, message: response };

  const fields = response as Partial<ErrorBody> & { message?: unknown };
  const message = Array.isArray(fields.message)
    ? fields.message.join('; ')
    : String(fields.message ?? exception.message);
  return {
    statusCode,
    error,
    message: statusCode >= 500 ? 'internal server error' : message,
    ...(fields.problems ? { problems: fields.problems } : {}),
  };
}

function domainErrorBody(exception: unknown, rawDataDir: string): ErrorBody | null {
  if (exception instanceof RecordNotFoundError || exception instanceof ScheduleNotFoundError) {
    return { statusCode: 404, error: STATUS_TEXT[404]!, message: exception.message };
  }
  if (exception instanceof StateConflictError) {
    return { statusCode: 409, error: STATUS_TEXT[409]!, message: exception.message };
  }
  if (exception instanceof GridSpecError) {
    return badRequest('invalid grid spec', exception.problems.flatMap(specProblems));
  }
  if (exception instanceof DatasetSettingsError) {
    return badRequest('invalid dataset settings', settingsProblems(exception.problems));
  }
  if (exception instanceof PlanError) {
    return badRequest('grid cannot be planned', [{ path: 'body.spec', reason: exception.message }]);
  }
  if (exception instanceof DatasetInputError) {
    const file = relative(rawDataDir, exception.file);
    const reason = `${file}: ${exception.position ? `${exception.position}: ` : ''}${exception.problem}`;
    return badRequest('dataset input unusable', [{ path: 'dataset', reason }]);
  }
  if (exception instanceof DatasetLeakageError) {
    return { statusCode: 422, error: STATUS_TEXT[422]!, message: exception.message };
  }
  return null;
}

/** A spec problem under `body.spec`; unknown keys get one problem each, at their own path. */
function specProblems(problem: Problem): Problem[] {
  const unknown = /^Unrecognized keys?: (.+)$/.exec(problem.reason);
  const keys = unknown ? [...unknown[1]!.matchAll(/"([^"]*)"/g)].map((match) => match[1]!) : [];
  const base = ['body.spec', problem.path].filter(Boolean);
  if (keys.length === 0) return [{ path: base.join('.'), reason: problem.reason }];
  return keys.map((key) => ({ path: [...base, key].join('.'), reason: 'unknown field' }));
}

function settingsProblems(problems: string[]): Problem[] {
  return problems.map((problem) => {
    const [path, ...reason] = problem.split(': ');
    const where = path === '(root)' ? 'body.settings' : `body.settings.${path}`;
    return { path: where, reason: reason.join(': ') || problem };
  });
}

function badRequest(message: string, problems: Problem[]): ErrorBody {
  const first = problems[0];
  const detail = first ? `: ${first.path}: ${first.reason}` : '';
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  return {
    statusCode: 400,
    error: STATUS_TEXT[400]!,
    message: `${message}${detail}${more}`,
    problems,
  };
}
