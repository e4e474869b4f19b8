import {
  applyDecorators,
  createParamDecorator,
  RequestMethod,
  RequestMapping,
  SetMetadata,
  type ExecutionContext,
} from '@nestjs/common';
import { z } from 'zod';

import { parseInput } from './validation';

/** Who may call an operation: anyone, a reader (read token if one is set), or a writer. */
export type Access = 'public' | 'read' | 'write';

export type HttpMethod = 'get' | 'post' | 'put' | 'delete';

export interface ResponseSpec {
  description: string;
  /** JSON body schema; left out for bodies that are not JSON or not described. */
  schema?: z.ZodType;
  /** Content type when not JSON, e.g. 'text/event-stream'. */
  contentType?: string;
}

/**
 * One HTTP operation: route, access, input schemas and documented responses. It is the single
 * source of the route (Nest), the checks (auth guard, input validation) and the OpenAPI entry.
 */
export interface OperationSpec<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
> {
  id: string;
  method: HttpMethod;
  /** Express path with `:name` parameters, e.g. `/api/experiments/:id`. */
  path: string;
  summary: string;
  description?: string;
  tag: string;
  access: Access;
  params?: P;
  query?: Q;
  body?: B;
  responses: Record<number, ResponseSpec>;
  /** Request body content types besides JSON, e.g. YAML text. */
  bodyContentTypes?: string[];
}

type OutputOf<T> = [NonNullable<T>] extends [z.ZodType] ? z.output<NonNullable<T>> : undefined;

/** The validated inputs of an operation, as `@Input()` hands them to the handler. */
export interface InputOf<Op extends OperationSpec> {
  params: OutputOf<Op['params']>;
  query: OutputOf<Op['query']>;
  body: OutputOf<Op['body']>;
  headers: Record<string, string | string[] | undefined>;
}

export const OPERATION_METADATA = 'ttpgrid:operation';

/** Keeps the schema types of an operation literal for `InputOf`. */
export function defineOperation<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
>(spec: OperationSpec<P, Q, B>): OperationSpec<P, Q, B> {
  return spec;
}

const METHODS: Record<HttpMethod, RequestMethod> = {
  get: RequestMethod.GET,
  post: RequestMethod.POST,
  put: RequestMethod.PUT,
  delete: RequestMethod.DELETE,
};

/** Routes the handler (Nest) and attaches the operation for the guard, `@Input()` and docs. */
export function Operation(spec: OperationSpec) {
  return applyDecorators(
    RequestMapping({ path: spec.path, method: METHODS[spec.method] }),
    SetMetadata(OPERATION_METADATA, spec),
  );
}

export function operationOf(context: ExecutionContext): OperationSpec | undefined {
  return Reflect.getMetadata(OPERATION_METADATA, context.getHandler()) as OperationSpec | undefined;
}

interface RequestParts {
  params?: unknown;
  query?: unknown;
  body?: unknown;
  headers: Record<string, string | string[] | undefined>;
}

/** The handler's inputs, each validated by its schema; a 400 lists every problem by path. */
export const Input = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  const spec = operationOf(context);
  if (!spec) throw new Error('@Input() needs an @Operation() on the handler');
  const request = context.switchToHttp().getRequest<RequestParts>();
  return parseInput(spec, request);
});
