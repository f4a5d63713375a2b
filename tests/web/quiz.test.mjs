// quiz.test.mjs - taking a quiz. One test against the real engine with a
// quiz of the demo (skipped, saying why, when the demo has none open); the
// others drive quiz.html against a scripted API (page.route) to prove what
// the real one cannot show on demand: a lost connection while saving, the
// server's clock, a reload with unsaved answers, and 409 time_over.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withPage, screenshot, assertFits, login, apiCall, apiLogin, BASE_URL, DEMO } from './browser.mjs';

/* ---- the real engine ------------------------------------------------------- */

const PARTICIPANTS = ['hs.an', 'hs.binh', 'hs.cuong', 'sv.giang', 'cc.hanh', 'nd.phuc'];

/** A demo participant with an open quiz that has attempts left, or a reason. */
async function findOpenQuiz() {
  const reasons = [];
  for (const username of PARTICIPANTS) {
    const who = { username, password: DEMO.pupil.password };
    const { token } = await apiLogin(who);
    const res = await apiCall('GET', '/quizzes', { token });
    if (res.status !== 200) return { reason: `GET /api/v1/quizzes answered ${res.status}` };
    const quiz = res.body.quizzes.find((q) => !q.code.startsWith('web-test-') && q.state === 'open' && (!q.max_attempts || q.attempts_used < q.max_attempts));
    if (quiz) return { who, quiz };
    reasons.push(`${username}: ${res.body.quizzes.length} quizzes, none open with attempts left`);
  }
  return { reason: `the demo has no open quiz (${reasons.join('; ')})` };
}

test('a participant takes a demo quiz: start, answer, submit, see the result', async (t) => {
  const found = await findOpenQuiz();
  if (!found.quiz) {
    t.skip(`skipped: ${found.reason}`);
    return;
  }
  const { who, quiz } = found;
  await withPage(async (page, _context, problems) => {
    await page.goto(`${BASE_URL}/`);
    await login(page, who);
    const card = page.locator(`.quiz-card[data-quiz-id="${quiz.id}"]`);
    await card.locator('a.btn-primary').click();
    await page.waitForSelector('#start-view:not([hidden])');
    assert.equal(await page.textContent('#start-title'), quiz.title);
    await page.click('#start');
    await page.waitForSelector('#attempt-view:not([hidden])');
    assert.match(page.url(), /attempt=\d+/);
    const questions = page.locator('#questions > li');
    const n = await questions.count();
    assert.ok(n > 0, 'the attempt has questions');
    assert.match(await page.textContent('#countdown'), /^\d+:\d\d(:\d\d)?$/);
    for (let i = 0; i < n; i++) {
      const q = questions.nth(i);
      if (await q.locator('input[type="text"]').count()) await q.locator('input[type="text"]').fill('mật khẩu mạnh');
      else await q.locator('label.option').first().click();
      await q.locator('.save-state[data-state="saved"]').waitFor();
      assert.equal(await q.locator('.save-state').textContent(), 'đã lưu');
    }
    assert.equal(await page.textContent('#progress-text'), `Đã trả lời ${n}/${n} câu`);
    await assertFits(page, 'the quiz page');
    await screenshot(page, 'quiz-demo-360.png');
    await page.click('#submit');
    await page.waitForSelector('#result-view:not([hidden])');
    const result = page.locator('#result');
    assert.match(await result.locator('.stats').textContent(), /Điểm/);
    assert.match(await result.locator('.stats').textContent(), new RegExp(`\\d+/${n}`));
    await assertFits(page, 'the result page');
    await screenshot(page, 'result-demo-360.png');
    // Reloading the result page shows the result again, not a new attempt.
    await page.reload();
    await page.waitForSelector('#result-view:not([hidden])');
    assert.deepEqual(problems, []);
  });
});

