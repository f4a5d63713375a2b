// admin-people.test.mjs - the people page as an administrator uses it: find
// a pupil by a name typed without diacritics, reset the password and log in
// with it; disable an account and see its login refused; print login cards
// for a class and log in by a card's code; a unit admin sees only its
// subtree; the audit log shows the writes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withPage, screenshot, login, apiCall, apiLogin, BASE_URL, DEMO } from './browser.mjs';

const WIDE = { viewport: { width: 1280, height: 900 } };
// Letters only: the search matches words, and the name must be unique.
const SUFFIX = Date.now().toString(36).replace(/[0-9]/g, (d) => 'abcdefghij'[d]);

async function adminOn(page, who, target) {
  await page.goto(`${BASE_URL}/`);
  await login(page, who);
  await page.waitForSelector('#quizzes-view:not([hidden])');
  await page.goto(`${BASE_URL}/${target}`);
  await page.waitForSelector('#admin-sections:not([hidden])');
}

/** Creates people (and a class) through the API; returns their passwords by username. */
async function makePeople(token, unit, people) {
  if (unit) {
    const u = await apiCall('POST', '/admin/units', { token, body: [unit] });
    assert.equal(u.status, 200, JSON.stringify(u.body));
  }
  const res = await apiCall('POST', '/admin/users', { token, body: people });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.created, people.length, JSON.stringify(res.body.errors));
  return Object.fromEntries(res.body.passwords.map((p) => [p.username, p.password]));
}

async function findOne(page, q) {
  await page.fill('#search-q', q);
  await page.click('#search-submit');
  await page.waitForFunction(() => document.querySelectorAll('#people tbody tr').length === 1);
}

test('find a pupil by a name typed without diacritics, reset the password and log in with it', async () => {
  const { token } = await apiLogin(DEMO.admin);
  const username = `web.reset.${SUFFIX}`;
  const fullName = `Đặng Thùy Ánh ${SUFFIX}`;
  await makePeople(token, null, [{ username, full_name: fullName, unit_code: 'DEMO-THCS-DP', audience: 'pupil', role: 'participant' }]);
  let password = '';
  await withPage(async (page, _context, problems) => {
    await adminOn(page, DEMO.admin, 'admin-people.html');
    await findOne(page, `dang thuy anh ${SUFFIX}`);
    assert.equal(await page.textContent('#people tbody tr td:nth-child(2)'), fullName);
    await page.click('#people tbody tr button');
    await page.locator('#person-title', { hasText: username }).waitFor();
    page.once('dialog', (d) => d.accept());
    await page.click('#reset-password');
    await page.locator('#new-password:not([hidden])').waitFor();
    password = (await page.textContent('#new-password-value')).trim();
    assert.ok(password.length >= 10, 'a generated password is shown');
    assert.ok(await page.isVisible('#print-password'), 'with a print button');
    await screenshot(page, 'admin-people-reset.png');
    const audit = await apiCall('GET', '/admin/audit?limit=5', { token });
    assert.ok(audit.body.entries.some((e) => e.action === 'user.password_reset'), 'the reset is in the audit log');
    assert.deepEqual(problems, []);
  }, WIDE);
  await withPage(async (page) => {
    await page.goto(`${BASE_URL}/`);
    await login(page, { username, password });
    await page.locator('#hello', { hasText: fullName }).waitFor();
  });
});

test('disable an account and see its login refused; enable it again', async () => {
  const { token } = await apiLogin(DEMO.admin);
  const username = `web.off.${SUFFIX}`;
  const passwords = await makePeople(token, null, [{ username, full_name: `Phạm Đức Khoa ${SUFFIX}`, unit_code: 'DEMO-THCS-DP', audience: 'pupil', role: 'participant' }]);
  const creds = { username, password: passwords[username] };
  assert.equal((await apiCall('POST', '/auth/login', { body: creds })).status, 200);
  await withPage(async (page) => {
    await adminOn(page, DEMO.admin, 'admin-people.html');
    await findOne(page, `pham duc khoa ${SUFFIX}`);
    await page.click('#people tbody tr button');
    await page.locator('#person-title', { hasText: username }).waitFor();
    await page.click('#toggle-disabled');
    await page.locator('#person-notice.notice-ok').waitFor();
    await page.locator('#people tbody tr td.unmet').waitFor();
    assert.equal((await apiCall('POST', '/auth/login', { body: creds })).status, 401);
    await screenshot(page, 'admin-people-disabled.png');
    // The audit page shows the edit with before and after.
    await page.click('#admin-nav a[href="admin-audit.html"]');
    await page.locator('#audit tbody tr', { hasText: 'user.update' }).first().waitFor();
    assert.match(await page.locator('#audit tbody tr', { hasText: 'user.update' }).first().textContent(), /disabled: false → true/);
    await screenshot(page, 'admin-audit.png');
    await page.goBack();
    await findOne(page, `pham duc khoa ${SUFFIX}`);
    await page.click('#people tbody tr button');
    await page.click('#toggle-disabled');
    await page.locator('#person-notice.notice-ok').waitFor();
  }, WIDE);
  assert.equal((await apiCall('POST', '/auth/login', { body: creds })).status, 200);
});

