import { DatasetInputError, jsonErrorPosition } from './errors';

/** One sentence of a TRAM file, in file order, with the ATT&CK IDs it was labelled with. */
export interface TramSentence {
  /** Position in the file's sentence list (0-based), used in error messages and listings. */
  index: number;
  text: string;
  labels: string[];
}

export type TramFormat = 'tram-report' | 'tram2-single-label';

export function parseTramFile(location: string, text: string, format: TramFormat): TramSentence[] {
  const document = parseJsonDocument(location, text);
  return format === 'tram-report'
    ? parseTramReport(location, document)
    : parseSingleLabel(location, document);
}

function parseJsonDocument(location: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const position = jsonErrorPosition(text, error);
    throw new DatasetInputError(location, position, `not valid JSON (${(error as Error).message})`);
  }
}

/**
 * A TRAM report export (`bootstrap-training-data.json`): `{ sentences: [{ text, mappings:
 * [{ attack_id }] }] }`. A sentence without mappings is a negative.
 */
function parseTramReport(location: string, document: unknown): TramSentence[] {
  if (!isRecord(document) || !Array.isArray(document.sentences)) {
    throw new DatasetInputError(
      location,
      undefined,
      'expected a TRAM report export: an object with a "sentences" array',
    );
  }

  return document.sentences.map((entry: unknown, index) => {
    const where = `sentence ${index}`;
    if (!isRecord(entry) || typeof entry.text !== 'string') {
      throw new DatasetInputError(location, where, '"text" must be a string');
    }
    if (!Array.isArray(entry.mappings)) {
      throw new DatasetInputError(location, where, '"mappings" must be a list');
    }

    const labels = entry.mappings.map((mapping: unknown, position) => {
      if (!isRecord(mapping) || typeof mapping.attack_id !== 'string') {
        throw new DatasetInputError(
          location,
          `${where}, mapping ${position}`,
          '"attack_id" must be a string',
        );
      }
      return mapping.attack_id.trim();
    });
    return { index, text: entry.text, labels };
  });
}

/** TRAM 2 `single_label.json`: a list of `{ text, label }`; extra keys (doc_title) are ignored. */
function parseSingleLabel(location: string, document: unknown): TramSentence[] {
  if (!Array.isArray(document)) {
    throw new DatasetInputError(
      location,
      undefined,
      'expected a TRAM 2 single-label file: a list of {"text", "label"}',
    );
  }

  return document.map((entry: unknown, index) => {
    const where = `sentence ${index}`;
    if (!isRecord(entry) || typeof entry.text !== 'string') {
      throw new DatasetInputError(location, where, '"text" must be a string');
    }
    if (typeof entry.label !== 'string' || entry.label.trim() === '') {
      throw new DatasetInputError(location, where, '"label" must be a non-empty string');
    }
    return { index, text: entry.text, labels: [entry.label.trim()] };
  });
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
