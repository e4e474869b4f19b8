/**
 * Case notation: stages separated by `>`, data sources within a stage joined by `+`.
 * `P+Asim>P` trains on the primary split plus similar auxiliary sentences, then continues on the
 * primary split alone from the first stage's final weights.
 */
export const SOURCES = [
  'P',
  'A',
  'Asim',
  'Arand',
  'Asimall',
  'Arandall',
  'Psame',
  'Pswap',
] as const;
export type Source = (typeof SOURCES)[number];

export interface CaseStage {
  sources: Source[];
}

export interface ParsedCase {
  name: string;
  stages: CaseStage[];
}

/** Sources that need the auxiliary (ATT&CK) data. */
export const AUXILIARY_SOURCES: ReadonlySet<Source> = new Set([
  'A',
  'Asim',
  'Arand',
  'Asimall',
  'Arandall',
]);

/** Sources whose content is drawn at random, redrawn for each seed. */
export const RANDOM_SOURCES: ReadonlySet<Source> = new Set(['Arand', 'Arandall', 'Pswap']);

/** Sources that need sentence embeddings for the similarity selection (paper, equation 1). */
export const SIMILARITY_SOURCES: ReadonlySet<Source> = new Set(['Asim', 'Asimall']);

/** Sources whose counts depend on k (the minority threshold). */
export const K_SOURCES: ReadonlySet<Source> = new Set([
  'Asim',
  'Arand',
  'Asimall',
  'Arandall',
  'Psame',
  'Pswap',
]);

export class CaseSyntaxError extends Error {
  constructor(
    readonly caseName: string,
    reason: string,
  ) {
    super(`case "${caseName}": ${reason}`);
    this.name = 'CaseSyntaxError';
  }
}

export function parseCase(name: string): ParsedCase {
  const trimmed = name.replace(/\s+/g, '');
  if (trimmed === '') {
    throw new CaseSyntaxError(name, 'is empty');
  }

  const stages = trimmed.split('>').map((stage, index) => parseStage(name, stage, index));
  return { name: stages.map((stage) => stage.sources.join('+')).join('>'), stages };
}

function parseStage(caseName: string, text: string, index: number): CaseStage {
  if (text === '') {
    throw new CaseSyntaxError(caseName, `stage ${index + 1} is empty`);
  }

  const sources = text.split('+').map((part) => {
    if (!(SOURCES as readonly string[]).includes(part)) {
      throw new CaseSyntaxError(
        caseName,
        `unknown source "${part}" in stage ${index + 1} (known: ${SOURCES.join(', ')})`,
      );
    }
    return part as Source;
  });

  if (new Set(sources).size !== sources.length) {
    throw new CaseSyntaxError(caseName, `stage ${index + 1} repeats a source`);
  }
  return { sources };
}

export function stageUsesAuxiliary(stage: CaseStage): boolean {
  return stage.sources.some((source) => AUXILIARY_SOURCES.has(source));
}
