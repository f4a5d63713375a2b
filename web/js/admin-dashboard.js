// admin-dashboard.js - the landing page of the administration: days left to
// the reporting deadlines, each target of a plan as a bar against its
// target line, per child unit the people who took a quiz, who attended an
// activity and who were reached by either (each once), side by side as a
// bar chart sorted by reach that drills down through the tree, and
// participation per week of the year as
// a line for the unit the drill-down shows. Every chart has a table beside it with the
// same figures (screen readers, keyboard, and pages without Chart.js).

import { api } from './api.js';
import { t, formatNumber } from './i18n.js';
import { el, $, fill, notice, clearNotice, showError, busy } from './ui.js';
import { adminPage, loadChart, daysLeft } from './admin-shell.js';

const PLAN_KEY = 'quiz.admin.plan';
const charts = {};

function drawChart(id, config) {
  return loadChart().then((Chart) => {
    if (charts[id]) charts[id].destroy();
    charts[id] = new Chart($(`#${id}`), config);
    return charts[id];
  }).catch(() => {
    notice($('#chart-notice'), 'warn', t('adm.chart.missing'));
    return null;
  });
}

function showDeadlines() {
  const items = [[11, 30, 'adm.dash.unit_deadline'], [12, 15, 'adm.dash.dept_deadline']].map(([m, d, key]) => {
    const { year, days } = daysLeft(m, d);
    const date = `${String(d).padStart(2, '0')}/${String(m).padStart(2, '0')}/${year}`;
    return el('li', { class: days < 0 ? 'past' : '', dataset: { days: String(days) } },
      el('span', { class: 'days', text: String(Math.abs(days)) }),
      el('span', { text: t(days < 0 ? 'adm.dash.days_past' : 'adm.dash.days_left', { date }) }),
      el('span', { class: 'muted small block', text: t(key) }));
  });
  fill($('#deadlines'), items);
}

function targetLabel(tg) {
  return `${tg.id}${tg.audience ? ` · ${t(`audience.${tg.audience}`)}` : ''}`;
}

function planTable(targets) {
  const head = ['adm.plan.target', 'adm.plan.counts', 'adm.plan.threshold', 'adm.plan.actual', 'adm.plan.count', 'adm.plan.met', 'adm.plan.gap'];
  return el('table', { id: 'plan-targets' },
    el('thead', {}, el('tr', {}, head.map((k, i) => el('th', { class: i ? 'num' : '', scope: 'col', text: t(k) })))),
    el('tbody', {}, targets.map((tg) => el('tr', { dataset: { target: tg.id } },
      el('th', { scope: 'row', text: targetLabel(tg) }),
      el('td', { text: t(`adm.plan.counts.${tg.counts === 'activities' ? 'activities' : 'quizzes'}`) }),
      el('td', { class: 'num', text: `${tg.comparator} ${formatNumber(tg.threshold)}%` }),
      el('td', { class: 'num', text: `${formatNumber(tg.actual_percent)}%` }),
      el('td', { class: 'num', text: `${tg.numerator}/${tg.denominator}` }),
      el('td', { class: tg.met ? 'num met' : 'num unmet', text: t(tg.met ? 'adm.plan.yes' : 'adm.plan.no') }),
      el('td', { class: 'num', text: tg.met ? '–' : `${formatNumber(tg.gap_percent)}%` })))));
}

async function showPlan() {
  const box = $('#plan-notice');
  clearNotice(box);
  const code = $('#plan-code').value.trim();
  const year = $('#dash-year').value.trim();
  if (!code || !/^\d{4}$/.test(year)) {
    notice(box, 'error', t('err.bad_request'));
    return;
  }
  try {
    const data = await busy($('#plan-show'), t('common.loading'), () =>
      api('GET', `/reports/plans/${encodeURIComponent(code)}?year=${year}`));
    try { localStorage.setItem(PLAN_KEY, code); } catch (_) { /* private mode */ }
    $('#plan-name').textContent = `${data.plan.title} — ${t('adm.dash.next_deadline', { date: data.deadline })}`;
    const targets = data.targets || [];
    fill($('#plan-table'), planTable(targets));
    const canvas = $('#plan-chart');
    canvas.setAttribute('aria-label', t('adm.dash.plan_chart', { met: targets.filter((x) => x.met).length, n: targets.length }));
    await drawChart('plan-chart', {
      type: 'bar',
      data: {
        labels: targets.map((x) => x.id),
        datasets: [
          { type: 'bar', label: t('adm.plan.actual'), data: targets.map((x) => x.actual_percent),
            backgroundColor: targets.map((x) => (x.met ? '#0f6b2f' : '#a4161a')) },
          { type: 'line', label: t('adm.plan.threshold'), data: targets.map((x) => x.threshold),
            showLine: false, pointStyle: 'line', pointRadius: 18, pointBorderWidth: 3, borderColor: '#111', backgroundColor: '#111' },
        ],
      },
      options: { maintainAspectRatio: false, animation: false, scales: { y: { min: 0, max: 100 } } },
    });
  } catch (err) {
    showError(box, err);
  }
}

