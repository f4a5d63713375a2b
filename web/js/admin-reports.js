// admin-reports.js - the reports of the administration: participation
// (table, CSV, XLSX), the plan report, the chasing list (CSV), the printable
// yearly report, and item statistics with the questions to review marked
// (for an admin, each question links to its edit view on the Banks page).

import { api } from './api.js';
import { t, lang, formatNumber, formatDateTime, AUDIENCES } from './i18n.js';
import { el, $, fill, notice, clearNotice, showError, busy } from './ui.js';
import { adminPage, daysLeft, openServerPage, fetchDownload } from './admin-shell.js';

function audienceSelect(id, withAll) {
  const select = el('select', { id });
  if (withAll) select.append(el('option', { value: '', text: t('admin.rep.audience_all') }));
  for (const a of AUDIENCES) select.append(el('option', { value: a, text: t(`audience.${a}`) }));
  return select;
}

function reportQuery(format) {
  const q = new URLSearchParams();
  q.set('year', $('#rep-year').value.trim());
  const unit = $('#rep-unit').value.trim();
  if (unit) q.set('unit', unit);
  const audience = $('#rep-audience').value;
  if (audience) q.set('audience', audience);
  q.set('depth', $('#rep-depth').value);
  q.set('format', format);
  q.set('lang', lang());
  return q.toString();
}

const REPORT_COLUMNS = [
  ['headcount', 'admin.rep.col.headcount', 0],
  ['registered', 'admin.rep.col.registered', 0],
  ['participants', 'admin.rep.col.participants', 0],
  ['participation_percent', 'admin.rep.col.participation', 1],
  ['passed', 'admin.rep.col.passed', 0],
  ['passed_percent', 'admin.rep.col.passed_percent', 1],
  ['attempts', 'admin.rep.col.attempts', 0],
  ['attended', 'admin.rep.col.attended', 0],
  ['reached', 'admin.rep.col.reached', 0],
  ['reached_percent', 'admin.rep.col.reached_percent', 1],
];

function reportTable(rows) {
  return el('table', { id: 'report' },
    el('thead', {}, el('tr', {},
      el('th', { text: t('admin.rep.col.unit') }), el('th', { text: t('admin.rep.col.audience') }),
      REPORT_COLUMNS.map(([, key]) => el('th', { class: 'num', text: t(key) })))),
    el('tbody', {}, rows.map((r) => el('tr', {},
      el('td', { class: 'unit-cell', dataset: { label: t('admin.rep.col.unit') } },
        el('strong', { text: r.unit_name || r.unit_code }), el('br'), el('span', { class: 'muted small', text: r.unit_code })),
      el('td', { dataset: { label: t('admin.rep.col.audience') }, text: t(`audience.${r.audience}`) }),
      REPORT_COLUMNS.map(([field, key, digits]) => {
        const value = el('span', { text: formatNumber(r[field], digits) });
        if (field === 'headcount' && r.headcount_source) {
          value.append(el('span', { class: 'muted small block', text: t(`admin.rep.source.${r.headcount_source}`) }));
        }
        return el('td', { class: 'num', dataset: { label: t(key) } }, value);
      })))));
}


function setupReport(user) {
  $('#rep-year').value = String(new Date().getFullYear());
  $('#rep-unit').value = user.unit_code || '';
  $('#rep-audience').replaceWith(audienceSelect('rep-audience', true));
  const links = () => {
    // Real links too, so "open in new tab" works with the session cookie.
    $('#rep-csv').href = `/api/v1/reports/participation?${reportQuery('csv')}`;
    $('#rep-xlsx').href = `/api/v1/reports/participation?${reportQuery('xlsx')}`;
  };
  links();
  $('#rep-form').addEventListener('input', links);
  $('#rep-form').addEventListener('change', links);
  const name = (format) => `tham-gia-${$('#rep-year').value}-${$('#rep-unit').value.trim() || 'all'}.${format}`;
  $('#rep-csv').addEventListener('click', (e) => fetchDownload(`/reports/participation?${reportQuery('csv')}`, name('csv'), $('#rep-notice'), e));
  $('#rep-xlsx').addEventListener('click', (e) => fetchDownload(`/reports/participation?${reportQuery('xlsx')}`, name('xlsx'), $('#rep-notice'), e));
  $('#rep-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const box = $('#rep-notice');
    const table = $('#rep-table');
    clearNotice(box);
    table.replaceChildren();
    if (!/^\d{4}$/.test($('#rep-year').value.trim())) {
      notice(box, 'error', t('err.bad_request'), t('admin.rep.year'));
      return;
    }
    try {
      const data = await busy($('#rep-show'), t('common.loading'), () =>
        api('GET', `/reports/participation?${reportQuery('json')}`, { timeoutMs: 60000 }));
      const rows = (data && data.rows) || [];
      if (rows.length) fill(table, reportTable(rows));
      else notice(box, 'info', t('admin.rep.empty'));
    } catch (err) {
      showError(box, err);
    }
  });
}


