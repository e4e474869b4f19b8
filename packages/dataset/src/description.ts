/**
 * Cleaning of ATT&CK description markup before sentence splitting:
 * - citation markers `(Citation: Source Name)` are removed with the spaces before them (a source
 *   name may hold one level of parentheses);
 * - markdown links `[text](url)` become `text` (a URL may hold one level of parentheses);
 * - `<code>` and `</code>` tags are removed, their content kept;
 * - the HTML entities used in ATT&CK (`&lt;`, `&gt;`, `&amp;`, `&quot;`, `&#39;`, `&lbrace;`,
 *   `&rbrace;`, `&nbsp;`, numeric `&#NN;`) become their characters.
 */
export const MARKUP = {
  citation: /[ \t]*\(Citation:(?:[^()]|\([^()]*\))*\)/g,
  markdownLink: /\[([^\]]*)\]\((?:[^()\s]|\([^()\s]*\))*\)/g,
  codeTag: /<\/?code>/gi,
} as const;
const NAMED_ENTITIES: Record<string, string> = {
  lt: '<',
  gt: '>',
  amp: '&',
  quot: '"',
  apos: "'",
  lbrace: '{',
  rbrace: '}',
  nbsp: ' ',
};

export function stripCitations(text: string): string {
  return text.replace(MARKUP.citation, '');
}

export function unlinkMarkdown(text: string): string {
  return text.replace(MARKUP.markdownLink, '$1');
}

export function removeCodeTags(text: string): string {
  return text.replace(MARKUP.codeTag, '');
}

export function decodeEntities(text: string): string {
  return text.replace(/&(#\d+|[a-z]+);/gi, (entity, name: string) => {
    if (name.startsWith('#')) {
      return String.fromCodePoint(Number(name.slice(1)));
    }
    return NAMED_ENTITIES[name.toLowerCase()] ?? entity;
  });
}

/** Entities are decoded last, so an escaped `&lt;code&gt;` stays text and is not a tag. */
export function cleanDescription(text: string): string {
  return decodeEntities(removeCodeTags(unlinkMarkdown(stripCitations(text))));
}
