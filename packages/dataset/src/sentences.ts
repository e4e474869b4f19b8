/**
 * Sentence splitting of ATT&CK descriptions, rule `rule-v1` (documented in the README):
 *
 * 1. A description is split at line breaks first; each line is trimmed, a leading list marker
 *    (`*`, `-`, `•`, `1.`, `1)`) is removed, runs of whitespace become one space, and a line with
 *    no letter or digit is dropped.
 * 2. Inside a line, a boundary is a run of `.`, `!` or `?`, optionally followed by closing quotes
 *    or brackets, then whitespace, then a sentence start: an uppercase letter, a digit, or an
 *    opening quote or bracket. Text without whitespace after the period never splits, which keeps
 *    file names (`cmd.exe`), versions (`v1.2.3`), domains and paths whole; a lowercase next word
 *    never starts a sentence.
 * 3. A single `.` does not end a sentence after an abbreviation: a listed one (`e.g.`, `i.e.`,
 *    `vs.`, `cf.`, `et al.`, `Inc.`, `Mr.` …), an initialism of single letters with periods
 *    (`U.S.`, `a.k.a.`) or one capital initial (`J.`). `etc.` is not listed: followed by a
 *    capitalised word it usually ends the sentence.
 */
const ABBREVIATIONS = new Set([
  'e.g.',
  'i.e.',
  'eg.',
  'ie.',
  'vs.',
  'cf.',
  'al.',
  'approx.',
  'incl.',
  'esp.',
  'fig.',
  'figs.',
  'no.',
  'nos.',
  'vol.',
  'inc.',
  'corp.',
  'ltd.',
  'co.',
  'jr.',
  'sr.',
  'dr.',
  'mr.',
  'mrs.',
  'ms.',
  'prof.',
  'st.',
  'ver.',
  'aka.',
]);

const INITIALISM = /^(?:\p{L}\.){2,}$/u;
const CAPITAL_INITIAL = /^\p{Lu}\.$/u;
const LIST_MARKER = /^(?:[*\-•]|\d{1,2}[.)])\s+/u;
const HAS_WORD_CHARACTER = /[\p{L}\p{N}]/u;

/** Candidate boundaries: terminators, optional closers, whitespace, and the next character. */
const BOUNDARY = /([.!?]+)(["'”’)\]]*)(\s+)(?=["“'‘([]?[\p{Lu}\p{N}])/gu;

export type SplitterName = 'rule-v1' | 'lines';

/** Splits a cleaned description into sentences with the named rule. */
export function splitDescription(text: string, splitter: SplitterName): string[] {
  const lines = linesOf(text);
  return splitter === 'lines' ? lines : lines.flatMap((line) => splitSentences(line));
}

/** Step 1: line breaks, list markers, whitespace. */
export function linesOf(text: string): string[] {
  return text
    .split(/\r?\n|\r/)
    .map((line) => line.trim().replace(LIST_MARKER, '').replace(/\s+/g, ' ').trim())
    .filter((line) => HAS_WORD_CHARACTER.test(line));
}

/** Steps 2 and 3 on one line. */
export function splitSentences(line: string): string[] {
  const sentences: string[] = [];
  let start = 0;
  for (const match of line.matchAll(BOUNDARY)) {
    const terminators = match[1] as string;
    const closers = match[2] as string;
    const end = (match.index ?? 0) + terminators.length + closers.length;
    if (terminators === '.' && closers === '' && endsWithAbbreviation(line, match.index ?? 0)) {
      continue;
    }

    sentences.push(line.slice(start, end));
    start = end + (match[3] as string).length;
  }

  sentences.push(line.slice(start));
  return sentences.map((sentence) => sentence.trim()).filter((s) => HAS_WORD_CHARACTER.test(s));
}

/** Whether the word ending at the period at `periodIndex` is an abbreviation. */
function endsWithAbbreviation(line: string, periodIndex: number): boolean {
  const before = line.slice(0, periodIndex + 1);
  const word = (/\S+$/u.exec(before)?.[0] ?? '').replace(/^["“'‘([]+/u, '');
  return (
    ABBREVIATIONS.has(word.toLowerCase()) || INITIALISM.test(word) || CAPITAL_INITIAL.test(word)
  );
}
