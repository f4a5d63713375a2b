// pages.test.mjs - login, the quiz list, the Vietnamese login error, the
// administration page, and phone-sized screenshots.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withPage, screenshot, assertFits, login, apiCall, apiLogin, BASE_URL, DEMO } from './browser.mjs';

test('login page is Vietnamese and fits a 360 px phone', async () => {
  await withPage(async (page, _context, problems) => {
    await page.goto(`${BASE_URL}/`);
    await page.waitForSelector('#login-view:not([hidden])');
    assert.equal(await page.textContent('#login-view h1'), 'Đăng nhập');
    assert.equal(await page.getAttribute('html', 'lang'), 'vi');
    assert.equal(await page.textContent('label[for="username"]'), 'Tên đăng nhập');
    assert.ok(await page.isVisible('a[href="register.html"]'), 'register link is shown');
    // Nothing wider than the screen: no sideways scrolling on a phone.
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(scrollWidth <= 360, `page is ${scrollWidth}px wide`);
    // Tap targets at least 44 px high.
    const box = await page.locator('#login-submit').boundingBox();
    assert.ok(box.height >= 44, `login button is ${box.height}px high`);
    await screenshot(page, 'login-360.png');
    assert.deepEqual(problems, []);
  });
});

test('login shows the quiz list the API gives the user', async () => {
  const { token } = await apiLogin(DEMO.pupil);
  const api = await apiCall('GET', '/quizzes', { token });
  await withPage(async (page, _context, problems) => {
    await page.goto(`${BASE_URL}/`);
    await login(page, DEMO.pupil);
    await page.waitForSelector('#quizzes-view:not([hidden])');
    await page.waitForSelector('#quizzes-loading', { state: 'hidden' });
    assert.equal(await page.textContent('#quizzes-view h1'), 'Bài thi của bạn');
    assert.equal(await page.textContent('#hello'), `Xin chào, ${DEMO.pupil.fullName}`);
    assert.ok(await page.isVisible('#logout'), 'logout button is shown');
    const token2 = await page.evaluate(() => JSON.parse(sessionStorage.getItem('quiz.session')).token);
    assert.ok(token2 && token2.length >= 32, 'token kept in sessionStorage');
    if (api.status === 200) {
      const quizzes = api.body.quizzes;
      assert.equal(await page.locator('.quiz-card').count(), quizzes.length);
      for (const q of quizzes) {
        const card = page.locator(`.quiz-card[data-quiz-id="${q.id}"]`);
        assert.equal(await card.locator('h2').textContent(), q.title);
        const stateText = { open: 'Đang mở', upcoming: 'Sắp mở', closed: 'Đã đóng' }[q.state];
        assert.equal(await card.locator('.badge').textContent(), stateText);
      }
      if (!quizzes.length) assert.equal(await page.textContent('#quizzes-notice'), 'Hiện chưa có bài thi nào dành cho bạn.');
    } else {
      // The list answered an error: the page must say so in Vietnamese, not stay blank.
      assert.equal(await page.locator('.quiz-card').count(), 0);
      const shown = await page.textContent('#quizzes-notice');
      assert.ok(shown && shown.length > 0, 'an error notice is shown');
      console.log(`# GET /api/v1/quizzes answered ${api.status}; the page showed: ${shown}`);
    }
    await assertFits(page, 'the quiz list');
    await screenshot(page, 'quiz-list-360.png');
    // A reload keeps the session (sessionStorage) and shows the list again.
    await page.reload();
    await page.waitForSelector('#quizzes-view:not([hidden])');
    assert.deepEqual(problems, []);
  });
});

test('a wrong password shows the Vietnamese error and stays on the login form', async () => {
  await withPage(async (page) => {
    await page.goto(`${BASE_URL}/`);
    await login(page, { username: DEMO.pupil.username, password: 'sai-mat-khau-123' });
    const notice = page.locator('#login-notice[role="alert"]');
    await notice.waitFor();
    assert.equal((await notice.textContent()).trim(), 'Sai tên đăng nhập hoặc mật khẩu.');
    assert.ok(await page.isVisible('#login-form'));
    assert.ok(await page.isHidden('#quizzes-view'));
    assert.equal(await page.evaluate(() => sessionStorage.getItem('quiz.session')), null);
  });
});

