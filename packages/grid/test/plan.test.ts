import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import {
  datasetVariantKey,
  expandCells,
  parseGridSpecText,
  planGrid,
  type DatasetContent,
  type EncoderIdentity,
  type GridSpec,
  type PlanContext,
} from '../src';

const experiments = fileURLToPath(new URL('../../../experiments/', import.meta.url));
const key = (seed: string) => seed.repeat(64).slice(0, 64);

function contextFor(spec: GridSpec, auxiliaryKey = key('a')): PlanContext {
  const content: DatasetContent = {
    versionId: `version-${auxiliaryKey.slice(0, 4)}`,
    trainKey: key('1'),
    devKey: key('2'),
    testKey: key('3'),
    auxiliaryKey,
    labelSetKey: key('4'),
  };
  const datasets = new Map(expandCells(spec).map((cell) => [datasetVariantKey(cell), content]));
  const encoders = new Map<string, EncoderIdentity>(
    ['bert-base-uncased', 'secbert', 'securebert', 'cti-bert', 'minilm-l6'].map((name, i) => [
      name,
      { name, weightsHash: key(String(i + 5)), available: true },
    ]),
  );
  return { datasets, encoders, libraries: { torch: '2.15', transformers: '5.25' } };
}

function loadSpec(file: string): GridSpec {
  return parseGridSpecText(readFileSync(`${experiments}${file}`, 'utf8'), file);
}

describe('planning the paper grids', () => {
  it('plans Table 3 as 120 runs over 120 unique stages, 180 without sharing', () => {
    const spec = loadSpec('table3.yaml');
    const plan = planGrid(spec, contextFor(spec));

    expect(plan.runs).toHaveLength(120);
    expect(plan.stages).toHaveLength(120);
    expect(plan.naiveStages).toBe(180);
  });

  it('shares the first stage between P and P>P of the same encoder and seed', () => {
    const spec = loadSpec('table3.yaml');
    const plan = planGrid(spec, contextFor(spec));
    const run = (caseName: string) =>
      plan.runs.find((r) => r.caseName === caseName && r.encoder === 'secbert' && r.seed === 3);

    expect(run('P>P')?.stageKeys[0]).toBe(run('P')?.stageKeys[0]);
    expect(run('P+A>P')?.stageKeys[0]).toBe(run('P+A')?.stageKeys[0]);
    expect(run('P+Asim>P')?.stageKeys[0]).toBe(run('P+Asim')?.stageKeys[0]);
    expect(run('P>P')?.stageKeys[1]).not.toBe(run('P+A>P')?.stageKeys[1]);
  });

  it('keeps the keys of the 40 stages without auxiliary data when only the ATT&CK data changes', () => {
    const spec = loadSpec('table3.yaml');
    const before = new Set(planGrid(spec, contextFor(spec, key('a'))).stages.map((s) => s.key));
    const after = planGrid(spec, contextFor(spec, key('b'))).stages;

    const unchanged = after.filter((stage) => before.has(stage.key));
    expect(unchanged).toHaveLength(40);
    expect(unchanged.every((stage) => stage.caseStage === 'P')).toBe(true);
    expect(after.filter((stage) => !before.has(stage.key))).toHaveLength(80);
  });

  it('plans Tables 4 and 5 with one shared first stage per ablation case', () => {
    const table4 = loadSpec('table4.yaml');
    const table5 = loadSpec('table5.yaml');

    const plan4 = planGrid(table4, contextFor(table4));
    const plan5 = planGrid(table5, contextFor(table5));
    expect([plan4.runs.length, plan4.stages.length, plan4.naiveStages]).toEqual([80, 160, 160]);
    expect([plan5.runs.length, plan5.stages.length, plan5.naiveStages]).toEqual([40, 80, 80]);
  });

  it('turns a list-valued setting into an axis of the grid', () => {
    const spec = parseGridSpecText(
      'name: k-sweep\nencoders: [minilm-l6]\ncases: [P+Asim>P]\nseeds: [1, 2]\n' +
        'augmentation: {k: [5, 10, 15]}\n',
    );
    const plan = planGrid(spec, contextFor(spec));

    expect(plan.runs).toHaveLength(6);
    expect(new Set(plan.runs.map((run) => run.axes['augmentation.k']))).toEqual(
      new Set([5, 10, 15]),
    );
    expect(plan.stages).toHaveLength(12);
  });

  it('gives the probe mode its head learning rate unless the spec sets one', () => {
    const probe = parseGridSpecText(
      'name: p\nencoders: [minilm-l6]\ncases: [P]\nseeds: [1]\n' + 'mode: probe\n',
    );
    const plan = planGrid(probe, contextFor(probe));
    expect(plan.stages[0]?.hyperparameters.learningRate).toBe(1e-3);
  });

  it('refuses an encoder whose files are absent unless planning provisionally', () => {
    const spec = loadSpec('table3.yaml');
    const context = contextFor(spec);
    context.encoders.set('cti-bert', { name: 'cti-bert', available: false });

    expect(() => planGrid(spec, context)).toThrow(/cti-bert.*not available/);
    const plan = planGrid(spec, { ...context, allowUnavailableEncoders: true });
    expect(plan.provisional).toBe(true);
    expect(plan.stages).toHaveLength(120);
  });
});
