// attendance.test.mjs - the check-in of a room seen through to its
// certificate: an administrator projects the check-in screen of an
// activity that gives certificates, a new participant on a phone-sized
// page opens the QR code's address, logs in and is counted, finds the
// activity in their history (me.html) and prints the certificate, which
// anyone can check; the administration's dashboard moves. axe-core on the
// history and the certificate.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { withPage, screenshot, assertFits, login, apiCall, apiLogin, BASE_URL, DEMO } from './browser.mjs';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const DESKTOP = { width: 1280, height: 900 };
const UNIT = 'DEMO-THCS-DP';

async function assertAccessible(page, what) {
  await page.evaluate(AXE);
  const found = await page.evaluate(async () => {
    const res = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  });
  assert.deepEqual(found, [], `axe-core on ${what}`);
}

/** The child of the admin's root unit (as the dashboard lists them) that holds unit. */
async function dashboardRowOf(token, unit) {
  const res = await apiCall('GET', '/admin/units', { token });
  assert.equal(res.status, 200);
  const byCode = new Map(res.body.units.map((u) => [u.code, u]));
  const root = res.body.units[0].code;
  let u = byCode.get(unit);
  while (u && u.parent_code && u.parent_code !== root) u = byCode.get(u.parent_code);
  assert.ok(u && u.parent_code === root, `${unit} lies under ${root}`);
  return u.code;
}

/** The dashboard's figures as shown: the row of one child unit and the plan's targets. */
async function dashboardFigures(page, row) {
  await page.goto(`${BASE_URL}/admin.html`);
  await page.waitForSelector('#admin-sections:not([hidden])');
  await page.waitForSelector(`#units-report tr[data-unit="${row}"]`);
  await page.waitForSelector('#plan-targets tbody tr');
  return {
    unit: await page.locator(`#units-report tr[data-unit="${row}"]`).innerText(),
    plan: await page.locator('#plan-targets').innerText(),
  };
}

test('a new participant checks in from the projected QR, is counted, prints the certificate, and the dashboard moves', async () => {
  const admin = await apiLogin(DEMO.admin);
  const stamp = Date.now().toString(36);
  const username = `web.attend.${stamp}`;
  const fullName = `Trần Thị Bích ${stamp}`;
  const made = await apiCall('POST', '/admin/users', {
    token: admin.token,
    body: [{ username, full_name: fullName, unit_code: UNIT, audience: 'pupil', role: 'participant' }],
  });
  assert.equal(made.status, 200, JSON.stringify(made.body));
  const person = { username, password: made.body.passwords[0].password };

  const now = Date.now();
  const title = 'Tập huấn kỹ năng nhận diện tin giả';
  const created = await apiCall('POST', '/admin/activities', {
    token: admin.token,
    body: {
      code: `web-attend-${stamp}`, title, kind: 'training', unit_code: UNIT, audiences: ['pupil'], topics: [],
      starts_at: new Date(now - 60000).toISOString(), ends_at: new Date(now + 3600000).toISOString(),
      check_in: 'open', certificate: true,
    },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const id = created.body.activity.id;
  const attendees = async () => {
    const list = await apiCall('GET', '/admin/activities', { token: admin.token });
    return list.body.activities.find((a) => a.id === id).attendees;
  };
  assert.equal(await attendees(), 0);
  // Whether the participation report counts attendance beside quizzes.
  const participation = await apiCall('GET', '/reports/participation?depth=1', { token: admin.token });
  assert.equal(participation.status, 200);
  const countsAttendance = (participation.body.rows || []).some((r) => 'attended' in r);
  const dashRow = await dashboardRowOf(admin.token, UNIT);

  let address;
  let before;
  await withPage(async (page, context, problems) => {
    await page.goto(`${BASE_URL}/`);
    await login(page, DEMO.admin);
    await page.waitForFunction(() => sessionStorage.getItem('quiz.session'));
    before = await dashboardFigures(page, dashRow);
    await page.goto(`${BASE_URL}/admin-activities.html`);
    const row = page.locator(`tr[data-activity-id="${id}"]`);
    await row.waitFor();
    const [screen] = await Promise.all([context.waitForEvent('page'), row.locator('a.screen-link').click()]);
    await screen.waitForLoadState();
    assert.equal(await screen.textContent('h1'), title);
    assert.equal(await screen.locator('.qr svg').count(), 1);
    address = await screen.getAttribute('a.url', 'href');
    assert.ok(address.endsWith(`/checkin.html#activity=${id}`), address);
    assert.deepEqual(problems, []);
  }, { viewport: DESKTOP });

  let code;
  await withPage(async (page, _context, problems) => {
    await page.goto(address);
    await page.waitForSelector('#checkin-login:not([hidden])');
    await login(page, person);
    await page.waitForSelector('#checkin-history:not([hidden])');
    assert.equal((await page.locator('#checkin-notice').textContent()).trim(), 'Bạn đã được điểm danh. Cảm ơn bạn đã tham dự!');
    await page.click('#checkin-history a');
    const card = page.locator(`li[data-activity-id="${id}"]`);
    await card.waitFor();
    assert.equal(await card.locator('h3').textContent(), title);
    assert.match(await card.textContent(), /Tự điểm danh/);
    assert.equal(await page.locator('#me-attempts-empty').isVisible(), true);
    await assertFits(page, 'the history page');
    await assertAccessible(page, 'the history page');
    await screenshot(page, 'attendance-history-360.png');
    const href = await card.locator('a.cert-link').getAttribute('href');
    assert.equal(href, `/api/v1/activities/${id}/certificate`);
    await page.goto(`${BASE_URL}${href}`);
    assert.equal((await page.textContent('h1')).trim(), 'GIẤY CHỨNG NHẬN');
    assert.equal((await page.textContent('.name')).trim(), fullName);
    assert.match(await page.textContent('main'), /đã tham dự lớp tập huấn/);
    assert.ok((await page.textContent('.issuer')).trim().length > 0);
    code = (await page.locator('p.code').first().textContent()).trim();
    assert.equal(code.length, 86);
    // Styled by its own sheet (the CSP refuses inline style).
    assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('h1')).color), 'rgb(139, 0, 0)');
    await assertAccessible(page, 'the certificate of attendance');
    await screenshot(page, 'attendance-certificate.png');
    assert.deepEqual(problems, []);
  });
  assert.equal(await attendees(), 1);

  // Anyone checks the code without logging in.
  const check = await apiCall('GET', `/certificates/${code}`);
  assert.equal(check.status, 200);
  assert.equal(check.body.certificate.kind, 'attendance');
  assert.equal(check.body.certificate.activity_id, id);
  assert.equal(check.body.certificate.full_name, fullName);

  await withPage(async (page) => {
    await page.goto(`${BASE_URL}/`);
    await login(page, DEMO.admin);
    await page.waitForFunction(() => sessionStorage.getItem('quiz.session'));
    const after = await dashboardFigures(page, dashRow);
    await page.locator(`#units-report tr[data-unit="${dashRow}"]`).scrollIntoViewIfNeeded();
    await screenshot(page, 'attendance-dashboard.png');
    if (countsAttendance) {
      // The new person's unit now counts one more attendee (and person reached).
      assert.notEqual(after.unit, before.unit, `the dashboard row of ${dashRow} shows the new attendee`);
    } else {
      // Attendance is not on the participation report yet: the quiz figures stay.
      assert.equal(after.unit, before.unit);
    }
  }, { viewport: DESKTOP });
});
