// leaderboard.js - a contest's leaderboard: GET
// /api/v1/contests/{id}/leaderboard with round and unit filters, paged.

import { api, requireSession } from './api.js';
import { t, formatNumber, formatDuration } from './i18n.js';
import { el, $, fill, notice, clearNotice, showError, header } from './ui.js';

const params = new URLSearchParams(location.search);
const contestId = params.get('id');
const PAGE = 50;
let offset = 0;

// Three columns, so it reads on a 360 px phone: rank, person and unit, score
// with the tie-breakers (correct answers, prediction, time) under it.
function table(entries, withUnitRank) {
  return el('table', { id: 'leaderboard' },
    el('thead', {}, el('tr', {},
      el('th', { class: 'num', text: t('lb.rank') }),
      el('th', { text: `${t('lb.name')} · ${t('lb.unit_name')}` }),
      el('th', { class: 'num', text: t('lb.score') }))),
    el('tbody', {}, entries.map((e) => {
      const details = [`${t('lb.correct')}: ${e.correct_count ?? '–'}`, `${t('lb.duration')}: ${formatDuration(e.duration_ms)}`];
      if (e.prediction !== null && e.prediction !== undefined) details.splice(1, 0, `${t('lb.prediction')}: ${e.prediction}`);
      return el('tr', {},
        el('td', { class: 'num rank' }, el('strong', { text: String(e.rank) }),
          withUnitRank && e.unit_rank !== undefined ? el('span', { class: 'muted small block', text: `${t('lb.unit_rank')}: ${e.unit_rank}` }) : null),
        el('td', {}, el('strong', { class: 'block', text: e.full_name }), el('span', { class: 'muted small', text: e.unit_name || e.unit_code || '' })),
        el('td', { class: 'num' }, el('strong', { class: 'block', text: formatNumber(e.score, 2) }),
          details.map((d) => el('span', { class: 'muted small block', text: d }))));
    })));
}

async function load() {
  const box = $('#lb-notice');
  clearNotice(box);
  const q = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
  const round = $('#lb-round').value.trim();
  const unit = $('#lb-unit').value.trim();
  if (round) q.set('round', round);
  if (unit) q.set('unit', unit);
  try {
    const data = await api('GET', `/contests/${encodeURIComponent(contestId)}/leaderboard?${q}`);
    const entries = data.entries || [];
    if (data.frozen) notice(box, 'info', t('lb.frozen'));
    $('#lb-total').textContent = t('lb.total', { n: data.total ?? entries.length });
    if (entries.length) fill($('#lb-table'), table(entries, Boolean(unit)));
    else fill($('#lb-table'), el('p', { class: 'muted', text: t('lb.empty') }));
    $('#lb-prev').hidden = offset === 0;
    $('#lb-next').hidden = offset + entries.length >= (data.total ?? 0);
  } catch (err) {
    showError(box, err);
  }
}

async function main() {
  header();
  if (!requireSession()) return;
  if (!contestId) {
    notice($('#lb-notice'), 'error', t('quiz.no_id'));
    return;
  }
  $('#lb-standings').href = `standings.html?id=${encodeURIComponent(contestId)}`;
  $('#lb-round').value = params.get('round') || '';
  $('#lb-unit').value = params.get('unit') || '';
  $('#lb-form').addEventListener('submit', (e) => { e.preventDefault(); offset = 0; load(); });
  $('#lb-prev').addEventListener('click', () => { offset = Math.max(0, offset - PAGE); load(); });
  $('#lb-next').addEventListener('click', () => { offset += PAGE; load(); });
  api('GET', '/quizzes').then((data) => {
    const quiz = (data.quizzes || []).find((x) => String(x.id) === String(contestId));
    if (quiz) $('#lb-quiz').textContent = quiz.title;
  }).catch(() => {});
  load();
}

main();