test('admin uploads a units CSV and sees how many were created', async () => {
  const suffix = Date.now().toString(36).toUpperCase();
  const csv = `code,name,kind,parent_code\nWEB-${suffix}-A,Trường THCS Thử Nghiệm A,school,DEMO-HA\nWEB-${suffix}-B,Xã Thử Nghiệm B,commune,DEMO-HB\n`;
  await withPage(async (page, _context, problems) => {
    await page.goto(`${BASE_URL}/`);
    await login(page, DEMO.admin);
    await page.waitForSelector('#quizzes-view:not([hidden])');
    await page.click('.nav a[href="admin.html"]');
    await page.waitForSelector('#admin-sections:not([hidden])');
    await page.click('#admin-nav a[href="admin-units.html"]');
    await page.waitForSelector('#admin-sections:not([hidden])');
    assert.equal(await page.textContent('#units-file-name'), 'Chưa chọn tệp');
    await page.click('#units-upload');
    await page.locator('#units-result', { hasText: 'Hãy chọn một tệp trước.' }).waitFor();
    await page.setInputFiles('#units-file', { name: 'units.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    assert.equal(await page.textContent('#units-file-name'), 'units.csv');
    await page.click('#units-upload');
    const result = page.locator('#units-result.notice-ok');
    await result.waitFor();
    assert.equal((await result.textContent()).trim(), 'Đã tạo 2 đơn vị, cập nhật 0 đơn vị.');

    // Uploading the same file again updates instead of creating.
    await page.click('#units-upload');
    await page.locator('#units-result.notice-ok', { hasText: 'cập nhật 2' }).waitFor();

    // A line with an unknown kind is reported with its line number.
    await page.setInputFiles('#units-file', { name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from('code,name,kind,parent_code\nWEB-BAD,Sai,castle,DEMO\n') });
    await page.click('#units-upload');
    await page.locator('#units-result.notice-error').waitFor();
    assert.equal(await page.locator('#units-errors td.num').first().textContent(), '2');
    await screenshot(page, 'admin-360.png');
    assert.deepEqual(problems, []);
  });
});

test('admin uploads users without passwords and gets them once, with a CSV download', async () => {
  const suffix = Date.now().toString(36);
  const csv = `username,full_name,unit_code,audience,role\nweb.${suffix}.1,Nguyễn Văn Một,DEMO-THCS-DP,pupil,participant\nweb.${suffix}.2,Trần Thị Hai,DEMO-THCS-DP,pupil,participant\nweb.${suffix}.3,Không Đơn Vị,NO-SUCH-UNIT,pupil,participant\n`;
  await withPage(async (page) => {
    await page.goto(`${BASE_URL}/`);
    await login(page, DEMO.admin);
    await page.waitForSelector('#quizzes-view:not([hidden])');
    await page.goto(`${BASE_URL}/admin-units.html`);
    await page.setInputFiles('#users-file', { name: 'users.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.click('#users-upload');
    await page.locator('#users-result', { hasText: 'Đã tạo 2 tài khoản.' }).waitFor();
    const rows = page.locator('#passwords-table tbody tr');
    assert.equal(await rows.count(), 2);
    const firstPassword = await rows.first().locator('td').nth(1).textContent();
    assert.ok(firstPassword.length >= 10, 'a generated password is shown');
    assert.equal(await page.locator('#users-errors tbody tr').count(), 1, 'the bad line is listed');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#passwords-download')]);
    const file = await download.path();
    const text = (await import('node:fs')).readFileSync(file, 'utf8');
    assert.ok(text.startsWith('\ufeffusername,password\r\n'), 'CSV has a BOM and a header');
    assert.ok(text.includes(`web.${suffix}.1,${firstPassword}`), 'CSV holds the shown password');
    // The generated password works.
    const res = await apiCall('POST', '/auth/login', { body: { username: `web.${suffix}.1`, password: firstPassword } });
    assert.equal(res.status, 200);
  });
});

test('unit admin can open the administration page; a pupil cannot', async () => {
  await withPage(async (page) => {
    await page.goto(`${BASE_URL}/`);
    await login(page, DEMO.unitAdmin);
    await page.waitForSelector('#quizzes-view:not([hidden])');
    await page.click('#admin-entry a');
    await page.waitForSelector('#admin-sections:not([hidden])');
    await page.goto(`${BASE_URL}/admin-reports.html`);
    await page.waitForSelector('#admin-sections:not([hidden])');
    assert.equal(await page.inputValue('#rep-unit'), 'DEMO-THCS-DP');
    // The report download links carry format=.
    assert.match(await page.getAttribute('#rep-csv', 'href'), /format=csv/);
    assert.match(await page.getAttribute('#rep-xlsx', 'href'), /format=xlsx/);
    await page.goto(`${BASE_URL}/admin-units.html`);
    await page.waitForSelector('#admin-sections:not([hidden])');
    assert.equal(await page.inputValue('#hc-unit'), 'DEMO-THCS-DP');
    // Declaring a headcount for its own unit works.
    await page.fill('#hc-count-1', '431');
    await page.click('#hc-save');
    await page.locator('#hc-result.notice-ok').waitFor();
    // A second row left empty is refused before anything is sent.
    await page.click('#hc-add');
    await assertFits(page, 'the administration page');
    await page.click('#hc-save');
    await page.locator('#hc-result.notice-error', { hasText: 'Dữ liệu gửi lên không hợp lệ.' }).waitFor();
  });
  await withPage(async (page) => {
    await page.goto(`${BASE_URL}/`);
    await login(page, DEMO.pupil);
    await page.waitForSelector('#quizzes-view:not([hidden])');
    assert.equal(await page.locator('.nav a[href="admin.html"]').count(), 0);
    assert.ok(await page.isHidden('#admin-entry'));
    await page.goto(`${BASE_URL}/admin.html`);
    await page.waitForURL(/index\.html\?denied=1$/);
    await page.locator('#denied-notice', { hasText: 'Trang này dành cho quản trị viên.' }).waitFor();
  });
});

test('a page opened without a session goes to the login page and back after login', async () => {
  await withPage(async (page) => {
    await page.goto(`${BASE_URL}/admin.html`);
    await page.waitForURL(/index\.html\?next=/);
    await login(page, DEMO.admin);
    await page.waitForURL(/admin\.html$/);
    await page.waitForSelector('#admin-sections:not([hidden])');
  });
});

test('the language switch shows English and back, from the second catalogue', async () => {
  await withPage(async (page, _context, problems) => {
    await page.goto(`${BASE_URL}/`);
    await page.waitForSelector('#login-view:not([hidden])');
    await page.click('.nav button:has-text("English")');
    await page.waitForSelector('#login-view:not([hidden])');
    await page.locator('#login-view h1', { hasText: 'Log in' }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await login(page, { username: DEMO.pupil.username, password: 'wrong-password-123' });
    await page.locator('#login-notice', { hasText: 'Wrong username or password.' }).waitFor();
    await page.click('.nav button:has-text("Tiếng Việt")');
    await page.locator('#login-view h1', { hasText: 'Đăng nhập' }).waitFor();
    assert.deepEqual(problems, []);
  });
});

/** The demo's pupils' contest: its id, as the pupil's quiz list shows it. */
async function demoContestId() {
  const pupil = await apiLogin(DEMO.pupil);
  const list = await apiCall('GET', '/quizzes', { token: pupil.token });
  const contest = list.body.quizzes.find((q) => q.kind === 'contest');
  assert.ok(contest, 'the demo has a contest');
  return contest.id;
}

test('registration is closed until an admin opens it; then a pupil registers for the contest and logs in; each refusal has its Vietnamese message', async () => {
  const stamp = Date.now().toString(36);
  const username = `web.reg.${stamp}`;
  const password = 'Hoc-Sinh-Dang-Ky-2026';
  const phone = `09${String(Date.now()).slice(-8)}`;
  // Closed on the demo's database: the page says so and shows no form.
  await withPage(async (page) => {
    await page.goto(`${BASE_URL}/register.html`);
    await page.waitForSelector('#register-closed:not([hidden])');
    assert.match(await page.textContent('#register-closed'), /chưa có cuộc thi nào mở đăng ký/);
    assert.ok(await page.isHidden('#register-form'));
  });
  const contestId = await demoContestId();
  const admin = await apiLogin(DEMO.admin);
  const opened = await apiCall('POST', `/admin/contests/${contestId}/registration`, {
    token: admin.token, body: { audiences: ['pupil'], unit_code: 'DEMO' },
  });
  assert.equal(opened.status, 200);
  try {
    await withPage(async (page, _context, problems) => {
      await page.goto(`${BASE_URL}/`);
      await page.click('a[href="register.html"]');
      await page.waitForSelector('#register-form:not([hidden])');
      assert.equal(await page.textContent('h1'), 'Đăng ký tài khoản');
      assert.equal(await page.inputValue('#contest'), String(contestId));
      assert.equal(await page.inputValue('#audience'), 'pupil');
      await page.fill('#full_name', 'Đoàn Thị Thu');
      await page.fill('#birth_year', '2011');
      // The school is searched in the window's units (a datalist of names).
      const options = await page.$$eval('#unit-list option', (os) => os.map((o) => o.value));
      const school = options.find((o) => o.endsWith('(DEMO-THCS-DP)'));
      assert.ok(school, `DEMO-THCS-DP among ${options.length} units`);
      await page.fill('#unit_search', school);
      await page.locator('#unit-picked', { hasText: 'DEMO-THCS-DP' }).waitFor();
      await page.fill('#phone', phone);
      await page.fill('#username', username);
      await page.fill('#password', password);
      const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(scrollWidth <= 360, `page is ${scrollWidth}px wide`);
      await screenshot(page, 'register-360.png');
      await page.click('#register-submit');
      await page.locator('#register-notice.notice-ok', { hasText: `Đã tạo tài khoản ${username}.` }).waitFor();
      assert.ok(await page.isHidden('#register-form'));
      await page.click('#register-notice a');
      await login(page, { username, password });
      await page.locator('#hello', { hasText: 'Xin chào, Đoàn Thị Thu' }).waitFor();

      // The new account changes its password, from the list page.
      await page.click('#password-box summary');
      await page.fill('#old-password', 'khong-phai-mat-khau');
      await page.fill('#new-password', 'Mat-Khau-Moi-Cua-Thu-2026');
      await page.fill('#new-password2', 'Mat-Khau-Moi-Cua-Thu-2026');
      await page.click('#password-submit');
      await page.locator('#password-notice.notice-error', { hasText: 'Mật khẩu hiện tại không đúng.' }).waitFor();
      await page.fill('#old-password', password);
      await page.fill('#new-password', 'Mat-Khau-Moi-Cua-Thu-2026');
      await page.fill('#new-password2', 'Mat-Khau-Moi-Cua-Thu-2026');
      await page.click('#password-submit');
      await page.locator('#password-notice.notice-ok', { hasText: 'Đã đổi mật khẩu.' }).waitFor();
      await page.click('#logout');
      await page.waitForSelector('#login-view:not([hidden])');
      await login(page, { username, password: 'Mat-Khau-Moi-Cua-Thu-2026' });
      await page.locator('#hello', { hasText: 'Xin chào, Đoàn Thị Thu' }).waitFor();
      assert.deepEqual(problems, []);
    });
    await withPage(async (page) => {
      await page.goto(`${BASE_URL}/register.html`);
      await page.waitForSelector('#register-form:not([hidden])');
      await page.fill('#full_name', 'Người Khác');
      await page.fill('#birth_year', '2010');
      await page.fill('#unit_search', 'DEMO-THCS-DP');
      await page.fill('#phone', phone);
      await page.fill('#username', `${username}.b`);
      await page.fill('#password', password);
      // The same phone for the same contest.
      await page.click('#register-submit');
      await page.locator('#register-notice.notice-error', { hasText: 'Số điện thoại này đã được dùng để đăng ký cuộc thi này' }).waitFor();
      // A taken username.
      await page.fill('#phone', `${phone.slice(0, -1)}${(Number(phone.slice(-1)) + 1) % 10}`);
      await page.fill('#username', username);
      await page.click('#register-submit');
      await page.locator('#register-notice.notice-error', { hasText: 'Tên đăng nhập đã có người dùng. Hãy chọn tên khác.' }).waitFor();
      // A unit outside the list.
      await page.fill('#unit_search', 'Trường không có');
      await page.click('#register-submit');
      await page.locator('#register-notice.notice-error', { hasText: 'Hãy chọn trường hoặc đơn vị trong danh sách gợi ý.' }).waitFor();
      assert.ok(await page.isVisible('#register-form'));
    });
    // The unit's administrator finds the new pupil awaiting confirmation and
    // confirms them with one click.
    await withPage(async (page, _context, problems) => {
      await page.goto(`${BASE_URL}/`);
      await login(page, DEMO.unitAdmin);
      await page.waitForSelector('#quizzes-view:not([hidden])');
      await page.goto(`${BASE_URL}/admin-units.html`);
      await page.waitForSelector('#admin-sections:not([hidden])');
      const row = page.locator('#confirm-list tr', { hasText: username });
      await row.waitFor();
      assert.match(await row.textContent(), /Đoàn Thị Thu/);
      await page.locator('#confirm-section').scrollIntoViewIfNeeded();
      await screenshot(page, 'confirm-360.png');
      await row.locator('button').click();
      await page.locator('#confirm-result.notice-ok', { hasText: 'Đã xác nhận Đoàn Thị Thu.' }).waitFor();
      await page.locator('#confirm-list tr', { hasText: username }).waitFor({ state: 'detached' });
      assert.deepEqual(problems, []);
    });
  } finally {
    await apiCall('DELETE', `/admin/contests/${contestId}/registration`, { token: admin.token });
  }
});

test('an expired session goes back to the login page with a notice', async () => {
  await withPage(async (page) => {
    await page.addInitScript(() => {
      if (location.pathname.endsWith('quiz.html')) {
        sessionStorage.setItem('quiz.session', JSON.stringify({ token: 'x'.repeat(43), csrf_token: 'y', user: { username: 'hs.an', role: 'participant' } }));
      }
    });
    await page.goto(`${BASE_URL}/quiz.html?id=1`);
    await page.waitForURL(/index\.html\?expired=1&next=/);
    await page.locator('#login-notice', { hasText: 'Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại.' }).waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.getItem('quiz.session')), null);
  });
});

test('the participation report shows what the API answers, with CSV and XLSX links', async () => {
  const { token } = await apiLogin(DEMO.admin);
  const year = new Date().getFullYear();
  const api = await apiCall('GET', `/reports/participation?year=${year}&unit=DEMO&depth=1&format=json&lang=vi`, { token });
  await withPage(async (page, _context, problems) => {
    await page.goto(`${BASE_URL}/`);
    await login(page, DEMO.admin);
    await page.waitForSelector('#quizzes-view:not([hidden])');
    await page.goto(`${BASE_URL}/admin-reports.html`);
    await page.fill('#rep-unit', 'DEMO');
    assert.match(await page.getAttribute('#rep-csv', 'href'), new RegExp(`year=${year}&unit=DEMO&depth=1&format=csv`));
    assert.match(await page.getAttribute('#rep-xlsx', 'href'), /format=xlsx/);
    await page.click('#rep-show');
    if (api.status === 200) {
      await page.locator('#report').waitFor();
      assert.equal(await page.locator('#report tbody tr').count(), api.body.rows.length);
      const first = api.body.rows[0];
      assert.match(await page.textContent('#report tbody tr:first-child'), new RegExp(first.unit_code));
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#rep-csv')]);
      const text = (await import('node:fs')).readFileSync(await download.path(), 'utf8');
      assert.ok(text.startsWith('\ufeff'), 'the CSV starts with a BOM');
      const [xlsx] = await Promise.all([page.waitForEvent('download'), page.click('#rep-xlsx')]);
      const bytes = (await import('node:fs')).readFileSync(await xlsx.path());
      assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK', 'the XLSX is a zip file');
      await page.locator('#report').scrollIntoViewIfNeeded();
      await assertFits(page, 'the participation report');
      await screenshot(page, 'report-360.png');
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.locator('#report').scrollIntoViewIfNeeded();
      await screenshot(page, 'report-1280.png');
    } else {
      await page.locator('#rep-notice.notice-error').waitFor();
      console.log(`# GET /api/v1/reports/participation answered ${api.status}; the page showed the error`);
    }
    assert.deepEqual(problems, []);
  });
});
