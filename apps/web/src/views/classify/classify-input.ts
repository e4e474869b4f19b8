import { ApiError } from '../../api/client';
import type { ClassifyRequest, ReportFormat } from '../../api/types';

/** The classify form as typed: numbers stay text until they are checked. */
export interface ClassifyFields {
  text: string;
  format: ReportFormat;
  /** '' for the active model. */
  modelId: string;
  topK: string;
  threshold: string;
  title: string;
}

export type CheckedField = 'topK' | 'threshold' | 'title';
export type FieldProblems = Partial<Record<CheckedField, string>>;

/** The API's limits (apps/api/src/models/models.dto.ts). */
export const TOP_K_MAX = 20;
export const TITLE_MAX = 200;

export const EMPTY_FIELDS: ClassifyFields = {
  text: '',
  format: 'text',
  modelId: '',
  topK: '',
  threshold: '',
  title: '',
};

/**
 * What is wrong with the options, by field; empty fields take the API's defaults. The report
 * itself is the API's to judge: it alone knows when markup leaves no sentence.
 */
export function fieldProblems(fields: ClassifyFields): FieldProblems {
  const problems: FieldProblems = {};
  const topK = fields.topK.trim();
  if (topK !== '' && parseTopK(topK) === null) {
    problems.topK = `Enter a whole number from 1 to ${TOP_K_MAX}, or leave it empty.`;
  }
  const threshold = fields.threshold.trim();
  if (threshold !== '' && parseThreshold(threshold) === null) {
    problems.threshold = 'Enter a number from 0 to 1 (e.g. 0.35), or leave it empty.';
  }
  if (fields.title.trim().length > TITLE_MAX) {
    problems.title = `Use at most ${TITLE_MAX} characters.`;
  }
  return problems;
}

function parseTopK(text: string): number | null {
  if (!/^\d+$/.test(text)) return null;
  const value = Number(text);
  return value >= 1 && value <= TOP_K_MAX ? value : null;
}

function parseThreshold(text: string): number | null {
  if (!/^(\d+\.?\d*|\.\d+)$/.test(text)) return null;
  const value = Number(text);
  return value >= 0 && value <= 1 ? value : null;
}

/** The request body for checked fields: empty options are left out. */
export function classifyRequestOf(fields: ClassifyFields): ClassifyRequest {
  const topK = parseTopK(fields.topK.trim());
  const threshold = parseThreshold(fields.threshold.trim());
  const title = fields.title.trim();
  return {
    text: fields.text,
    format: fields.format,
    ...(fields.modelId ? { modelId: fields.modelId } : {}),
    ...(topK !== null ? { topK } : {}),
    ...(threshold !== null ? { threshold } : {}),
    ...(title ? { title } : {}),
  };
}

/**
 * The file name of a download from its Content-Disposition header (`filename*=` first, then
 * `filename=`), reduced to a plain name; the fallback when there is none.
 */
export function fileNameFromDisposition(header: string | null, fallback: string): string {
  if (!header) return fallback;
  const extended = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(header);
  const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]+))/i.exec(header);
  let name: string | undefined;
  if (extended?.[2]) name = decodeExtended(extended[2].trim());
  name ??= plain?.[1]?.replace(/\\(.)/g, '$1') ?? plain?.[2]?.trim();
  const base = name
    ?.split(/[/\\]/)
    .pop()
    ?.replace(/[\p{Cc}]/gu, '')
    .trim();
  return base && base !== '.' && base !== '..' ? base : fallback;
}

function decodeExtended(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

export interface ErrorReport {
  title: string;
  detail: string;
}

/** A failed classification as the page states it: what happened, then the API's words. */
export function describeClassifyError(error: unknown): ErrorReport {
  if (!(error instanceof ApiError)) {
    const detail = error instanceof Error ? error.message : String(error);
    return { title: 'The API could not be reached', detail };
  }
  const titles: Record<number, string> = {
    400: 'The report or an option was not accepted',
    401: 'The API needs an access token: enter it above, then try again',
    403: 'The access token was refused: enter another above, then try again',
    404: 'The model was not found',
    413: 'The report is too large',
    415: 'The report was sent in a form the API does not accept',
    503: 'The model cannot be served right now',
  };
  return {
    title: titles[error.status] ?? `The classification failed (HTTP ${error.status})`,
    detail: error.message,
  };
}
