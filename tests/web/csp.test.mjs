// csp.test.mjs - every page runs under the engine's Content-Security-Policy
// (script-src 'self', no inline script or style): none makes chromium
// report a violation, for a visitor or for an administrator.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withPage, login, BASE_URL, DEMO } from './browser.mjs';

const PAGES = ['index.html', 'register.html', 'leaderboard.html', 'quiz.html', 'admin.html',
  'admin-units.html', 'admin-reports.html'];

async function visitAll(page) {
  for (const p of PAGES) {
    await page.goto(`${BASE_URL}/${p}`);
    await page.waitForLoadState('networkidle');
  }
}

test('no page breaks the Content-Security-Policy, logged out or in', async () => {
  await withPage(async (page) => {
    const violations = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(`${page.url()}: ${m.text()}`);
    });
    const first = await page.goto(`${BASE_URL}/`);
    const csp = first.headers()['content-security-policy'] || '';
    assert.match(csp, /script-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    await visitAll(page);
    await page.goto(`${BASE_URL}/`);
    await page.waitForSelector('#login-view:not([hidden])');
    await login(page, DEMO.admin);
    await page.waitForLoadState('networkidle');
    await visitAll(page);
    assert.deepEqual(violations, []);
  });
});
