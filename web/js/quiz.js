// quiz.js - taking a quiz: start or resume an attempt, a countdown held by
// the server (resynchronised on every save), each answer saved at once and
// retried with backoff on a poor connection, per-question "đã lưu" /
// "chưa lưu" state, submission, and the result with its review.
//
// Answers not yet acknowledged are also kept in localStorage, so a reload or
// a crashed browser tab resends them instead of losing them.

import { api, requireSession, session, leaving } from './api.js';
import { t, formatNumber, formatDateTime, formatDuration } from './i18n.js';
import { el, $, fill, notice, clearNotice, showError, header, busy, answerControls } from './ui.js';

const params = new URLSearchParams(location.search);
const quizId = params.get('id');
const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 30000;
const TEXT_DEBOUNCE_MS = 700;

let quizInfo = null;          // the quiz from GET /quizzes, when found
let attempt = null;           // the attempt object A
const entries = new Map();    // question id (string) → answer entry
let deadlineAt = null;        // performance.now() at which time runs out
let tickTimer = null;
let finished = false;         // the attempt is over: nothing more is sent
let submitting = false;       // a submission is under way
let submitArmed = false;

/* ---- pending answers kept in localStorage ------------------------------- */

function pendingKey() {
  return `quiz.pending.${attempt.id}`;
}

function loadPending() {
  try {
    return JSON.parse(localStorage.getItem(pendingKey()) || '{}');
  } catch (_) {
    return {};
  }
}

function storePending() {
  const pending = {};
  for (const [qid, e] of entries) if (e.version > e.savedVersion) pending[qid] = e.value;
  try {
    if (Object.keys(pending).length) localStorage.setItem(pendingKey(), JSON.stringify(pending));
    else localStorage.removeItem(pendingKey());
  } catch (_) { /* private mode: keep going without it */ }
}

/* ---- countdown ----------------------------------------------------------- */

function syncClock(remainingMs) {
  if (typeof remainingMs !== 'number') return;
  deadlineAt = performance.now() + remainingMs;
  tick();
}

function tick() {
  const box = $('#countdown');
  if (deadlineAt === null) {
    box.textContent = '–';
    return;
  }
  const left = deadlineAt - performance.now();
  box.textContent = formatDuration(left);
  box.classList.toggle('low', left < 60000);
  if (left <= 0 && !finished && !submitting) submit(true);
}

/* ---- answers and saving --------------------------------------------------- */

function isAnswered(value) {
  if (!value) return false;
  if (Array.isArray(value.choices)) return value.choices.length > 0;
  return typeof value.text === 'string' && value.text.trim() !== '';
}

function setState(qid, state) {
  const e = entries.get(qid);
  e.state = state;
  const badge = $(`#q-${CSS.escape(qid)} .save-state`);
  if (badge) {
    badge.dataset.state = state;
    badge.textContent = t(`quiz.status.${state}`);
  }
  updateBar();
}

function updateBar() {
  const total = attempt.questions.length;
  let done = 0;
  let unsaved = 0;
  let failing = 0;
  for (const e of entries.values()) {
    if (isAnswered(e.value)) done++;
    if (e.version > e.savedVersion || e.state === 'error') unsaved++;
    if (e.failures > 0 || e.state === 'error') failing++;
  }
  $('#progress-text').textContent = t('quiz.progress', { done, total });
  $('#progress-bar').style.width = `${total ? (done * 100) / total : 0}%`;
  const banner = $('#save-banner');
  if (failing) {
    banner.textContent = navigator.onLine === false ? t('quiz.offline') : t('quiz.unsaved_banner', { n: unsaved });
    banner.className = 'save-banner notice-warn';
  } else if (done && !unsaved) {
    banner.textContent = t('quiz.all_saved');
    banner.className = 'save-banner muted';
  } else {
    banner.textContent = '';
    banner.className = 'save-banner';
  }
}

/** Records a new answer for qid and sends it (text answers after a pause). */
function answerChanged(qid, value, debounce) {
  const e = entries.get(qid);
  e.value = value;
  e.version++;
  submitArmed = false;
  storePending();
  setState(qid, 'unsaved');
  clearTimeout(e.timer);
  e.timer = setTimeout(() => send(qid), debounce ? TEXT_DEBOUNCE_MS : 0);
}

function backoffDelay(failures) {
  const base = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** (failures - 1));
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

