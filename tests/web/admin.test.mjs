// admin.test.mjs - the administration pages: the dashboard against the
// plan and participation APIs (Chart.js served from its Debian package),
// the reports page, the role rules (a participant reaches no admin page, a
// unit admin sees its subtree), axe-core on every page, keyboard use, and
// the weight of the admin pages' scripts and styles.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { withPage, screenshot, login, apiCall, apiLogin, BASE_URL, DEMO, assertAccessible } from './browser.mjs';

const WIDE = { viewport: { width: 1280, height: 900 } };
const ADMIN_PAGES = ['admin.html', 'admin-people.html', 'admin-units.html', 'admin-banks.html', 'admin-quizzes.html', 'admin-reports.html', 'admin-audit.html'];

async function loginTo(page, who, target) {
  await page.goto(`${BASE_URL}/`);
  await login(page, who);
  await page.waitForSelector('#quizzes-view:not([hidden])');
  if (target) await page.goto(`${BASE_URL}/${target}`);
}

/** Runs axe-core on the page; fails on any serious or critical violation. */
test('the dashboard shows the plan targets, the deadlines and participation per child unit, drilling down', async () => {
  const { token } = await apiLogin(DEMO.admin);
  const plans = await apiCall('GET', '/admin/plans', { token });
  assert.equal(plans.status, 200);
  await withPage(async (page, _context, problems) => {
    await loginTo(page, DEMO.admin);
    await page.click('.nav a[href="admin.html"]');
    await page.waitForSelector('#admin-sections:not([hidden])');
    assert.equal(await page.getAttribute('#admin-nav a[aria-current="page"]', 'href'), 'admin.html');
    // Days left to 30 November and 15 December, counted as the page's date.
    assert.equal(await page.locator('#deadlines li').count(), 2);
    const plan = await page.inputValue('#plan-code');
    const year = await page.inputValue('#dash-year');
    const report = await apiCall('GET', `/reports/plans/${plan}?year=${year}`, { token });
    assert.equal(report.status, 200);
    await page.locator('#plan-targets tbody tr').first().waitFor();
    assert.equal(await page.locator('#plan-targets tbody tr').count(), report.body.targets.length);
    const unmet = report.body.targets.filter((x) => !x.met).length;
    assert.equal(await page.locator('#plan-targets td.unmet').count(), unmet);
    // Chart.js came from quizd's /vendor/chart.js and drew both charts.
    await page.waitForFunction(() => window.Chart && window.Chart.getChart('plan-chart') && window.Chart.getChart('units-chart'));
    assert.ok(await page.isHidden('#chart-notice'), 'no missing-library notice');
    const bars = await page.evaluate(() => window.Chart.getChart('plan-chart').data.datasets[0].data);
    assert.deepEqual(bars, report.body.targets.map((x) => x.actual_percent));
    // Participation per child unit, sorted; a child opens its own children.
    const part = await apiCall('GET', `/reports/participation?year=${year}&depth=1`, { token });
    const root = part.body.rows[0].unit_code;
    const children = new Set(part.body.rows.map((r) => r.unit_code).filter((c) => c !== root));
    await page.locator('#units-report tbody tr').first().waitFor();
    assert.equal(await page.locator('#units-report tbody tr').count(), children.size);
    const percents = await page.evaluate(() => window.Chart.getChart('units-chart').data.datasets[0].data);
    assert.deepEqual([...percents], [...percents].sort((a, b) => b - a), 'sorted, highest first');
    await screenshot(page, 'admin-dashboard-1280.png');
    const first = page.locator('#units-report tbody tr').first();
    const code = await first.getAttribute('data-unit');
    await first.locator('button').click();
    await page.locator('#unit-trail [aria-current="page"]').filter({ hasNotText: root }).waitFor();
    assert.equal(await page.locator('#unit-trail li').count(), 2);
    const sub = await apiCall('GET', `/reports/participation?year=${year}&depth=1&unit=${code}`, { token });
    const subChildren = new Set(sub.body.rows.map((r) => r.unit_code).filter((c) => c !== code));
    await page.waitForFunction((n) => document.querySelectorAll('#units-report tbody tr').length === n, subChildren.size);
    await screenshot(page, 'admin-dashboard-drill-1280.png');
    // Back up the tree through the trail.
    await page.locator('#unit-trail button').first().click();
    await page.waitForFunction((n) => document.querySelectorAll('#units-report tbody tr').length === n, children.size);
    assert.deepEqual(problems, []);
  }, WIDE);
});

