import { decodeEntities } from './entities';

/**
 * Text blocks of an HTML document, read by a small linear scanner (no DOM, nothing evaluated):
 *
 * - script, style and the other raw-text elements are dropped with their content, as are
 *   comments, doctype and processing instructions;
 * - the content of `head`, `template`, `svg`, `math`, `nav`, `footer`, `form`, `select` and
 *   `pre` (code and logs, not prose) is dropped;
 * - block elements (`p`, `div`, `li`, headings, table cells, `br`, …) end a block; inline tags
 *   are removed and their text kept; attributes (alt, title, href) are ignored;
 * - character references are decoded after tags are removed, so an escaped `&lt;script&gt;` in
 *   the text becomes the literal text `<script>`; whitespace runs become one space.
 *
 * The blocks are plain text: show them escaped.
 */
const RAW_TEXT = new Set([
  'script',
  'style',
  'textarea',
  'title',
  'xmp',
  'iframe',
  'noembed',
  'noframes',
  'noscript',
  'plaintext',
]);

const DROPPED = new Set([
  'head',
  'template',
  'svg',
  'math',
  'nav',
  'footer',
  'form',
  'select',
  'pre',
]);

const BLOCK = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'body',
  'br',
  'caption',
  'dd',
  'details',
  'dialog',
  'div',
  'dl',
  'dt',
  'fieldset',
  'figcaption',
  'figure',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hr',
  'html',
  'li',
  'main',
  'ol',
  'p',
  'section',
  'summary',
  'table',
  'tbody',
  'td',
  'tfoot',
  'th',
  'thead',
  'tr',
  'ul',
]);

type Tag =
  | { kind: 'start' | 'end'; name: string; end: number }
  | { kind: 'skip'; end: number }
  | { kind: 'text' };

export function htmlToBlocks(html: string): string[] {
  const blocks: string[] = [];
  const dropped: string[] = [];
  let current = '';
  let position = 0;

  const flush = () => {
    const block = current.replace(/\s+/g, ' ').trim();
    if (block !== '') {
      blocks.push(block);
    }
    current = '';
  };

  while (position < html.length) {
    const open = html.indexOf('<', position);
    const textEnd = open === -1 ? html.length : open;
    if (dropped.length === 0) {
      current += decodeEntities(html.slice(position, textEnd));
    }
    if (open === -1) {
      break;
    }

    const tag = readTag(html, open);
    if (tag.kind === 'text') {
      current += dropped.length === 0 ? '<' : '';
      position = open + 1;
      continue;
    }

    position = tag.end;
    if (tag.kind === 'skip') {
      continue;
    }

    if (tag.kind === 'start' && RAW_TEXT.has(tag.name)) {
      position = endOfRawText(html, tag.name, tag.end);
      continue;
    }

    if (DROPPED.has(tag.name)) {
      updateDropped(dropped, tag.kind, tag.name);
      flush();
      continue;
    }

    if (dropped.length === 0 && BLOCK.has(tag.name)) {
      flush();
    }
  }

  flush();
  return blocks;
}

function updateDropped(dropped: string[], kind: 'start' | 'end', name: string): void {
  if (kind === 'start') {
    dropped.push(name);
    return;
  }

  const index = dropped.lastIndexOf(name);
  if (index !== -1) {
    dropped.length = index;
  }
}

/** Reads the markup that starts at `<`; `text` when the `<` is an ordinary character. */
function readTag(html: string, open: number): Tag {
  const next = html[open + 1] ?? '';
  if (html.startsWith('<!--', open)) {
    const close = html.indexOf('-->', open + 4);
    return { kind: 'skip', end: close === -1 ? html.length : close + 3 };
  }

  if (next === '!' || next === '?' || (next === '/' && !isLetter(html[open + 2]))) {
    return { kind: 'skip', end: endOfTag(html, open + 1) };
  }

  const nameStart = next === '/' ? open + 2 : open + 1;
  if (!isLetter(html[nameStart])) {
    return { kind: 'text' };
  }

  let nameEnd = nameStart;
  while (nameEnd < html.length && !/[\s/>]/.test(html[nameEnd] as string)) {
    nameEnd += 1;
  }
  const name = html.slice(nameStart, nameEnd).toLowerCase();
  return { kind: next === '/' ? 'end' : 'start', name, end: endOfTag(html, nameEnd) };
}

/** Index after the `>` that closes a tag; a quoted attribute value may contain `>`. */
function endOfTag(html: string, from: number): number {
  let index = from;
  let afterEquals = false;
  while (index < html.length) {
    const character = html[index] as string;
    if (character === '>') {
      return index + 1;
    }

    if (afterEquals && (character === '"' || character === "'")) {
      const close = html.indexOf(character, index + 1);
      index = close === -1 ? html.length : close + 1;
      afterEquals = false;
      continue;
    }

    afterEquals = character === '=' || (afterEquals && /\s/.test(character));
    index += 1;
  }
  return html.length;
}

/** Index after the end tag of a raw-text element (its content is never markup). */
function endOfRawText(html: string, name: string, from: number): number {
  if (name === 'plaintext') {
    return html.length;
  }

  const closer = new RegExp(`</${name}(?=[\\s/>])`, 'gi');
  closer.lastIndex = from;
  const match = closer.exec(html);
  return match ? endOfTag(html, match.index + name.length + 2) : html.length;
}

function isLetter(character: string | undefined): boolean {
  return character !== undefined && /[A-Za-z]/.test(character);
}
