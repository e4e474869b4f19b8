import { decodeEntities } from './entities';

/**
 * Text blocks of plain text: paragraphs are separated by blank lines; inside a paragraph, lines
 * are joined with a space (hard-wrapped text), except that a line starting with a list marker
 * (`-`, `*`, `•`, `1.`, `1)`) starts a new block.
 */
export function plainTextToBlocks(text: string): string[] {
  const blocks = new BlockCollector();
  for (const line of text.split(/\r\n?|\n/)) {
    if (line.trim() === '') {
      blocks.flush();
    } else if (LIST_ITEM.test(line)) {
      blocks.start(line);
    } else {
      blocks.append(line);
    }
  }
  return blocks.done();
}

/**
 * Text blocks of Markdown, the same paragraph rule as plain text plus:
 * - fenced code blocks (``` or ~~~) are dropped, as are thematic breaks, setext underlines and
 *   link reference definitions;
 * - an ATX heading is a block of its own; each table cell is a block; `>` quote markers go;
 * - inline: images are dropped, links keep their text, code spans and emphasis lose their
 *   markers, backslash escapes and character references are decoded. Raw HTML is not rendered:
 *   it stays in the text as written (`<script>` is the text "<script>").
 */
export function markdownToBlocks(markdown: string): string[] {
  const blocks = new BlockCollector(cleanInline);
  let fence: string | null = null;

  for (const raw of markdown.split(/\r\n?|\n/)) {
    const fenceMarker = FENCE.exec(raw)?.[1];
    if (fenceMarker !== undefined && (fence === null || fenceMarker.startsWith(fence))) {
      fence = fence === null ? fenceMarker : null;
      blocks.flush();
      continue;
    }
    if (fence !== null) {
      continue;
    }

    markdownLine(raw.replace(QUOTE_MARKERS, ''), blocks);
  }
  return blocks.done();
}

function markdownLine(line: string, blocks: BlockCollector): void {
  if (line.trim() === '' || RULE_OR_UNDERLINE.test(line) || REFERENCE_DEFINITION.test(line)) {
    blocks.flush();
    return;
  }

  const heading = HEADING.exec(line);
  if (heading) {
    blocks.start((heading[1] ?? '').replace(/\s#+\s*$/, ''));
    blocks.flush();
    return;
  }

  if (TABLE_ROW.test(line)) {
    blocks.flush();
    if (!TABLE_SEPARATOR.test(line)) {
      tableCells(line).forEach((cell) => blocks.start(cell));
    }
    blocks.flush();
    return;
  }

  if (LIST_ITEM.test(line)) {
    blocks.start(line);
  } else {
    blocks.append(line);
  }
}

const LIST_ITEM = /^\s*(?:[*+\-•]|\d{1,9}[.)])\s+/u;
const FENCE = /^\s{0,3}(`{3,}|~{3,})/;
const QUOTE_MARKERS = /^\s{0,3}(?:>\s?)+/;
const RULE_OR_UNDERLINE = /^\s{0,3}(?:(?:[-*_]\s*){3,}|=+\s*|-+\s*)$/;
const REFERENCE_DEFINITION = /^\s{0,3}\[[^\]]{1,999}\]:\s+\S+/;
const HEADING = /^\s{0,3}#{1,6}\s+(.*)$/;
const TABLE_ROW = /^\s*\|.*\|\s*$/;
const TABLE_SEPARATOR = /^\s*\|?(?:\s*:?-+:?\s*\|)+\s*(?::?-+:?\s*)?$/;

function tableCells(row: string): string[] {
  return row
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim())
    .filter((cell) => cell !== '');
}

/** Inline Markdown to plain text; bounded quantifiers keep every pattern linear in practice. */
function cleanInline(text: string): string {
  const stripped = text
    .replace(/!\[[^\]\n]{0,500}\]\([^)\n]{0,2000}\)/g, '')
    .replace(/\[([^\]\n]{1,500})\]\([^)\n]{0,2000}\)/g, '$1')
    .replace(/\[([^\]\n]{1,500})\]\[[^\]\n]{0,500}\]/g, '$1')
    .replace(/<((?:https?|ftp|mailto):[^>\s]{1,2000})>/gi, '$1')
    .replace(/(`+)([^`\n]{1,2000}?)\1/g, '$2')
    .replace(/(\*\*|__)(?=\S)([^\n]{0,500}?\S)\1/g, '$2')
    .replace(/(^|[\s(["'])([*_])(?=\S)([^*_\n]{0,500}?\S)\2(?=[\s)\]"'.,;:!?]|$)/g, '$1$3')
    .replace(/\\([\\`*_{}[\]()#+\-.!|>~<])/g, '$1');
  return decodeEntities(stripped);
}

/** Collects lines into blocks; `transform` is applied to each finished block. */
class BlockCollector {
  private readonly blocks: string[] = [];
  private lines: string[] = [];

  constructor(private readonly transform: (block: string) => string = (block) => block) {}

  start(line: string): void {
    this.flush();
    this.lines.push(line);
  }

  append(line: string): void {
    this.lines.push(line);
  }

  flush(): void {
    const block = this.transform(this.lines.map((line) => line.trim()).join(' '));
    const normalised = block.replace(/\s+/g, ' ').trim();
    if (normalised !== '') {
      this.blocks.push(normalised);
    }
    this.lines = [];
  }

  done(): string[] {
    this.flush();
    return this.blocks;
  }
}
