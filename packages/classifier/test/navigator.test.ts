import { describe, expect, it } from 'vitest';

import {
  attackMajorVersion,
  buildNavigatorLayer,
  summarise,
  validateNavigatorLayer,
  type ReportClassification,
} from '../src';

function classification(attackVersion?: string): ReportClassification {
  const sentences = [
    {
      index: 0,
      text: 'The actor ran ipconfig /all.',
      techniques: [
        { id: 'T1016', name: 'System Network Configuration Discovery', probability: 0.912 },
      ],
    },
    {
      index: 1,
      text: 'It used PowerShell.',
      techniques: [{ id: 'T1059.001', name: 'PowerShell', probability: 0.64 }],
    },
  ];
  return {
    model: { manifestKey: 'f'.repeat(64), modelId: 'm-1', attackVersion, techniqueCount: 73 },
    format: 'text',
    topK: 3,
    threshold: 0.4,
    sentences,
    summary: summarise(sentences, 0, 3),
  };
}

// Required by the layer format 4.5 (attack-navigator layers/LAYERFORMATv4_5.md).
const REQUIRED_TOP_LEVEL = ['name', 'domain', 'versions'];

describe('ATT&CK Navigator layer', () => {
  it('has the layer format required fields and scored techniques', () => {
    const layer = buildNavigatorLayer(classification('v18.1'), { reportTitle: 'APT report' });

    for (const field of REQUIRED_TOP_LEVEL) {
      expect(layer).toHaveProperty(field);
    }
    expect(layer.name).toBe('ttpgrid: APT report');
    expect(layer.domain).toBe('enterprise-attack');
    expect(layer.versions).toEqual({ attack: '18', navigator: '5.1.0', layer: '4.5' });
    expect(layer.techniques).toEqual([
      expect.objectContaining({ techniqueID: 'T1016', score: 91, enabled: true }),
      expect.objectContaining({ techniqueID: 'T1059.001', score: 64, enabled: true }),
    ]);
    expect(layer.techniques[0]?.comment).toContain('[0.91] The actor ran ipconfig /all.');
    expect(validateNavigatorLayer(layer)).toEqual([]);
  });

  it('states that the model covers only its techniques', () => {
    const layer = buildNavigatorLayer(classification('18'));

    expect(layer.description).toContain('The model covers only its 73 techniques');
    expect(layer.gradient.maxValue).toBeGreaterThan(layer.gradient.minValue);
    expect(layer.legendItems.every((item) => item.label && item.color)).toBe(true);
  });

  it('survives a JSON round trip', () => {
    const layer = JSON.parse(JSON.stringify(buildNavigatorLayer(classification('15.1'))));

    expect(validateNavigatorLayer(layer)).toEqual([]);
  });

  it('needs the ATT&CK version of the model', () => {
    expect(() => buildNavigatorLayer(classification(undefined))).toThrow(/ATT&CK version/);
    expect(
      buildNavigatorLayer(classification(undefined), { attackVersion: '17' }).versions.attack,
    ).toBe('17');
    expect(attackMajorVersion('v14.1')).toBe('14');
  });

  it('reports the problems of an invalid layer', () => {
    const problems = validateNavigatorLayer({
      domain: 'windows',
      versions: { layer: '4.4', navigator: '4.8.2' },
      techniques: [{ techniqueID: 'DS0001' }, { score: 5 }],
      gradient: { colors: ['#fff'], minValue: 0, maxValue: 0 },
    });

    expect(problems).toEqual([
      'name: required string',
      'domain: required, one of enterprise-attack, mobile-attack, ics-attack',
      'versions.layer: must be "4.5"',
      'versions.navigator: required string, at least 4.9.0',
      'techniques[0].techniqueID: required, T#### or T####.###',
      'techniques[1].techniqueID: required, T#### or T####.###',
      'gradient: colors (2 or more), minValue < maxValue',
    ]);
    expect(validateNavigatorLayer(null)).toEqual(['a layer is a JSON object']);
  });
});
