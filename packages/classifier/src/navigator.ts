import type { ReportClassification, TechniqueSummary } from './report';

/**
 * ATT&CK Navigator layers, layer format 4.5 (attack-navigator layers/LAYERFORMATv4_5.md):
 * required are `name`, `domain`, `versions.layer` ("4.5") and `versions.navigator` (at least
 * 4.9.0), and `techniqueID` on each technique; gradients need two colours and maxValue > minValue;
 * legend items need label and colour.
 */
export const LAYER_FORMAT_VERSION = '4.5';
export const NAVIGATOR_VERSION = '5.1.0';
export const LAYER_DOMAIN = 'enterprise-attack';

export interface NavigatorTechnique {
  techniqueID: string;
  score: number;
  comment: string;
  enabled: boolean;
  metadata: { name: string; value: string }[];
}

export interface NavigatorLayer {
  name: string;
  versions: { attack: string; navigator: string; layer: string };
  domain: string;
  description: string;
  sorting: number;
  layout: Record<string, string | boolean>;
  hideDisabled: boolean;
  techniques: NavigatorTechnique[];
  gradient: { colors: string[]; minValue: number; maxValue: number };
  legendItems: { label: string; color: string }[];
  metadata: { name: string; value: string }[];
  showTacticRowBackground: boolean;
  selectTechniquesAcrossTactics: boolean;
  selectSubtechniquesWithParent: boolean;
}

export interface LayerOptions {
  /** Layer name (default: "ttpgrid: <reportTitle>" or "ttpgrid classification"). */
  name?: string;
  reportTitle?: string;
  /** Overrides the ATT&CK version of the model's provenance. */
  attackVersion?: string;
}

const COMMENT_SENTENCE_CHARACTERS = 300;

/**
 * One layer for one classified report: every technique of the summary, scored by its strongest
 * sentence's probability × 100 and commented with its strongest sentences.
 */
export function buildNavigatorLayer(
  result: ReportClassification,
  options: LayerOptions = {},
): NavigatorLayer {
  const attackVersion = attackMajorVersion(options.attackVersion ?? result.model.attackVersion);
  const title = options.reportTitle ? `ttpgrid: ${options.reportTitle}` : 'ttpgrid classification';
  return {
    name: options.name ?? title,
    versions: { attack: attackVersion, navigator: NAVIGATOR_VERSION, layer: LAYER_FORMAT_VERSION },
    domain: LAYER_DOMAIN,
    description: layerDescription(result),
    sorting: 3,
    layout: { layout: 'side', showID: true, showName: true, expandedSubtechniques: 'annotated' },
    hideDisabled: false,
    techniques: result.summary.techniques.map((technique) => layerTechnique(technique)),
    gradient: { colors: ['#fff7bc', '#fe9929', '#cc4c02'], minValue: 0, maxValue: 100 },
    legendItems: [{ label: 'score = highest sentence probability × 100', color: '#fe9929' }],
    metadata: layerMetadata(result),
    showTacticRowBackground: false,
    selectTechniquesAcrossTactics: true,
    selectSubtechniquesWithParent: false,
  };
}

/** "v18.1", "18.1" or "18" → "18": the Navigator keys its ATT&CK data by major version. */
export function attackMajorVersion(version: string | undefined): string {
  const major = /(\d+)/.exec(version ?? '')?.[1];
  if (major === undefined) {
    throw new Error('the layer needs the model ATT&CK version (provenance.attackVersion)');
  }
  return major;
}

function layerDescription(result: ReportClassification): string {
  const { techniqueCount } = result.model;
  return [
    `Techniques found by a ttpgrid sentence classifier (threshold ${result.threshold},`,
    `top ${result.topK} per sentence) in ${result.summary.sentences} sentences.`,
    `The model covers only its ${techniqueCount} techniques: any other technique is never`,
    'reported, so an unmarked cell means "not among the model\'s techniques or not found".',
  ].join(' ');
}

function layerTechnique(technique: TechniqueSummary): NavigatorTechnique {
  const quotes = technique.sentences.map(
    (sentence) =>
      `[${sentence.probability.toFixed(2)}] ${clip(sentence.text, COMMENT_SENTENCE_CHARACTERS)}`,
  );
  return {
    techniqueID: technique.id,
    score: Math.round(technique.maxProbability * 100),
    comment: `${technique.name}: ${technique.sentenceCount} sentence(s). ${quotes.join(' | ')}`,
    enabled: true,
    metadata: [
      { name: 'sentences', value: String(technique.sentenceCount) },
      { name: 'max probability', value: technique.maxProbability.toFixed(4) },
    ],
  };
}

