/**
 * Checks that the web UI's leaderboard shows an experiment's table with the numbers of the API's
 * table (the ones `ttpgrid run` prints), in real Chromium; saves a screenshot.
 *   npx tsx infra/ui-table-check.ts <api-url> <experiment-id> [screenshot.png]
 */
import { launchBrowser } from '../apps/web/test/support/browser';

interface TableCell {
  encoder: string;
  metric: string;
  mean: number | null;
}
interface TableRow {
  caseName: string;
  cells: TableCell[];
}

async function main() {
  const [apiUrl, experimentId, screenshot] = process.argv.slice(2);
  if (!apiUrl || !experimentId) {
    throw new Error('usage: ui-table-check.ts <api-url> <experiment-id> [screenshot.png]');
  }

  const response = await fetch(`${apiUrl}/api/experiments/${experimentId}/table?format=json`);
  const table = (await response.json()) as { rows: TableRow[] };
  const expected = table.rows.flatMap((row) =>
    row.cells.map((cell) => ({
      caseName: row.caseName,
      value: cell.mean === null ? '' : (cell.mean * 100).toFixed(1),
    })),
  );

  const browser = await launchBrowser();
  const page = await browser.context.newPage();
  await page.goto(`${apiUrl}/#/leaderboard?experiment=${experimentId}`);
  const grid = page.getByRole('table').first();
  await grid.waitFor();
  const rows = await grid.locator('tbody tr').all();
  const shown = await Promise.all(rows.map((row) => row.locator('th, td').allTextContents()));
  if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
  await browser.close();

  const missing = expected.filter(
    (cell) =>
      !shown.some((row) => row[0]?.includes(cell.caseName) && row.join(' ').includes(cell.value)),
  );
  process.stdout.write(
    `${expected.length} cells in the API table, ${shown.length} rows in the UI; ` +
      `${missing.length} not found in the UI\n`,
  );
  for (const cell of missing) process.stdout.write(`missing: ${cell.caseName} ${cell.value}\n`);
  process.exitCode = missing.length === 0 ? 0 : 1;
}

await main();
