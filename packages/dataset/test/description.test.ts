import { describe, expect, it } from 'vitest';

import {
  cleanDescription,
  decodeEntities,
  removeCodeTags,
  stripCitations,
  unlinkMarkdown,
} from '../src/description';

describe('description cleaning', () => {
  it('removes citation markers and the spaces before them', () => {
    const text = 'They may dump LSASS. (Citation: Vendor 2020)(Citation: Other (Blog)) Next';
    expect(stripCitations(text)).toBe('They may dump LSASS. Next');
    expect(stripCitations('One (Citation: A) two.(Citation: B C, 2019)')).toBe('One two.');
  });

  it('reduces markdown links to their text, also with parentheses in the URL', () => {
    expect(unlinkMarkdown('Use [Mimikatz](https://attack.mitre.org/software/S0002) now.')).toBe(
      'Use Mimikatz now.',
    );
    expect(unlinkMarkdown('See [API](https://example.org/wiki/A_(b)) here.')).toBe('See API here.');
  });

  it('removes code tags but keeps their content', () => {
    expect(removeCodeTags('Run <code>net user</code> or <CODE>whoami</CODE>.')).toBe(
      'Run net user or whoami.',
    );
  });

  it('decodes the entities ATT&CK uses, leaving unknown ones alone', () => {
    expect(decodeEntities('&lt;executable&gt; &amp; &#92; &lbrace;x&rbrace; &bogus;')).toBe(
      '<executable> & \\ {x} &bogus;',
    );
  });

  it('cleans everything in one pass, keeping escaped tags as text', () => {
    const text =
      'Adversaries may use [PowerShell](https://attack.mitre.org/techniques/T1059/001) ' +
      '(Citation: TechNet PowerShell) with <code>&lt;code&gt;-enc</code>.(Citation: X)';
    expect(cleanDescription(text)).toBe('Adversaries may use PowerShell with <code>-enc.');
  });
});