test('the dashboard draws participation per week of the year as a line, following the drill-down', async () => {
  const { token } = await apiLogin(DEMO.admin);
  await withPage(async (page, _context, problems) => {
    await loginTo(page, DEMO.admin, 'admin.html');
    const year = await page.inputValue('#dash-year');
    await page.locator('#units-report tbody tr').first().waitFor();
    const root = await page.locator('#unit-trail [aria-current="page"]').textContent();
    const part = await apiCall('GET', `/reports/participation?year=${year}&depth=0`, { token });
    const rootCode = part.body.rows[0].unit_code;
    const weekly = await apiCall('GET', `/reports/participation/weekly?year=${year}&unit=${rootCode}`, { token });
    assert.equal(weekly.status, 200);
    assert.ok(weekly.body.participants > 0, 'the demo has participants this year');
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
    const weeks = weekly.body.weeks.filter((w) => w.starts_on <= today);
    await page.waitForFunction((n) => document.querySelectorAll('#weekly-report tbody tr').length === n, weeks.length);
    await page.waitForFunction(() => window.Chart && window.Chart.getChart('weekly-chart'));
    const line = await page.evaluate(() => {
      const c = window.Chart.getChart('weekly-chart');
      return { type: c.config.type, labels: c.data.labels, cumulative: c.data.datasets[0].data, perWeek: c.data.datasets[1].data };
    });
    assert.equal(line.type, 'line');
    assert.deepEqual(line.labels, weeks.map((w) => String(w.week)));
    assert.deepEqual(line.cumulative, weeks.map((w) => w.cumulative_percent));
    assert.deepEqual(line.perWeek, weeks.map((w) => w.participants));
    assert.match(await page.textContent('#weekly-unit'), new RegExp(root.trim()));
    await page.click('.weekly-details summary');
    await screenshot(page, 'admin-dashboard-weekly-1280.png');
    // Into a child unit: the line is that unit's.
    const first = page.locator('#units-report tbody tr').first();
    const code = await first.getAttribute('data-unit');
    const child = await apiCall('GET', `/reports/participation/weekly?year=${year}&unit=${code}`, { token });
    await first.locator('button').click();
    await page.locator('#weekly-unit', { hasText: child.body.unit.name }).waitFor();
    const childWeeks = child.body.weeks.filter((w) => w.starts_on <= today);
    await page.waitForFunction((want) => {
      const c = window.Chart.getChart('weekly-chart');
      return c && JSON.stringify(c.data.datasets[1].data) === want;
    }, JSON.stringify(childWeeks.map((w) => w.participants)));
    assert.deepEqual(problems, []);
  }, WIDE);
});

