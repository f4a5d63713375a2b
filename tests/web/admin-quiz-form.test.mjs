// admin-quiz-form.test.mjs - the quiz form of the Quizzes page: an admin
// builds a quiz rule by rule (an impossible rule is refused with what it
// lacks), saves it, previews one draw; a participant takes it; it shows in
// the results; editing a started quiz's pass mark is refused in Vietnamese.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withPage, screenshot, login, apiCall, apiLogin, BASE_URL, DEMO, assertAccessible, uploadBankJson } from './browser.mjs';

const WIDE = { viewport: { width: 1280, height: 900 } };

/** Uploads a bank of three questions (two on phishing_fraud) as admin. */
async function uploadBank(token, stamp) {
  const bank = {
    code: `web-form-bank-${stamp}`, title: 'Ngân hàng của kiểm thử biểu mẫu', language: 'vi', audiences: ['pupil'],
    questions: [
      { code: `wf-${stamp}-1`, type: 'single', topics: ['passwords'], difficulty: 1, stem: 'Mật khẩu nào an toàn nhất?',
        options: [{ text: 'Ga-Con-Chay-Qua-Cau#7', correct: true }, { text: '12345678', correct: false }, { text: 'matkhau', correct: false }], explanation: 'Dài và nhiều loại ký tự.' },
      { code: `wf-${stamp}-2`, type: 'true_false', topics: ['phishing_fraud'], difficulty: 1, stem: 'Ngân hàng không bao giờ hỏi mã OTP qua điện thoại.',
        options: [{ text: 'Đúng', correct: true }, { text: 'Sai', correct: false }], explanation: 'Không ai được hỏi mã OTP.' },
      { code: `wf-${stamp}-3`, type: 'single', topics: ['phishing_fraud'], difficulty: 2, stem: 'Tin nhắn giục chuyển tiền gấp là dấu hiệu gì?',
        options: [{ text: 'Lừa đảo', correct: true }, { text: 'Khuyến mãi', correct: false }, { text: 'Tin vui', correct: false }], explanation: 'Kẻ gian tạo sự gấp gáp.' },
    ],
  };
  return uploadBankJson(token, bank);
}