/** Uploads a small bank and a contest over it as admin; returns the quiz. */
async function createQuiz() {
  const { token } = await apiLogin(DEMO.admin);
  const stamp = Date.now().toString(36);
  const bank = {
    code: `web-test-bank-${stamp}`, title: 'Ngân hàng thử của kiểm thử web', language: 'vi', audiences: ['pupil'],
    questions: [
      { code: `wt-${stamp}-1`, type: 'single', topics: ['passwords'], difficulty: 1, stem: 'Mật khẩu nào an toàn nhất?',
        options: [{ text: 'Ga-Con-Chay-Qua-Cau#7', correct: true }, { text: '12345678', correct: false }, { text: 'matkhau', correct: false }],
        explanation: 'Mật khẩu dài, ghép nhiều từ và có ký tự đặc biệt.' },
      { code: `wt-${stamp}-2`, type: 'true_false', topics: ['phishing_fraud'], difficulty: 1, stem: 'Ngân hàng không bao giờ hỏi mã OTP qua điện thoại.',
        options: [{ text: 'Đúng', correct: true }, { text: 'Sai', correct: false }], explanation: 'Không ai có quyền hỏi mã OTP của bạn.' },
      { code: `wt-${stamp}-3`, type: 'multiple', topics: ['phishing_fraud'], difficulty: 2, stem: 'Dấu hiệu nào của tin nhắn lừa đảo?',
        options: [{ text: 'Giục chuyển tiền gấp', correct: true }, { text: 'Đường link lạ', correct: true }, { text: 'Có dấu câu', correct: false }],
        explanation: 'Kẻ gian tạo sự gấp gáp và dùng đường link giả.' },
    ],
  };
  const b = await fetch(`${BASE_URL}/api/v1/admin/banks?format=json`, {
    method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(bank),
  });
  assert.equal(b.status, 200, `bank upload answered ${b.status}: ${await b.text()}`);
  const quiz = {
    code: `web-test-${stamp}`, title: 'Cuộc thi thử của kiểm thử web', kind: 'contest', audiences: ['pupil'], unit_scope: null,
    draw: [{ bank: bank.code, count: 3 }], time_limit_s: 900, max_attempts: 2, pass_percent: 50,
    opens_at: '2020-01-01T00:00:00Z', closes_at: '2099-01-01T00:00:00Z', shuffle_questions: true, shuffle_options: true,
    review: 'after_submit', prediction_question: 'Có bao nhiêu người trả lời đúng tất cả?',
  };
  const q = await apiCall('POST', '/admin/quizzes', { token, body: quiz });
  assert.equal(q.status, 201, `quiz create answered ${q.status}: ${JSON.stringify(q.body)}`);
  return q.body.quiz;
}

test('a participant takes a contest the admin created through the API, and sees the review', async (t) => {
  const probe = await apiCall('POST', '/admin/quizzes', { token: (await apiLogin(DEMO.admin)).token, body: {} });
  if (probe.status === 404 && probe.body && probe.body.error.message.includes('No such resource')) {
    t.skip('skipped: this engine has no POST /api/v1/admin/quizzes yet');
    return;
  }
  const quiz = await createQuiz();
  const who = { username: 'hs.binh', password: DEMO.pupil.password };
  await withPage(async (page, _context, problems) => {
    await page.goto(`${BASE_URL}/`);
    await login(page, who);
    const card = page.locator(`.quiz-card[data-quiz-id="${quiz.id}"]`);
    assert.equal(await card.locator('.badge').textContent(), 'Đang mở');
    assert.match(await card.textContent(), /Lượt đã làm: 0\/2/);
    await card.locator('a.btn-primary').click();
    await page.click('#start');
    await page.waitForSelector('#attempt-view:not([hidden])');
    const questions = page.locator('#questions > li');
    assert.equal(await questions.count(), 3);
    for (let i = 0; i < 3; i++) {
      const q = questions.nth(i);
      await q.locator('label.option').first().click();
      await q.locator('.save-state', { hasText: 'đã lưu' }).waitFor();
    }
    // Back on the list the attempt in progress is offered to continue; its
    // saved choices come back checked from the server.
    await page.goto(`${BASE_URL}/`);
    const resume = page.locator(`.quiz-card[data-quiz-id="${quiz.id}"] a.btn-primary`);
    assert.equal(await resume.textContent(), 'Tiếp tục làm bài');
    await resume.click();
    await page.waitForSelector('#attempt-view:not([hidden])');
    assert.equal(await page.locator('#questions input:checked').count(), 3);
    assert.equal(await page.locator('.save-state[data-state="saved"]').count(), 3);
    assert.ok(await page.isVisible('#prediction'), 'a contest asks for the prediction');
    assert.ok(['Có bao nhiêu người trả lời đúng tất cả?', 'Dự đoán số người trả lời đúng tất cả các câu']
      .includes(await page.textContent('#prediction-label')));
    await page.fill('#prediction', '3');
    await page.click('#submit');
    await page.waitForSelector('#result-view:not([hidden])');
    assert.match(await page.textContent('#result .stats'), /\/3/);
    assert.match(await page.textContent('#verdict'), /^(ĐẠT|CHƯA ĐẠT)$/);
    assert.equal(await page.locator('.review-item').count(), 3, 'review after_submit is shown');
    assert.match(await page.textContent('.review'), /Đáp án đúng:/);
    await screenshot(page, 'result-engine-360.png');
    await page.locator('.review').scrollIntoViewIfNeeded();
    await assertFits(page, 'the review');
    await screenshot(page, 'review-engine-360.png');

    // The list now counts the attempt and shows the best result.
    await page.goto(`${BASE_URL}/`);
    const again = page.locator(`.quiz-card[data-quiz-id="${quiz.id}"]`);
    await again.locator('.best:not(.muted)').waitFor();
    assert.match(await again.textContent(), /Lượt đã làm: 1\/2/);
    assert.match(await again.locator('.best').textContent(), /^Kết quả tốt nhất: [\d,]+\/3 điểm \([\d,]+%\)$/);
    await screenshot(page, 'quiz-list-engine-360.png');

    // The contest's leaderboard lists the participant.
    await again.locator('a', { hasText: 'Bảng xếp hạng' }).click();
    await page.locator('#leaderboard tbody tr').first().waitFor();
    assert.match(await page.textContent('#leaderboard tbody'), /Phạm Thị Bình/);
    await assertFits(page, 'the leaderboard');
    await screenshot(page, 'leaderboard-360.png');
    // Filtered to the pupil's school, each entry also has its rank there.
    await page.fill('#lb-unit', 'DEMO-THCS-DP');
    await page.click('#lb-form button[type="submit"]');
    await page.locator('#leaderboard tbody', { hasText: 'Hạng trong đơn vị: 1' }).waitFor();
    await page.fill('#lb-unit', 'DEMO-THPT-LM');
    await page.click('#lb-form button[type="submit"]');
    await page.locator('#lb-table', { hasText: 'Chưa có ai trong bảng xếp hạng.' }).waitFor();
    assert.deepEqual(problems, []);
  });
});

