import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/**
 * Real headless Chromium for the end-to-end journeys. We always drive Debian's build (never a browser a tool
 * downloads by itself): install it with `apt-get install -y chromium`, or point CHROMIUM_PATH at another build.
 */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags that let Chromium run headless as root in a container without a GPU or a shared-memory mount. */
export const chromiumFlags = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  '--disable-default-apps',
  '--disable-extensions',
];

/** WCAG 2.0, 2.1 and 2.2 at levels A and AA: what Vietnamese and international accessibility rules ask for. */
export const wcagTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** Longest an axe analysis may take (a large page takes 1–4 s on a busy two-core machine). */
const axeTimeoutMs = 60_000;

/** Where failing journeys leave a screenshot (git-ignored). */
export const resultsDir = 'test-results';

export interface PageOptions {
  /** false renders the site as a browser without JavaScript would (the portal must work that way). */
  javaScriptEnabled?: boolean;
  viewport?: { width: number; height: number };
  locale?: string;
}

export interface TestBrowser {
  browser: Browser;
  /** A page in its own context (its own cookies), as axe needs; closing the page's context is the caller's. */
  newPage(options?: PageOptions): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Pages opened with JavaScript disabled. axe runs asynchronously inside the page, which Chromium will not do
 * there, so such pages are checked through a twin (see `expectAccessible`).
 */
const pagesWithoutScript = new WeakSet<Page>();

export async function launchBrowser(): Promise<TestBrowser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(`Chromium not found at ${chromiumPath}: run \`apt-get install -y chromium\` or set CHROMIUM_PATH`);
  }
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumFlags, headless: true });
  const contexts = new Set<BrowserContext>();
  return {
    browser,
    async newPage(options = {}) {
      const context = await browser.newContext({
        javaScriptEnabled: options.javaScriptEnabled ?? true,
        viewport: options.viewport ?? { width: 1280, height: 800 },
        locale: options.locale ?? 'vi-VN',
      });
      contexts.add(context);
      context.on('close', () => contexts.delete(context));
      const page = await context.newPage();
      if (options.javaScriptEnabled === false) pagesWithoutScript.add(page);
      return page;
    },
    async close() {
      for (const context of [...contexts]) await context.close().catch(() => undefined);
      await browser.close();
    },
  };
}

export interface AxeViolationSummary {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

/**
 * Runs axe over the page as it is now and throws when any WCAG A/AA rule fails. The message names the page,
 * and for each rule its id, impact, help text and the first few offending elements, so a failure can be
 * reported without rerunning anything.
 */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  const analysis = pagesWithoutScript.has(page) ? analyzeTwin(page) : new AxeBuilder({ page }).withTags(wcagTags).analyze();
  // axe runs inside the page through evaluate(), which Playwright never times out: bound it ourselves.
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${label} (${page.url()}): axe did not finish within ${axeTimeoutMs / 1000} s`)), axeTimeoutMs);
  });
  const results = await Promise.race([analysis, timeout]).finally(() => clearTimeout(timer));
  if (results.violations.length === 0) return;
  const summaries: AxeViolationSummary[] = results.violations.map((v) => ({
    id: v.id,
    impact: v.impact ?? 'unknown',
    help: v.help,
    targets: v.nodes.slice(0, 3).map((n) => n.target.map(String).join(' ')),
  }));
  const lines = summaries.map(
    (s) => `  - ${s.id} (${s.impact}): ${s.help}\n      ${s.targets.join('\n      ')}${s.targets.length === 0 ? '(no element)' : ''}`,
  );
  throw new AccessibilityError(
    `${label} (${page.url()}): ${summaries.length} accessibility violation(s):\n${lines.join('\n')}`,
    summaries,
  );
}

/**
 * For a page without JavaScript: loads the same address with the same cookies and viewport in a context where
 * JavaScript runs but the page's own scripts are refused (the CSP already refuses inline ones), so axe sees
 * the document a visitor without JavaScript sees. Only for pages reached by GET, which is all a journey visits.
 */
async function analyzeTwin(page: Page) {
  const source = page.context();
  const browser = source.browser();
  if (!browser) throw new Error('cannot check accessibility: the page has no browser');
  const twin = await browser.newContext({
    storageState: await source.storageState(),
    viewport: page.viewportSize(),
    javaScriptEnabled: true,
  });
  try {
    const twinPage = await twin.newPage();
    await twinPage.route('**/*', (route) => (route.request().resourceType() === 'script' ? route.abort() : route.continue()));
    await twinPage.goto(page.url(), { waitUntil: 'load' });
    return await new AxeBuilder({ page: twinPage }).withTags(wcagTags).analyze();
  } finally {
    await twin.close();
  }
}

export class AccessibilityError extends Error {
  constructor(
    message: string,
    readonly violations: AxeViolationSummary[],
  ) {
    super(message);
    this.name = 'AccessibilityError';
  }
}

/** A file name from a test's name: letters, digits and dashes only. */
export function screenshotPath(testName: string): string {
  const base = testName
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 120);
  return join(resultsDir, `${base || 'journey'}.png`);
}

/**
 * Runs one journey; when it throws, saves a full-page screenshot of where it stopped to
 * `test-results/<test>.png` and adds that path to the error message.
 */
export async function withScreenshotOnFailure<T>(page: Page, testName: string, journey: () => Promise<T>): Promise<T> {
  try {
    return await journey();
  } catch (error) {
    const path = screenshotPath(testName);
    try {
      mkdirSync(resultsDir, { recursive: true });
      await page.screenshot({ path, fullPage: true, timeout: 5_000 });
      if (error instanceof Error) error.message += `\n(screenshot: ${path})`;
    } catch {
      // A page that crashed cannot be photographed; the original error matters more.
    }
    throw error;
  }
}