async function send(qid) {
  const e = entries.get(qid);
  clearTimeout(e.timer);
  if (finished || e.inflight || e.version <= e.savedVersion) return;
  e.inflight = true;
  const version = e.version;
  setState(qid, 'saving');
  try {
    const res = await api('PUT', `/attempts/${attempt.id}/answers/${encodeURIComponent(qid)}`,
      { body: e.value, timeoutMs: 15000 });
    e.inflight = false;
    e.failures = 0;
    e.savedVersion = Math.max(e.savedVersion, version);
    syncClock(res && res.remaining_ms);
    storePending();
    if (e.version > e.savedVersion) send(qid);
    else setState(qid, 'saved');
  } catch (err) {
    e.inflight = false;
    if (err.code === 'time_over' || err.code === 'attempt_closed') {
      finish(err.code);
      return;
    }
    if (err.transient) {
      e.failures++;
      setState(qid, 'unsaved');
      e.timer = setTimeout(() => send(qid), backoffDelay(e.failures));
    } else if (err.code !== 'session') {
      setState(qid, 'error');
      notice($('#quiz-notice'), 'error', err.message, err.serverMessage);
    }
  }
}

/** Sends every unsaved answer now (back online, or before submitting). */
function flushAll() {
  for (const [qid, e] of entries) if (e.version > e.savedVersion && !e.inflight) send(qid);
}

function countUnsaved() {
  let n = 0;
  for (const e of entries.values()) if (e.version > e.savedVersion) n++;
  return n;
}

/** Waits until nothing is unsaved, or ms have passed. */
function waitSaved(ms) {
  return new Promise((resolve) => {
    const start = performance.now();
    const poll = () => {
      if (!countUnsaved() || performance.now() - start > ms) resolve();
      else setTimeout(poll, 200);
    };
    poll();
  });
}

/* ---- rendering the questions --------------------------------------------- */

function currentValue(q, card) {
  if (q.type === 'short') return { text: card.querySelector('input[type="text"]').value };
  const picked = [...card.querySelectorAll('input:checked')].map((i) => Number(i.value));
  return { choices: picked };
}

function questionCard(q, index, total, initial) {
  const qid = String(q.id);
  const card = el('li', { class: 'card question', id: `q-${qid}`, dataset: { questionId: qid } });
  const head = el('div', { class: 'question-head' },
    el('span', { class: 'question-number', text: t('quiz.question_n', { n: index + 1, total }) }),
    el('span', { class: 'save-state', dataset: { state: 'unanswered' }, text: t('quiz.status.unanswered') }));
  const stemId = `stem-${qid}`;
  card.append(head, el('p', { class: 'stem', id: stemId, text: q.stem }));

  const [hint, control] = answerControls(q, {
    name: `q${qid}`, stemId, chosen: (initial && initial.choices) || [], text: (initial && initial.text) || '',
  });
  if (q.type === 'short') {
    control.addEventListener('input', () => answerChanged(qid, currentValue(q, card), true));
    control.addEventListener('change', () => send(qid));
  } else {
    control.addEventListener('change', () => answerChanged(qid, currentValue(q, card), false));
  }
  card.append(hint, control);
  return card;
}

function showAttempt() {
  $('#start-view').hidden = true;
  $('#attempt-view').hidden = false;
  $('#attempt-title').textContent = (quizInfo && quizInfo.title) || '';
  const pending = loadPending();
  const saved = attempt.answers || {};
  const total = attempt.questions.length;
  const cards = attempt.questions.map((q, i) => {
    const qid = String(q.id);
    const local = pending[qid];
    const value = local || saved[qid] || null;
    entries.set(qid, { value, version: local ? 1 : 0, savedVersion: 0, state: 'unanswered', failures: 0, inflight: false, timer: null });
    return questionCard(q, i, total, value);
  });
  fill($('#questions'), cards);
  for (const [qid, e] of entries) {
    if (e.version > e.savedVersion) setState(qid, 'unsaved');
    else if (isAnswered(e.value)) setState(qid, 'saved');
  }
  updateBar();
  flushAll();

  // Asked only when the contest has a prediction question (it breaks ties).
  const predictionQuestion = attempt.prediction_question || (quizInfo && quizInfo.prediction_question);
  if (typeof predictionQuestion === 'string' && predictionQuestion) {
    $('#prediction-box').hidden = false;
    $('#prediction-label').textContent = predictionQuestion;
  }
  syncClock(attempt.remaining_ms);
  tickTimer = setInterval(tick, 250);
  window.addEventListener('online', () => { for (const e of entries.values()) e.failures = 0; flushAll(); updateBar(); });
  window.addEventListener('offline', updateBar);
  window.addEventListener('beforeunload', (ev) => {
    // Unsaved answers stay in localStorage; warn anyway, except on the way to login.
    if (!finished && !leaving && countUnsaved()) ev.preventDefault();
  });
  document.addEventListener('visibilitychange', resyncOnReturn);
  $('#submit').addEventListener('click', () => submit(false));
}

