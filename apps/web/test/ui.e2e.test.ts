import { readFile } from 'node:fs/promises';

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { launchBrowser, openView, takeScreenshots, type BrowserSession } from './support/browser';
import { expectedPivotCells } from './support/pivot-expectations';
import {
  readApi,
  startUiStack,
  submitGrid,
  waitForExperiment,
  type SubmittedGrid,
  type UiStack,
} from './support/ui-stack';

const HOSTILE_NAME = 'ui grid <script>alert(1)</script>';
const HOSTILE_DESCRIPTION =
  'Probe grid for the UI test. <img src=x onerror=alert(2)> & <b>bold</b>';

/**
 * A tiny real grid: one offline encoder in probe mode, the baseline and a two-stage case with
 * similarity-selected auxiliary sentences (so the run page has selections with scores), two
 * seeds (so every cell has a standard deviation).
 */
const GRID = {
  name: HOSTILE_NAME,
  description: HOSTILE_DESCRIPTION,
  encoders: ['minilm-l6'],
  cases: ['P', 'P+Asim>P'],
  seeds: [1, 2],
  mode: 'probe',
  hyperparameters: { epochs: 3 },
};

let stack: UiStack;
let browser: BrowserSession;
let page: Page;
let first: SubmittedGrid;
let second: SubmittedGrid;
const dialogs: string[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  stack = await startUiStack();
  first = await submitGrid(stack, GRID);
  await waitForExperiment(stack, first.experimentId, 600_000);
  // The same grid again under another name: every stage is reused from the first.
  second = await submitGrid(stack, { ...GRID, name: 'ui grid, stages reused' });
  await waitForExperiment(stack, second.experimentId, 120_000);

  browser = await launchBrowser();
  page = await browser.context.newPage();
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function screenshot(name: string) {
  await takeScreenshots(page, name);
}

async function open(hash: string) {
  await openView(page, stack.baseUrl, hash);
}

describe('the web UI against the real API, Postgres and a real probe grid', () => {
  it('asks for the read token once and keeps it for the tab', async () => {
    await open('experiments');
    const prompt = page.getByRole('dialog');
    await expect.poll(() => prompt.isVisible()).toBe(true);
    await screenshot('token-prompt');

    await prompt.getByLabel('access token').fill(stack.readToken);
    await prompt.getByRole('button', { name: 'Use token' }).click();
    await page.getByRole('table', { name: /Experiments/ }).waitFor();

    await page.reload();
    await page.getByRole('table', { name: /Experiments/ }).waitFor();
    expect(await page.getByRole('dialog').count()).toBe(0);
  });

  it('lists both experiments with stages done, runs and stages reused from cache', async () => {
    await open('experiments');
    const table = page.getByRole('table', { name: /Experiments/ });
    await table.waitFor();

    const reused = table.locator(`tr[data-experiment-id="${second.experimentId}"]`);
    await expect
      .poll(() => reused.textContent())
      .toContain(`${second.stages} / ${second.stages} stages`);
    expect(second.cachedStages).toBe(second.stages);
    const cells = await reused.locator('td').allTextContents();
    expect(cells[3]).toBe(String(second.stages));
    expect(await reused.textContent()).toContain('4 / 4 runs done');

    const original = table.locator(`tr[data-experiment-id="${first.experimentId}"]`);
    expect(await original.locator('th').textContent()).toContain(HOSTILE_NAME);
    expect(await original.textContent()).toContain('probe');
    await screenshot('experiments');
  });

  it('renders spec text with markup as text and runs no script from it', async () => {
    await open(`experiments/${first.experimentId}`);
    const heading = page.getByRole('heading', { level: 1 });
    await heading.waitFor();

    expect(await heading.textContent()).toContain(HOSTILE_NAME);
    expect(await page.locator('.description').textContent()).toBe(HOSTILE_DESCRIPTION);
    expect(await page.locator('main script, main img, main b').count()).toBe(0);
    await page.getByRole('table', { name: /Runs/ }).waitFor();
    await screenshot('experiment');
    expect(dialogs).toEqual([]);
  });

  it('shows every pivot cell as mean ± std recomputed from the runs in Postgres', async () => {
    await open(`leaderboard?experiment=${first.experimentId}`);
    const pivot = page.locator('table.pivot');
    await pivot.first().waitFor();
    expect(await pivot.count()).toBe(1);
    expect(await pivot.locator('caption').textContent()).toContain('probe');

    const expected = await expectedPivotCells(stack.db, first.experimentId);
    expect(expected).toHaveLength(2 * 2);
    for (const cell of expected) {
      const shown = pivot.locator(
        `td[data-case="${cell.caseName}"][data-column="${cell.column}"][data-metric="${cell.metric}"]`,
      );
      expect(await shown.locator('.score-value').textContent()).toBe(cell.text);
      expect(await shown.locator('.n').textContent()).toBe(` n=${cell.n}`);
    }
    await screenshot('leaderboard');
  });

  it('switches the leaderboard between experiments and modes', async () => {
    // The suite shares one database, so other test files' experiments may be on the board too:
    // the checks look for this file's two probe grids by their captions.
    const reusedGrid = () =>
      page.locator('table.pivot caption', { hasText: 'ui grid, stages reused' }).count();
    await open('leaderboard');
    await expect.poll(() => page.locator('table.pivot').count()).toBeGreaterThanOrEqual(2);
    await expect.poll(reusedGrid).toBe(1);

    await page.getByRole('combobox', { name: /^Mode/ }).selectOption('finetune');
    await expect.poll(reusedGrid).toBe(0);
    await page.getByRole('combobox', { name: /^Mode/ }).selectOption('probe');
    await page.getByRole('combobox', { name: /^Experiment/ }).selectOption(second.experimentId);
    // Polls the captions themselves: the previous filter's single pivot may still be showing.
    const captions = () => page.locator('table.pivot caption').allTextContents();
    await expect.poll(captions).toHaveLength(1);
    await expect.poll(async () => (await captions())[0]).toContain('stages reused');
  });

  it('shows per-technique F1 with minority classes marked, sorted by gain over P', async () => {
    await open(`techniques?experiment=${first.experimentId}`);
    const heatmap = page.locator('table.heatmap');
    await heatmap.waitFor();

    const gains = await heatmap.locator('tbody tr td:last-child').allTextContents();
    const values = gains
      .filter((text) => text !== '–')
      .map((text) => Number(text.replace('−', '-')));
    expect(values.length).toBeGreaterThan(10);
    expect(values).toEqual([...values].sort((a, b) => b - a));

    const minority = await stack.db.classMetric.findMany({
      where: { run: { experimentId: first.experimentId }, minority: true },
      distinct: ['techniqueId'],
    });
    expect(minority.length).toBeGreaterThan(0);
    expect(await heatmap.locator('tbody tr.minority').count()).toBe(minority.length);
    await screenshot('techniques');
  });

  it('shows a run: classes, confusions, sentences as text, curves, selections and stages', async () => {
    const run = await stack.db.run.findFirstOrThrow({
      where: { experimentId: first.experimentId, caseName: 'P+Asim>P', seed: 1 },
    });
    const detail = await readApi<RunApiDetail>(stack, `/api/runs/${run.id}`);
    await open(`runs/${run.id}`);
    await page.getByRole('heading', { name: /Run P\+Asim>P/ }).waitFor();

    const classes = page.getByRole('table', { name: /metrics per technique/ });
    expect(await classes.locator('tbody tr').count()).toBe(detail.classMetrics.length);

    const counts = await page
      .getByRole('table', { name: /predicted as another/ })
      .locator('tbody td:last-child')
      .allTextContents();
    expect(counts.map(Number)).toEqual(counts.map(Number).sort((a, b) => b - a));

    // Dataset sentences may hold markup (TRAM has <script> blocks): each cell shows it verbatim.
    const misclassified = page.locator('section', {
      has: page.getByRole('heading', { name: 'Misclassified test sentences' }),
    });
    const showAll = misclassified.getByRole('button', { name: /Show all/ });
    if ((await showAll.count()) > 0) await showAll.click();
    const shownSentences = await misclassified.locator('td.sentence').allTextContents();
    expect(shownSentences).toEqual(
      detail.misclassified.map((row) => row.text ?? `(test sentence ${row.index})`),
    );

    expect(await page.locator('.chart-box canvas').count()).toBe(1);
    const selections = page.getByRole('table', { name: /sentences added/ });
    expect(await selections.locator('tbody tr').count()).toBeGreaterThan(0);
    const stages = page.getByRole('table', { name: /Stages in training order/ });
    expect(await stages.locator('tbody tr').count()).toBe(2);
    expect(await page.locator('main script').count()).toBe(0);
    await screenshot('run');
  });

  it('compares two experiments cell by cell with differences and intervals', async () => {
    await open(`compare?a=${first.experimentId}&b=${second.experimentId}&metric=macro`);
    const table = page.getByRole('table', { name: /difference B − A/ });
    await table.waitFor();

    const rows = await table.locator('tbody tr').count();
    expect(rows).toBe(2);
    const differences = await table.locator('tbody td:nth-child(5)').allTextContents();
    expect(differences.every((text) => text.startsWith('0.0'))).toBe(true);
    await screenshot('compare');
  });

  it('downloads the Markdown, CSV and LaTeX tables that the API renders', async () => {
    await open(`experiments/${first.experimentId}`);
    await page.getByRole('group', { name: 'Export result table' }).waitFor();

    for (const [label, format, extension] of [
      ['Markdown', 'markdown', 'md'],
      ['CSV', 'csv', 'csv'],
      ['LaTeX', 'latex', 'tex'],
    ] as const) {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: label, exact: true }).click(),
      ]);
      expect(download.suggestedFilename()).toMatch(new RegExp(`-macro\\.${extension}$`));
      const text = await readFile((await download.path()) as string, 'utf8');
      const response = await fetch(
        `${stack.baseUrl}/api/experiments/${first.experimentId}/table?metric=macro&format=${format}`,
        { headers: { Authorization: `Bearer ${stack.readToken}` } },
      );
      expect(text).toBe(await response.text());
    }
  });

  it('reaches every view by keyboard with a visible focus ring', async () => {
    await open('experiments');
    await page.getByRole('table', { name: /Experiments/ }).waitFor();
    const focused = async () => page.evaluate(() => document.activeElement?.textContent ?? '');

    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Skip to content');
    const names: string[] = [];
    for (let step = 0; step < 5; step += 1) {
      await page.keyboard.press('Tab');
      names.push(await focused());
    }
    expect(names).toEqual(['ttpgrid', 'Experiments', 'Leaderboard', 'Techniques', 'Compare']);
    const outline = await page.evaluate(
      () => getComputedStyle(document.activeElement as Element).outlineStyle,
    );
    expect(outline).not.toBe('none');

    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Compare' }).waitFor();
  });

  it('raised no alert dialog and no page error anywhere', () => {
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});

interface RunApiDetail {
  classMetrics: unknown[];
  misclassified: { index: number; text: string | null }[];
}
