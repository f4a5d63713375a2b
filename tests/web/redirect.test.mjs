// redirect.test.mjs - the login page's `next` leads only to a page of this
// site: every variant an attacker tries (tab or newline inside the slashes,
// backslashes, protocol-relative and absolute URLs, javascript:) lands on
// the site's own page after login.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withPage, login, BASE_URL, DEMO } from './browser.mjs';

const ORIGIN = new URL(BASE_URL).origin;

// Raw query values, as a crafted link would carry them.
const HOSTILE = [
  '/%09/evil.example/x',
  '/%0A/evil.example/x',
  '/%0D/evil.example/x',
  '%09/%09/evil.example/x',
  '//evil.example/x',
  '/%5Cevil.example/x',
  '/%5C%5Cevil.example/x',
  '%5C%5Cevil.example/x',
  '///evil.example/x',
  '/%2F/evil.example/x',
  'https://evil.example/x',
  'https:evil.example/x',
  '%20//evil.example/x',
  'javascript:alert(1)',
  '/%09%09/evil.example',
];

for (const raw of HOSTILE) {
  test(`next=${raw} lands on this site after login`, async () => {
    await withPage(async (page) => {
      const offsite = [];
      page.on('request', (req) => {
        if (new URL(req.url()).hostname.endsWith('evil.example')) offsite.push(req.url());
      });
      await page.goto(`${BASE_URL}/index.html?next=${raw}`);
      await page.waitForSelector('#login-view:not([hidden])');
      await login(page, DEMO.pupil);
      await page.waitForSelector('#quizzes-view:not([hidden])');
      assert.equal(new URL(page.url()).origin, ORIGIN, `ended at ${page.url()}`);
      assert.deepEqual(offsite, [], 'no request left the site');
    });
  });
}

test('a next that is a page of this site is followed after login', async () => {
  await withPage(async (page) => {
    await page.goto(`${BASE_URL}/index.html?next=${encodeURIComponent('/leaderboard.html?quiz=1#top')}`);
    await page.waitForSelector('#login-view:not([hidden])');
    await login(page, DEMO.pupil);
    await page.waitForURL((u) => u.pathname === '/leaderboard.html');
    const url = new URL(page.url());
    assert.equal(url.origin, ORIGIN);
    assert.equal(url.pathname, '/leaderboard.html');
    assert.equal(url.search, '?quiz=1');
  });
});