const FIGURES = ['participants', 'attended', 'reached'];

/** Participation rows of one unit and its children summed over audiences:
 * quiz participants, activity attendees and people reached by either. */
function perUnit(rows) {
  const units = new Map();
  for (const r of rows) {
    const u = units.get(r.unit_code) || { code: r.unit_code, name: r.unit_name || r.unit_code, headcount: 0, participants: 0, attended: 0, reached: 0 };
    u.headcount += r.headcount || 0;
    for (const f of FIGURES) u[f] += r[f] || 0;
    units.set(r.unit_code, u);
  }
  const pct = (n, u) => (u.headcount > 0 ? (100 * n) / u.headcount : 0);
  for (const u of units.values()) {
    u.percent = pct(u.participants, u);
    u.attendedPercent = pct(u.attended, u);
    u.reachedPercent = pct(u.reached, u);
  }
  return [...units.values()];
}

const trail = [];

function drawTrail() {
  const list = el('ol', {});
  trail.forEach((u, i) => {
    const last = i === trail.length - 1;
    list.append(el('li', {}, last
      ? el('span', { 'aria-current': 'page', text: u.name })
      : el('button', { type: 'button', class: 'link', text: u.name, onclick: () => { trail.length = i + 1; showUnits(); } })));
  });
  fill($('#unit-trail'), list);
  $('#unit-trail').setAttribute('aria-label', t('adm.dash.trail'));
}

function drillInto(u) {
  trail.push({ code: u.code, name: u.name });
  showUnits();
}

async function showUnits() {
  const box = $('#units-notice');
  clearNotice(box);
  const current = trail[trail.length - 1];
  const year = $('#dash-year').value.trim();
  try {
    const q = new URLSearchParams({ year, depth: '1' });
    if (current.code) q.set('unit', current.code);
    const data = await api('GET', `/reports/participation?${q}`, { timeoutMs: 60000 });
    const units = perUnit(data.rows || []);
    const self = current.code ? units.find((u) => u.code === current.code) : units[0];
    if (self && !current.code) { current.code = self.code; current.name = self.name; }
    showWeekly(current);
    const children = units.filter((u) => u !== self).sort((a, b) => b.reachedPercent - a.reachedPercent);
    drawTrail();
    if (!children.length) notice(box, 'info', t('adm.dash.no_children'));
    fill($('#units-table'), el('table', { id: 'units-report' },
      el('thead', {}, el('tr', {}, ['adm.unit', 'admin.rep.col.headcount', 'admin.rep.col.participants', 'admin.rep.col.attended',
        'admin.rep.col.reached', 'admin.rep.col.reached_percent']
        .map((k, i) => el('th', { class: i ? 'num' : '', scope: 'col', text: t(k) })))),
      el('tbody', {}, children.map((u) => el('tr', { dataset: { unit: u.code } },
        el('th', { scope: 'row' }, el('button', { type: 'button', class: 'link', text: u.name,
          'aria-label': t('adm.dash.drill', { name: u.name }), onclick: () => drillInto(u) })),
        el('td', { class: 'num', text: formatNumber(u.headcount, 0) }),
        el('td', { class: 'num', text: formatNumber(u.participants, 0) }),
        el('td', { class: 'num', text: formatNumber(u.attended, 0) }),
        el('td', { class: 'num', text: formatNumber(u.reached, 0) }),
        el('td', { class: 'num', text: `${formatNumber(u.reachedPercent)}%` }))))));
    $('#units-chart').setAttribute('aria-label', t('adm.dash.units_chart', { name: current.name, n: children.length }));
    await drawChart('units-chart', {
      type: 'bar',
      data: {
        labels: children.map((u) => u.name),
        datasets: [
          { label: t('admin.rep.col.reached_percent'), data: children.map((u) => u.reachedPercent), backgroundColor: '#0b4f9c' },
          { label: t('admin.rep.col.participation'), data: children.map((u) => u.percent), backgroundColor: '#5b8fd1' },
          { label: t('adm.dash.attended_percent'), data: children.map((u) => u.attendedPercent), backgroundColor: '#b35c00' },
        ],
      },
      options: { indexAxis: 'y', maintainAspectRatio: false, animation: false, scales: { x: { min: 0, max: 100 } },
        onClick: (_e, hits) => { if (hits.length) drillInto(children[hits[0].index]); } },
    });
  } catch (err) {
    showError(box, err);
  }
}

/** Today's date in Vietnam as YYYY-MM-DD. */
function todayInVietnam() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

/** YYYY-MM-DD as DD/MM. */
function dayMonth(iso) {
  const [, m, d] = iso.split('-');
  return `${d}/${m}`;
}

