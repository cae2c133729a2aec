import type { Page } from 'playwright-core';
import { nextTotpCode, rememberTotpSecret, secondFactorPath, totpEnrolmentPath } from '../../src/modules/identity/testing.js';

/** Runs `action` (a click, a submit) and waits until the page it leads to has loaded. */
export async function navigateBy(page: Page, action: () => Promise<void>): Promise<void> {
  const navigated = page.waitForEvent('framenavigated', { predicate: (frame) => frame === page.mainFrame(), timeout: 30_000 });
  navigated.catch(() => undefined); // when action() throws, its error is the one to report
  await action();
  await navigated;
  await page.waitForLoadState('load');
}

/**
 * Signs an officer in through the pages in Chromium, second factor included: the TOTP code (demo officers share
 * the seed's demo secret; `nextTotpCode` never reuses a step), or — for an officer without an authenticator — the
 * enrolment, reading the setup key from the page like a person typing it into their app, then continuing past the
 * recovery codes. Ends on the officer's landing page (or `next`). `onPage` sees each page of the way (e.g. axe).
 */
export async function signInOfficerInPage(
  page: Page,
  baseUrl: string,
  username: string,
  password: string,
  options: { next?: string; onPage?: (label: string) => Promise<void> } = {},
): Promise<void> {
  const onPage = options.onPage ?? (async () => undefined);
  await page.goto(`${baseUrl}/dang-nhap${options.next ? `?next=${encodeURIComponent(options.next)}` : ''}`);
  await page.locator('#account').fill(username);
  await page.locator('#password').fill(password);
  await navigateBy(page, () => page.locator('main form[action="/dang-nhap"] button[type="submit"]').click());
  const path = new URL(page.url()).pathname;
  if (path === totpEnrolmentPath) {
    await onPage('authenticator enrolment');
    const secret = ((await page.locator('#totp-secret').textContent()) ?? '').replace(/\s+/g, '');
    rememberTotpSecret(username, secret);
    await page.locator('#code').fill(await nextTotpCode(username));
    await navigateBy(page, () => page.locator(`main form[action="${totpEnrolmentPath}"] button[type="submit"]`).click());
    await page.waitForSelector('.recovery-codes');
    await onPage('recovery codes');
    await navigateBy(page, () => page.locator('main a.button').last().click());
  } else if (path === secondFactorPath) {
    await onPage('second factor');
    await page.locator('#code').fill(await nextTotpCode(username));
    await navigateBy(page, () => page.locator(`main form[action="${secondFactorPath}"] button[type="submit"]`).click());
  }
}
