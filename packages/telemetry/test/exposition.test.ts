import { describe, expect, it } from 'vitest';

import { parseExposition, sampleValue } from '../src';

describe('parseExposition', () => {
  it('reads labels with escapes, special values and timestamps', () => {
    const text = [
      '# HELP demo A demo metric',
      '# TYPE demo gauge',
      'demo{path="C:\\\\tmp",quote="say \\"hi\\"",brace="}"} 1.5',
      'demo_inf{le="+Inf"} +Inf 1712345678000',
      'plain 7',
      '',
    ].join('\n');
    const parsed = parseExposition(text);

    expect(parsed.types.get('demo')).toBe('gauge');
    expect(parsed.samples[0]).toEqual({
      name: 'demo',
      labels: { path: 'C:\\tmp', quote: 'say "hi"', brace: '}' },
      value: 1.5,
    });
    expect(sampleValue(parsed, 'demo_inf', { le: '+Inf' })).toBe(Infinity);
    expect(sampleValue(parsed, 'plain')).toBe(7);
  });

  it('rejects a line it cannot read', () => {
    expect(() => parseExposition('not a metric line at all\n')).toThrow(/unreadable/);
  });

  it('refuses an ambiguous lookup', () => {
    const parsed = parseExposition('x{a="1"} 1\nx{a="2"} 2\n');

    expect(() => sampleValue(parsed, 'x')).toThrow(/2 samples/);
  });
});
