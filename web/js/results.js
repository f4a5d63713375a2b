// results.js - a contest's published results, for anyone (no login): GET
// /api/v1/contests/{id}/results; 404 until an administrator publishes.
// Names, units and scores only, with the ranking rule written out.

import { api } from './api.js';
import { t, formatNumber, prizeName } from './i18n.js';
import { el, $, fill, notice, header } from './ui.js';

const params = new URLSearchParams(location.search);
const contestId = params.get('id');

function table(id, heads, rows) {
  return el('table', { id }, el('thead', {}, el('tr', {}, heads.map(([label, num]) => el('th', { class: num ? 'num' : '', scope: 'col', text: t(label) })))),
    el('tbody', {}, rows));
}

async function main() {
  header();
  const box = $('#res-notice');
  if (!contestId) {
    notice(box, 'error', t('quiz.no_id'));
    return;
  }
  let data;
  try {
    data = await api('GET', `/contests/${encodeURIComponent(contestId)}/results`, { auth: false });
  } catch (err) {
    notice(box, err.status === 404 ? 'info' : 'error', err.status === 404 ? t('results.not_published') : err.message);
    return;
  }
  const prizes = data.prizes || [];
  if (prizes.length) {
    fill($('#res-prizes'), table('results-prizes', [['results.prize', false], ['lb.rank', true], ['lb.name', false], ['lb.unit_name', false]],
      prizes.map((p) => el('tr', {}, el('td', {}, el('strong', { text: prizeName(p.prize) })),
        el('td', { class: 'num', text: String(p.rank) }), el('td', { text: p.full_name }), el('td', { text: p.unit_name })))));
    $('#res-prizes-box').hidden = false;
  }
  const entries = data.entries || [];
  fill($('#res-entries'), entries.length
    ? table('results-entries', [['lb.rank', true], ['lb.name', false], ['lb.unit_name', false], ['lb.score', true]],
      entries.map((e) => el('tr', {}, el('td', { class: 'num', text: String(e.rank) }), el('td', { text: e.full_name }),
        el('td', { text: e.unit_name }), el('td', { class: 'num', text: formatNumber(e.score, 2) }))))
    : el('p', { class: 'muted', text: t('lb.empty') }));
  $('#res-entries-box').hidden = false;
}

main();
