// index.js - the login form, and after login the list of the caller's
// quizzes with their state, attempts used and best result.

import { api, session, saveSession, clearSession } from './api.js';
import { t, formatNumber, formatDateTime } from './i18n.js';
import { el, $, fill, notice, clearNotice, showError, header, busy } from './ui.js';

const params = new URLSearchParams(location.search);

/**
 * Where to go after login: only a page of this site. The value is parsed as
 * a URL against this page, exactly as the browser would follow it (which
 * drops tabs and newlines and reads backslashes as slashes), and kept only
 * when the result is on this origin; the path, query and fragment of that
 * parsed URL are returned, never the raw text.
 */
export function safeNext(value = params.get('next')) {
  if (!value || !value.startsWith('/')) return null;
  let url;
  try {
    url = new URL(value, location.href);
  } catch {
    return null;
  }
  if (url.origin !== location.origin) return null;
  return url.pathname + url.search + url.hash;
}

function showLogin() {
  $('#quizzes-view').hidden = true;
  $('#login-view').hidden = false;
  if (params.get('expired')) notice($('#login-notice'), 'info', t('login.expired'));
  const form = $('#login-form');
  $('#show-password').addEventListener('change', (e) => {
    $('#password').type = e.target.checked ? 'text' : 'password';
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const box = $('#login-notice');
    clearNotice(box);
    const username = $('#username').value.trim();
    const password = $('#password').value;
    if (!username || !password) {
      notice(box, 'error', t('err.unauthorized'));
      return;
    }
    try {
      const login = await busy($('#login-submit'), t('login.busy'), () =>
        api('POST', '/auth/login', { body: { username, password }, auth: false }));
      saveSession(login);
      const next = safeNext();
      if (next) {
        location.assign(next);
        return;
      }
      history.replaceState(null, '', 'index.html');
      header();
      showQuizzes();
    } catch (err) {
      showError(box, err);
      $('#password').select();
    }
  });
  $('#username').focus();
}

function stateBadge(state) {
  return el('span', { class: `badge badge-${state}`, text: t(`quizzes.state.${state}`) });
}

function quizCard(q) {
  const unlimited = !q.max_attempts;
  const attemptsLeft = unlimited || q.attempts_used < q.max_attempts;
  const facts = el('ul', { class: 'facts' },
    el('li', { text: t('quizzes.questions', { n: q.question_count }) }),
    el('li', { text: t('quizzes.time_limit', { v: q.time_limit_s ? t('common.minutes', { n: formatNumber(q.time_limit_s / 60) }) : t('common.unlimited') }) }),
    el('li', { text: t('quizzes.window', { from: formatDateTime(q.opens_at), to: formatDateTime(q.closes_at) }) }),
    el('li', { text: unlimited ? t('quizzes.attempts_nolimit', { used: q.attempts_used })
      : t('quizzes.attempts', { used: q.attempts_used, max: q.max_attempts }) }),
  );
  const best = q.best
    ? el('p', { class: 'best', text: t('quizzes.best', { score: formatNumber(q.best.score, 2), max: formatNumber(q.best.max_score, 2), percent: formatNumber(q.best.percent) }) })
    : el('p', { class: 'best muted', text: t('quizzes.best_none') });
  const actions = el('div', { class: 'actions' });
  // attempt_in_progress (an attempt id) is an extra of the engine, used when present.
  if (q.state === 'open' && q.attempt_in_progress) {
    actions.append(el('a', { class: 'btn btn-primary', href: `quiz.html?id=${encodeURIComponent(q.id)}&attempt=${encodeURIComponent(q.attempt_in_progress)}`, text: t('quiz.resume') }));
  } else if (q.state === 'open' && attemptsLeft) {
    actions.append(el('a', { class: 'btn btn-primary', href: `quiz.html?id=${encodeURIComponent(q.id)}`, text: t('quizzes.start') }));
  } else if (q.state === 'open') {
    actions.append(el('span', { class: 'muted', text: t('quizzes.no_attempts') }));
  }
  const practice = q.mode === 'practice';
  if (practice) {
    // Practice has its own page: one question at a time with feedback.
    actions.replaceChildren();
    if (q.state === 'open') actions.append(el('a', { class: 'btn btn-primary', href: `practice.html?id=${encodeURIComponent(q.id)}`, text: t('practice.open') }));
  } else if (q.kind === 'contest') {
    actions.append(el('a', { class: 'btn', href: `leaderboard.html?id=${encodeURIComponent(q.id)}`, text: t('quizzes.leaderboard') }));
    actions.append(el('a', { class: 'btn', href: `standings.html?id=${encodeURIComponent(q.id)}`, text: t('standings.title') }));
    actions.append(el('a', { class: 'btn', href: `results.html?id=${encodeURIComponent(q.id)}`, text: t('results.title') }));
  }
  return el('li', { class: 'card quiz-card', dataset: { quizId: String(q.id), state: q.state, mode: q.mode || 'exam' } },
    el('div', { class: 'card-top' },
      el('span', { class: 'kind', text: practice ? t('practice.kind') : t(`quizzes.kind.${q.kind}`) }), stateBadge(q.state)),
    el('h2', { text: q.title }),
    facts, best, actions);
}