/* A phone asleep or a tab in the background may stop the page's clock: ask
   the server for the time left when the page is seen again. */
async function resyncOnReturn() {
  if (document.visibilityState !== 'visible' || finished || submitting) return;
  try {
    const res = await api('GET', `/attempts/${attempt.id}`, { timeoutMs: 10000 });
    if (finished || submitting) return;
    if (res.attempt.state === 'in_progress') syncClock(res.attempt.remaining_ms);
    else finish(res.attempt.state === 'expired' ? 'time_over' : 'attempt_closed');
  } catch (_) { /* offline: keep the local clock */ }
}

/* ---- submitting and finishing ------------------------------------------- */

async function postSubmit(body) {
  for (let failures = 0; ; failures++) {
    try {
      return await api('POST', `/attempts/${attempt.id}/submit`, { body, timeoutMs: 20000 });
    } catch (err) {
      if (!err.transient) throw err;
      notice($('#submit-notice'), 'warn', t('quiz.retry_submit'));
      await new Promise((r) => setTimeout(r, backoffDelay(failures + 1)));
    }
  }
}

/** The prediction typed, as a number; undefined when none is asked or typed,
    NaN when what was typed is not a whole number from 0 to 10,000,000. */
function predictionValue() {
  if ($('#prediction-box').hidden) return undefined;
  const raw = $('#prediction').value.trim();
  if (raw === '') return undefined;
  const n = Number(raw);
  return /^[0-9]+$/.test(raw) && n <= 10000000 ? n : NaN;
}

async function submit(auto) {
  if (finished || submitting) return;
  const box = $('#submit-notice');
  // The prediction is asked before submission: a bad one stops a submission
  // the pupil asked for (not one forced by the clock); a missing one is asked
  // for once, like unanswered questions.
  const prediction = predictionValue();
  if (!auto && Number.isNaN(prediction)) {
    notice(box, 'warn', t('quiz.prediction_invalid'));
    $('#prediction').focus();
    return;
  }
  if (!auto && !submitArmed) {
    const unanswered = [...entries.values()].filter((e) => !isAnswered(e.value)).length;
    flushAll();
    await waitSaved(3000);
    if (finished || submitting) return;
    const unsaved = countUnsaved();
    if (unsaved || unanswered) {
      submitArmed = true;
      notice(box, 'warn', unsaved ? t('quiz.confirm_unsaved', { n: unsaved }) : t('quiz.confirm_unanswered', { n: unanswered }));
      const first = [...entries].find(([, e]) => !isAnswered(e.value));
      if (!unsaved && first) {
        box.append(el('button', {
          type: 'button', class: 'btn', id: 'goto-unanswered', text: t('quiz.goto_unanswered'),
          onclick: () => {
            const card = $(`#q-${CSS.escape(first[0])}`);
            card.scrollIntoView({ block: 'start' });
            const input = card.querySelector('input');
            if (input) input.focus({ preventScroll: true });
          },
        }));
      }
      return;
    }
    if (prediction === undefined && !$('#prediction-box').hidden) {
      submitArmed = true;
      notice(box, 'warn', t('quiz.prediction_missing'));
      $('#prediction').focus();
      return;
    }
  }
  submitting = true;
  clearInterval(tickTimer);
  const button = $('#submit');
  await busy(button, t('quiz.submitting'), async () => {
    flushAll();
    await waitSaved(auto ? 1500 : 500);
    const body = {};
    if (prediction !== undefined && !Number.isNaN(prediction)) body.prediction = prediction;
    try {
      const res = await postSubmit(body);
      showResult(res.attempt, auto ? 'time_over' : null);
    } catch (err) {
      submitting = false;
      if (!auto && !finished) tickTimer = setInterval(tick, 250);
      showError(box, err);
    }
  });
}

