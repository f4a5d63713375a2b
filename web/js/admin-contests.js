// admin-contests.js - the administration's contest page (admin only):
// publish the results, the winners list with CSV/XLSX, and the integrity
// report whose flags link to the people involved in the winners table.

import { api, ApiError } from './api.js';
import { t, formatNumber, formatDuration, formatDateTime, prizeName } from './i18n.js';
import { el, $, fill, notice, clearNotice, showError, busy } from './ui.js';
import { adminPage } from './admin-shell.js';

const params = new URLSearchParams(location.search);

function contestId() {
  return $('#ac-contest').value;
}

function winnersQuery(format) {
  const q = new URLSearchParams({ format });
  const round = $('#ac-round').value.trim();
  const top = $('#ac-top').value.trim();
  if (round) q.set('round', round);
  if (top) q.set('top', top);
  return q;
}

function links() {
  const id = encodeURIComponent(contestId());
  $('#ac-csv').href = `/api/v1/admin/contests/${id}/winners?${winnersQuery('csv')}`;
  $('#ac-xlsx').href = `/api/v1/admin/contests/${id}/winners?${winnersQuery('xlsx')}`;
  $('#ac-public').href = `results.html?id=${id}`;
}

async function download(format, event) {
  event.preventDefault();
  const box = $('#ac-notice');
  clearNotice(box);
  try {
    const res = await api('GET', `/admin/contests/${encodeURIComponent(contestId())}/winners?${winnersQuery(format)}`, { raw: true, timeoutMs: 60000 });
    const url = URL.createObjectURL(await res.blob());
    const a = el('a', { href: url, download: `giai-${contestId()}.${format}` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  } catch (err) {
    if (err instanceof ApiError) showError(box, err);
    else notice(box, 'error', t('err.network'));
  }
}

function winnersTable(winners) {
  const heads = ['lb.rank', 'lb.name', 'ac.username', 'lb.unit_name', 'ac.birth_year', 'ac.phone', 'lb.score', 'lb.duration', 'lb.prediction', 'results.prize'];
  return el('table', { id: 'winners' },
    el('thead', {}, el('tr', {}, heads.map((h) => el('th', { scope: 'col', text: t(h) })))),
    el('tbody', {}, winners.map((w) => el('tr', { id: w.user_id ? `winner-${w.user_id}` : null },
      el('td', { class: 'num', text: String(w.rank) }), el('td', { text: w.full_name }), el('td', { text: w.username || '' }),
      el('td', { text: w.unit_name }), el('td', { text: w.birth_year ? String(w.birth_year) : '' }), el('td', { text: w.phone || '' }),
      el('td', { class: 'num', text: formatNumber(w.score, 2) }), el('td', { class: 'num', text: formatDuration(w.duration_ms) }),
      el('td', { class: 'num', text: w.prediction === null ? '' : String(w.prediction) }),
      el('td', { text: w.prize ? prizeName(w.prize) : '' })))));
}

function flagItem(f, names) {
  return el('li', { class: 'card flag', dataset: { kind: f.kind } },
    el('h3', { text: t(`ac.flag.${f.kind}`) }),
    el('p', { class: 'muted', text: f.detail }),
    el('p', {}, t('ac.people'), ' ', ...f.user_ids.flatMap((id, i) => [i ? ', ' : '',
      el('a', { href: `#winner-${id}`, text: names.get(id) || `#${id}` })])));
}

async function show(e) {
  if (e) e.preventDefault();
  const box = $('#ac-notice');
  clearNotice(box);
  links();
  const id = encodeURIComponent(contestId());
  try {
    const [w, all, integrity] = await Promise.all([
      api('GET', `/admin/contests/${id}/winners?${winnersQuery('json')}`),
      api('GET', `/admin/contests/${id}/winners?top=10000`),
      api('GET', `/admin/contests/${id}/integrity`),
    ]);
    fill($('#ac-winners'), w.winners.length ? winnersTable(w.winners) : el('p', { class: 'muted', text: t('lb.empty') }));
    const names = new Map(all.winners.filter((x) => x.user_id).map((x) => [x.user_id, `${x.full_name} (${x.username})`]));
    fill($('#ac-flags'), ...(integrity.flags.length ? integrity.flags.map((f) => flagItem(f, names))
      : [el('li', { class: 'muted', text: t('ac.no_flags') })]));
  } catch (err) {
    showError(box, err);
  }
}

async function publish() {
  const box = $('#ac-publish-notice');
  clearNotice(box);
  await busy($('#ac-publish'), t('common.loading'), async () => {
    try {
      const res = await api('POST', `/admin/contests/${encodeURIComponent(contestId())}/publish`);
      notice(box, 'ok', t('ac.published', { at: formatDateTime(res.published_at) }));
    } catch (err) {
      showError(box, err);
    }
  });
}

async function main() {
  const user = adminPage('admin-contests.html');
  if (!user) return;
  try {
    const data = await api('GET', '/admin/quizzes?kind=contest');
    fill($('#ac-contest'), ...(data.quizzes || []).filter((q) => q.kind === 'contest' && q.mode !== 'practice')
      .map((q) => el('option', { value: String(q.id), text: `${q.title} (${q.code})` })));
  } catch (err) {
    showError($('#ac-notice'), err);
    return;
  }
  if (params.get('id')) $('#ac-contest').value = params.get('id');
  $('#ac-form').addEventListener('submit', show);
  $('#ac-form').addEventListener('change', links);
  $('#ac-csv').addEventListener('click', (e) => download('csv', e));
  $('#ac-xlsx').addEventListener('click', (e) => download('xlsx', e));
  $('#ac-publish').addEventListener('click', publish);
  if (contestId()) show();
}

main();
