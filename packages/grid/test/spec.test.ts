import { describe, expect, it } from 'vitest';

import { GridSpecError, parseCase, parseGridSpecText } from '../src';

function problemsOf(text: string) {
  try {
    parseGridSpecText(text, 'test.yaml');
  } catch (error) {
    if (error instanceof GridSpecError) return error.problems;
    throw error;
  }
  return [];
}

describe('grid spec validation', () => {
  it('lists every problem with its path and reason', () => {
    const problems = problemsOf(
      'name: bad\nencoders: []\ncases: [P, "P+X>P", P]\nseeds: [1, -2]\nmode: train\n' +
        'hyperparameters: {learningRate: 0}\nextra: 1\n',
    );
    const paths = problems.map((problem) => problem.path);

    expect(paths).toContain('encoders');
    expect(paths).toContain('seeds.1');
    expect(paths).toContain('mode');
    expect(paths).toContain('hyperparameters.learningRate');
    expect(paths).toContain('');
  });

  it('reports unknown sources and repeated cases after the schema passes', () => {
    const problems = problemsOf('name: bad\nencoders: [a]\ncases: [P, "P+X>P", "P"]\nseeds: [1]\n');

    expect(problems).toEqual([
      { path: 'cases.1', reason: expect.stringContaining('unknown source "X"') },
      { path: 'cases.2', reason: 'repeats cases.0 (P)' },
    ]);
  });

  it('rejects text that is not YAML with a clear reason', () => {
    expect(() => parseGridSpecText('name: [unclosed', 'broken.yaml')).toThrow(
      /invalid grid spec broken.yaml:\n {2}- \(root\): not valid YAML or JSON/,
    );
  });

  it('parses case notation into stages of sources', () => {
    expect(parseCase('P + Asim > P')).toEqual({
      name: 'P+Asim>P',
      stages: [{ sources: ['P', 'Asim'] }, { sources: ['P'] }],
    });
    expect(() => parseCase('P>>P')).toThrow(/stage 2 is empty/);
    expect(() => parseCase('P+P')).toThrow(/repeats a source/);
  });
});
