import { describe, expect, it } from 'vitest';

import { linesOf, splitDescription, splitSentences } from '../src/sentences';

describe('splitSentences (rule-v1)', () => {
  it('splits at a period, question or exclamation mark followed by a capitalised word', () => {
    expect(splitSentences('One thing happened. Another followed! Why? Because.')).toEqual([
      'One thing happened.',
      'Another followed!',
      'Why?',
      'Because.',
    ]);
  });

  it('keeps e.g. and i.e. inside the sentence even before a capitalised word', () => {
    const text = 'Tools exist, e.g. Mimikatz, for this. They are common, i.e. Widely used.';
    expect(splitSentences(text)).toEqual([
      'Tools exist, e.g. Mimikatz, for this.',
      'They are common, i.e. Widely used.',
    ]);
  });

  it('ends a sentence after etc. when a capitalised word follows', () => {
    expect(splitSentences('Files, folders, etc. Adversaries may read them.')).toEqual([
      'Files, folders, etc.',
      'Adversaries may read them.',
    ]);
  });

  it('does not split inside file names, versions, domains or paths', () => {
    const text =
      'Run cmd.exe with /c from C:\\Windows\\System32. Version 1.2.3 of example.com is old.';
    expect(splitSentences(text)).toEqual([
      'Run cmd.exe with /c from C:\\Windows\\System32.',
      'Version 1.2.3 of example.com is old.',
    ]);
  });

  it('splits after a file name that ends a sentence', () => {
    expect(splitSentences('The dropper is named svchost.exe. The loader follows.')).toEqual([
      'The dropper is named svchost.exe.',
      'The loader follows.',
    ]);
  });

  it('does not split before a lowercase word', () => {
    expect(splitSentences('It uses the .NET framework. and then stops.')).toEqual([
      'It uses the .NET framework. and then stops.',
    ]);
  });

  it('keeps initialisms, single capital initials and listed abbreviations whole', () => {
    const text = 'The U.S. Government and J. Smith (et al. Research) wrote vs. Them. Done.';
    expect(splitSentences(text)).toEqual([
      'The U.S. Government and J. Smith (et al. Research) wrote vs. Them.',
      'Done.',
    ]);
  });

  it('moves closing quotes and brackets into the sentence they close', () => {
    expect(splitSentences('He said "stop." Then (it ended.) Next one.')).toEqual([
      'He said "stop."',
      'Then (it ended.)',
      'Next one.',
    ]);
  });

  it('starts a sentence at a digit or an opening quote', () => {
    expect(splitSentences('First part. 2 more came. "Quoted" start.')).toEqual([
      'First part.',
      '2 more came.',
      '"Quoted" start.',
    ]);
  });
});

describe('linesOf and splitDescription', () => {
  it('splits at line breaks, drops list markers and empty lines, collapses whitespace', () => {
    const text = 'Intro   text:\r\n\n* <b>first</b>\n- second\n1. third\n2) fourth\n  *  \n---\n';
    expect(linesOf(text)).toEqual(['Intro text:', '<b>first</b>', 'second', 'third', 'fourth']);
  });

  it('applies the sentence rule inside each line, or only line breaks with "lines"', () => {
    const text = 'One. Two.\nThree.';
    expect(splitDescription(text, 'rule-v1')).toEqual(['One.', 'Two.', 'Three.']);
    expect(splitDescription(text, 'lines')).toEqual(['One. Two.', 'Three.']);
  });
});
