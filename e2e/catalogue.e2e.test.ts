import assert from 'node:assert/strict';
import { after, before, describe, test, type TestContext } from 'node:test';
import type { Page } from 'playwright-core';
import { expectAccessible, launchBrowser, withScreenshotOnFailure, type TestBrowser } from './support/browser.js';
import { startTestServer, type TestServer } from './support/server.js';

// Journeys through the public catalogue in real headless Chromium, with and without JavaScript. Every page a
// journey reaches is checked with axe against WCAG 2.2 A/AA; a failing step leaves test-results/<step>.png.

const birthRegistration = { code: '1.001193', name: 'Thủ tục đăng ký khai sinh' };

let server: TestServer;
let browser: TestBrowser;

before(
  async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  },
  { timeout: 180_000 },
);

after(
  async () => {
    await browser?.close();
    await server?.close();
  },
  { timeout: 30_000 },
);

function url(path: string): string {
  return `${server.baseUrl}${path}`;
}

function pathOf(page: Page): string {
  const u = new URL(page.url());
  return `${u.pathname}${u.search}`;
}

/** One step of a journey, reported as its own subtest, with a screenshot when it fails. */
function step(t: TestContext, page: Page, name: string, body: (st: TestContext) => Promise<void>): Promise<void> {
  return t.test(name, (st) => withScreenshotOnFailure(page, `${t.name} ${name}`, () => body(st)));
}

/** Does `action` and waits for the document it leads to (also when a redirect brings back the same address). */
async function navigateBy(page: Page, action: () => Promise<void>): Promise<void> {
  const navigated = page.waitForEvent('framenavigated', { predicate: (frame) => frame === page.mainFrame(), timeout: 30_000 });
  navigated.catch(() => undefined); // when action() throws, its error is the one to report
  await action();
  await navigated;
  await page.waitForLoadState('load');
}

function clickAndWait(page: Page, selector: string): Promise<void> {
  return navigateBy(page, () => page.locator(selector).first().click());
}

/** The citizen's journey: find the birth registration, read it, change language, browse, hit a dead link. */
async function catalogueJourney(t: TestContext, javaScriptEnabled: boolean): Promise<void> {
  const page = await browser.newPage({ javaScriptEnabled });
  try {
    await step(t, page, 'home page offers a search', async () => {
      const response = await page.goto(url('/'));
      assert.equal(response?.status(), 200);
      assert.equal(await page.locator('html').getAttribute('lang'), 'vi');
      assert.ok(await page.locator('#q').isVisible(), 'the search field #q is visible');
      await expectAccessible(page, 'home');
    });

    await step(t, page, 'a search without diacritics finds the birth registration near the top', async () => {
      await page.locator('#q').fill('dang ky khai sinh');
      await navigateBy(page, () => page.locator('#q').press('Enter'));
      assert.equal(new URL(page.url()).searchParams.get('q'), 'dang ky khai sinh');
      const links = page.locator('ul.results li a[href^="/thu-tuc/"]');
      const top = await links.evaluateAll((as) => as.slice(0, 3).map((a) => ({ href: a.getAttribute('href'), text: a.textContent?.trim() })));
      const hit = top.find((l) => l.href === `/thu-tuc/${birthRegistration.code}`);
      assert.ok(hit, `${birthRegistration.code} is among the first three results: ${JSON.stringify(top)}`);
      assert.equal(hit.text, birthRegistration.name);
      await expectAccessible(page, 'search results');
    });

    await step(t, page, 'the procedure page shows channels, documents and steps', async () => {
      await clickAndWait(page, `ul.results a[href="/thu-tuc/${birthRegistration.code}"]`);
      assert.equal(pathOf(page), `/thu-tuc/${birthRegistration.code}`);
      assert.equal((await page.locator('h1').textContent())?.trim(), birthRegistration.name);
      const channels = page.locator('section[aria-labelledby="channels"]');
      assert.ok(await channels.locator('h2#channels').isVisible(), 'the channels heading is visible');
      assert.ok((await channels.locator('table tbody tr').count()) > 0, 'the channels table has rows');
      const documents = page.locator('section[aria-labelledby="documents"]');
      assert.ok(await documents.locator('h2#documents').isVisible(), 'the documents heading is visible');
      assert.ok((await documents.locator('table tbody tr').count()) > 0, 'the documents table has rows');
      const steps = page.locator('section[aria-labelledby="steps"]');
      assert.ok(await steps.locator('h2#steps').isVisible(), 'the steps heading is visible');
      assert.ok((await steps.locator('ol > li').count()) > 0, 'the steps are listed');
      await expectAccessible(page, 'procedure (vi)');
    });

    await step(t, page, 'switching to English and back stays on the procedure page', async () => {
      const here = `/thu-tuc/${birthRegistration.code}`;
      await clickAndWait(page, 'a.lang-switch');
      assert.equal(pathOf(page), here);
      assert.equal(await page.locator('html').getAttribute('lang'), 'en');
      assert.equal((await page.locator('h2#channels').textContent())?.trim(), 'How to apply');
      await expectAccessible(page, 'procedure (en)');
      await clickAndWait(page, 'a.lang-switch');
      assert.equal(pathOf(page), here);
      assert.equal(await page.locator('html').getAttribute('lang'), 'vi');
    });

    await step(t, page, 'sectors page lists sectors', async () => {
      await clickAndWait(page, 'nav.primary-nav a[href="/linh-vuc"]');
      assert.equal(pathOf(page), '/linh-vuc');
      assert.ok((await page.locator('main a[href^="/linh-vuc/"]').count()) > 10, 'many sectors are listed');
      await expectAccessible(page, 'sectors');
    });

    await step(t, page, 'a sector page lists its procedures', async () => {
      const first = page.locator('main a[href^="/linh-vuc/"]').first();
      const sectorName = (await first.textContent())?.trim() ?? '';
      await clickAndWait(page, 'main a[href^="/linh-vuc/"]');
      assert.match(pathOf(page), /^\/linh-vuc\/[a-z0-9-]+$/);
      assert.equal((await page.locator('h1').textContent())?.trim(), sectorName);
      assert.ok((await page.locator('ul.results li').count()) > 0, 'the sector has procedures');
      await expectAccessible(page, 'sector');
    });

    await step(t, page, 'the life event "having a baby" lists its procedures', async () => {
      const response = await page.goto(url('/su-kien/sinh-con'));
      assert.equal(response?.status(), 200);
      assert.ok((await page.locator(`main a[href="/thu-tuc/${birthRegistration.code}"]`).count()) > 0, 'birth registration is part of it');
      await expectAccessible(page, 'life event');
    });

    await step(t, page, 'agencies page lists the agencies', async (st) => {
      const response = await page.goto(url('/co-quan'));
      if (response?.status() === 404) {
        st.skip('/co-quan answers 404: the agencies pages are not there yet');
        return;
      }
      assert.equal(response?.status(), 200);
      await expectAccessible(page, 'agencies');
      const agencyLinks = page.locator('main a[href^="/co-quan/"]');
      assert.ok((await agencyLinks.count()) > 0, 'agencies of the demo province are listed');
      const href = (await agencyLinks.first().getAttribute('href')) ?? '';
      // Read the whole body: an unread response keeps the connection busy and the server's close() waiting.
      const detail = await fetch(url(href));
      await detail.arrayBuffer();
      if (detail.status === 404) {
        st.diagnostic(`agency pages (${href}) answer 404: not there yet`);
        return;
      }
      await clickAndWait(page, `main a[href="${href}"]`);
      assert.equal(pathOf(page), href);
      assert.ok(((await page.locator('h1').textContent()) ?? '').trim().length > 0, 'the agency page has a heading');
      await expectAccessible(page, 'agency');
    });

    await step(t, page, 'an unknown address shows a helpful 404 page', async () => {
      const response = await page.goto(url('/khong-co-trang-nay'));
      assert.equal(response?.status(), 404);
      assert.ok(((await page.locator('h1').textContent()) ?? '').trim().length > 0, 'the 404 page has a heading');
      assert.ok((await page.locator('nav.primary-nav a[href="/"]').count()) > 0, 'it offers a way home');
      await expectAccessible(page, '404');
    });
  } finally {
    await page.context().close();
  }
}