/* ---- a scripted API -------------------------------------------------------- */

const USER = { id: 4, username: 'hs.an', full_name: 'Lê Minh An', role: 'participant', unit_code: 'DEMO-THCS-DP', audience: 'pupil' };
const QUIZ = {
  id: 7, code: 'thu', title: 'Bài thi thử an toàn thông tin', kind: 'contest', time_limit_s: 600,
  prediction_question: 'Có bao nhiêu người trả lời đúng tất cả?',
  question_count: 3, opens_at: '2026-01-01T00:00:00Z', closes_at: '2099-01-01T00:00:00Z',
  max_attempts: 2, attempts_used: 0, state: 'open', best: null,
};
const QUESTIONS = [
  { id: 501, type: 'single', stem: 'Mật khẩu nào mạnh nhất?', options: [{ id: 9001, text: 'Tr0ng-Mua-Thu-2026!' }, { id: 9002, text: '123456' }] },
  { id: 502, type: 'multiple', stem: 'Dấu hiệu nào cho thấy một thư lừa đảo?', options: [{ id: 9011, text: 'Giục làm ngay' }, { id: 9012, text: 'Địa chỉ gửi lạ' }, { id: 9013, text: 'Có lời chào' }] },
  { id: 503, type: 'short', stem: 'Viết tắt của xác thực hai yếu tố?', options: [] },
];