test('an admin builds a quiz rule by rule, previews a draw, a participant takes it, it shows in the results', async () => {
  const { token } = await apiLogin(DEMO.admin);
  const stamp = Date.now().toString(36);
  const bankCode = await uploadBank(token, stamp);
  const code = `web-test-form-${stamp}`;
  let quizId;
  await withPage(async (page, _context, problems) => {
    await page.goto(`${BASE_URL}/`);
    await login(page, DEMO.admin);
    await page.waitForSelector('#quizzes-view:not([hidden])');
    await page.goto(`${BASE_URL}/admin-quizzes.html`);
    await page.waitForSelector('#admin-sections:not([hidden])');
    await page.locator(`#rule-bank option[value="${bankCode}"]`).waitFor({ state: 'attached' });
    await page.fill('#qf-code', code);
    await page.fill('#qf-title', 'Bài thi dựng bằng biểu mẫu');
    await page.selectOption('#qf-kind', 'quiz');
    await page.selectOption('#qf-audiences', ['pupil']);
    await page.fill('#qf-time', '15');
    await page.fill('#qf-attempts', '2');
    await page.fill('#qf-pass', '50');
    await page.fill('#qf-opens', '2020-01-01T00:00');
    await page.fill('#qf-closes', '2099-01-01T00:00');
    await page.selectOption('#qf-review', 'after_submit');
    // Saving without a rule is refused before any request.
    await page.click('#qf-save');
    await page.locator('#qf-notice', { hasText: 'Hãy thêm ít nhất một quy tắc' }).waitFor();
    // Five phishing questions from a bank that has two: refused, naming what is left.
    await page.selectOption('#rule-bank', bankCode);
    await page.selectOption('#rule-topic', 'phishing_fraud');
    await page.fill('#rule-count', '5');
    await page.click('#rule-add');
    await page.locator('#rules-notice.notice-error', { hasText: 'chỉ còn 2 câu' }).waitFor();
    assert.equal(await page.locator('#rules tbody tr').count(), 0);
    // Two of them: added, with how many it can draw from.
    await page.fill('#rule-count', '2');
    await page.click('#rule-add');
    await page.locator('#rules tbody tr').first().waitFor();
    assert.deepEqual(await page.locator('#rules tbody tr').first().locator('td.num').allTextContents(), ['2', '2', '2']);
    // Any topic, two more: only one is left once the first rule took its two.
    await page.selectOption('#rule-topic', '');
    await page.click('#rule-add');
    await page.locator('#rules-notice.notice-error', { hasText: 'chỉ còn 1 câu' }).waitFor();
    await page.fill('#rule-count', '1');
    await page.click('#rule-add');
    await page.waitForFunction(() => document.querySelectorAll('#rules tbody tr').length === 2);
    assert.deepEqual(await page.locator('#rules tbody tr').nth(1).locator('td.num').allTextContents(), ['1', '3', '1']);
    assert.equal(await page.textContent('#rules-total'), 'Tổng số câu sẽ rút: 3');
    await assertAccessible(page, 'the quiz form with two rules');
    await page.click('#qf-save');
    await page.locator('#qf-notice.notice-ok').waitFor();
    const list = await apiCall('GET', '/admin/quizzes?limit=500', { token });
    const stored = list.body.quizzes.find((q) => q.code === code);
    assert.ok(stored, 'the quiz is stored');
    quizId = stored.id;
    const def = await apiCall('GET', `/admin/quizzes/${quizId}`, { token });
    assert.deepEqual(def.body.quiz.draw.map((r) => [r.bank, r.topic ?? null, r.count]), [[bankCode, 'phishing_fraud', 2], [bankCode, null, 1]]);
    assert.equal(def.body.quiz.pass_percent, 50);
    await page.locator(`#quizzes tr[data-quiz-id="${quizId}"]`).waitFor();
    // One draw, as a participant would see it: three questions of the bank.
    await page.click('#qf-preview');
    await page.waitForSelector('#preview:not([hidden])');
    assert.equal(await page.locator('#preview-list > li').count(), 3);
    const codes = await page.locator('#preview-list > li .mono').allTextContents();
    for (const c of codes) assert.match(c.trim(), new RegExp(`^wf-${stamp}-[123]$`));
    await assertAccessible(page, 'the quiz form with a preview');
    await screenshot(page, 'admin-quiz-form-preview.png');
    assert.deepEqual(problems, []);
  }, WIDE);

  // A participant takes it.
  await withPage(async (page, _context, problems) => {
    await page.goto(`${BASE_URL}/`);
    await login(page, DEMO.pupil);
    const card = page.locator(`.quiz-card[data-quiz-id="${quizId}"]`);
    await card.locator('a.btn-primary').click();
    await page.waitForSelector('#start-view:not([hidden])');
    await page.click('#start');
    await page.waitForSelector('#attempt-view:not([hidden])');
    const questions = page.locator('#questions > li');
    assert.equal(await questions.count(), 3);
    for (let i = 0; i < 3; i++) {
      await questions.nth(i).locator('label.option').first().click();
      await questions.nth(i).locator('.save-state[data-state="saved"]').waitFor();
    }
    await page.click('#submit');
    await page.waitForSelector('#result-view:not([hidden])');
    assert.deepEqual(problems, []);
  });

  // The admin sees it in the results; the pass mark can no longer change.
  await withPage(async (page, _context, problems) => {
    await page.goto(`${BASE_URL}/`);
    await login(page, DEMO.admin);
    await page.waitForSelector('#quizzes-view:not([hidden])');
    await page.goto(`${BASE_URL}/admin-quizzes.html`);
    await page.click(`#quizzes tr[data-quiz-id="${quizId}"] button.quiz-results`);
    await page.locator('#results-rows tbody tr', { hasText: DEMO.pupil.username }).waitFor();
    await screenshot(page, 'admin-quiz-form-results.png');
    await page.click(`#quizzes tr[data-quiz-id="${quizId}"] button:not(.quiz-results)`);
    await page.waitForFunction((c) => document.querySelector('#qf-code').value === c, code);
    await page.waitForFunction(() => document.querySelectorAll('#rules tbody tr').length === 2);
    await page.fill('#qf-pass', '70');
    await page.click('#qf-save');
    await page.locator('#qf-notice.notice-error', { hasText: 'Bài thi đã có người làm' }).waitFor();
    const def = await apiCall('GET', `/admin/quizzes/${quizId}`, { token });
    assert.equal(def.body.quiz.pass_percent, 50, 'nothing stored');
    // A title may still change.
    await page.fill('#qf-pass', '50');
    await page.fill('#qf-title', 'Bài thi dựng bằng biểu mẫu (đã sửa)');
    await page.click('#qf-save');
    await page.locator('#qf-notice.notice-ok').waitFor();
    const after = await apiCall('GET', `/admin/quizzes/${quizId}`, { token });
    assert.equal(after.body.quiz.title, 'Bài thi dựng bằng biểu mẫu (đã sửa)');
    assert.deepEqual(problems, []);
  }, WIDE);
});
