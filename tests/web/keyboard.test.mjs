// keyboard.test.mjs - by keyboard alone (Tab, Shift+Tab, Enter, Space and
// arrow keys; no click, no fill): an admin logs in, reaches the Quizzes page
// through the navigation, creates a quiz with the rule builder and previews
// it; a pupil logs in, opens it, answers every question and submits. Every
// control reached shows where the focus is.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withPage, screenshot, apiCall, apiLogin, BASE_URL, DEMO, uploadBankJson } from './browser.mjs';

const WIDE = { viewport: { width: 1280, height: 900 } };

/**
 * Presses Tab (or Shift+Tab) until the focus is on an element matching
 * selector; fails after max presses. Checks that the focused element shows
 * its focus (an outline or a shadow under :focus-visible).
 */
async function tabTo(page, selector, { back = false, max = 150 } = {}) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const state = await page.evaluate((sel) => {
      const a = document.activeElement;
      if (!a || !a.matches(sel)) return null;
      const style = getComputedStyle(a);
      return { visible: a.matches(':focus-visible') && (style.outlineStyle !== 'none' || style.boxShadow !== 'none') };
    }, selector);
    if (state) {
      assert.ok(state.visible, `the focus on ${selector} is visible`);
      return;
    }
  }
  assert.fail(`${selector} is not reached by ${back ? 'Shift+Tab' : 'Tab'}`);
}

/** Moves a focused <select> to value with the arrow keys. */
async function arrowTo(page, value, max = 400) {
  await page.keyboard.press('Home');
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((v) => document.activeElement.value === v, value)) return;
    await page.keyboard.press('ArrowDown');
  }
  assert.fail(`option ${value} is not reached by the arrow keys`);
}

async function typeInto(page, selector, text) {
  await tabTo(page, selector);
  await page.keyboard.press('Control+A');
  await page.keyboard.type(text);
}

async function keyboardLogin(page, who) {
  await page.goto(`${BASE_URL}/`);
  await page.waitForSelector('#login-view:not([hidden])');
  await typeInto(page, '#username', who.username);
  await typeInto(page, '#password', who.password);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#quizzes-view:not([hidden])');
}

/** A bank of three questions for this test alone. */
async function uploadBank(token, stamp) {
  const bank = {
    code: `kb-bank-${stamp}`, title: 'Ngân hàng kiểm thử bàn phím', language: 'vi', audiences: ['pupil'],
    questions: [
      { code: `kb-${stamp}-1`, type: 'single', topics: ['passwords'], difficulty: 1, stem: 'Mật khẩu nào an toàn nhất?',
        options: [{ text: 'Ga-Con-Chay-Qua-Cau#7', correct: true }, { text: '12345678', correct: false }, { text: 'matkhau', correct: false }], explanation: 'Dài và nhiều loại ký tự.' },
      { code: `kb-${stamp}-2`, type: 'true_false', topics: ['phishing_fraud'], difficulty: 1, stem: 'Ngân hàng không bao giờ hỏi mã OTP qua điện thoại.',
        options: [{ text: 'Đúng', correct: true }, { text: 'Sai', correct: false }], explanation: 'Không ai được hỏi mã OTP.' },
      { code: `kb-${stamp}-3`, type: 'multiple', topics: ['phishing_fraud'], difficulty: 2, stem: 'Dấu hiệu nào của tin nhắn lừa đảo?',
        options: [{ text: 'Giục chuyển tiền gấp', correct: true }, { text: 'Đường dẫn lạ', correct: true }, { text: 'Lời chào', correct: false }], explanation: 'Gấp gáp và đường dẫn lạ.' },
    ],
  };
  return uploadBankJson(token, bank);
}

