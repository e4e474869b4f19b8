import { defineOperation } from '../common/operation';

export const docsOp = defineOperation({
  id: 'docs',
  method: 'get',
  path: '/api/docs',
  tag: 'docs',
  access: 'public',
  summary: 'A page listing every operation',
  responses: { 200: { description: 'HTML', contentType: 'text/html' } },
});

export const openApiOp = defineOperation({
  id: 'openApiDocument',
  method: 'get',
  path: '/api/docs/openapi.json',
  tag: 'docs',
  access: 'public',
  summary: 'The OpenAPI 3.1 document',
  responses: { 200: { description: 'OpenAPI 3.1 JSON', contentType: 'application/json' } },
});
