// admin-units.test.mjs - the units page's tree with each audience's
// headcount edited in place, by mouse and by keyboard: Enter saves through
// the headcount API, Escape cancels, a bad number and a refused one are
// said next to the table; a unit admin sees only its subtree.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withPage, screenshot, login, apiCall, apiLogin, BASE_URL, DEMO } from './browser.mjs';

const WIDE = { viewport: { width: 1280, height: 900 } };
// Next year's declarations: this year's figures, which other tests read, stay.
const YEAR = new Date().getFullYear() + 1;

async function unitsPage(page, who) {
  await page.goto(`${BASE_URL}/`);
  await login(page, who);
  await page.waitForSelector('#quizzes-view:not([hidden])');
  await page.goto(`${BASE_URL}/admin-units.html`);
  await page.waitForSelector('#admin-sections:not([hidden])');
  await page.locator('#units-tree tbody tr').first().waitFor();
  await page.fill('#tree-year', String(YEAR));
  await page.click('#tree-show');
  await page.waitForFunction(() => !document.querySelector('#tree-show').disabled);
}

async function headcount(token, unit, audience) {
  const res = await apiCall('GET', `/reports/participation?year=${YEAR}&unit=${unit}&depth=0&audience=${audience}`, { token });
  assert.equal(res.status, 200);
  return res.body.rows[0];
}

const cell = (unit, audience) => `#units-tree td[data-unit="${unit}"][data-audience="${audience}"]`;

test('the units tree shows every unit with its headcounts, edited in place: Enter saves, Escape cancels', async () => {
  const { token } = await apiLogin(DEMO.admin);
  const units = await apiCall('GET', '/admin/units', { token });
  await withPage(async (page, _context, problems) => {
    await unitsPage(page, DEMO.admin);
    assert.equal(await page.locator('#units-tree tbody tr').count(), units.body.units.length);
    // By mouse: click, type, Enter.
    await page.click(`${cell('DEMO-THCS-DP', 'pupil')} button`);
    await page.locator(`${cell('DEMO-THCS-DP', 'pupil')} input`).waitFor();
    await page.fill(`${cell('DEMO-THCS-DP', 'pupil')} input`, '345');
    await page.press(`${cell('DEMO-THCS-DP', 'pupil')} input`, 'Enter');
    await page.locator('#tree-notice.notice-ok').waitFor();
    assert.equal((await page.textContent(`${cell('DEMO-THCS-DP', 'pupil')} button`)).trim(), '345');
    assert.ok(await page.evaluate((sel) => document.activeElement === document.querySelector(`${sel} button`), cell('DEMO-THCS-DP', 'pupil')),
      'focus is back on the cell');
    const row = await headcount(token, 'DEMO-THCS-DP', 'pupil');
    assert.equal(row.headcount, 345);
    assert.equal(row.headcount_source, 'declared');
    // The parent's figure follows (it declared nothing for next year).
    const parent = units.body.units.find((u) => u.code === 'DEMO-THCS-DP').parent_code;
    const up = await headcount(token, parent, 'pupil');
    assert.equal((await page.textContent(`${cell(parent, 'pupil')} button`)).trim(), `(${up.headcount})`);
    await screenshot(page, 'admin-units-tree.png');

    // By keyboard alone: Enter opens, Escape cancels and keeps the figure.
    await page.focus(`${cell('DEMO-THCS-DP', 'pupil')} button`);
    await page.keyboard.press('Enter');
    await page.locator(`${cell('DEMO-THCS-DP', 'pupil')} input`).waitFor();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('9');
    await page.keyboard.press('Escape');
    await page.locator(`${cell('DEMO-THCS-DP', 'pupil')} button`).waitFor();
    assert.equal((await page.textContent(`${cell('DEMO-THCS-DP', 'pupil')} button`)).trim(), '345');
    assert.equal((await headcount(token, 'DEMO-THCS-DP', 'pupil')).headcount, 345);
    // Tab to the next audience's cell, Space opens it, Enter saves.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.dataset.audience), 'university_student');
    await page.keyboard.press('Space');
    await page.locator(`${cell('DEMO-THCS-DP', 'university_student')} input`).waitFor();
    await page.keyboard.type('12');
    await page.keyboard.press('Enter');
    await page.locator('#tree-notice.notice-ok').waitFor();
    assert.equal((await headcount(token, 'DEMO-THCS-DP', 'university_student')).headcount, 12);

    // A bad number is refused here; one the server refuses shows its message.
    await page.click(`${cell('DEMO-THCS-DP', 'public')} button`);
    await page.fill(`${cell('DEMO-THCS-DP', 'public')} input`, '-4');
    await page.press(`${cell('DEMO-THCS-DP', 'public')} input`, 'Enter');
    await page.locator('#tree-notice.notice-error').waitFor();
    assert.equal(await page.getAttribute(`${cell('DEMO-THCS-DP', 'public')} input`, 'aria-invalid'), 'true');
    await page.fill(`${cell('DEMO-THCS-DP', 'public')} input`, '999999999999');
    await page.press(`${cell('DEMO-THCS-DP', 'public')} input`, 'Enter');
    await page.locator('#tree-notice.notice-error', { hasText: /count/ }).waitFor();
    await screenshot(page, 'admin-units-tree-error.png');
    await page.press(`${cell('DEMO-THCS-DP', 'public')} input`, 'Escape');
    await page.locator(`${cell('DEMO-THCS-DP', 'public')} button`).waitFor();
    assert.equal((await headcount(token, 'DEMO-THCS-DP', 'public')).headcount_source === 'declared', false);
    assert.deepEqual(problems.filter((p) => !/status of 400/.test(p)), []);
  }, WIDE);
});

test('a unit admin\'s tree holds its own subtree only', async () => {
  const { token } = await apiLogin(DEMO.unitAdmin);
  const units = await apiCall('GET', '/admin/units', { token });
  await withPage(async (page) => {
    await unitsPage(page, DEMO.unitAdmin);
    const codes = await page.locator('#units-tree tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.unit));
    assert.deepEqual(codes, units.body.units.map((u) => u.code));
    assert.ok(codes.length >= 1);
  }, WIDE);
});