function planQuery() {
  const q = new URLSearchParams({ year: $('#planrep-year').value.trim() });
  const unit = $('#planrep-unit').value.trim();
  if (unit) q.set('unit', unit);
  return q;
}

function setupPlan(user) {
  $('#planrep-year').value = String(daysLeft(1, 1).year);
  $('#planrep-unit').value = user.role === 'admin' ? '' : user.unit_code || '';
  let saved = null;
  try { saved = localStorage.getItem('quiz.admin.plan'); } catch (_) { /* private mode */ }
  $('#planrep-code').value = saved || 'hau-giang-1907';
  const link = () => {
    const q = planQuery();
    q.set('plan', $('#planrep-code').value.trim());
    $('#yearly-link').href = `/api/v1/reports/yearly?${q}`;
  };
  link();
  $('#planrep-form').addEventListener('input', link);
  $('#yearly-link').addEventListener('click', (e) => {
    e.preventDefault();
    openServerPage('GET', $('#yearly-link').getAttribute('href').replace('/api/v1', ''), $('#planrep-notice'));
  });
  $('#planrep-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const box = $('#planrep-notice');
    clearNotice(box);
    $('#planrep-table').replaceChildren();
    try {
      const code = $('#planrep-code').value.trim();
      const data = await busy($('#planrep-show'), t('common.loading'), () =>
        api('GET', `/reports/plans/${encodeURIComponent(code)}?${planQuery()}`));
      const head = ['adm.plan.target', 'adm.plan.threshold', 'adm.plan.actual', 'adm.plan.count', 'adm.plan.met', 'adm.plan.gap'];
      fill($('#planrep-table'), el('p', { class: 'muted', text: `${data.plan.title} — ${t('adm.dash.next_deadline', { date: data.deadline })}` }),
        el('table', { id: 'plan-report' },
          el('thead', {}, el('tr', {}, head.map((k, i) => el('th', { class: i ? 'num' : '', scope: 'col', text: t(k) })))),
          el('tbody', {}, (data.targets || []).map((tg) => el('tr', {},
            el('th', { scope: 'row', text: `${tg.id}${tg.audience ? ` · ${t(`audience.${tg.audience}`)}` : ''}` }),
            el('td', { class: 'num', text: `${tg.comparator} ${formatNumber(tg.threshold)}%` }),
            el('td', { class: 'num', text: `${formatNumber(tg.actual_percent)}%` }),
            el('td', { class: 'num', text: `${tg.numerator}/${tg.denominator}` }),
            el('td', { class: tg.met ? 'num met' : 'num unmet', text: t(tg.met ? 'adm.plan.yes' : 'adm.plan.no') }),
            el('td', { class: 'num', text: tg.met ? '–' : `${formatNumber(tg.gap_percent)}%` }))))));
    } catch (err) {
      showError(box, err);
    }
  });
}

function missingQuery(format) {
  const q = new URLSearchParams({ year: $('#missing-year').value.trim(), format, lang: lang() });
  const unit = $('#missing-unit').value.trim();
  if (unit) q.set('unit', unit);
  return q;
}