function scriptedApi(page, behaviour = {}) {
  const log = { puts: [], submits: [] };
  const state = { answers: {}, submitted: false };
  const attempt = (extra = {}) => ({
    id: 55, quiz_id: 7, state: 'in_progress', started_at: '2026-11-24T08:00:00Z',
    deadline: '2026-11-24T08:10:00Z', remaining_ms: 600000, questions: QUESTIONS,
    answers: state.answers, result: null, review: null, ...extra,
  });
  const finished = (st) => attempt({
    state: st, remaining_ms: 0,
    result: { score: 2.5, max_score: 3, percent: 83.3, correct_count: 2, question_count: 3, passed: true, duration_ms: 125000 },
    review: [
      { question_id: 501, correct: true, correct_choices: [9001], explanation: 'Mật khẩu dài, có chữ hoa, số và ký tự đặc biệt.' },
      { question_id: 502, correct: false, correct_choices: [9011, 9012], explanation: 'Thư lừa đảo thường giục và dùng địa chỉ lạ.' },
      { question_id: 503, correct: true, correct_choices: [], explanation: '2FA' },
    ],
  });
  const json = (route, status, body) => route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(body) });
  page.route('**/api/v1/**', async (route) => {
    const req = route.request();
    const url = new URL(req.url());
    const p = url.pathname;
    if (req.headers().authorization !== 'Bearer mock-token-0123456789abcdef0123456789abcdef') {
      return json(route, 401, { error: { code: 'unauthorized', message: 'no token' } });
    }
    if (req.method() === 'GET' && p === '/api/v1/quizzes') return json(route, 200, { quizzes: [QUIZ] });
    if (req.method() === 'POST' && p === '/api/v1/quizzes/7/attempts') return json(route, 201, { attempt: attempt() });
    if (req.method() === 'GET' && p === '/api/v1/attempts/55') {
      const current = state.submitted ? finished('submitted') : attempt();
      if (!state.submitted && state.remainingOverride !== undefined) current.remaining_ms = state.remainingOverride;
      return json(route, 200, { attempt: current });
    }
    const put = /^\/api\/v1\/attempts\/55\/answers\/(\d+)$/.exec(p);
    if (req.method() === 'PUT' && put) {
      const body = JSON.parse(req.postData());
      log.puts.push({ qid: put[1], body });
      const verdict = behaviour.put ? behaviour.put(put[1], log.puts.length) : 'ok';
      if (verdict === 'abort') return route.abort('internetdisconnected');
      if (verdict === 'time_over') return json(route, 409, { error: { code: 'time_over', message: 'Đã hết giờ.' } });
      if (verdict === 'unauthorized') return json(route, 401, { error: { code: 'unauthorized', message: 'expired' } });
      state.answers[put[1]] = body;
      return json(route, 200, { saved: true, remaining_ms: behaviour.remaining_ms ?? 300000 });
    }
    if (req.method() === 'POST' && p === '/api/v1/attempts/55/submit') {
      log.submits.push(JSON.parse(req.postData() || '{}'));
      state.submitted = true;
      return json(route, 200, { attempt: finished(behaviour.expired ? 'expired' : 'submitted') });
    }
    return json(route, 404, { error: { code: 'not_found', message: p } });
  });
  return { log, state };
}

async function loggedIn(page) {
  await page.addInitScript((user) => {
    // Logged in on arrival at the quiz page only, so a trip to login stays there.
    if (location.pathname.endsWith('/quiz.html') && !sessionStorage.getItem('quiz.session')) {
      sessionStorage.setItem('quiz.session', JSON.stringify({ token: 'mock-token-0123456789abcdef0123456789abcdef', csrf_token: 'c', user }));
    }
  }, USER);
}