function layerMetadata(result: ReportClassification): { name: string; value: string }[] {
  const entries: [string, string | number | undefined][] = [
    ['model', result.model.modelId ?? result.model.manifestKey],
    ['model techniques', result.model.techniqueCount],
    ['threshold', result.threshold],
    ['top k', result.topK],
    ['sentences', result.summary.sentences],
  ];
  return entries
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([name, value]) => ({ name, value: String(value) }));
}

function clip(text: string, characters: number): string {
  return text.length <= characters ? text : `${text.slice(0, characters - 1)}…`;
}

/** Problems of a layer against the 4.5 format's required fields; empty when it is valid. */
export function validateNavigatorLayer(layer: unknown): string[] {
  if (typeof layer !== 'object' || layer === null) {
    return ['a layer is a JSON object'];
  }

  const value = layer as Record<string, unknown>;
  return [
    ...requiredTopLevel(value),
    ...checkVersions(value.versions),
    ...checkTechniques(value.techniques),
    ...checkGradient(value.gradient),
    ...checkLegend(value.legendItems),
  ];
}

function requiredTopLevel(layer: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (typeof layer.name !== 'string' || layer.name === '') {
    problems.push('name: required string');
  }
  if (!['enterprise-attack', 'mobile-attack', 'ics-attack'].includes(String(layer.domain))) {
    problems.push('domain: required, one of enterprise-attack, mobile-attack, ics-attack');
  }
  return problems;
}

function checkVersions(versions: unknown): string[] {
  if (typeof versions !== 'object' || versions === null) {
    return ['versions: object with layer and navigator'];
  }

  const { layer, navigator, attack } = versions as Record<string, unknown>;
  const problems: string[] = [];
  if (layer !== LAYER_FORMAT_VERSION) {
    problems.push(`versions.layer: must be "${LAYER_FORMAT_VERSION}"`);
  }
  if (typeof navigator !== 'string' || compareVersions(navigator, '4.9.0') < 0) {
    problems.push('versions.navigator: required string, at least 4.9.0');
  }
  if (attack !== undefined && typeof attack !== 'string') {
    problems.push('versions.attack: string when present');
  }
  return problems;
}

function checkTechniques(techniques: unknown): string[] {
  if (techniques === undefined) {
    return [];
  }
  if (!Array.isArray(techniques)) {
    return ['techniques: array when present'];
  }

  return techniques.flatMap((technique: unknown, index) => {
    const entry = (technique ?? {}) as Record<string, unknown>;
    const problems: string[] = [];
    if (typeof entry.techniqueID !== 'string' || !/^T\d{4}(?:\.\d{3})?$/.test(entry.techniqueID)) {
      problems.push(`techniques[${index}].techniqueID: required, T#### or T####.###`);
    }
    if (entry.score !== undefined && typeof entry.score !== 'number') {
      problems.push(`techniques[${index}].score: number when present`);
    }
    return problems;
  });
}

function checkGradient(gradient: unknown): string[] {
  if (gradient === undefined) {
    return [];
  }

  const { colors, minValue, maxValue } = (gradient ?? {}) as Record<string, unknown>;
  const valid =
    Array.isArray(colors) &&
    colors.length >= 2 &&
    typeof minValue === 'number' &&
    typeof maxValue === 'number' &&
    maxValue > minValue;
  return valid ? [] : ['gradient: colors (2 or more), minValue < maxValue'];
}

function checkLegend(legendItems: unknown): string[] {
  if (legendItems === undefined) {
    return [];
  }

  const valid =
    Array.isArray(legendItems) &&
    legendItems.every(
      (item: unknown) =>
        typeof (item as Record<string, unknown>)?.label === 'string' &&
        typeof (item as Record<string, unknown>)?.color === 'string',
    );
  return valid ? [] : ['legendItems: objects with label and color'];
}

function compareVersions(a: string, b: string): number {
  const left = a.split('.').map(Number);
  const right = b.split('.').map(Number);
  for (let i = 0; i < Math.max(left.length, right.length); i += 1) {
    const difference = (left[i] ?? 0) - (right[i] ?? 0);
    if (difference !== 0 || Number.isNaN(difference)) {
      return Number.isNaN(difference) ? -1 : difference;
    }
  }
  return 0;
}
