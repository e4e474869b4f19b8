import { readFile } from 'node:fs/promises';

import { loadConfig } from '@ttpgrid/config';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Classification, ClassifyRequest, ModelDetail, ModelSummary } from '../src/api/types';
import { launchBrowser, openView, takeScreenshots, type BrowserSession } from './support/browser';
import {
  deployExperiment,
  linkRawDataWithOodSlice,
  OOD_SLICE,
  postAsReader,
  removeDataFolder,
} from './support/model-deploy';
import {
  readApi,
  startUiStack,
  submitGrid,
  waitForExperiment,
  type UiStack,
} from './support/ui-stack';

/**
 * The smallest grid that deploys: one minilm-l6 probe run (frozen encoder, linear head, three
 * epochs) on the full training split, with a 1-in-20 slice of the OOD file so that the deploy
 * workflow's OOD evaluation stays short on two cores. Calibration uses 200 negatives.
 */
const GRID = {
  name: 'models ui grid',
  encoders: ['minilm-l6'],
  cases: ['P'],
  seeds: [1],
  mode: 'probe',
  hyperparameters: { epochs: 3 },
  dataset: { ood: { path: OOD_SLICE } },
};
const OOD_STEP = 20;
const NEGATIVES_LIMIT = 200;
const TRAIN_TIMEOUT = 900_000;
const SETUP_TIMEOUT = 1_500_000;

/** Written for this test; one sentence carries markup that must stay text. */
const REPORT = [
  'Incident summary: an intrusion at a regional water utility.',
  'The actor sent spear-phishing emails with a malicious Excel attachment to the billing team.',
  'A macro launched PowerShell, which downloaded a loader over HTTPS.',
  'The loader wrote <img src=x onerror=alert(1)> into the intranet page.',
  'It ran whoami and ipconfig /all, then dumped credentials from LSASS memory.',
  'The operators moved laterally over RDP and created a scheduled task for persistence.',
].join('\n');
const REQUEST: ClassifyRequest = {
  text: REPORT,
  format: 'text',
  topK: 2,
  threshold: 0,
  title: 'water utility',
};

let stack: UiStack;
let browser: BrowserSession;
let page: Page;
let dataFolder: string;
let modelId: string;
let model: ModelDetail;
/** The API's classification of REQUEST, compared with the page and the layer. */
let expected: Classification;
const dialogs: string[] = [];
const pageErrors: string[] = [];
const classifyRequests: string[] = [];

beforeAll(async () => {
  dataFolder = await linkRawDataWithOodSlice(loadConfig().rawDataDir, OOD_STEP);
  process.env.TTPGRID_DATA_DIR = dataFolder;
  stack = await startUiStack();
  const grid = await submitGrid(stack, GRID);
  const experiment = await waitForExperiment(stack, grid.experimentId, TRAIN_TIMEOUT);
  expect(experiment.status).toBe('succeeded');
  modelId = await deployExperiment(stack, grid.experimentId, NEGATIVES_LIMIT, TRAIN_TIMEOUT);
  model = await readApi<ModelDetail>(stack, `/api/models/${modelId}`);

  browser = await launchBrowser();
  page = await browser.context.newPage();
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('request', (request) => {
    if (request.url().endsWith('/api/classify')) classifyRequests.push(request.url());
  });
}, SETUP_TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  if (dataFolder) await removeDataFolder(dataFolder);
});

async function screenshot(name: string) {
  await takeScreenshots(page, name);
}

async function open(hash: string) {
  await openView(page, stack.baseUrl, hash);
}

// The page's number formats, restated: Table-3 percentages, three-decimal probabilities.
const percent = (value: number) => (value * 100).toFixed(1);
const probability = (value: number) => value.toFixed(3);
const share = (value: number) => `${percent(value)} %`;

const text = async (locator: Locator) => (await locator.textContent())?.trim();

async function fillClassifyForm(report: string) {
  await page.getByLabel('Report', { exact: true }).fill(report);
  await page.getByLabel('Format').selectOption(REQUEST.format as string);
  await page.getByLabel('Techniques per sentence (top-k)').fill(String(REQUEST.topK));
  await page.getByLabel('Threshold').fill(String(REQUEST.threshold));
  await page.getByLabel('Report title').fill(REQUEST.title as string);
}

/** The API's error message for a classify body, to compare with what the page shows. */
async function apiErrorFor(body: ClassifyRequest) {
  const response = await postAsReader(stack, '/api/classify', body);
  const { message } = (await response.json()) as { message: string };
  return { status: response.status, message };
}

