// admin-people.js - people of the caller's subtree: search (diacritics
// optional), filters and paging; a person's page (admin-people.html?person=ID)
// with their attempts, results, attended activities and certificates, to edit, disable or
// enable, and to reset the password (shown once, printable); login cards
// for a unit.

import { api } from './api.js';
import { t, formatDateTime, formatNumber, AUDIENCES } from './i18n.js';
import { el, $, fill, notice, clearNotice, showError, busy } from './ui.js';
import { adminPage, openServerPage } from './admin-shell.js';

const PAGE = 20;
const ROLES = ['participant', 'unit_admin', 'admin'];
let offset = 0;
let total = 0;
let me = null;
let person = null;

function options(select, values, label, blank) {
  if (blank !== undefined) select.append(el('option', { value: '', text: blank }));
  for (const v of values) select.append(el('option', { value: v, text: label(v) }));
}

function query() {
  const q = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
  const text = $('#search-q').value.trim();
  if (text) q.set('q', text);
  for (const [id, name] of [['#search-unit', 'unit'], ['#search-audience', 'audience'], ['#search-role', 'role'], ['#search-disabled', 'disabled']]) {
    const v = $(id).value.trim();
    if (v) q.set(name, v);
  }
  return q;
}

function statusText(u) {
  return t(u.disabled ? 'adm.people.disabled' : 'adm.people.enabled');
}

function peopleTable(users) {
  const cols = ['admin.username', 'adm.name', 'adm.unit', 'admin.rep.col.audience', 'adm.people.role', 'adm.people.status', 'adm.people.last_login'];
  return el('table', { id: 'people' },
    el('thead', {}, el('tr', {}, cols.map((k) => el('th', { scope: 'col', text: t(k) })))),
    el('tbody', {}, users.map((u) => el('tr', { dataset: { userId: String(u.id) } },
      el('td', {}, el('button', { type: 'button', class: 'link mono', text: u.username,
        title: t('adm.people.open', { name: u.full_name }), onclick: () => openPerson(u) })),
      el('td', { text: u.full_name }),
      el('td', { text: u.unit_name || u.unit_code || '–' }),
      el('td', { text: u.audience ? t(`audience.${u.audience}`) : '–' }),
      el('td', { text: t(`adm.role.${u.role}`) }),
      el('td', { class: u.disabled ? 'unmet' : '', text: statusText(u) }),
      el('td', { text: formatDateTime(u.last_login_at) })))));
}

async function search() {
  const box = $('#search-notice');
  clearNotice(box);
  try {
    const data = await busy($('#search-submit'), t('common.loading'), () => api('GET', `/admin/users?${query()}`));
    total = data.total || 0;
    const users = data.users || [];
    $('#search-total').textContent = total
      ? t('adm.people.total', { from: offset + 1, to: offset + users.length, total }) : t('adm.people.none');
    fill($('#people-table'), users.length ? peopleTable(users) : null);
    $('#page-prev').disabled = offset === 0;
    $('#page-next').disabled = offset + PAGE >= total;
  } catch (err) {
    showError(box, err);
  }
}

function showPerson(u) {
  person = u;
  $('#person').hidden = false;
  $('#person-title').textContent = `${u.full_name} (${u.username})`;
  const facts = [
    ['adm.unit', u.unit_name ? `${u.unit_name} (${u.unit_code})` : u.unit_code || '–'],
    ['adm.people.role', t(`adm.role.${u.role}`)],
    ['admin.rep.col.audience', u.audience ? t(`audience.${u.audience}`) : '–'],
    ['adm.people.status', statusText(u)],
    ['adm.people.created', formatDateTime(u.created_at)],
    ['adm.people.last_login', formatDateTime(u.last_login_at)],
  ];
  fill($('#person-facts'), facts.flatMap(([k, v]) => [el('dt', { text: t(k) }), el('dd', { text: v })]));
  $('#edit-name').value = u.full_name;
  $('#edit-unit').value = u.unit_code || '';
  $('#edit-audience').value = u.audience || '';
  $('#edit-role').value = u.role;
  $('#toggle-disabled').textContent = t(u.disabled ? 'adm.people.enable' : 'adm.people.disable');
  $('#toggle-disabled').disabled = u.id === me.id;
  // An admin role is given only by an admin.
  for (const opt of $('#edit-role').options) opt.disabled = me.role !== 'admin' && opt.value !== 'participant' && opt.value !== u.role;
}

