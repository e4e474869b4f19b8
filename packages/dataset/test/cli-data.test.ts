import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { registerDataCommands } from '../../../apps/cli/src/commands/data';
import { CliError } from '../../../apps/cli/src/exit-codes';
import { createFixtureDir, FIXTURE_OOD, FIXTURE_PRIMARY, type FixtureDir } from './fixtures';

async function runData(args: string[]): Promise<string> {
  const program = new Command('ttpgrid').exitOverride();
  registerDataCommands(program);

  const chunks: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    chunks.push(String(chunk));
    return true;
  });
  try {
    await program.parseAsync(['node', 'ttpgrid', 'data', ...args]);
  } finally {
    write.mockRestore();
  }
  return chunks.join('');
}

describe('ttpgrid data stats', () => {
  let fixture: FixtureDir;
  let settingsFile: string;

  beforeAll(async () => {
    settingsFile = 'tram/fixture/settings.json';
    const settings = { primary: { path: FIXTURE_PRIMARY }, ood: { path: FIXTURE_OOD } };
    fixture = await createFixtureDir({ [settingsFile]: JSON.stringify(settings) });
    process.env.LOG_LEVEL = 'error';
  });

  afterAll(async () => {
    await fixture.remove();
    delete process.env.LOG_LEVEL;
  });

  const common = () => [
    '--data-dir',
    fixture.root,
    '--settings',
    `${fixture.root}/${settingsFile}`,
  ];

  it('prints one JSON object with the Table 2 numbers and versions', async () => {
    const output = await runData(['stats', '--json', ...common()]);
    const summary = JSON.parse(output) as Record<string, unknown>;
    expect(summary).toMatchObject({
      sentences: 19,
      classes: 5,
      train: 8,
      dev: 5,
      test: 6,
      auxiliary: 15,
      classesWithThree: 3,
      attackVersion: 'v14.1',
      labelAttackVersion: 'v14.1',
    });
    expect(summary.datasetVersion).toMatch(/^[0-9a-f]{64}$/);
    expect(output.trim().split('\n')).toHaveLength(1);
  });

  it('applies command-line overrides on top of the settings file', async () => {
    const output = await runData(['stats', '--json', ...common(), '--aux-attack-version', 'v15.1']);
    expect(JSON.parse(output)).toMatchObject({
      attackVersion: 'v15.1',
      labelAttackVersion: 'v14.1',
    });
  });

  it('prints the Table 2 layout without --json', async () => {
    const output = await runData(['stats', ...common(), '--split-seed', '3']);
    expect(output).toContain('D^P Train');
    expect(output).toContain('split seed 3');
  });

  it('turns bad input into a CLI error with the bad-input exit code', async () => {
    const run = runData(['stats', ...common(), '--label-attack-version', 'v9.0']);
    await expect(run).rejects.toBeInstanceOf(CliError);
    await expect(run).rejects.toMatchObject({ exitCode: 2 });
  });
});
