// activities.test.mjs - the check-in of a room: an administrator opens the
// activities page and projects the check-in screen, a participant on a
// phone-sized page opens the QR code's address, logs in and is counted.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withPage, screenshot, assertFits, login, apiCall, apiLogin, BASE_URL, DEMO } from './browser.mjs';

const DESKTOP = { width: 1280, height: 900 };

test('a participant scans the projected check-in, logs in on a phone and is counted', async () => {
  const admin = await apiLogin(DEMO.admin);
  const units = await apiCall('GET', '/admin/units', { token: admin.token });
  assert.equal(units.status, 200);
  const now = Date.now();
  const code = `web-checkin-${now.toString(36)}`;
  const title = 'Tập huấn nhận diện lừa đảo trực tuyến';
  const created = await apiCall('POST', '/admin/activities', {
    token: admin.token,
    body: {
      code, title, kind: 'training', unit_code: units.body.units[0].code, audiences: ['pupil'], topics: [],
      starts_at: new Date(now - 60000).toISOString(), ends_at: new Date(now + 3600000).toISOString(), check_in: 'open',
    },
  });
  assert.equal(created.status, 201);
  const id = created.body.activity.id;
  const attendees = async () => {
    const list = await apiCall('GET', '/admin/activities', { token: admin.token });
    return list.body.activities.find((a) => a.id === id).attendees;
  };
  assert.equal(await attendees(), 0);

  let address;
  await withPage(async (page, context, problems) => {
    await page.goto(`${BASE_URL}/`);
    await login(page, DEMO.admin);
    await page.waitForFunction(() => sessionStorage.getItem('quiz.session'));
    await page.goto(`${BASE_URL}/admin-activities.html`);
    const row = page.locator(`tr[data-activity-id="${id}"]`);
    await row.waitFor();
    assert.equal(await row.locator('td.attendees').textContent(), '0');
    const [screen] = await Promise.all([context.waitForEvent('page'), row.locator('a.screen-link').click()]);
    await screen.waitForLoadState();
    assert.equal(await screen.textContent('h1'), title);
    assert.equal(await screen.locator('.qr svg').count(), 1);
    address = await screen.getAttribute('a.url', 'href');
    assert.ok(address.endsWith(`/checkin.html#activity=${id}`), address);
    await screenshot(screen, 'activity-check-in-screen.png');
    assert.deepEqual(problems, []);
  }, { viewport: DESKTOP });

  await withPage(async (page, _context, problems) => {
    await page.goto(address);
    await page.waitForSelector('#checkin-login:not([hidden])');
    await assertFits(page, 'the check-in page');
    await login(page, DEMO.pupil);
    const done = page.locator('#checkin-notice');
    await page.waitForFunction(() => /điểm danh/.test(document.querySelector('#checkin-notice').textContent)
      && !document.querySelector('#checkin-notice').hidden);
    assert.equal((await done.textContent()).trim(), 'Bạn đã được điểm danh. Cảm ơn bạn đã tham dự!');
    await screenshot(page, 'activity-check-in-phone-360.png');
    assert.deepEqual(problems, []);
  });
  assert.equal(await attendees(), 1);

  // Once closed, the phone is told so in Vietnamese.
  const closed = await apiCall('PATCH', `/admin/activities/${id}`, { token: admin.token, body: { check_in: 'closed' } });
  assert.equal(closed.status, 200);
  await withPage(async (page) => {
    await page.goto(address);
    await login(page, DEMO.pupil);
    await page.waitForFunction(() => document.querySelector('#checkin-notice').textContent.includes('không mở điểm danh'));
  });
  assert.equal(await attendees(), 1);
});
