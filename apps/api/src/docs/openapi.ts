import { z } from 'zod';

import { DATASET_OPERATIONS } from '../datasets/datasets.dto';
import { EXPERIMENT_OPERATIONS } from '../experiments/experiments.dto';
import { HEALTH_OPERATIONS } from '../health/health.dto';
import { METRICS_OPERATIONS } from '../metrics/metrics.dto';
import { MODEL_OPERATIONS } from '../models/models.dto';
import { RESULT_OPERATIONS } from '../results/results.dto';
import { RUN_OPERATIONS } from '../runs/runs.dto';
import { SCHEDULE_OPERATIONS } from '../schedules/schedules.dto';
import type { OperationSpec } from '../common/operation';
import { docsOp, openApiOp } from './docs.dto';

/** Every operation the API serves; the docs test checks this against the Nest routes. */
export const API_OPERATIONS: readonly OperationSpec[] = [
  ...EXPERIMENT_OPERATIONS,
  ...RESULT_OPERATIONS,
  ...RUN_OPERATIONS,
  ...DATASET_OPERATIONS,
  ...SCHEDULE_OPERATIONS,
  ...HEALTH_OPERATIONS,
  ...METRICS_OPERATIONS,
  ...MODEL_OPERATIONS,
  docsOp,
  openApiOp,
];

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    reused: 'inline',
  }) as JsonSchema;
  return rest;
}

/** `/api/experiments/:id` → `/api/experiments/{id}`. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/** The OpenAPI 3.1 document, built from the operations' zod schemas. */
export function buildOpenApiDocument(version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of API_OPERATIONS) {
    const path = openApiPath(operation.path);
    paths[path] ??= {};
    paths[path][operation.method] = operationObject(operation);
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'ttpgrid API',
      version,
      description:
        'Submit two-stage ATT&CK classification grids, follow them, and read their results. ' +
        'Writes need the write token; reads need the read token when one is configured. ' +
        'Errors are `{statusCode, error, message, problems?}`.',
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    },
    paths,
  };
}

function operationObject(operation: OperationSpec) {
  return {
    operationId: operation.id,
    summary: operation.summary,
    ...(operation.description ? { description: operation.description } : {}),
    tags: [operation.tag],
    ...(operation.access === 'public' ? { security: [] } : { security: [{ bearer: [] }] }),
    'x-access': operation.access,
    parameters: [
      ...parameters(operation.params, 'path'),
      ...parameters(operation.query, 'query'),
      ...(operation.id === 'submitExperiment' || operation.id === 'rerunExperiment'
        ? [idempotencyHeader()]
        : []),
    ],
    ...(operation.body ? { requestBody: requestBody(operation) } : {}),
    responses: responses(operation),
  };
}

function parameters(schema: z.ZodType | undefined, location: 'path' | 'query') {
  if (!schema) return [];
  const object = jsonSchema(schema, 'input') as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(object.properties ?? {}).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || (object.required ?? []).includes(name),
    schema: property,
  }));
}

function idempotencyHeader() {
  return {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    description: 'Same as the body field; a repeated key returns the first experiment (200).',
    schema: { type: 'string', maxLength: 200 },
  };
}

function requestBody(operation: OperationSpec) {
  const schema = jsonSchema(operation.body!, 'input');
  const content: Record<string, unknown> = { 'application/json': { schema } };
  return { required: !operation.body!.safeParse(undefined).success, content };
}

function responses(operation: OperationSpec) {
  return Object.fromEntries(
    Object.entries(operation.responses).map(([code, response]) => {
      const contentType = response.contentType ?? 'application/json';
      const schema = response.schema ? jsonSchema(response.schema, 'output') : undefined;
      const content =
        schema || response.contentType ? { [contentType]: schema ? { schema } : {} } : undefined;
      return [code, { description: response.description, ...(content ? { content } : {}) }];
    }),
  );
}

/** A plain HTML page listing the operations, without any external asset. */
export function renderDocsPage(document: ReturnType<typeof buildOpenApiDocument>): string {
  const rows = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => {
      const op = operation as { summary: string; 'x-access': string; operationId: string };
      return (
        `<tr><td><code>${method.toUpperCase()}</code></td>` +
        `<td><code>${escapeHtml(path)}</code></td>` +
        `<td>${escapeHtml(op['x-access'])}</td><td>${escapeHtml(op.summary)}</td></tr>`
      );
    }),
  );
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><title>ttpgrid API</title>',
    '<style>body{font-family:sans-serif;margin:2rem}td,th{padding:.25rem .75rem;text-align:left}',
    'tr:nth-child(even){background:#f4f4f4}</style></head><body>',
    `<h1>ttpgrid API ${escapeHtml(document.info.version)}</h1>`,
    `<p>${escapeHtml(document.info.description)}</p>`,
    '<p>OpenAPI 3.1 document: <a href="/api/docs/openapi.json">/api/docs/openapi.json</a></p>',
    '<table><thead><tr><th>Method</th><th>Path</th><th>Access</th><th>Summary</th></tr></thead>',
    `<tbody>${rows.join('')}</tbody></table></body></html>`,
  ].join('\n');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