test('by keyboard alone: an admin creates a quiz with the rule builder, a pupil takes it', async () => {
  const { token } = await apiLogin(DEMO.admin);
  const stamp = Date.now().toString(36);
  const bankCode = await uploadBank(token, stamp);
  const code = `kb-quiz-${stamp}`;
  let quizId;
  await withPage(async (page, _context, problems) => {
    await keyboardLogin(page, DEMO.admin);
    // The navigation: the site's link to the administration, then its Quizzes section.
    await tabTo(page, '.nav a[href="admin.html"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#admin-sections:not([hidden])');
    await tabTo(page, '#admin-nav a[href="admin-quizzes.html"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#admin-sections:not([hidden])');
    await page.locator(`#rule-bank option[value="${bankCode}"]`).waitFor({ state: 'attached' });

    await typeInto(page, '#qf-code', code);
    await typeInto(page, '#qf-title', 'Bài thi tạo bằng bàn phím');
    await tabTo(page, '#qf-kind');
    await arrowTo(page, 'quiz');
    await tabTo(page, '#qf-audiences');
    await page.keyboard.press('Home'); // the first audience, pupils
    assert.deepEqual(await page.evaluate(() => [...document.querySelector('#qf-audiences').selectedOptions].map((o) => o.value)), ['pupil']);
    await typeInto(page, '#qf-time', '10');
    await typeInto(page, '#qf-attempts', '2');
    await typeInto(page, '#qf-pass', '50');
    // Opening and closing times keep the form's defaults (now, in 30 days).
    await tabTo(page, '#qf-shuffle-q');
    await page.keyboard.press('Space'); // questions in the bank's order
    assert.equal(await page.isChecked('#qf-shuffle-q'), false);

    // Rule 1: two phishing questions. Rule 2: one of any topic.
    await tabTo(page, '#rule-bank');
    await arrowTo(page, bankCode);
    await tabTo(page, '#rule-topic');
    await arrowTo(page, 'phishing_fraud');
    await typeInto(page, '#rule-count', '2');
    await tabTo(page, '#rule-add');
    await page.keyboard.press('Enter');
    await page.locator('#rules tbody tr').first().waitFor();
    await tabTo(page, '#rule-topic', { back: true });
    await arrowTo(page, '');
    await typeInto(page, '#rule-count', '1');
    await tabTo(page, '#rule-add');
    await page.keyboard.press('Space');
    await page.waitForFunction(() => document.querySelectorAll('#rules tbody tr').length === 2);
    assert.equal(await page.textContent('#rules-total'), 'Tổng số câu sẽ rút: 3');
    // A rule removed and added again, still by keyboard.
    await tabTo(page, '#rules tbody tr:nth-child(2) button', { back: true });
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelectorAll('#rules tbody tr').length === 1);
    await tabTo(page, '#rule-add');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelectorAll('#rules tbody tr').length === 2);

    await tabTo(page, '#qf-save');
    await page.keyboard.press('Enter');
    await page.locator('#qf-notice.notice-ok').waitFor();
    const list = await apiCall('GET', '/admin/quizzes?limit=500', { token });
    const stored = list.body.quizzes.find((q) => q.code === code);
    assert.ok(stored, 'the quiz is stored');
    quizId = stored.id;
    const def = await apiCall('GET', `/admin/quizzes/${quizId}`, { token });
    assert.deepEqual(def.body.quiz.draw.map((r) => [r.bank, r.topic ?? null, r.count]), [[bankCode, 'phishing_fraud', 2], [bankCode, null, 1]]);
    assert.deepEqual(def.body.quiz.audiences, ['pupil']);
    assert.equal(def.body.quiz.pass_percent, 50);
    assert.equal(def.body.quiz.time_limit_s, 600);
    assert.equal(def.body.quiz.shuffle_questions, false);
    assert.ok(Date.parse(def.body.quiz.opens_at) <= Date.now(), 'open now');
    await tabTo(page, '#qf-preview');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#preview:not([hidden])');
    assert.equal(await page.locator('#preview-list > li').count(), 3);
    await screenshot(page, 'keyboard-quiz-form.png');
    assert.deepEqual(problems, []);
  }, WIDE);

  await withPage(async (page, _context, problems) => {
    await keyboardLogin(page, DEMO.pupil);
    await tabTo(page, `.quiz-card[data-quiz-id="${quizId}"] a.btn-primary`);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#start-view:not([hidden])');
    await tabTo(page, '#start');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#attempt-view:not([hidden])');
    const questions = page.locator('#questions > li');
    assert.equal(await questions.count(), 3);
    for (let i = 1; i <= 3; i++) {
      // Tab enters each question's group on its first option; Space picks it
      // (a radio) or ticks it (a checkbox).
      await tabTo(page, `#questions > li:nth-child(${i}) input`);
      await page.keyboard.press('Space');
      await questions.nth(i - 1).locator('.save-state[data-state="saved"]').waitFor();
    }
    // A single-choice answer changed with an arrow key is saved too.
    await tabTo(page, '#questions > li input[type="radio"]', { back: true });
    await page.keyboard.press('ArrowDown');
    await page.waitForFunction(() => [...document.querySelectorAll('#questions .save-state')].every((s) => s.dataset.state === 'saved'));
    await tabTo(page, '#submit');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#result-view:not([hidden])');
    await screenshot(page, 'keyboard-quiz-result.png');
    assert.deepEqual(problems, []);
  });

  const results = await apiCall('GET', `/admin/quizzes/${quizId}/results`, { token });
  assert.equal(results.status, 200);
  assert.ok(results.body.results.some((r) => r.username === DEMO.pupil.username), 'the pupil\'s attempt is in the results');
});
