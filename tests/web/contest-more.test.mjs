// contest-more.test.mjs - the prediction question and practice against the
// real engine: a pupil answers the prediction before submitting and sees it
// on the result; a pupil practises, sees after each answer whether it was
// right, the right choice, the explanation and the chosen option's own
// feedback, then practises again with a new set; the standings, results and
// admin contest pages pass axe-core.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withPage, screenshot, assertFits, login, apiCall, apiLogin, BASE_URL, DEMO, assertAccessible, uploadBankJson } from './browser.mjs';


const stamp = Date.now().toString(36);

/** A bank whose options each say why they are right or wrong; returns its code. */
async function uploadBank(token) {
  const bank = {
    code: `web-test-cm-bank-${stamp}`, title: 'Ngân hàng thử luyện tập', language: 'vi', audiences: ['pupil'],
    questions: [
      { code: `cm-${stamp}-1`, type: 'single', topics: ['passwords'], difficulty: 1, stem: 'Mật khẩu nào an toàn nhất?',
        options: [
          { text: 'Ga-Con-Chay-Qua-Cau#7', correct: true, feedback: 'Đúng: dài, nhiều từ và có ký tự đặc biệt nên khó đoán.' },
          { text: '12345678', correct: false, feedback: 'Sai: dãy số liên tiếp bị dò ra trong vài giây.' },
          { text: 'matkhau', correct: false, feedback: 'Sai: từ thông dụng nằm trong mọi từ điển dò mật khẩu.' }],
        explanation: 'Mật khẩu dài, ghép nhiều từ và có ký tự đặc biệt.' },
      { code: `cm-${stamp}-2`, type: 'single', topics: ['phishing_fraud'], difficulty: 1, stem: 'Ai được hỏi mã OTP của bạn?',
        options: [
          { text: 'Không ai cả', correct: true, feedback: 'Đúng: mã OTP chỉ dành cho chính bạn.' },
          { text: 'Nhân viên ngân hàng', correct: false, feedback: 'Sai: ngân hàng không bao giờ hỏi mã OTP.' },
          { text: 'Người thân', correct: false, feedback: 'Sai: kẻ gian hay giả làm người thân.' }],
        explanation: 'Không ai có quyền hỏi mã OTP của bạn.' },
    ],
  };
  return uploadBankJson(token, bank);
}

async function createQuiz(token, bank, extra) {
  const quiz = {
    audiences: ['pupil'], unit_scope: null, draw: [{ bank, count: 2 }], pass_percent: 50,
    opens_at: '2020-01-01T00:00:00Z', closes_at: '2099-01-01T00:00:00Z', shuffle_questions: true,
    shuffle_options: false, review: 'after_submit', ...extra,
  };
  const q = await apiCall('POST', '/admin/quizzes', { token, body: quiz });
  assert.equal(q.status, 201, `quiz create answered ${q.status}: ${JSON.stringify(q.body)}`);
  return q.body.quiz;
}

test('a pupil answers the prediction question before submitting and sees it on the result', async () => {
  const { token } = await apiLogin(DEMO.admin);
  const bank = await uploadBank(token);
  const quiz = await createQuiz(token, bank, {
    code: `web-test-cm-contest-${stamp}`, title: 'Cuộc thi có câu dự đoán', kind: 'contest', time_limit_s: 900, max_attempts: 1,
    prediction_question: 'Có bao nhiêu người trả lời đúng tất cả?',
  });
  const who = { username: 'hs.cuong', password: DEMO.pupil.password };
  await withPage(async (page, _context, problems) => {
    await page.goto(`${BASE_URL}/`);
    await login(page, who);
    await page.locator(`.quiz-card[data-quiz-id="${quiz.id}"] a.btn-primary`).click();
    await page.click('#start');
    await page.waitForSelector('#attempt-view:not([hidden])');
    const questions = page.locator('#questions > li');
    for (let i = 0; i < 2; i++) {
      await questions.nth(i).locator('label.option').first().click();
      await questions.nth(i).locator('.save-state[data-state="saved"]').waitFor();
    }
    assert.equal(await page.textContent('#prediction-label'), 'Có bao nhiêu người trả lời đúng tất cả?');
    // Submitting without a prediction is stopped with a message.
    await page.click('#submit');
    await page.waitForSelector('#submit-notice:not([hidden])');
    assert.match(await page.textContent('#submit-notice'), /dự đoán/);
    assert.ok(await page.isVisible('#attempt-view'), 'still on the attempt');
    await page.fill('#prediction', '42');
    await page.click('#submit');
    await page.waitForSelector('#result-view:not([hidden])');
    assert.equal(await page.textContent('#result-prediction dd'), '42');
    await assertFits(page, 'the result with its prediction');
    await screenshot(page, 'result-prediction-360.png');
    // The leaderboard writes the ranking rule out and shows the prediction.
    await page.goto(`${BASE_URL}/leaderboard.html?id=${quiz.id}`);
    await page.waitForSelector('#leaderboard');
    assert.match(await page.textContent('#ranking-rule'), /dự đoán gần hơn/);
    assert.match(await page.textContent('#leaderboard'), /Dự đoán: 42/);
    await assertAccessible(page, 'leaderboard.html');
    await page.goto(`${BASE_URL}/standings.html?id=${quiz.id}`);
    await page.waitForSelector('#st-formula:not(:empty)');
    assert.match(await page.textContent('#st-formula'), /tỉ lệ tham gia/);
    await assertAccessible(page, 'standings.html');
    assert.deepEqual(problems.filter((p) => !p.includes('404')), []);
  });
  // Not published: the public page says so, without a login.
  await withPage(async (page) => {
    await page.goto(`${BASE_URL}/results.html?id=${quiz.id}`);
    await page.waitForSelector('#res-notice:not([hidden])');
    assert.match(await page.textContent('#res-notice'), /chưa được công bố/);
    await assertAccessible(page, 'results.html');
  });
});

