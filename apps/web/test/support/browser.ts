import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium: never a browser download (see stack-notes, "Browser tests"). */
export const CHROMIUM_PATH = process.env.TTPGRID_CHROMIUM ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export interface BrowserSession {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A headless Chromium with a fresh profile folder, removed again on close. */
export async function launchBrowser(): Promise<BrowserSession> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`no Chromium at ${CHROMIUM_PATH}: apt-get install -y chromium`);
  }
  const profile = await mkdtemp(join(tmpdir(), 'ttpgrid-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
    acceptDownloads: true,
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

export const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'screenshots');
export const VIEWPORTS = {
  wide: { width: 1280, height: 800 },
  narrow: { width: 420, height: 900 },
} as const;

/** Full-page screenshots of the current view at both window sizes, into apps/web/screenshots. */
export async function takeScreenshots(page: Page, name: string) {
  await mkdir(SCREENSHOTS, { recursive: true });
  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(viewport);
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-${size}.png`), fullPage: true });
  }
  await page.setViewportSize(VIEWPORTS.wide);
}

/** Loads a view afresh: a hash change alone would keep the last view's state and focus. */
export async function openView(page: Page, baseUrl: string, hash: string) {
  await page.goto('about:blank');
  await page.goto(`${baseUrl}/#/${hash}`);
}
