import { linesOf, splitSentences } from '@ttpgrid/dataset';

import { htmlToBlocks } from './html';
import { markdownToBlocks, plainTextToBlocks } from './markdown';

export const REPORT_FORMATS = ['text', 'markdown', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface ReportSentence {
  /** Position in the report, from 0. */
  index: number;
  text: string;
}

/** The report's text blocks (paragraphs, list items, headings, cells), format markup removed. */
export function extractBlocks(text: string, format: ReportFormat): string[] {
  if (format === 'html') {
    return htmlToBlocks(text);
  }
  return format === 'markdown' ? markdownToBlocks(text) : plainTextToBlocks(text);
}

/**
 * Sentences of a report. Blocks come from `extractBlocks`; each block is split with the dataset's
 * splitter (`rule-v1` of @ttpgrid/dataset, the rule that split the training descriptions): list
 * markers and whitespace runs go, then boundaries are `.`, `!` or `?` followed by whitespace and
 * an uppercase letter, digit or opening quote, except after listed abbreviations and initials.
 * Fragments without a letter or digit are dropped.
 */
export function reportSentences(text: string, format: ReportFormat): ReportSentence[] {
  return extractBlocks(text, format)
    .flatMap((block) => linesOf(block).flatMap((line) => splitSentences(line)))
    .map((sentence, index) => ({ index, text: sentence }));
}

/** The format a file name suggests: .md/.markdown, .htm/.html, anything else plain text. */
export function formatFromFileName(fileName: string): ReportFormat {
  const lower = fileName.toLowerCase();
  if (/\.(?:md|markdown)$/.test(lower)) {
    return 'markdown';
  }
  return /\.(?:html?|xhtml)$/.test(lower) ? 'html' : 'text';
}

/** The format a Content-Type names (text/html, text/markdown), plain text otherwise. */
export function formatFromContentType(contentType: string | undefined): ReportFormat {
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (mediaType === 'text/html' || mediaType === 'application/xhtml+xml') {
    return 'html';
  }
  return mediaType === 'text/markdown' || mediaType === 'text/x-markdown' ? 'markdown' : 'text';
}