test('a pupil practises: feedback after each answer, then practise again with a new set', async () => {
  const { token } = await apiLogin(DEMO.admin);
  const bank = await uploadBank(token);
  const quiz = await createQuiz(token, bank, {
    code: `web-test-cm-practice-${stamp}`, title: 'Luyện tập mật khẩu và OTP', kind: 'quiz', mode: 'practice', time_limit_s: null,
  });
  const who = { username: 'hs.an', password: DEMO.pupil.password };
  await withPage(async (page, _context, problems) => {
    await page.goto(`${BASE_URL}/`);
    await login(page, who);
    const card = page.locator(`.quiz-card[data-quiz-id="${quiz.id}"]`);
    assert.equal(await card.getAttribute('data-mode'), 'practice');
    assert.equal(await card.locator('.kind').textContent(), 'Luyện tập');
    await card.locator('a.btn-primary').click();
    await page.waitForSelector('#practice-question:not([hidden])');
    // The first question: a wrong answer on purpose (the last option).
    await page.locator('#practice-question label.option').last().click();
    await page.click('#practice-check');
    await page.waitForSelector('#practice-feedback:not([hidden])');
    assert.equal(await page.textContent('#practice-verdict'), 'Sai');
    const feedback = await page.textContent('#practice-feedback');
    assert.match(feedback, /Đáp án đúng: (Ga-Con-Chay-Qua-Cau#7|Không ai cả)/);
    assert.match(feedback, /Bạn chọn “(matkhau|Người thân)”: Sai:/);
    assert.match(feedback, /Giải thích/);
    await assertAccessible(page, 'practice.html with feedback');
    await screenshot(page, 'practice-feedback-360.png');
    await page.click('#practice-next');
    // The second question, answered right (the right option is first: options are not shuffled).
    await page.locator('#practice-question label.option').first().click();
    await page.click('#practice-check');
    await page.waitForSelector('#practice-feedback:not([hidden])');
    assert.equal(await page.textContent('#practice-verdict'), 'Đúng');
    await page.click('#practice-next');
    await page.waitForSelector('#practice-done:not([hidden])');
    assert.equal(await page.textContent('#practice-summary'), 'Bạn trả lời đúng 1 trên 2 câu.');
    await page.click('#practice-again');
    await page.waitForSelector('#practice-question:not([hidden])');
    assert.match(await page.textContent('#practice-progress'), /1/);
    assert.deepEqual(problems, []);
  });
});

test('the admin contest page lists winners, integrity flags and offers publication', async () => {
  await withPage(async (page, _context, problems) => {
    await page.goto(`${BASE_URL}/`);
    await login(page, DEMO.admin);
    await page.waitForSelector('#quizzes-view:not([hidden]), #site-header a[href="admin.html"]');
    await page.goto(`${BASE_URL}/admin-contests.html`);
    await page.waitForSelector('#admin-sections:not([hidden])');
    assert.ok(await page.locator('#admin-nav a[href="admin-contests.html"]').count(), 'linked from the admin navigation');
    if (await page.locator('#ac-contest option').count()) {
      await page.waitForSelector('#winners, #ac-winners p');
      await page.waitForSelector('#ac-flags li');
    }
    await assertAccessible(page, 'admin-contests.html');
    await screenshot(page, 'admin-contests.png');
    assert.deepEqual(problems, []);
  }, { viewport: { width: 1280, height: 900 } });
});