/** Per test: a journey takes 10–35 s, more on a busy two-core machine. */
const timeout = 120_000;

describe('public catalogue in Chromium', { concurrency: true }, () => {
  test('a citizen finds and reads a procedure (JavaScript on)', { timeout }, (t) => catalogueJourney(t, true));

  test('a citizen finds and reads a procedure (JavaScript off)', { timeout }, (t) => catalogueJourney(t, false));

  test('home page does not scroll sideways on a 360×640 phone', { timeout }, async (t) => {
    const page = await browser.newPage({ viewport: { width: 360, height: 640 } });
    try {
      await withScreenshotOnFailure(page, t.name, async () => {
        await page.goto(url('/'));
        const { scrollWidth, clientWidth } = await page.evaluate(() => ({
          scrollWidth: document.documentElement.scrollWidth,
          clientWidth: document.documentElement.clientWidth,
        }));
        assert.ok(scrollWidth <= clientWidth, `page is ${scrollWidth}px wide in a ${clientWidth}px viewport`);
        await expectAccessible(page, 'home (360×640)');
      });
    } finally {
      await page.context().close();
    }
  });

  test('first Tab focuses the skip link, which leads to the main content', { timeout }, async (t) => {
    const page = await browser.newPage();
    try {
      await withScreenshotOnFailure(page, t.name, async () => {
        await page.goto(url('/'));
        await page.keyboard.press('Tab');
        const focused = await page.evaluate(() => {
          const el = document.activeElement as HTMLElement | null;
          const box = el?.getBoundingClientRect();
          return { className: el?.className ?? '', href: el?.getAttribute('href') ?? '', visible: !!box && box.width > 0 && box.height > 0 && box.top >= 0 };
        });
        assert.match(focused.className, /\bskip-link\b/, `the first Tab focused "${focused.className}"`);
        assert.equal(focused.href, '#main');
        assert.ok(focused.visible, 'the focused skip link is visible on screen');
        await page.keyboard.press('Enter');
        assert.equal(await page.evaluate(() => document.activeElement?.id), 'main', 'Enter moves focus to <main>');
      });
    } finally {
      await page.context().close();
    }
  });

  test('printing a procedure hides the header and keeps the content', { timeout }, async (t) => {
    const page = await browser.newPage();
    try {
      await withScreenshotOnFailure(page, t.name, async () => {
        await page.goto(url(`/thu-tuc/${birthRegistration.code}`));
        assert.ok(await page.locator('header.site-header').isVisible(), 'the header shows on screen');
        await page.emulateMedia({ media: 'print' });
        assert.equal(await page.locator('header.site-header').isVisible(), false, 'the header is hidden in print');
        assert.equal(await page.locator('footer.site-footer').isVisible(), false, 'the footer is hidden in print');
        assert.ok(await page.locator('main h1').isVisible(), 'the procedure title is printed');
        assert.ok(await page.locator('section[aria-labelledby="documents"] table').first().isVisible(), 'the documents table is printed');
      });
    } finally {
      await page.context().close();
    }
  });
});