test('print login cards for a class and log in by a card\'s code', async () => {
  const { token } = await apiLogin(DEMO.admin);
  const unit = `WEB-CARDS-${SUFFIX.toUpperCase()}`;
  const people = [1, 2, 3].map((i) => ({ username: `web.card.${SUFFIX}.${i}`, full_name: `Học Sinh Thẻ ${i} ${SUFFIX}`, unit_code: unit, audience: 'pupil', role: 'participant' }));
  await makePeople(token, { code: unit, name: `Lớp thử thẻ ${SUFFIX}`, kind: 'school', parent_code: 'DEMO-HA' }, people);
  let code = '';
  let name = '';
  await withPage(async (page, context) => {
    await adminOn(page, DEMO.admin, 'admin-people.html');
    await page.fill('#cards-unit', unit);
    const [sheet] = await Promise.all([context.waitForEvent('page'), page.click('#cards-print')]);
    await sheet.waitForLoadState();
    await sheet.locator('article.card').first().waitFor();
    assert.equal(await sheet.locator('article.card').count(), 3);
    assert.equal(await sheet.locator('article.card svg.qr').count(), 3);
    code = (await sheet.locator('article.card .code').first().textContent()).trim();
    name = (await sheet.locator('article.card .name').first().textContent()).trim();
    await screenshot(sheet, 'admin-cards-sheet.png');
  }, WIDE);
  assert.ok(code.length >= 16, `a login code is printed (${code})`);
  await withPage(async (page) => {
    await page.goto(`${BASE_URL}/index.html#card=${encodeURIComponent(code.replace(/\s/g, ''))}`);
    await page.locator('#hello', { hasText: name }).waitFor();
    await screenshot(page, 'card-login.png');
  });
});

test('a unit admin finds only people of its subtree and has no audit page', async () => {
  await withPage(async (page) => {
    await adminOn(page, DEMO.unitAdmin, 'admin-people.html');
    await page.locator('#people tbody tr').first().waitFor();
    const units = await page.locator('#people tbody tr td:nth-child(3)').allTextContents();
    assert.ok(units.length > 0);
    for (const u of units) assert.equal(u, 'Trường THCS Đông Phước');
    // Asking for the whole province is refused, and the page says so.
    await page.fill('#search-unit', 'DEMO');
    await page.click('#search-submit');
    await page.locator('#search-notice.notice-error').waitFor();
    assert.equal(await page.locator('#admin-nav a[href="admin-audit.html"]').count(), 0);
    await page.goto(`${BASE_URL}/admin-audit.html`);
    await page.waitForURL(/admin\.html$/);
    await screenshot(page, 'admin-people-unit-admin.png');
  }, WIDE);
});

test('a person\'s page shows identity, attempts with results, activities and certificates, and has its own address', async () => {
  const { token } = await apiLogin(DEMO.admin);
  const list = await apiCall('GET', '/admin/users?q=demo-thcs-dp.01', { token });
  const who = list.body.users.find((u) => u.username === 'demo-thcs-dp.01');
  assert.ok(who, 'the demo pupil exists');
  const record = await apiCall('GET', `/admin/users/${who.id}/attempts`, { token });
  assert.equal(record.status, 200);
  assert.ok(record.body.attempts.length > 0, 'the demo pupil has attempts');
  await withPage(async (page, _context, problems) => {
    await adminOn(page, DEMO.admin, 'admin-people.html');
    await findOne(page, 'demo-thcs-dp.01');
    await page.click('#people tbody tr button');
    await page.locator('#person-title', { hasText: 'demo-thcs-dp.01' }).waitFor();
    await page.waitForURL(new RegExp(`\\?person=${who.id}$`));
    await page.waitForFunction((n) => document.querySelectorAll('#person-attempts-table tbody tr').length === n, record.body.attempts.length);
    const facts = await page.textContent('#person-facts');
    assert.match(facts, new RegExp(who.unit_name));
    const first = record.body.attempts[0];
    const row = page.locator(`#person-attempts-table tbody tr[data-attempt-id="${first.id}"]`);
    assert.match(await row.textContent(), new RegExp(first.quiz_code));
    assert.match(await row.locator('td').nth(3).textContent(), first.score === null ? /–/ : new RegExp(`${first.score}`));
    const issued = [...record.body.attempts, ...record.body.activities].filter((x) => x.certificate).length;
    assert.equal(await page.locator('#person-certs li a').count(), issued);
    assert.equal(await page.locator('#person-activities li[data-activity-id]').count(), record.body.activities.length);
    await page.locator('#person-attempts-title').scrollIntoViewIfNeeded();
    await screenshot(page, 'admin-person-page.png');
    // The address opens the same page directly, with the actions there.
    await page.reload();
    await page.locator('#person-title', { hasText: 'demo-thcs-dp.01' }).waitFor();
    await page.waitForFunction((n) => document.querySelectorAll('#person-attempts-table tbody tr').length === n, record.body.attempts.length);
    assert.ok(await page.isVisible('#reset-password'));
    assert.ok(await page.isVisible('#toggle-disabled'));
    assert.deepEqual(problems, []);
  }, WIDE);
  // A unit admin outside the person's subtree reaches no such page.
  await withPage(async (page) => {
    const other = (await apiCall('GET', '/admin/users?q=admin', { token })).body.users.find((u) => u.username === 'admin');
    await adminOn(page, DEMO.unitAdmin, `admin-people.html?person=${other.id}`);
    await page.locator('#search-notice.notice-error').waitFor();
    assert.ok(await page.isHidden('#person'));
  }, WIDE);
});
