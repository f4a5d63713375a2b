// standings.js - a contest's unit standings: GET
// /api/v1/contests/{id}/standings with round, unit and depth; the table
// sorts by any column (a button in its heading), the formula is written out
// with the contest's own weight and prize points.

import { api, requireSession } from './api.js';
import { t, formatNumber, prizeName } from './i18n.js';
import { el, $, fill, notice, clearNotice, showError, header } from './ui.js';

const params = new URLSearchParams(location.search);
const contestId = params.get('id');
const TIERS = ['1', '2', '3', 'consolation'];
const COLUMNS = [
  ['rank', 'lb.rank', true], ['unit_name', 'lb.unit_name', false], ['entrants', 'standings.entrants', true],
  ['headcount', 'standings.headcount', true], ['participation_percent', 'standings.percent', true],
  ['mean_score', 'standings.mean', true], ['prizes', 'standings.prizes', true], ['points', 'standings.points', true],
];
let units = [];
let sortKey = 'rank';
let ascending = true;

function prizeCount(u) {
  return TIERS.reduce((n, k) => n + ((u.prizes && u.prizes[k]) || 0), 0);
}

function value(u, key) {
  return key === 'prizes' ? prizeCount(u) : u[key];
}

function sorted() {
  return [...units].sort((a, b) => {
    const x = value(a, sortKey);
    const y = value(b, sortKey);
    const c = typeof x === 'string' ? x.localeCompare(y, 'vi') : x - y;
    return ascending ? c : -c;
  });
}

function prizeText(u) {
  return TIERS.filter((k) => u.prizes && u.prizes[k]).map((k) => `${prizeName(k)}: ${u.prizes[k]}`).join('; ') || '0';
}

function render() {
  const head = el('tr', {}, COLUMNS.map(([key, label, numeric]) => el('th', {
    class: numeric ? 'num' : '', scope: 'col',
    'aria-sort': key === sortKey ? (ascending ? 'ascending' : 'descending') : null,
  }, el('button', {
    type: 'button', class: 'link sort', text: t(label),
    onclick: () => { ascending = key === sortKey ? !ascending : key === 'rank' || key === 'unit_name'; sortKey = key; render(); },
  }))));
  const rows = sorted().map((u) => el('tr', {},
    el('td', { class: 'num', text: String(u.rank) }),
    el('td', {}, el('strong', { class: 'block', text: u.unit_name }), el('span', { class: 'muted small', text: u.unit_code })),
    el('td', { class: 'num', text: String(u.entrants) }),
    el('td', { class: 'num', text: String(u.headcount) }),
    el('td', { class: 'num', text: `${formatNumber(u.participation_percent)}%` }),
    el('td', { class: 'num', text: formatNumber(u.mean_score, 2) }),
    el('td', { class: 'num', text: prizeText(u) }),
    el('td', { class: 'num' }, el('strong', { text: formatNumber(u.points, 2) }))));
  fill($('#st-table'), units.length
    ? el('table', { id: 'standings' }, el('thead', {}, head), el('tbody', {}, rows))
    : el('p', { class: 'muted', text: t('standings.empty') }));
}

function showFormula(f) {
  const points = TIERS.map((k) => `${prizeName(k)} = ${formatNumber((f.prize_points || {})[k] || 0, 2)}`).join(', ');
  $('#st-formula').textContent = t('standings.formula_text', { w: formatNumber(f.participation_weight, 2), points });
}

async function load() {
  const box = $('#st-notice');
  clearNotice(box);
  const q = new URLSearchParams({ depth: $('#st-depth').value });
  const round = $('#st-round').value.trim();
  const unit = $('#st-unit').value.trim();
  if (round) q.set('round', round);
  if (unit) q.set('unit', unit);
  try {
    const data = await api('GET', `/contests/${encodeURIComponent(contestId)}/standings?${q}`);
    if (data.frozen) notice(box, 'info', t('lb.frozen'));
    units = data.units || [];
    showFormula(data.formula || {});
    render();
  } catch (err) {
    showError(box, err);
  }
}

function main() {
  header();
  if (!requireSession()) return;
  if (!contestId) {
    notice($('#st-notice'), 'error', t('quiz.no_id'));
    return;
  }
  $('#st-round').value = params.get('round') || '';
  $('#st-unit').value = params.get('unit') || '';
  $('#st-form').addEventListener('submit', (e) => { e.preventDefault(); load(); });
  api('GET', '/quizzes').then((data) => {
    const quiz = (data.quizzes || []).find((x) => String(x.id) === String(contestId));
    if (quiz) $('#st-quiz').textContent = quiz.title;
  }).catch(() => {});
  load();
}

main();