test('the dashboard shows attendance beside the quizzes, each person once, and moves when an attendance list is uploaded', async () => {
  const { token } = await apiLogin(DEMO.admin);
  const year = String(new Date().getFullYear());
  const top = await apiCall('GET', `/reports/participation?year=${year}&depth=0`, { token });
  const root = top.body.rows[0].unit_code;
  // A unit of its own under the root (other test files run at the same
  // time on the same demo), with two civil servants.
  const stamp = Date.now();
  const unit = `DASH-${stamp}`;
  const units = await apiCall('POST', '/admin/units', { token, body: [{ code: unit, name: `Sở thử ${stamp}`, kind: 'agency', parent_code: root }] });
  assert.equal(units.status, 200);
  const people = await apiCall('POST', '/admin/users', { token, body: [0, 1].map((k) => ({
    username: `dash${stamp}x${k}`, full_name: `Cán bộ ${k}`, unit_code: unit, audience: 'civil_servant', role: 'participant' })) });
  assert.equal(people.body.created, 2);
  const when = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const training = async (code) => {
    const res = await apiCall('POST', '/admin/activities', { token, body: {
      code, title: 'Tập huấn an toàn thông tin', kind: 'training', unit_code: unit,
      audiences: ['civil_servant'], topics: ['passwords'], starts_at: when(stamp - 3600000), ends_at: when(stamp + 3600000) } });
    assert.equal(res.status, 201);
    return res.body.activity.id;
  };
  await withPage(async (page, _context, problems) => {
    await loginTo(page, DEMO.admin, 'admin.html');
    const row = (n) => page.waitForFunction(([c, want]) => {
      const cells = document.querySelectorAll(`#units-report tr[data-unit="${c}"] td`);
      return cells.length === 5 && [1, 2, 3].map((i) => Number(cells[i].textContent.replace(/\D/g, ''))).join() === want;
    }, [unit, n]);
    // headcount 2 (the roster); participants, attended, reached.
    await row('0,0,0');
    // Chart.js loads after the tables: wait for the chart as the tests above do.
    await page.waitForFunction(() => window.Chart && window.Chart.getChart('units-chart'));
    assert.equal(await page.evaluate(() => window.Chart.getChart('units-chart').data.datasets.length), 3,
      'reach, quizzes and attendance side by side');
    // One person at two trainings, the other at none: attended 1, reached 1.
    const first = await training(`dash-${stamp}-a`);
    const second = await training(`dash-${stamp}-b`);
    for (const id of [first, second]) {
      const added = await apiCall('POST', `/admin/activities/${id}/attendees`, { token, body: [{ username: `dash${stamp}x0` }] });
      assert.equal(added.body.added, 1);
    }
    await page.click('#plan-show');
    await row('0,1,1');
    const cells = await page.locator(`#units-report tr[data-unit="${unit}"] td`).allTextContents();
    assert.match(cells[4], /50/, 'one of two reached: 50%');
    const api = await apiCall('GET', `/reports/participation?year=${year}&unit=${unit}&depth=0`, { token });
    assert.deepEqual(api.body.rows.map((r) => [r.participants, r.attended, r.reached, r.reached_percent]), [[0, 1, 1, 50]]);
    await screenshot(page, 'admin-dashboard-attendance-1280.png');
    assert.deepEqual(problems, []);
  }, WIDE);
});

test('the dashboard says so when Chart.js is missing, and keeps the tables', async () => {
  await withPage(async (page) => {
    await page.route('**/vendor/chart.js', (route) => route.fulfill({ status: 404, body: 'no' }));
    await loginTo(page, DEMO.admin, 'admin.html');
    await page.locator('#chart-notice', { hasText: 'libjs-chart.js' }).waitFor();
    await page.locator('#plan-targets tbody tr').first().waitFor();
    await screenshot(page, 'admin-dashboard-nochart.png');
  }, WIDE);
  const res = await fetch(`${BASE_URL}/vendor/chart.js`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /javascript/);
});