function setupPasswordChange() {
  $('#password-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const box = $('#password-notice');
    clearNotice(box);
    const oldPassword = $('#old-password').value;
    const newPassword = $('#new-password').value;
    if (!oldPassword || !newPassword || newPassword !== $('#new-password2').value) {
      notice(box, 'error', t('pw.mismatch'));
      return;
    }
    try {
      await busy($('#password-submit'), t('common.loading'), () =>
        api('POST', '/me/password', { body: { old_password: oldPassword, new_password: newPassword } }));
      e.target.reset();
      notice(box, 'ok', t('pw.done'));
    } catch (err) {
      showError(box, err);
    }
  });
}

async function showQuizzes() {
  const s = session();
  $('#login-view').hidden = true;
  $('#quizzes-view').hidden = false;
  $('#hello').textContent = t('quizzes.hello', { name: s.user.full_name || s.user.username });
  setupPasswordChange();
  $('#admin-entry').hidden = !(s.user.role === 'admin' || s.user.role === 'unit_admin');
  // Sent back from an administration page the role may not open.
  if (params.get('denied')) notice($('#denied-notice'), 'error', t('admin.not_allowed'));
  const list = $('#quiz-list');
  const box = $('#quizzes-notice');
  clearNotice(box);
  try {
    const data = await api('GET', '/quizzes');
    const quizzes = data.quizzes || [];
    const order = { open: 0, upcoming: 1, closed: 2 };
    quizzes.sort((a, b) => (order[a.state] ?? 3) - (order[b.state] ?? 3));
    fill(list, quizzes.map(quizCard));
    if (!quizzes.length) notice(box, 'info', t('quizzes.empty'));
  } catch (err) {
    showError(box, err);
  } finally {
    $('#quizzes-loading').hidden = true;
  }
}

/**
 * The login code of a login card, when the page was opened from the card's
 * QR image (index.html#card=CODE). The fragment never reaches the server's
 * logs; it is removed from the address bar at once.
 */
function cardCode() {
  const m = /^#card=([A-Za-z0-9-]{16,24})$/.exec(location.hash);
  if (!m) return null;
  history.replaceState(null, '', location.pathname + location.search);
  return m[1];
}

async function cardLogin(code) {
  showLogin();
  const box = $('#login-notice');
  notice(box, 'info', t('login.card_busy'));
  try {
    const login = await api('POST', '/auth/card', { body: { code }, auth: false });
    saveSession(login);
    clearNotice(box);
    header();
    showQuizzes();
  } catch (err) {
    showError(box, err);
  }
}

header();
const code = cardCode();
if (code) {
  clearSession();
  cardLogin(code);
} else if (session()) {
  showQuizzes();
} else {
  clearSession();
  showLogin();
}