/** The attempt ended on the server (time over, or already submitted). */
async function finish(reason) {
  if (finished) return;
  finished = true;
  clearInterval(tickTimer);
  for (const e of entries.values()) clearTimeout(e.timer);
  try {
    const res = await postSubmit({});
    showResult(res.attempt, reason);
  } catch (err) {
    showError($('#quiz-notice'), err);
  }
}

/* ---- result ----------------------------------------------------------------- */

function stat(label, value) {
  return el('div', { class: 'stat' }, el('dt', { text: label }), el('dd', { text: value }));
}

function optionTexts(q, ids) {
  const byId = new Map((q.options || []).map((o) => [o.id, o.text]));
  return (ids || []).map((id) => byId.get(id) ?? String(id)).join('; ');
}

function reviewList(a) {
  const byQuestion = new Map(a.review.map((r) => [String(r.question_id), r]));
  const answers = a.answers || {};
  const items = a.questions.map((q, i) => {
    const r = byQuestion.get(String(q.id));
    const mine = answers[String(q.id)];
    const mineText = mine ? (q.type === 'short' ? (mine.text || '') : optionTexts(q, mine.choices)) : '';
    const item = el('li', { class: `card review-item ${r ? (r.correct ? 'right' : 'wrong') : ''}` },
      el('div', { class: 'question-head' },
        el('span', { class: 'question-number', text: t('quiz.question_n', { n: i + 1, total: a.questions.length }) }),
        r ? el('span', { class: `save-state`, dataset: { state: r.correct ? 'saved' : 'error' }, text: t(r.correct ? 'result.right' : 'result.wrong') }) : null),
      el('p', { class: 'stem', text: q.stem }),
      el('p', { text: mineText ? t('result.your_answer', { v: mineText }) : t('result.no_answer') }));
    if (r && r.correct_choices && r.correct_choices.length) {
      item.append(el('p', { text: t('result.correct_answer', { v: optionTexts(q, r.correct_choices) }) }));
    }
    if (r && r.explanation) item.append(el('p', { class: 'muted', text: t('result.explanation', { v: r.explanation }) }));
    return item;
  });
  return el('section', { class: 'review' }, el('h2', { text: t('result.review') }), el('ol', { class: 'cards' }, items));
}

function showResult(a, reason) {
  attempt = a;
  finished = true;
  clearInterval(tickTimer);
  try { localStorage.removeItem(pendingKey()); } catch (_) { /* ignore */ }
  if (params.get('attempt') !== String(a.id)) {
    history.replaceState(null, '', `quiz.html?id=${encodeURIComponent(quizId || a.quiz_id)}&attempt=${a.id}`);
  }
  $('#start-view').hidden = true;
  $('#attempt-view').hidden = true;
  const view = $('#result-view');
  view.hidden = false;
  const user = (session() || {}).user || {};
  const r = a.result;
  const card = el('div', { class: 'card result-big', id: 'result' },
    el('p', { class: 'cert-only cert-org', text: t('app.name') }),
    el('p', { class: 'cert-only cert-heading', text: t('result.cert_heading') }),
    el('h1', { text: t('result.title') }),
    quizInfo ? el('h2', { text: quizInfo.title }) : null,
    el('p', { class: 'candidate', text: `${t('result.candidate')}: ${user.full_name || user.username || ''}` }),
    user.unit_code ? el('p', { class: 'muted', text: `${t('result.unit')}: ${user.unit_code}` }) : null);
  if (r) {
    if (r.passed !== null && r.passed !== undefined) {
      card.append(el('p', { class: `verdict ${r.passed ? 'pass' : 'fail'}`, id: 'verdict', text: t(r.passed ? 'result.passed' : 'result.failed') }));
    }
    card.append(el('dl', { class: 'stats' },
      stat(t('result.score'), t('result.score_value', { score: formatNumber(r.score, 2), max: formatNumber(r.max_score, 2) })),
      stat(t('result.percent'), `${formatNumber(r.percent)}%`),
      stat(t('result.correct'), t('result.correct_value', { n: r.correct_count, total: r.question_count })),
      stat(t('result.duration'), formatDuration(r.duration_ms)),
      r.prediction !== undefined && r.prediction !== null
        ? el('div', { class: 'stat', id: 'result-prediction' }, el('dt', { text: t('result.prediction') }), el('dd', { text: String(r.prediction) }))
        : null));
    const ended = a.started_at && r.duration_ms !== undefined
      ? new Date(new Date(a.started_at).getTime() + r.duration_ms).toISOString() : null;
    if (ended) card.append(el('p', { class: 'muted', text: `${t('result.date')}: ${formatDateTime(ended)}` }));
  } else {
    card.append(el('p', { text: t('result.pending') }));
  }
  const notes = [];
  const note = (kind, key) => notes.push(el('div', { class: `notice notice-${kind}`, role: 'status' }, el('p', { text: t(key) })));
  if (a.state === 'expired') note('warn', 'result.expired');
  else if (reason === 'time_over') note('warn', 'quiz.time_over');
  else if (reason === 'attempt_closed') note('info', 'quiz.closed');

  const actions = el('div', { class: 'actions' },
    el('button', { type: 'button', class: 'btn btn-primary', text: t('result.print'), onclick: () => window.print() }));
  if (quizInfo && quizInfo.kind === 'contest') {
    actions.append(el('a', { class: 'btn', href: `leaderboard.html?id=${encodeURIComponent(quizInfo.id)}`, text: t('quizzes.leaderboard') }));
  }
  // Offer another attempt when the refreshed list says one is left.
  loadQuizInfo().then(() => {
    const q = quizInfo;
    if (q && q.state === 'open' && (!q.max_attempts || q.attempts_used < q.max_attempts)) {
      actions.append(el('a', { class: 'btn', href: `quiz.html?id=${encodeURIComponent(q.id)}`, text: t('result.again') }));
    }
  }).catch(() => {});
  card.append(actions);
  fill(view, notes, card, Array.isArray(a.review) && a.review.length ? reviewList(a) : null);
  clearNotice($('#quiz-notice'));
  window.scrollTo(0, 0);
}