function setupMissing(user) {
  $('#missing-year').value = String(daysLeft(1, 1).year);
  $('#missing-unit').value = user.unit_code || '';
  const link = () => { $('#missing-csv').href = `/api/v1/reports/missing?${missingQuery('csv')}`; };
  link();
  $('#missing-form').addEventListener('input', link);
  $('#missing-csv').addEventListener('click', (e) => fetchDownload(`/reports/missing?${missingQuery('csv')}`,
    `can-nhac-${$('#missing-year').value}.csv`, $('#missing-notice'), e));
  $('#missing-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const box = $('#missing-notice');
    clearNotice(box);
    $('#missing-table').replaceChildren();
    try {
      const data = await busy($('#missing-show'), t('common.loading'), () =>
        api('GET', `/reports/missing?${missingQuery('json')}`, { timeoutMs: 60000 }));
      const people = data.people || [];
      notice(box, 'info', t('adm.rep.missing_count', { n: people.length, unit: data.unit_days_left, dept: data.department_days_left }));
      const cols = ['admin.username', 'adm.name', 'adm.unit', 'admin.rep.col.audience', 'adm.rep.missing_quizzes'];
      fill($('#missing-table'), el('table', { id: 'missing-report' },
        el('thead', {}, el('tr', {}, cols.map((k) => el('th', { scope: 'col', text: t(k) })))),
        el('tbody', {}, people.map((p) => el('tr', {},
          el('td', { class: 'mono', text: p.username }),
          el('td', { text: p.full_name }),
          el('td', { text: p.unit_name || p.unit_code }),
          el('td', { text: t(`audience.${p.audience}`) }),
          el('td', { text: (p.missing || []).map((m) => `${m.title} (${formatDateTime(m.closes_at)})`).join('; ') }))))));
    } catch (err) {
      showError(box, err);
    }
  });
}

/** Moodle's rule of thumb: too hard, too easy, or not telling who knows. */
function needsReview(q) {
  const f = q.facility_index;
  const d = q.discrimination_index;
  return (f !== null && f !== undefined && (f < 0.2 || f > 0.95)) || (d !== null && d !== undefined && d < 0.1);
}

function setupItems(user) {
  $('#items-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const box = $('#items-notice');
    clearNotice(box);
    $('#items-table').replaceChildren();
    const quiz = $('#items-quiz').value.trim();
    if (!/^\d+$/.test(quiz)) {
      notice(box, 'error', t('err.bad_request'));
      return;
    }
    try {
      const data = await busy($('#items-show'), t('common.loading'), () => api('GET', `/reports/questions?quiz=${quiz}`, { timeoutMs: 60000 }));
      const qs = data.questions || [];
      if (!qs.length) notice(box, 'info', t('admin.rep.empty'));
      const cols = ['adm.rep.question', 'admin.rep.col.attempts', 'adm.rep.facility', 'adm.rep.discrimination', 'adm.rep.review'];
      fill($('#items-table'), el('table', { id: 'items-report' },
        el('thead', {}, el('tr', {}, cols.map((k, i) => el('th', { class: i && i < 4 ? 'num' : '', scope: 'col', text: t(k) })))),
        el('tbody', {}, qs.map((q) => {
          const review = needsReview(q);
          // The Banks page is the admin's: there a question is seen and edited.
          const edit = user.role === 'admin' && q.bank ? `admin-banks.html?${new URLSearchParams({ bank: q.bank, question: q.code })}` : null;
          return el('tr', { class: review ? 'review' : '', dataset: { question: q.code } },
            el('th', { scope: 'row', class: 'mono' }, edit ? el('a', { href: edit, text: q.code }) : q.code),
            el('td', { class: 'num', text: formatNumber(q.attempts, 0) }),
            el('td', { class: 'num', text: formatNumber(q.facility_index, 2) }),
            el('td', { class: 'num', text: formatNumber(q.discrimination_index, 2) }),
            el('td', {}, review ? t('adm.rep.to_review') : '', review && edit ? el('a', {
              href: edit, class: 'block edit-question', text: t('adm.rep.edit_question'), 'aria-label': t('adm.rep.edit_question_code', { code: q.code }),
            }) : null));
        }))));
    } catch (err) {
      showError(box, err);
    }
  });
}

function main() {
  const user = adminPage('admin-reports.html');
  if (!user) return;
  setupReport(user);
  setupPlan(user);
  setupMissing(user);
  setupItems(user);
  // Opened from a quiz's results: its item statistics at once.
  const quiz = new URLSearchParams(location.search).get('quiz');
  if (quiz && /^\d+$/.test(quiz)) {
    $('#items-quiz').value = quiz;
    $('#items-form').requestSubmit();
    $('#items-section').scrollIntoView();
  }
}

main();
