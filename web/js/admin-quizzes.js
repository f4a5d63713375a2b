// admin-quizzes.js - quizzes and contests (admin): the list with their
// state and figures, and per quiz the results table (one row per person
// with a completed attempt) with CSV/XLSX downloads and a link to its item
// statistics.

import { api } from './api.js';
import { t, formatNumber, formatDateTime } from './i18n.js';
import { el, $, fill, notice, clearNotice, showError } from './ui.js';
import { adminPage, fetchDownload } from './admin-shell.js';
import { quizForm, editQuiz } from './admin-quiz-form.js';

function quizTable(quizzes) {
  const cols = ['adm.quiz.title', 'adm.quiz.kind', 'adm.quiz.state', 'adm.quiz.window', 'adm.quiz.questions', 'adm.quiz.participants', 'admin.rep.col.attempts'];
  return el('table', { id: 'quizzes' },
    el('thead', {}, el('tr', {}, cols.map((k, i) => el('th', { scope: 'col', class: i > 3 ? 'num' : '', text: t(k) })))),
    el('tbody', {}, quizzes.map((q) => el('tr', { dataset: { quizId: String(q.id) } },
      el('th', { scope: 'row' }, el('button', { type: 'button', class: 'link quiz-results', text: q.title, onclick: () => showResults(q) }),
        el('span', { class: 'muted small block mono', text: `#${q.id} ${q.code}` }),
        el('button', { type: 'button', class: 'link small', text: t('adm.qf.edit_short'), 'aria-label': t('adm.qf.edit', { title: q.title }), onclick: () => editQuiz(q.id) })),
      el('td', { text: t(`quizzes.kind.${q.kind}`) }),
      el('td', { text: t(`quizzes.state.${q.state}`) }),
      el('td', { class: 'small', text: `${formatDateTime(q.opens_at)} – ${formatDateTime(q.closes_at)}` }),
      el('td', { class: 'num', text: formatNumber(q.question_count, 0) }),
      el('td', { class: 'num', text: formatNumber(q.participants, 0) }),
      el('td', { class: 'num', text: formatNumber(q.attempts, 0) })))));
}

async function showResults(q) {
  const box = $('#results-notice');
  clearNotice(box);
  $('#results').hidden = false;
  $('#results-title').textContent = t('adm.quiz.results', { title: q.title });
  $('#results-title').focus();
  const path = (format) => `/admin/quizzes/${q.id}/results?format=${format}`;
  $('#results-csv').href = `/api/v1${path('csv')}`;
  $('#results-xlsx').href = `/api/v1${path('xlsx')}`;
  $('#results-csv').onclick = (e) => fetchDownload(path('csv'), `ket-qua-${q.code}.csv`, box, e);
  $('#results-xlsx').onclick = (e) => fetchDownload(path('xlsx'), `ket-qua-${q.code}.xlsx`, box, e);
  $('#results-items').href = `admin-reports.html?quiz=${q.id}`;
  try {
    const data = await api('GET', path('json'), { timeoutMs: 60000 });
    const rows = data.results || [];
    $('#results-total').textContent = t('adm.quiz.results_total', { total: data.total ?? rows.length });
    const cols = ['admin.username', 'adm.name', 'adm.unit', 'admin.rep.col.attempts', 'adm.quiz.best', 'admin.rep.col.passed', 'adm.quiz.last'];
    fill($('#results-table'), el('table', { id: 'results-rows' },
      el('thead', {}, el('tr', {}, cols.map((k) => el('th', { scope: 'col', text: t(k) })))),
      el('tbody', {}, rows.map((r) => el('tr', {},
        el('td', { class: 'mono', text: r.username }),
        el('td', { text: r.full_name }),
        el('td', { text: r.unit_code || '–' }),
        el('td', { class: 'num', text: formatNumber(r.attempts, 0) }),
        el('td', { class: 'num', text: `${formatNumber(r.best_score)} (${formatNumber(r.best_percent)}%)` }),
        el('td', { text: t(r.passed ? 'common.yes' : 'common.no') }),
        el('td', { text: formatDateTime(r.last_submitted_at) }))))));
  } catch (err) {
    showError(box, err);
  }
}

async function main() {
  const user = adminPage('admin-quizzes.html');
  if (!user) return;
  if (user.role !== 'admin') {
    location.replace('admin.html');
    return;
  }
  quizForm(loadQuizzes);
  await loadQuizzes();
}

async function loadQuizzes() {
  try {
    const data = await api('GET', '/admin/quizzes?limit=500');
    const quizzes = data.quizzes || [];
    if (!quizzes.length) notice($('#quizzes-notice'), 'info', t('admin.rep.empty'));
    fill($('#quizzes-table'), quizTable(quizzes));
  } catch (err) {
    showError($('#quizzes-notice'), err);
  }
}

main();
