import { PayloadTooLargeException } from '@nestjs/common';

import { formatFromContentType, type ReportFormat } from '@ttpgrid/classifier';

import { problemsOf, ValidationFailed, type Problem } from '../common/validation';
import { ClassifyBody, ClassifyQuery } from './models.dto';

/** What the classify routes receive: the body is a string when it came as raw text. */
export interface ClassifyRequestParts {
  body: unknown;
  query: unknown;
  headers: Record<string, string | string[] | undefined>;
}

export interface ClassifyInput {
  text: string;
  format: ReportFormat;
  modelId?: string;
  topK?: number;
  threshold?: number;
  title?: string;
  /** Where the text came from, for error paths: `body` (raw) or `body.text` (JSON). */
  textPath: 'body' | 'body.text';
}

/**
 * Validates a classify request (every problem named by its path) and applies the size limit.
 * Raw bodies take their format from the Content-Type unless the query names one; options may
 * come from the query either way, and JSON body fields win over it.
 */
export function parseClassifyRequest(
  parts: ClassifyRequestParts,
  maxInputBytes: number,
): ClassifyInput {
  const problems: Problem[] = [];
  const query = ClassifyQuery.safeParse({ ...(parts.query as object) });
  if (!query.success) problems.push(...problemsOf(query.error, 'query'));

  const input =
    typeof parts.body === 'string' ? rawInput(parts, problems) : jsonInput(parts, problems);
  if (problems.length > 0 || !query.success || !input) throw new ValidationFailed(problems);

  const bytes = Buffer.byteLength(input.text, 'utf8');
  if (bytes > maxInputBytes) {
    throw new PayloadTooLargeException(
      `the report is ${bytes} bytes; the limit is ${maxInputBytes} (TTPGRID_CLASSIFY_MAX_BYTES)`,
    );
  }
  return { ...query.data, ...input, format: input.format ?? query.data.format ?? 'text' };
}

function rawInput(parts: ClassifyRequestParts, problems: Problem[]) {
  const text = parts.body as string;
  if (text.trim() === '') {
    problems.push({ path: 'body', reason: 'the report is empty' });
    return null;
  }
  const queryFormat = (parts.query as { format?: unknown } | undefined)?.format;
  const contentType = headerOf(parts.headers, 'content-type');
  return {
    text,
    format: queryFormat === undefined ? formatFromContentType(contentType) : undefined,
    textPath: 'body' as const,
  };
}

function jsonInput(parts: ClassifyRequestParts, problems: Problem[]) {
  const body = ClassifyBody.safeParse(parts.body);
  if (!body.success) {
    problems.push(...problemsOf(body.error, 'body'));
    return null;
  }
  const defined = Object.fromEntries(
    Object.entries(body.data).filter(([, value]) => value !== undefined),
  ) as typeof body.data;
  return { ...defined, textPath: 'body.text' as const };
}

function headerOf(headers: ClassifyRequestParts['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