function weeklyTable(weeks, withPercent) {
  const head = ['adm.dash.week', 'adm.dash.week_dates', 'adm.dash.week_participants', 'adm.dash.week_new', 'adm.dash.week_cumulative'];
  if (withPercent) head.push('adm.dash.week_percent');
  return el('table', { id: 'weekly-report' },
    el('thead', {}, el('tr', {}, head.map((k, i) => el('th', { class: i > 1 ? 'num' : '', scope: 'col', text: t(k) })))),
    el('tbody', {}, weeks.map((w) => el('tr', { dataset: { week: String(w.week) } },
      el('th', { scope: 'row', text: String(w.week) }),
      el('td', { text: `${dayMonth(w.starts_on)} – ${dayMonth(w.ends_on)}` }),
      el('td', { class: 'num', text: formatNumber(w.participants, 0) }),
      el('td', { class: 'num', text: formatNumber(w.new_participants, 0) }),
      el('td', { class: 'num', text: formatNumber(w.cumulative_participants, 0) }),
      withPercent ? el('td', { class: 'num', text: `${formatNumber(w.cumulative_percent)}%` }) : null))));
}

/** The line of the unit the drill-down shows (every root for an admin at the top). */
async function showWeekly(unit) {
  const box = $('#weekly-notice');
  clearNotice(box);
  const year = $('#dash-year').value.trim();
  try {
    const q = new URLSearchParams({ year });
    if (unit.code) q.set('unit', unit.code);
    const data = await api('GET', `/reports/participation/weekly?${q}`, { timeoutMs: 60000 });
    const name = data.unit ? data.unit.name : t('adm.dash.weekly_all');
    $('#weekly-unit').textContent = t('adm.dash.weekly_unit', { name });
    // This year's line stops at the current week.
    const today = todayInVietnam();
    const weeks = (data.weeks || []).filter((w) => w.starts_on <= today);
    const withPercent = data.headcount > 0;
    if (!data.participants) notice(box, 'info', t('adm.dash.weekly_none'));
    fill($('#weekly-table'), weeklyTable(weeks, withPercent));
    const last = weeks[weeks.length - 1] || { week: 0, cumulative_participants: 0, cumulative_percent: 0 };
    $('#weekly-chart').setAttribute('aria-label', withPercent
      ? t('adm.dash.weekly_chart', { name, week: last.week, percent: `${formatNumber(last.cumulative_percent)}%` })
      : t('adm.dash.weekly_chart_count', { name, week: last.week, count: last.cumulative_participants }));
    const cumulative = withPercent
      ? { label: t('adm.dash.week_percent'), data: weeks.map((w) => w.cumulative_percent), yAxisID: 'y' }
      : { label: t('adm.dash.week_cumulative'), data: weeks.map((w) => w.cumulative_participants), yAxisID: 'y' };
    await drawChart('weekly-chart', {
      type: 'line',
      data: {
        labels: weeks.map((w) => String(w.week)),
        datasets: [
          { ...cumulative, borderColor: '#0b4f9c', backgroundColor: '#0b4f9c', tension: 0, pointRadius: 2 },
          { label: t('adm.dash.week_participants'), data: weeks.map((w) => w.participants), yAxisID: 'y1',
            borderColor: '#8a5a00', backgroundColor: '#8a5a00', borderDash: [6, 4], tension: 0, pointRadius: 2 },
        ],
      },
      options: {
        maintainAspectRatio: false, animation: false,
        scales: {
          x: { title: { display: true, text: t('adm.dash.week') } },
          y: withPercent ? { min: 0, max: 100, position: 'left' } : { min: 0, position: 'left' },
          y1: { min: 0, position: 'right', grid: { drawOnChartArea: false } },
        },
      },
    });
  } catch (err) {
    showError(box, err);
  }
}

async function planChoices(user) {
  let saved = null;
  try { saved = localStorage.getItem(PLAN_KEY); } catch (_) { /* private mode */ }
  if (user.role !== 'admin') {
    $('#plan-code').value = saved || 'hau-giang-1907';
    return;
  }
  try {
    const data = await api('GET', '/admin/plans');
    const select = el('select', { id: 'plan-code' });
    for (const p of data.plans || []) select.append(el('option', { value: p.code, text: p.code }));
    if (saved && (data.plans || []).some((p) => p.code === saved)) select.value = saved;
    $('#plan-code').replaceWith(select);
  } catch (_) {
    $('#plan-code').value = saved || '';
  }
}

async function main() {
  const user = adminPage('admin.html');
  if (!user) return;
  $('#dash-year').value = String(daysLeft(1, 1).year);
  showDeadlines();
  $('#plan-form').addEventListener('submit', (e) => { e.preventDefault(); showPlan(); showUnits(); });
  trail.push({ code: user.role === 'admin' ? '' : user.unit_code, name: user.unit_code || '' });
  await planChoices(user);
  await Promise.all([showPlan(), showUnits()]);
}

main();
