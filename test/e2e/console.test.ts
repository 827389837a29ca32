import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildHost, startChildHost } from '../support/child-host.js';

/*
 * The console in headless Chromium (Debian's `chromium`, which .ci/run installs when it is missing) against `npm
 * start` as a separate process: paste a token, plan a resource as a dry run, read the rendered plan, open the task.
 */
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find(existsSync);
// A laptop without Chromium skips this file (README says how to install it); CI installs it and requires it.
const required = process.env.POLICYSYNC_REQUIRE_CHROMIUM === '1';

let host: ChildHost;
let browser: Browser;
let page: Page;
let consoleUrl: string;

async function pasteToken(token: string) {
  await page.fill('#token', token);
  await page.click('#token-form button[type=submit]');
  await page.waitForSelector('#token-state:has-text("token set")');
}

async function plan(type: string, name: string) {
  await page.goto(`${consoleUrl}/#/plan`);
  await page.waitForSelector(`#plan-type option[value="${type}"], #plan-type option:text-is("${type}")`, {
    state: 'attached',
  });
  await page.selectOption('#plan-type', type);
  await page.fill('#plan-name', name);
  await page.click('#plan-form button[type=submit]');
  await page.waitForSelector('#plan-result .resource', { timeout: 30_000 });
}

describe.skipIf(!CHROMIUM && !required)('the console in headless Chromium', () => {
  beforeAll(async () => {
    if (!CHROMIUM) throw new Error("headless Chromium is missing: .ci/run installs Debian's chromium package");
    [host, browser] = await Promise.all([
      startChildHost(),
      chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] }),
    ]);
    consoleUrl = host.apiUrl.replace(/\/v1$/, '/console');
    page = await browser.newPage();
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  it('is served under a strict Content-Security-Policy, at the folder URL', async () => {
    const response = await page.goto(consoleUrl);
    expect(page.url()).toBe(`${consoleUrl}/`);
    const csp = response!.headers()['content-security-policy'];
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(response!.headers()['x-content-type-options']).toBe('nosniff');
  });

  it('plans a table as a dry run and shows the plan, then opens the task', async () => {
    await page.goto(consoleUrl);
    await pasteToken(host.token);
    await plan('table', 'SALES.PUBLIC.ORDERS');
    const rows = await page.$$eval('#plan-result table.plan tr', (trs) => trs.map((tr) => tr.textContent ?? ''));
    expect(rows.join('\n')).toMatch(/GRANT.*SALES\.PUBLIC\.ORDERS.*ENGINEER.*INSERT, SELECT/);
    expect(await page.textContent('#plan-result')).toContain('SUCCESS');

    await page.click('#plan-result a');
    await page.waitForSelector('#task-header dd');
    expect(await page.textContent('#task-header')).toContain('Dry run');
    expect(await page.textContent('#task-resources')).toContain('table SALES.PUBLIC.ORDERS');
  });

  it('lists the dry-run task it just made under Tasks, and the filters narrow the list', async () => {
    await plan('table', 'SALES.PUBLIC.CUSTOMERS');
    const taskId = (await page.getAttribute('#plan-result a', 'href'))!.replace('#/tasks/', '');
    expect(taskId).toMatch(/^\d+$/);

    await page.goto(`${consoleUrl}/#/tasks`);
    const row = page.locator('#tasks tbody tr', { has: page.locator(`a[href="#/tasks/${taskId}"]`) });
    await row.waitFor();
    expect(await row.locator('td').allTextContents()).toEqual([
      taskId,
      'SUCCESS',
      'API',
      expect.any(String),
      expect.any(String),
    ]);
    expect(await page.locator('#tasks tbody tr').count()).toBeGreaterThanOrEqual(2);

    await page.selectOption('#status-filter', 'FAILED');
    await page.waitForSelector('#tasks-empty:not([hidden])');
    expect(await page.locator('#tasks tbody tr').count()).toBe(0);
    await page.selectOption('#status-filter', 'SUCCESS');
    await row.waitFor();
  });

  it('keeps the token in sessionStorage, never in the URL or a cookie', async () => {
    expect(page.url()).not.toContain(host.token);
    expect(await page.context().cookies()).toEqual([]);
    expect(await page.evaluate(() => sessionStorage.getItem('policysync.token'))).toBe(host.token);
  });

  it('shows a hostile resource name as text: no markup from a task reaches the page', async () => {
    await plan('table', 'SALES.PUBLIC."<img src=x onerror=\'document.title=`pwned`\'>"');
    const result = await page.textContent('#plan-result');
    expect(result).toContain('<img src=x');
    expect(await page.$$('#plan-result img')).toHaveLength(0);
    expect(await page.title()).toBe('policysync console');
  });
});