describe('deployed models and report classification in the web UI, on a real model', () => {
  it('lists the deployed model, marked active, with the figures the API reports', async () => {
    await open('models');
    const prompt = page.getByRole('dialog');
    await prompt.getByLabel('access token').fill(stack.readToken);
    await prompt.getByRole('button', { name: 'Use token' }).click();

    const table = page.getByRole('table', { name: /Deployed models/ });
    await table.waitFor();
    const list = await readApi<{ items: ModelSummary[] }>(stack, '/api/models');
    expect(await table.locator('tbody tr').count()).toBe(list.items.length);

    const row = table.locator(`tr[data-model-id="${modelId}"]`);
    const field = (name: string) => text(row.locator(`[data-field="${name}"]`));
    expect(model.active).toBe(true);
    expect(await text(row.locator('th .badge'))).toBe('active');
    expect(await field('case')).toBe(model.caseName);
    expect(await field('encoder')).toBe(model.encoder);
    expect(await field('seed')).toBe(String(model.seed));
    expect(await field('experiment')).toBe(model.experimentName);
    expect(await field('dataset')).toBe(model.datasetVersionId.slice(0, 12));
    expect(await row.locator('[data-field="dataset"]').getAttribute('title')).toBe(
      model.datasetVersionId,
    );
    expect(await field('attack')).toBe(model.attackVersion);
    expect(await field('test-micro')).toBe(percent(model.test.microF1));
    expect(await field('test-macro')).toBe(percent(model.test.macroF1));
    expect(model.ood).not.toBeNull();
    expect(await field('ood-micro')).toBe(percent(model.ood?.microF1 as number));
    expect(await field('ood-macro')).toBe(percent(model.ood?.macroF1 as number));
    expect(await field('threshold')).toBe(probability(model.threshold));
    expect(await field('negative-share')).toBe(share(model.negativeShare));
    await screenshot('models');
  });

  it('shows the model: provenance, dev/test beside OOD, threshold and techniques', async () => {
    await open(`models/${modelId}`);
    const heading = page.getByRole('heading', { level: 1 });
    await heading.waitFor();
    expect(await heading.textContent()).toContain(modelId.slice(0, 8));

    const provenance = page.locator('.provenance');
    expect(await text(provenance.locator('[data-field="experiment"]'))).toBe(model.experimentName);
    expect(await provenance.locator('[data-field="run"]').textContent()).toContain(model.runId);
    expect(await provenance.locator('[data-field="dataset"]').textContent()).toContain(
      model.provenance.datasetVersion?.label,
    );

    const evaluation = page.getByRole('table', { name: /in distribution and out of/ });
    expect(model.evaluation.map((row) => [row.set, row.inDistribution])).toEqual([
      ['dev', true],
      ['test', true],
      ['ood', false],
    ]);
    const groups = evaluation.locator('th[scope="colgroup"]');
    expect(await groups.allTextContents()).toEqual(['In distribution', 'Out of distribution']);
    expect(
      await groups.evaluateAll((cells) => cells.map((cell) => cell.getAttribute('colspan'))),
    ).toEqual(['2', '1']);
    for (const row of model.evaluation) {
      const cell = (metric: string) =>
        text(evaluation.locator(`td[data-set="${row.set}"][data-metric="${metric}"]`));
      expect(await cell('sentences')).toBe(String(row.sentences));
      expect(await cell('microF1')).toBe(percent(row.microF1));
      expect(await cell('macroF1')).toBe(percent(row.macroF1));
    }

    const threshold = page.locator('.threshold-facts');
    expect(await text(threshold.locator('[data-field="threshold"]'))).toBe(
      probability(model.threshold),
    );
    expect(await text(threshold.locator('[data-field="rule"]'))).toBe(model.calibration.rule);
    expect(await threshold.locator('[data-field="negative-share"]').textContent()).toMatch(
      new RegExp(`^${share(model.negativeShare).replace('.', '\\.')} of \\d+ held-out`),
    );

    const techniques = page.locator('.technique-list li');
    const shownIds = await techniques.evaluateAll((items) =>
      items.map((item) => item.getAttribute('data-technique-id')),
    );
    expect(shownIds).toEqual(model.techniques.map((technique) => technique.id));
    expect(shownIds).toHaveLength(model.provenance.techniqueCount as number);
    await screenshot('model');
  });

  it('classifies a report into the sentence table and summary the API computes', async () => {
    await open('classify');
    const modelSelect = page.getByLabel('Model');
    await expect
      .poll(() => text(modelSelect.locator('option:checked')))
      .toContain(`Active model (${modelId.slice(0, 8)}`);
    await fillClassifyForm(REPORT);
    await page.getByRole('button', { name: 'Classify', exact: true }).click();

    const table = page.getByRole('table', { name: /Techniques per sentence/ });
    await table.waitFor();
    expected = (await (
      await postAsReader(stack, '/api/classify', REQUEST)
    ).json()) as Classification;
    expect(expected.model.modelId).toBe(modelId);
    expect(expected.summary.techniques.length).toBeGreaterThan(0);
    expect(expected.sentences.some((sentence) => sentence.text.includes('<img src=x'))).toBe(true);

    const rows = table.locator('tbody tr');
    expect(await rows.count()).toBe(expected.sentences.length);
    for (const [position, sentence] of expected.sentences.entries()) {
      const row = rows.nth(position);
      expect(await row.getAttribute('data-sentence-index')).toBe(String(sentence.index));
      expect(await row.locator('td.sentence').textContent()).toBe(sentence.text);
      expect(await shownScores(row)).toEqual(
        sentence.techniques.map((technique) => ({
          id: technique.id,
          name: technique.name,
          probability: probability(technique.probability),
        })),
      );
    }

    const summary = page.getByRole('table', { name: /Techniques in the report/ });
    const summaryRows = summary.locator('tbody tr');
    expect(
      await summaryRows.evaluateAll((items) =>
        items.map((item) => item.getAttribute('data-technique-id')),
      ),
    ).toEqual(expected.summary.techniques.map((technique) => technique.id));
    const first = expected.summary.techniques[0];
    expect(await text(summaryRows.first().locator('td').first())).toBe(
      probability(first?.maxProbability as number),
    );
    expect(await page.locator('main img, main script').count()).toBe(0);
    await screenshot('classify');
  });

  it('downloads the same input as a valid Navigator layer of the summary techniques', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download Navigator layer' }).click(),
    ]);
    const layer = JSON.parse(await readFile((await download.path()) as string, 'utf8'));
    const fromApi = await postAsReader(stack, '/api/classify/navigator', REQUEST);
    const disposition = fromApi.headers.get('content-disposition') ?? '';

    expect(download.suggestedFilename()).toBe(/filename="([^"]+)"/.exec(disposition)?.[1]);
    expect(layer).toEqual(await fromApi.json());
    expect(layer.name).toBe(`ttpgrid: ${REQUEST.title}`);
    expect(layer.domain).toBe('enterprise-attack');
    expect(layer.versions).toMatchObject({
      attack: /(\d+)/.exec(model.attackVersion)?.[1],
      navigator: expect.stringMatching(/^\d+\.\d+/),
      layer: expect.stringMatching(/^\d+\.\d+$/),
    });
    const techniques = layer.techniques as { techniqueID: string; score: number }[];
    expect(techniques.map((technique) => technique.techniqueID)).toEqual(
      expected.summary.techniques.map((technique) => technique.id),
    );
    expect(techniques.map((technique) => technique.score)).toEqual(
      expected.summary.techniques.map((technique) => Math.round(technique.maxProbability * 100)),
    );
  });

  it('checks options inline and sends nothing while one is wrong', async () => {
    const topK = page.getByLabel('Techniques per sentence (top-k)');
    const sent = classifyRequests.length;
    await topK.fill('0');
    await expect.poll(() => topK.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('.field-problem').textContent()).toMatch(/from 1 to 20/);

    await page.getByRole('button', { name: 'Classify', exact: true }).click();
    expect(await topK.evaluate((input) => input === document.activeElement)).toBe(true);
    expect(classifyRequests.length).toBe(sent);
    await topK.fill('2');
    expect(await page.locator('.field-problem').count()).toBe(0);
  });

  it('shows the API errors for an empty, a too large report and an unknown model', async () => {
    const alert = page.getByRole('alert');
    const results = page.getByRole('table', { name: /Techniques per sentence/ });

    await page.getByLabel('Report', { exact: true }).fill('   ');
    await page.getByLabel('Threshold').press('Enter');
    const empty = await apiErrorFor({ ...REQUEST, text: '   ' });
    expect(empty.status).toBe(400);
    await expect.poll(() => alert.textContent()).toContain('was not accepted');
    expect(await alert.textContent()).toContain(empty.message);
    expect(await results.count()).toBe(0);
    await screenshot('classify-error');

    const large = 'The actor ran whoami. '.repeat(50_000);
    await page.getByLabel('Report', { exact: true }).fill(large);
    await page.getByRole('button', { name: 'Classify', exact: true }).click();
    const tooLarge = await apiErrorFor({ ...REQUEST, text: large });
    expect(tooLarge.status).toBe(413);
    await expect.poll(() => alert.textContent()).toContain('too large');
    expect(await alert.textContent()).toContain(tooLarge.message);

    await open('classify?model=no-such-model');
    await fillClassifyForm(REPORT);
    await page.getByRole('button', { name: 'Classify', exact: true }).click();
    const unknown = await apiErrorFor({ ...REQUEST, modelId: 'no-such-model' });
    expect(unknown.status).toBe(404);
    await expect.poll(() => alert.textContent()).toContain('model was not found');
    expect(await alert.textContent()).toContain(unknown.message);
  });

  it('raised no alert dialog and no page error anywhere', () => {
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});

/** The techniques a sentence row lists: ID, name and probability as shown. */
function shownScores(row: Locator) {
  return row.locator('.technique-scores li').evaluateAll((items) =>
    items.map((item) => ({
      id: item.getAttribute('data-technique-id'),
      name: item.querySelector('.technique-name')?.textContent,
      probability: item.querySelector('.probability')?.textContent,
    })),
  );
}