test('a unit admin sees only its subtree on the dashboard and in the reports', async () => {
  await withPage(async (page, _context, problems) => {
    await loginTo(page, DEMO.unitAdmin, 'admin.html');
    await page.waitForSelector('#admin-sections:not([hidden])');
    await page.locator('#unit-trail [aria-current="page"]', { hasText: 'DEMO-THCS-DP' }).or(page.locator('#unit-trail [aria-current="page"]', { hasText: 'Đông Phước' })).waitFor();
    const codes = await page.locator('#units-report tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.unit));
    for (const c of codes) assert.ok(c.startsWith('DEMO-THCS-DP'), `${c} is inside the unit admin's subtree`);
    await page.goto(`${BASE_URL}/admin-reports.html`);
    await page.waitForSelector('#admin-sections:not([hidden])');
    await page.click('#missing-show');
    await page.locator('#missing-report').waitFor();
    const units = await page.locator('#missing-report tbody tr td:nth-child(3)').allTextContents();
    assert.ok(units.length > 0, 'the chasing list has people');
    for (const u of units) assert.equal(u, 'Trường THCS Đông Phước');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#missing-csv')]);
    const csv = readFileSync(await download.path(), 'utf8');
    assert.ok(csv.startsWith('\ufeff'), 'the CSV has a BOM');
    assert.ok(!/DEMO-THCS-(?!DP)/.test(csv), 'no other school in the export');
    // Outside its subtree the API refuses, and the page says so.
    await page.fill('#missing-unit', 'DEMO');
    await page.click('#missing-show');
    await page.locator('#missing-notice.notice-error').waitFor();
    await screenshot(page, 'admin-reports-unit-admin.png');
    assert.deepEqual(problems, []);
  }, WIDE);
});

test('the reports page: plan report, item statistics with questions to review, printable yearly report', async () => {
  const { token } = await apiLogin(DEMO.admin);
  await withPage(async (page, context) => {
    await loginTo(page, DEMO.admin, 'admin-reports.html');
    await page.waitForSelector('#admin-sections:not([hidden])');
    await page.click('#planrep-show');
    await page.locator('#plan-report tbody tr').first().waitFor();
    const stats = await apiCall('GET', '/reports/questions?quiz=1', { token });
    await page.fill('#items-quiz', '1');
    await page.click('#items-show');
    if (stats.status === 200 && stats.body.questions.length) {
      await page.locator('#items-report').waitFor();
      const review = stats.body.questions.filter((q) => (q.facility_index !== null && (q.facility_index < 0.2 || q.facility_index > 0.95))
        || (q.discrimination_index !== null && q.discrimination_index < 0.1));
      assert.equal(await page.locator('#items-report tbody tr').count(), stats.body.questions.length);
      assert.equal(await page.locator('#items-report tbody tr.review').count(), review.length);
    } else {
      await page.locator('#items-notice:not([hidden])').waitFor();
    }
    const [popup] = await Promise.all([context.waitForEvent('page'), page.click('#yearly-link')]);
    await popup.waitForLoadState();
    await popup.locator('text=BÁO CÁO').first().waitFor();
    await screenshot(page, 'admin-reports-1280.png');
  }, WIDE);
});

test('a participant reaches no admin page: each one sends them back', async () => {
  await withPage(async (page) => {
    await loginTo(page, DEMO.pupil);
    assert.equal(await page.locator('.nav a[href="admin.html"]').count(), 0);
    for (const p of ADMIN_PAGES) {
      await page.goto(`${BASE_URL}/${p}`);
      await page.waitForURL(/index\.html\?denied=1$/);
      await page.locator('#denied-notice', { hasText: 'Trang này dành cho quản trị viên.' }).waitFor();
    }
    await screenshot(page, 'admin-denied-participant.png');
  });
});

test('axe-core finds no serious or critical violation on any page', async () => {
  await withPage(async (page) => {
    await page.goto(`${BASE_URL}/`);
    await page.waitForSelector('#login-view:not([hidden])');
    await assertAccessible(page, 'the login page');
    await page.goto(`${BASE_URL}/register.html`);
    await assertAccessible(page, 'the registration page');
    await page.goto(`${BASE_URL}/leaderboard.html?id=1`);
    await page.waitForLoadState('networkidle');
    await assertAccessible(page, 'the leaderboard');
    await page.goto(`${BASE_URL}/`);
    await login(page, DEMO.pupil);
    await page.waitForSelector('#quizzes-view:not([hidden])');
    await page.waitForSelector('#quizzes-loading', { state: 'hidden' });
    await assertAccessible(page, 'the quiz list');
  });
  await withPage(async (page) => {
    await loginTo(page, DEMO.admin);
    for (const p of ADMIN_PAGES) {
      await page.goto(`${BASE_URL}/${p}`);
      await page.waitForSelector('#admin-sections:not([hidden])');
      await page.waitForLoadState('networkidle');
      await assertAccessible(page, p);
      await screenshot(page, `axe-${p.replace('.html', '')}.png`);
    }
  }, WIDE);
});

test('the administration is usable by keyboard alone: skip link, sections, drill-down', async () => {
  await withPage(async (page) => {
    await loginTo(page, DEMO.admin, 'admin.html');
    await page.waitForSelector('#admin-sections:not([hidden])');
    await page.locator('#units-report tbody tr').first().waitFor();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.className), 'skip-link');
    // Tab through to the first drill-down button and press Enter.
    let reached = false;
    for (let i = 0; i < 60 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => !!document.activeElement.closest('#units-report tbody'));
    }
    assert.ok(reached, 'the drill-down buttons are reachable by Tab');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelectorAll('#unit-trail li').length === 2);
    // The section links are reachable and open by Enter.
    await page.focus('#admin-nav a[href="admin-reports.html"]');
    await page.keyboard.press('Enter');
    await page.waitForURL(/admin-reports\.html$/);
    await screenshot(page, 'admin-keyboard.png');
  }, WIDE);
});

