// admin-banks.test.mjs - the Banks page: a key found wrong through item
// statistics is fixed there and the completed attempts are rescored (the
// participant's result, certificate and the quiz's results follow); a bank
// file with a bad line is refused naming that line, a good one imports and
// exports again; the list counts by topic and difficulty; a unit
// administrator is kept out, as the API keeps it out.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { withPage, screenshot, login, apiCall, apiLogin, BASE_URL, DEMO, assertAccessible, uploadBankJson } from './browser.mjs';

const WIDE = { viewport: { width: 1280, height: 900 } };
const stamp = Date.now().toString(36);
let rescoredQuiz = null;  // the quiz of the first test, for the unit administrator's view

async function loginTo(page, who, path) {
  await page.goto(`${BASE_URL}/`);
  await login(page, who);
  await page.waitForSelector('#quizzes-view:not([hidden])');
  if (path) await page.goto(`${BASE_URL}/${path}`);
}

const WRONG = 'Bấm vào đường link ngay';
const RIGHT = 'Hỏi người lớn trước khi bấm';
const OTHER = 'Gửi đường link cho bạn bè';

/** A bank whose first question has the wrong key (the risky choice marked right). */
async function uploadBank(token) {
  const bank = {
    code: `web-rescore-${stamp}`, title: 'Ngân hàng có đáp án sai', language: 'vi', audiences: ['pupil'],
    questions: [
      { code: `rs-${stamp}-1`, type: 'single', topics: ['phishing_fraud'], difficulty: 1,
        stem: 'Em nhận được tin nhắn lạ có đường link. Em nên làm gì?',
        options: [
          { text: WRONG, correct: true, feedback: 'Đúng.' },
          { text: RIGHT, correct: false, feedback: 'Sai.' },
          { text: OTHER, correct: false, feedback: 'Sai.' }],
        explanation: 'Đường link lạ có thể dẫn tới trang lừa đảo.' },
      { code: `rs-${stamp}-2`, type: 'true_false', topics: ['passwords'], difficulty: 2,
        stem: 'Không bao giờ cho ai biết mã OTP.',
        options: [{ text: 'Đúng', correct: true }, { text: 'Sai', correct: false }],
        explanation: 'Mã OTP chỉ dành cho chính em.' },
    ],
  };
  return uploadBankJson(token, bank);
}

/** The pupil takes the quiz through the API, answering both questions truly right. */
async function takeQuiz(quizId) {
  const { token } = await apiLogin(DEMO.pupil);
  const started = await apiCall('POST', `/quizzes/${quizId}/attempts`, { token });
  assert.equal(started.status, 201, JSON.stringify(started.body));
  const attempt = started.body.attempt;
  for (const q of attempt.questions) {
    const want = q.type === 'true_false' ? 'Đúng' : RIGHT;
    const option = q.options.find((o) => o.text === want);
    const saved = await apiCall('PUT', `/attempts/${attempt.id}/answers/${q.id}`, { token, body: { choices: [option.id] } });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
  }
  const done = await apiCall('POST', `/attempts/${attempt.id}/submit`, { token, body: {} });
  assert.equal(done.status, 200, JSON.stringify(done.body));
  return { token, attempt: done.body.attempt };
}

