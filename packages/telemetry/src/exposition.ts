/** One sample line of the Prometheus text format. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  samples: Sample[];
  /** `# TYPE` declarations by metric family name. */
  types: Map<string, string>;
}

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$/;
const LABEL_PAIR = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?\s*/gy;

/**
 * Parses Prometheus text exposition (format 0.0.4), for tests and tools that check a scrape:
 * `parseExposition(await registry.metrics())`. Throws on a line it cannot read.
 */
export function parseExposition(text: string): Exposition {
  const samples: Sample[] = [];
  const types = new Map<string, string>();

  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) {
      types.set(type[1]!, type[2]!);
      continue;
    }
    if (line.startsWith('#')) continue;
    samples.push(parseSample(line));
  }
  return { samples, types };
}

/** The value of the one sample with this name whose labels include `labels`. */
export function sampleValue(
  exposition: Exposition,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const matches = exposition.samples.filter(
    (sample) =>
      sample.name === name &&
      Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
  if (matches.length > 1) {
    throw new Error(`${matches.length} samples of ${name} match ${JSON.stringify(labels)}`);
  }
  return matches[0]?.value;
}

function parseSample(line: string): Sample {
  const match = SAMPLE_LINE.exec(line);
  if (!match) throw new Error(`unreadable exposition line: ${line}`);
  return { name: match[1]!, labels: parseLabels(match[2] ?? ''), value: parseValue(match[3]!) };
}

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  LABEL_PAIR.lastIndex = 0;
  let consumed = 0;
  for (let pair = LABEL_PAIR.exec(text); pair; pair = LABEL_PAIR.exec(text)) {
    labels[pair[1]!] = unescapeLabel(pair[2]!);
    consumed = LABEL_PAIR.lastIndex;
  }
  if (consumed !== text.length) throw new Error(`unreadable labels: {${text}}`);
  return labels;
}

function unescapeLabel(value: string): string {
  return value.replace(/\\(.)/g, (_escape, char: string) => (char === 'n' ? '\n' : char));
}

/** Go's ParseFloat rules, as Prometheus reads them: NaN and Inf in any letter case. */
function parseValue(text: string): number {
  const lower = text.toLowerCase();
  if (lower === 'nan') return NaN;
  if (lower === '+inf' || lower === 'inf') return Infinity;
  if (lower === '-inf') return -Infinity;
  const value = Number(text);
  if (Number.isNaN(value)) throw new Error(`unreadable sample value: ${text}`);
  return value;
}