function certificateLink(code, what, short) {
  return el('a', { href: `/api/v1/certificates/${encodeURIComponent(code)}`, target: '_blank', rel: 'noopener',
    text: short ? t('adm.people.cert_short') : t('adm.people.cert_link', { what }),
    'aria-label': t('adm.people.cert_link', { what }) });
}

function scoreText(a) {
  if (a.score === null || a.max_score === null) return '–';
  const percent = a.max_score > 0 ? ` (${formatNumber((100 * a.score) / a.max_score)}%)` : '';
  return `${formatNumber(a.score, 2)}/${formatNumber(a.max_score, 2)}${percent}`;
}

function attemptsTable(attempts) {
  const cols = ['adm.people.col.quiz', 'adm.people.col.state', 'adm.people.col.started', 'adm.people.col.finished',
    'adm.people.col.score', 'adm.people.col.passed', 'adm.people.col.certificate'];
  return el('table', { id: 'person-attempts-table' },
    el('thead', {}, el('tr', {}, cols.map((k) => el('th', { scope: 'col', text: t(k) })))),
    el('tbody', {}, attempts.map((a) => {
      const done = a.state !== 'in_progress';
      return el('tr', { dataset: { attemptId: String(a.id) } },
        el('th', { scope: 'row', text: `${a.quiz_title} (${a.quiz_code})` }),
        el('td', { text: t(`adm.people.state.${a.state}`) }),
        el('td', { text: formatDateTime(a.started_at) }),
        el('td', { text: formatDateTime(a.finished_at) }),
        el('td', { class: 'num', text: scoreText(a) }),
        el('td', { class: done ? (a.passed ? 'met' : 'unmet') : '', text: done ? t(a.passed ? 'adm.plan.yes' : 'adm.plan.no') : '–' }),
        el('td', {}, a.certificate ? certificateLink(a.certificate, a.quiz_title, true) : '–'));
    })));
}

function activityItem(x) {
  return el('li', { dataset: { activityId: String(x.activity_id) } },
    el('span', { text: `${x.title} (${x.code}) — ${formatDateTime(x.at)}` }),
    x.certificate ? el('span', {}, ' · ', certificateLink(x.certificate, x.title, true)) : null);
}

/** The person's page: identity and actions, then attempts, activities and certificates. */
async function loadRecord(id, box = $('#person-attempts-notice')) {
  clearNotice(box);
  try {
    const data = await api('GET', `/admin/users/${encodeURIComponent(id)}/attempts`);
    showPerson(data.user);
    const attempts = data.attempts || [];
    const activities = data.activities || [];
    fill($('#person-attempts'), attempts.length ? attemptsTable(attempts) : el('p', { class: 'muted', text: t('adm.people.no_attempts') }));
    fill($('#person-activities'), activities.length ? activities.map(activityItem) : el('li', { class: 'muted', text: t('adm.people.no_activities') }));
    const certs = [...attempts.filter((a) => a.certificate).map((a) => [a.certificate, a.quiz_title]),
      ...activities.filter((x) => x.certificate).map((x) => [x.certificate, x.title])];
    fill($('#person-certs'), certs.length
      ? certs.map(([code, what]) => el('li', {}, certificateLink(code, what, false)))
      : el('li', { class: 'muted', text: t('adm.people.no_certificates') }));
    document.title = t('adm.people.page_title', { name: data.user.full_name });
    return true;
  } catch (err) {
    showError(box, err);
    return false;
  }
}

function openPerson(u) {
  clearNotice($('#person-notice'));
  $('#new-password').hidden = true;
  showPerson(u);
  fill($('#person-attempts'), null);
  fill($('#person-activities'), null);
  fill($('#person-certs'), null);
  // The person's page has its own address, to bookmark or send.
  history.replaceState(null, '', `?person=${u.id}`);
  loadRecord(u.id);
  $('#person-title').focus();
}