/* ---- start ---------------------------------------------------------------- */

async function loadQuizInfo() {
  try {
    const data = await api('GET', '/quizzes');
    quizInfo = (data.quizzes || []).find((q) => String(q.id) === String(quizId || (attempt && attempt.quiz_id))) || null;
  } catch (err) {
    if (err.code === 'session') throw err;
    quizInfo = null; // the attempt can be taken without it
  }
}

function showStart() {
  $('#start-view').hidden = false;
  if (quizInfo) {
    document.title = quizInfo.title;
    $('#start-title').textContent = quizInfo.title;
    fill($('#start-facts'),
      el('li', { text: t('quizzes.questions', { n: quizInfo.question_count }) }),
      el('li', { text: t('quizzes.time_limit', { v: quizInfo.time_limit_s ? t('common.minutes', { n: formatNumber(quizInfo.time_limit_s / 60) }) : t('common.unlimited') }) }),
      el('li', { text: quizInfo.max_attempts ? t('quizzes.attempts', { used: quizInfo.attempts_used, max: quizInfo.max_attempts }) : t('quizzes.attempts_nolimit', { used: quizInfo.attempts_used }) }));
  } else {
    $('#start-title').textContent = t('quiz.title');
  }
  if (quizInfo && quizInfo.attempt_in_progress) $('#start').textContent = t('quiz.resume');
  $('#start').addEventListener('click', async () => {
    const box = $('#quiz-notice');
    clearNotice(box);
    try {
      const res = await busy($('#start'), t('quiz.starting'), () => api('POST', `/quizzes/${encodeURIComponent(quizId)}/attempts`));
      begin(res.attempt);
    } catch (err) {
      showError(box, err);
    }
  });
}

function begin(a) {
  attempt = a;
  if (a.state !== 'in_progress') {
    showResult(a, null);
    return;
  }
  history.replaceState(null, '', `quiz.html?id=${encodeURIComponent(quizId || a.quiz_id)}&attempt=${a.id}`);
  showAttempt();
}

async function main() {
  header();
  if (!requireSession()) return;
  const box = $('#quiz-notice');
  const attemptId = params.get('attempt');
  if (!quizId && !attemptId) {
    notice(box, 'error', t('quiz.no_id'));
    $('#quiz-loading').hidden = true;
    return;
  }
  try {
    if (attemptId) {
      const res = await api('GET', `/attempts/${encodeURIComponent(attemptId)}`);
      attempt = res.attempt;
      await loadQuizInfo();
      begin(attempt);
    } else {
      await loadQuizInfo();
      showStart();
    }
  } catch (err) {
    if (err.code !== 'session') showError(box, err);
  } finally {
    $('#quiz-loading').hidden = true;
  }
}

main();