test('the admin pages\' scripts and styles weigh under 150 KB gzip-compressed, Chart.js included', async () => {
  const web = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../web');
  const files = new Set(['css/site.css', 'css/admin.css', 'js/i18n-en.js']);
  for (const p of ADMIN_PAGES) {
    const html = readFileSync(path.join(web, p), 'utf8');
    for (const m of html.matchAll(/(?:src|href)="((?:js|css)\/[^"]+)"/g)) files.add(m[1]);
  }
  // Every module the admin scripts import, transitively.
  const queue = [...files].filter((f) => f.endsWith('.js'));
  while (queue.length) {
    const f = queue.pop();
    for (const m of readFileSync(path.join(web, f), 'utf8').matchAll(/from '\.\/([^']+)'|import\('\.\/([^']+)'\)/g)) {
      const dep = `js/${m[1] || m[2]}`;
      if (!files.has(dep)) { files.add(dep); queue.push(dep); }
    }
  }
  let total = 0;
  for (const f of files) total += gzipSync(readFileSync(path.join(web, f)), { level: 6 }).length;
  const chart = await fetch(`${BASE_URL}/vendor/chart.js`, { headers: { 'Accept-Encoding': 'gzip' } });
  assert.equal(chart.status, 200);
  const chartGz = gzipSync(Buffer.from(await chart.arrayBuffer()), { level: 6 }).length;
  total += chartGz;
  console.log(`# admin scripts and styles: ${files.size} files + Chart.js (${chartGz} B) = ${total} B gzip-compressed`);
  assert.ok(total < 150 * 1024, `${total} B is over 150 KB`);
  assert.ok(readdirSync(path.join(web, 'js')).includes('admin-shell.js'));
});

test('quizzes: the list the API gives, a quiz\'s results with CSV, and its item statistics one click away', async () => {
  const { token } = await apiLogin(DEMO.admin);
  const list = await apiCall('GET', '/admin/quizzes', { token });
  assert.equal(list.status, 200);
  const quiz = list.body.quizzes.find((q) => q.attempts > 0) || list.body.quizzes[0];
  const results = await apiCall('GET', `/admin/quizzes/${quiz.id}/results`, { token });
  assert.equal(results.status, 200);
  await withPage(async (page, _context, problems) => {
    await loginTo(page, DEMO.admin, 'admin-quizzes.html');
    await page.locator('#quizzes tbody tr').first().waitFor();
    assert.equal(await page.locator('#quizzes tbody tr').count(), list.body.quizzes.length);
    await page.click(`#quizzes tr[data-quiz-id="${quiz.id}"] button.quiz-results`);
    await page.waitForFunction((n) => document.querySelectorAll('#results-rows tbody tr').length === n, results.body.results.length);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#results-csv')]);
    assert.ok(readFileSync(await download.path(), 'utf8').startsWith('\ufeff'), 'the CSV has a BOM');
    await screenshot(page, 'admin-quizzes-results.png');
    await page.click('#results-items');
    await page.waitForURL(/admin-reports\.html\?quiz=/);
    await page.locator('#items-report, #items-notice:not([hidden])').first().waitFor();
    assert.deepEqual(problems, []);
  }, WIDE);
});