test('fix a key and rescore: found through item statistics, fixed on the Banks page, the result and certificate follow', async () => {
  const { token } = await apiLogin(DEMO.admin);
  const bankCode = await uploadBank(token);
  const qcode = `rs-${stamp}-1`;
  const created = await apiCall('POST', '/admin/quizzes', {
    token,
    body: {
      code: `web-rescore-quiz-${stamp}`, title: 'Bài thi có đáp án sai', kind: 'quiz', audiences: ['pupil'], unit_scope: null,
      draw: [{ bank: bankCode, count: 2 }], time_limit_s: 900, max_attempts: 1, pass_percent: 100,
      opens_at: '2020-01-01T00:00:00Z', closes_at: '2099-01-01T00:00:00Z', shuffle_questions: false, shuffle_options: false,
      review: 'after_submit',
    },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const quizId = created.body.quiz.id;
  rescoredQuiz = quizId;

  // Right by common sense, wrong by the key: 1 of 2, failed, no certificate.
  const pupil = await takeQuiz(quizId);
  assert.equal(pupil.attempt.result.score, 1);
  assert.equal(pupil.attempt.result.passed, false);
  const noCert = await fetch(`${BASE_URL}/api/v1/attempts/${pupil.attempt.id}/certificate`, { headers: { Authorization: `Bearer ${pupil.token}` } });
  assert.equal(noCert.status, 409);

  await withPage(async (page, _context, problems) => {
    await loginTo(page, DEMO.admin, `admin-reports.html?quiz=${quizId}`);
    // Nobody got the first question "right": facility 0, marked for review, one click from its editor.
    const row = page.locator(`#items-report tr[data-question="${qcode}"]`);
    await row.waitFor();
    assert.match(await row.getAttribute('class'), /review/);
    await row.locator('a.edit-question').click();
    await page.waitForURL(/admin-banks\.html\?bank=/);
    await page.waitForSelector('#question-section:not([hidden])');
    assert.equal(await page.textContent('#question-title'), `Câu hỏi ${qcode} (phiên bản 1)`);
    // As a participant sees it: the stem and both options, and the (wrong) key below.
    assert.deepEqual(await page.locator('#question-preview label.option').allTextContents(), [WRONG, RIGHT, OTHER]);
    assert.equal(await page.textContent('#question-key'), `Đáp án đúng: ${WRONG}`);
    await assertAccessible(page, 'the Banks page with a question open');
    await screenshot(page, 'admin-banks-question.png');

    // Fix the key and the feedback; a new version is saved.
    await page.check('#qe-key-1');
    await page.fill('#qe-fb-0', 'Sai: đường link lạ có thể dẫn tới trang lừa đảo.');
    await page.fill('#qe-fb-1', 'Đúng: người lớn giúp em nhận ra lừa đảo.');
    await page.click('#qe-save');
    await page.locator('#qe-notice.notice-ok', { hasText: 'Đã lưu phiên bản 2 với đáp án mới' }).waitFor();
    assert.equal(await page.textContent('#question-title'), `Câu hỏi ${qcode} (phiên bản 2)`);
    assert.equal(await page.textContent('#question-key'), `Đáp án đúng: ${RIGHT}`);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'rescore');

    await page.click('#rescore');
    await page.locator('#rescore-notice.notice-ok', { hasText: '1 kết quả đã thay đổi' }).waitFor();
    assert.match(await page.textContent('#rescore-notice'), /1 bài đã nộp có câu này; 1 bài đổi giữa đạt và chưa đạt/);
    await assertAccessible(page, 'the Banks page after a rescore');
    await screenshot(page, 'admin-banks-rescore.png');
    assert.deepEqual(problems, []);
  }, WIDE);

  // The participant's result, certificate and the quiz's results follow.
  const after = await apiCall('GET', `/attempts/${pupil.attempt.id}`, { token: pupil.token });
  assert.equal(after.body.attempt.result.score, 2);
  assert.equal(after.body.attempt.result.passed, true);
  const cert = await fetch(`${BASE_URL}/api/v1/attempts/${pupil.attempt.id}/certificate`, { headers: { Authorization: `Bearer ${pupil.token}` } });
  assert.equal(cert.status, 200);
  const results = await apiCall('GET', `/admin/quizzes/${quizId}/results`, { token });
  const mine = results.body.results.find((r) => r.username === DEMO.pupil.username);
  assert.equal(mine.passed, true);
  assert.equal(mine.best_percent, 100);
  const bank = await apiCall('GET', `/admin/banks/${bankCode}`, { token });
  const fixed = bank.body.bank.questions.find((q) => q.code === qcode);
  assert.equal(fixed.version, 2);
  assert.deepEqual(fixed.options.map((o) => [o.correct, o.feedback]),
    [[false, 'Sai: đường link lạ có thể dẫn tới trang lừa đảo.'], [true, 'Đúng: người lớn giúp em nhận ra lừa đảo.'], [false, 'Sai.']]);
  const audit = await apiCall('GET', '/admin/audit?limit=20', { token });
  assert.ok(audit.body.entries.some((e) => e.action === 'question.rescore' && e.target.includes(qcode)), 'the rescore is in the audit log');
});

test('a rescore that cannot line the drawn version up with the current one is refused in Vietnamese, changing nothing', async () => {
  assert.ok(rescoredQuiz, 'the rescore test ran first');
  const { token } = await apiLogin(DEMO.admin);
  const bankCode = `web-rescore-${stamp}`;
  const qcode = `rs-${stamp}-2`;
  // The drawn true/false question becomes a single choice of three options.
  const put = await apiCall('PUT', `/admin/banks/${bankCode}/questions/${qcode}`, {
    token,
    body: { code: qcode, type: 'single', topics: ['passwords'], difficulty: 2, stem: 'Ai được biết mã OTP của em?',
      options: [{ text: 'Chỉ mình em', correct: true }, { text: 'Bạn thân', correct: false }, { text: 'Người gọi điện', correct: false }],
      explanation: 'Mã OTP chỉ dành cho chính em.' },
  });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  await withPage(async (page, _context, problems) => {
    await loginTo(page, DEMO.admin, `admin-banks.html?bank=${bankCode}&question=${qcode}`);
    await page.waitForSelector('#question-section:not([hidden])');
    await page.click('#rescore');
    await page.locator('#rescore-notice.notice-error', { hasText: 'Không chấm lại được, chưa có gì thay đổi' }).waitFor();
    assert.deepEqual(problems, []);
  }, WIDE);
  const results = await apiCall('GET', `/admin/quizzes/${rescoredQuiz}/results`, { token });
  assert.equal(results.body.results.find((r) => r.username === DEMO.pupil.username).best_percent, 100);
});

// Line 11 names an answer that is not among the options.
const AIKEN_BAD = 'Câu hỏi một?\nA. Một\nB. Hai\nC. Ba\nANSWER: A\n\nCâu hỏi hai?\nA. Một\nB. Hai\nC. Ba\nANSWER: E\n';
const AIKEN_GOOD = 'Mật khẩu nào mạnh nhất?\nA. 123456\nB. Ga-Con-Chay-Qua-Cau#7\nC. matkhau\nANSWER: B\n\n'
  + 'Bạn xin mượn mật khẩu, em làm gì?\nA. Cho mượn\nB. Từ chối và giải thích\nC. Viết ra giấy cho bạn\nANSWER: B\n';

test('the Banks page: an import names its bad line, a good file imports, the list counts by topic and difficulty, a bank exports', async () => {
  const { token } = await apiLogin(DEMO.admin);
  const code = `web-aiken-${stamp}`;
  await withPage(async (page, _context, problems) => {
    await loginTo(page, DEMO.admin, 'admin-banks.html');
    await page.waitForSelector('#admin-sections:not([hidden])');
    await page.locator('#banks tbody tr').first().waitFor();
    assert.equal(await page.locator('#admin-nav a[aria-current="page"]').textContent(), 'Ngân hàng câu hỏi');
    // A bad answer on line 11: nothing imported, line 11 named.
    await page.setInputFiles('#imp-file', { name: 'bad.txt', mimeType: 'text/plain', buffer: Buffer.from(AIKEN_BAD) });
    await page.selectOption('#imp-format', 'aiken');
    await page.fill('#imp-code', code);
    await page.selectOption('#imp-audiences', ['pupil']);
    await page.fill('#imp-topic', 'passwords');
    await page.fill('#imp-difficulty', '1');
    await page.click('#imp-upload');
    await page.locator('#import-notice.notice-error', { hasText: 'Tệp có 1 lỗi nên chưa nhập gì' }).waitFor();
    const errors = page.locator('#import-errors tbody tr');
    assert.equal(await errors.count(), 1);
    assert.equal(await errors.first().locator('td').first().textContent(), '11');
    assert.match(await errors.first().locator('td').nth(1).textContent(), /ANSWER/);
    assert.equal((await apiCall('GET', `/admin/banks/${code}`, { token })).status, 404, 'nothing imported');
    await assertAccessible(page, 'the Banks page with import errors');
    await page.locator('#import-errors').scrollIntoViewIfNeeded();
    await screenshot(page, 'admin-banks-import-errors.png');

    // The good file imports; the bank opens with its two questions.
    await page.setInputFiles('#imp-file', { name: 'good.txt', mimeType: 'text/plain', buffer: Buffer.from(AIKEN_GOOD) });
    await page.click('#imp-upload');
    await page.locator('#import-notice.notice-ok', { hasText: `Đã nhập ngân hàng ${code}: 2 câu đang dùng` }).waitFor();
    assert.equal(await page.locator('#import-errors tbody tr').count(), 0);
    await page.waitForSelector('#bank-section:not([hidden])');
    await page.waitForFunction(() => document.querySelectorAll('#questions tbody tr').length === 2);
    const listed = page.locator(`#banks tr[data-bank="${code}"]`);
    await listed.waitFor();
    assert.deepEqual(await listed.locator('td').allTextContents().then((cells) => cells.slice(2, 5)), ['2', 'passwords: 2', 'Mức 1: 2']);

    // The filter narrows the list; a question opens as a participant sees it.
    await page.fill('#bank-filter', 'mượn');
    await page.waitForFunction(() => document.querySelectorAll('#questions tbody tr').length === 1);
    assert.equal(await page.textContent('#bank-total'), 'Đang hiện 1/2 câu hỏi');
    await page.locator('#questions button.open-question').click();
    await page.waitForSelector('#question-section:not([hidden])');
    assert.deepEqual(await page.locator('#question-preview label.option').allTextContents(), ['Cho mượn', 'Từ chối và giải thích', 'Viết ra giấy cho bạn']);
    assert.equal(await page.textContent('#question-key'), 'Đáp án đúng: Từ chối và giải thích');

    // Exported as GIFT, it carries the questions.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-gift')]);
    const gift = readFileSync(await download.path(), 'utf8');
    assert.match(gift, /Bạn xin mượn mật khẩu, em làm gì\?/);

    // Retired: drawn no more, shown as retired, its editor closed.
    page.once('dialog', (d) => d.accept());
    await page.click('#qe-retire');
    await page.locator('#qe-notice.notice-ok', { hasText: 'Câu hỏi đã ngừng dùng' }).waitFor();
    assert.equal(await page.isDisabled('#qe-save'), true);
    assert.equal(await page.locator('#rescore-box').isHidden(), true);
    const list = await apiCall('GET', '/admin/banks', { token });
    assert.equal(list.body.banks.find((b) => b.code === code).question_count, 1);
    // Put back as it was: a new version, in use again.
    await page.click('#qe-restore');
    await page.locator('#qe-notice.notice-ok', { hasText: 'Câu hỏi được dùng lại với phiên bản 2' }).waitFor();
    assert.equal(await page.isDisabled('#qe-save'), false);
    assert.equal(await page.locator('#qe-restore').isHidden(), true);
    const back = await apiCall('GET', '/admin/banks', { token });
    assert.equal(back.body.banks.find((b) => b.code === code).question_count, 2);
    assert.deepEqual(problems, []);
  }, WIDE);
});

test('a unit administrator is kept off the Banks page and gets no edit links in item statistics', async () => {
  await withPage(async (page, _context, problems) => {
    await loginTo(page, DEMO.unitAdmin, 'admin-banks.html');
    await page.waitForURL(/admin\.html$/);
    await page.waitForSelector('#admin-sections:not([hidden])');
    assert.equal(await page.locator('#admin-nav a[href="admin-banks.html"]').count(), 0);
    const { token } = await apiLogin(DEMO.unitAdmin);
    assert.equal((await apiCall('GET', '/admin/banks', { token })).status, 403);
    // Item statistics of its own pupil's attempt: the questions, without links to the admin's editor.
    assert.ok(rescoredQuiz, 'the rescore test ran first');
    await page.goto(`${BASE_URL}/admin-reports.html?quiz=${rescoredQuiz}`);
    await page.locator('#items-report tbody tr').first().waitFor();
    assert.equal(await page.locator('#items-report tbody tr').count(), 2);
    assert.equal(await page.locator('#items-report a').count(), 0);
    assert.deepEqual(problems, []);
  });
});
