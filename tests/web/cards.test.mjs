// cards.test.mjs - login cards: an administrator prints the cards of a
// pupil's school, and the page a card's QR image opens
// (index.html#card=CODE) logs the pupil in without a password.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withPage, screenshot, apiCall, apiLogin, BASE_URL, DEMO, PHONE } from './browser.mjs';

async function printCards(token, unit) {
  const res = await fetch(`${BASE_URL}/api/v1/admin/units/${encodeURIComponent(unit)}/cards?audience=pupil`, {
    method: 'POST', headers: { Authorization: `Bearer ${token}` },
  });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /text\/html/);
  return res.text();
}

test('a login card\'s QR address logs the pupil in', async () => {
  const admin = await apiLogin(DEMO.admin);
  const found = await apiCall('GET', `/admin/users?q=${encodeURIComponent(DEMO.pupil.username)}`, { token: admin.token });
  assert.equal(found.status, 200);
  const pupil = found.body.users.find((u) => u.username === DEMO.pupil.username);
  assert.ok(pupil, 'the pupil is found');
  const sheet = await printCards(admin.token, pupil.unit_code);
  const at = sheet.indexOf(`class="user">${DEMO.pupil.username}<`);
  assert.ok(at > 0, 'the pupil has a card');
  const code = /class="code">([A-Z0-9-]+)</.exec(sheet.slice(at))[1];
  assert.match(code, /^[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){3}$/);

  await withPage(async (page, _context, problems) => {
    // The sheet as printed, with its stylesheet.
    await page.setViewportSize({ width: 794, height: 1123 }); // A4 at 96 dpi
    await page.goto(`${BASE_URL}/index.html`);
    await page.setContent(sheet.replace('<head>', `<head><base href="${BASE_URL}/">`));
    await page.waitForSelector('.card svg');
    await screenshot(page, 'login-cards.png');
    await page.setViewportSize(PHONE);

    // As a phone camera opens it: a fresh load, not a change of fragment.
    await page.goto('about:blank');
    await page.goto(`${BASE_URL}/index.html#card=${code}`);
    await page.waitForSelector('#quizzes-view:not([hidden])');
    assert.match(await page.textContent('#hello'), new RegExp(DEMO.pupil.fullName));
    assert.equal(new URL(page.url()).hash, '', 'the code leaves the address bar');
    await screenshot(page, 'card-login.png');

    // The same code after new cards: refused, the login form stays.
    await printCards(admin.token, pupil.unit_code);
    await page.evaluate(() => sessionStorage.clear() || localStorage.clear());
    await page.goto('about:blank');
    await page.goto(`${BASE_URL}/index.html#card=${code}`);
    await page.waitForSelector('#login-notice:not(:empty)');
    assert.equal(await page.isHidden('#quizzes-view'), true);
    assert.deepEqual(problems, []);
  });
});