test('answers survive a lost connection: "chưa lưu", retry with backoff, "đã lưu"', async () => {
  await withPage(async (page, _context, problems) => {
    await loggedIn(page);
    // The first save of question 501 is lost on the network.
    const { log } = scriptedApi(page, { put: (qid, n) => (qid === '501' && n === 1 ? 'abort' : 'ok') });
    await page.goto(`${BASE_URL}/quiz.html?id=7`);
    await page.waitForSelector('#start-view:not([hidden])');
    assert.equal(await page.textContent('#start-title'), QUIZ.title);
    await page.click('#start');
    await page.waitForSelector('#attempt-view:not([hidden])');
    assert.match(page.url(), /quiz\.html\?id=7&attempt=55$/);
    assert.equal(await page.locator('#questions > li').count(), 3);
    assert.match(await page.textContent('#countdown'), /^(10:00|9:5\d)$/);
    assert.equal(await page.textContent('#progress-text'), 'Đã trả lời 0/3 câu');

    const q1 = page.locator('#q-501');
    await q1.locator('label.option').first().click();
    await q1.locator('.save-state', { hasText: 'chưa lưu' }).waitFor();
    await page.locator('#save-banner', { hasText: 'chưa lưu' }).waitFor();
    // Retried after about a second; a loaded machine gets 15 s.
    await q1.locator('.save-state', { hasText: 'đã lưu' }).waitFor({ timeout: 15000 });
    assert.equal(log.puts.filter((x) => x.qid === '501').length, 2, 'the lost save was retried once');
    assert.deepEqual(log.puts.at(-1).body, { choices: [9001] });
    // The countdown follows the server's remaining_ms from the save response.
    assert.match(await page.textContent('#countdown'), /^(5:00|4:5\d)$/);

    const q2 = page.locator('#q-502');
    await q2.locator('label.option').nth(0).click();
    await q2.locator('label.option').nth(1).click();
    await page.locator('#q-503 input[type="text"]').fill('2FA');
    await q2.locator('.save-state', { hasText: 'đã lưu' }).waitFor();
    await page.locator('#q-503 .save-state', { hasText: 'đã lưu' }).waitFor();
    assert.deepEqual(log.puts.filter((x) => x.qid === '502').at(-1).body, { choices: [9011, 9012] });
    assert.deepEqual(log.puts.filter((x) => x.qid === '503').at(-1).body, { text: '2FA' });
    assert.equal(await page.textContent('#progress-text'), 'Đã trả lời 3/3 câu');
    assert.equal(await page.textContent('#save-banner'), 'Tất cả câu trả lời đã được lưu.');
    await screenshot(page, 'quiz-360.png');

    await page.fill('#prediction', '12');
    await page.click('#submit');
    await page.waitForSelector('#result-view:not([hidden])');
    assert.deepEqual(log.submits, [{ prediction: 12 }]);
    assert.equal(await page.textContent('#verdict'), 'ĐẠT');
    const stats = await page.textContent('#result .stats');
    assert.match(stats, /2,5\/3/);
    assert.match(stats, /83,3%/);
    assert.match(stats, /2\/3/);
    assert.match(stats, /2:05/);
    assert.equal(await page.locator('.review-item').count(), 3);
    assert.match(await page.textContent('.review-item.wrong'), /Đáp án đúng: Giục làm ngay; Địa chỉ gửi lạ/);
    await screenshot(page, 'result-360.png');
    // Printed, the result is a certificate: no header or buttons, a heading.
    await page.emulateMedia({ media: 'print' });
    assert.ok(await page.isHidden('#site-header'));
    assert.ok(await page.isHidden('#result .actions'));
    assert.ok(await page.isVisible('#result .cert-heading'));
    assert.equal(await page.textContent('#result .cert-heading'), 'GIẤY CHỨNG NHẬN HOÀN THÀNH BÀI THI');
    await page.setViewportSize({ width: 794, height: 1123 });
    await screenshot(page, 'result-print.png');
    assert.deepEqual(problems, []);
  });
});

test('an unsaved answer kept across a reload is sent again', async () => {
  await withPage(async (page) => {
    await loggedIn(page);
    let online = false;
    const { log } = scriptedApi(page, { put: () => (online ? 'ok' : 'abort') });
    await page.goto(`${BASE_URL}/quiz.html?id=7`);
    await page.click('#start');
    await page.locator('#q-501 label.option').nth(1).click();
    await page.locator('#q-501 .save-state', { hasText: 'chưa lưu' }).waitFor();
    // The pupil reloads while the network is down; the server has nothing.
    await page.reload();
    await page.waitForSelector('#attempt-view:not([hidden])');
    assert.ok(await page.locator('#q-501 input[value="9002"]').isChecked(), 'the answer is still chosen');
    // Still unsaved: the page may be retrying ("đang lưu…") or waiting
    // ("chưa lưu") at this instant, but never "đã lưu" while offline.
    assert.match(await page.textContent('#q-501 .save-state'), /^(chưa lưu|đang lưu…)$/);
    online = true;
    // The retries back off (1, 2, 4, 8 s ...) while offline: the next one
    // may be several seconds away on a slow machine; 30 s is the longest.
    await page.locator('#q-501 .save-state', { hasText: 'đã lưu' }).waitFor({ timeout: 30000 });
    assert.deepEqual(log.puts.at(-1), { qid: '501', body: { choices: [9002] } });
  });
});

test('409 time_over while saving shows the result', async () => {
  await withPage(async (page) => {
    await loggedIn(page);
    const { log } = scriptedApi(page, { put: () => 'time_over', expired: true });
    await page.goto(`${BASE_URL}/quiz.html?id=7`);
    await page.click('#start');
    await page.locator('#q-501 label.option').first().click();
    await page.waitForSelector('#result-view:not([hidden])');
    assert.equal(log.submits.length, 1, 'the attempt was fetched as it stands through submit');
    assert.match(await page.textContent('#result-view'), /Bài làm đã hết giờ và được tính với các câu trả lời đã lưu\./);
    assert.match(await page.textContent('#result .stats'), /2,5\/3/);
  });
});