async function patch(body, okKey) {
  const box = $('#person-notice');
  clearNotice(box);
  try {
    const data = await api('PATCH', `/admin/users/${person.id}`, { body });
    showPerson(data.user);
    loadRecord(data.user.id);
    notice(box, 'ok', t(okKey));
    search();
  } catch (err) {
    showError(box, err);
  }
}

function setupPerson() {
  $('#edit-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const body = {};
    const name = $('#edit-name').value.trim();
    if (!name) {
      notice($('#person-notice'), 'error', t('err.bad_request'), t('adm.name'));
      return;
    }
    if (name !== person.full_name) body.full_name = name;
    const unit = $('#edit-unit').value.trim();
    if (unit !== (person.unit_code || '')) body.unit_code = unit || null;
    const audience = $('#edit-audience').value;
    if (audience !== (person.audience || '')) body.audience = audience || null;
    if ($('#edit-role').value !== person.role) body.role = $('#edit-role').value;
    if (!Object.keys(body).length) {
      notice($('#person-notice'), 'info', t('adm.people.unchanged'));
      return;
    }
    patch(body, 'adm.people.saved');
  });
  $('#toggle-disabled').addEventListener('click', () =>
    patch({ disabled: !person.disabled }, person.disabled ? 'adm.people.enabled_done' : 'adm.people.disabled_done'));
  $('#reset-password').addEventListener('click', async () => {
    const box = $('#person-notice');
    clearNotice(box);
    if (!window.confirm(t('adm.people.reset_confirm', { name: person.full_name }))) return;
    try {
      const data = await busy($('#reset-password'), t('common.loading'), () => api('POST', `/admin/users/${person.id}/password`));
      $('#print-heading').textContent = `${person.full_name} — ${t('admin.username')}: ${person.username}`;
      $('#new-password-value').textContent = data.password;
      $('#new-password').hidden = false;
      notice(box, 'ok', t('adm.people.reset_done'));
    } catch (err) {
      showError(box, err);
    }
  });
  $('#print-password').addEventListener('click', () => window.print());
}

function setupCards(user) {
  $('#cards-unit').value = user.unit_code || '';
  $('#cards-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const unit = $('#cards-unit').value.trim();
    const box = $('#cards-notice');
    if (!unit) {
      notice(box, 'error', t('err.bad_request'), t('admin.rep.unit'));
      return;
    }
    const audience = $('#cards-audience').value;
    const path = `/admin/units/${encodeURIComponent(unit)}/cards${audience ? `?audience=${audience}` : ''}`;
    openServerPage('POST', path, box);
  });
}

function main() {
  const user = adminPage('admin-people.html');
  if (!user) return;
  me = user;
  const aud = (a) => t(`audience.${a}`);
  const role = (r) => t(`adm.role.${r}`);
  options($('#search-audience'), AUDIENCES, aud, t('admin.rep.audience_all'));
  options($('#search-role'), ROLES, role, t('admin.rep.audience_all'));
  options($('#search-disabled'), ['false', 'true'], (v) => t(v === 'true' ? 'adm.people.disabled' : 'adm.people.enabled'), t('admin.rep.audience_all'));
  options($('#edit-audience'), AUDIENCES, aud, '–');
  options($('#edit-role'), ROLES, role);
  options($('#cards-audience'), AUDIENCES, aud, t('admin.rep.audience_all'));
  $('#search-unit').value = user.role === 'admin' ? '' : user.unit_code || '';
  $('#search-form').addEventListener('submit', (e) => { e.preventDefault(); offset = 0; search(); });
  $('#page-prev').addEventListener('click', () => { offset = Math.max(0, offset - PAGE); search(); });
  $('#page-next').addEventListener('click', () => { offset += PAGE; search(); });
  setupPerson();
  setupCards(user);
  search();
  const wanted = new URLSearchParams(location.search).get('person');
  if (wanted && /^\d+$/.test(wanted)) {
    loadRecord(wanted, $('#search-notice')).then((ok) => { if (ok) $('#person-title').focus(); });
  }
}

main();