test('the countdown reaching zero submits by itself', async () => {
  await withPage(async (page) => {
    await loggedIn(page);
    const { log } = scriptedApi(page, { remaining_ms: 1500 });
    await page.goto(`${BASE_URL}/quiz.html?id=7`);
    await page.click('#start');
    await page.locator('#q-501 label.option').first().click();
    await page.waitForSelector('#result-view:not([hidden])', { timeout: 10000 });
    assert.equal(log.submits.length, 1);
  });
});

test('at the deadline an answer waiting for a retry is sent before the submission', async () => {
  await withPage(async (page) => {
    await loggedIn(page);
    let online = true;
    const order = [];
    const holder = {};
    holder.api = scriptedApi(page, {
      remaining_ms: 4500,
      put: (qid) => {
        order.push(`put ${qid} ${online ? 'ok' : 'lost'} after ${holder.api.log.submits.length} submits`);
        return online ? 'ok' : 'abort';
      },
    });
    await page.goto(`${BASE_URL}/quiz.html?id=7`);
    await page.click('#start');
    await page.locator('#q-501 label.option').first().click();
    await page.locator('#q-501 .save-state', { hasText: 'đã lưu' }).waitFor();
    online = false;
    await page.locator('#q-502 label.option').first().click();
    // Three lost saves: the next retry (backoff about 4 s) would come after the deadline.
    const deadline = Date.now() + 8000;
    while (order.filter((x) => x.startsWith('put 502 lost')).length < 3 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(order.filter((x) => x.startsWith('put 502 lost')).length, 3, order.join(', '));
    online = true;
    await page.waitForSelector('#result-view:not([hidden])', { timeout: 10000 });
    assert.equal(holder.api.log.submits.length, 1);
    assert.ok(order.includes('put 502 ok after 0 submits'), `502 was saved before the submission: ${order.join(', ')}`);
  });
});

test('submitting with unanswered questions asks once more and points to them', async () => {
  await withPage(async (page) => {
    await loggedIn(page);
    const { log } = scriptedApi(page);
    await page.goto(`${BASE_URL}/quiz.html?id=7`);
    await page.click('#start');
    await page.locator('#q-501 label.option').first().click();
    await page.locator('#q-501 .save-state', { hasText: 'đã lưu' }).waitFor();
    await page.click('#submit');
    await page.locator('#submit-notice', { hasText: 'Còn 2 câu chưa trả lời. Bấm "Nộp bài" lần nữa để nộp.' }).waitFor();
    assert.equal(log.submits.length, 0, 'nothing submitted on the first press');
    await page.click('#goto-unanswered');
    assert.equal(await page.evaluate(() => document.activeElement.closest('li').id), 'q-502');
    await page.click('#submit');
    await page.waitForSelector('#result-view:not([hidden])');
    assert.equal(log.submits.length, 1);
  });
});

test('a session that expires during the quiz goes to login and keeps the unsaved answer', async () => {
  await withPage(async (page) => {
    await loggedIn(page);
    scriptedApi(page, { put: () => 'unauthorized' });
    await page.goto(`${BASE_URL}/quiz.html?id=7`);
    await page.click('#start');
    await page.locator('#q-501 label.option').nth(1).click();
    await page.waitForURL(/index\.html\?expired=1&next=%2Fquiz\.html%3Fid%3D7%26attempt%3D55$/);
    await page.locator('#login-notice', { hasText: 'Phiên làm việc đã hết hạn.' }).waitFor();
    const pending = await page.evaluate(() => JSON.parse(localStorage.getItem('quiz.pending.55')));
    assert.deepEqual(pending, { 501: { choices: [9002] } });
  });
});

test('coming back to the page resynchronises the countdown with the server', async () => {
  await withPage(async (page) => {
    await loggedIn(page);
    const { state } = scriptedApi(page);
    await page.goto(`${BASE_URL}/quiz.html?id=7`);
    await page.click('#start');
    // The countdown shows --:-- until the attempt has arrived: wait for it.
    await page.locator('#countdown', { hasText: /^(10:00|9:5\d)$/ }).waitFor();
    // The server's view: 2 minutes left (the phone slept meanwhile).
    state.remainingOverride = 120000;
    await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    await page.locator('#countdown', { hasText: /^(2:00|1:5\d)$/ }).waitFor();
  });
});
