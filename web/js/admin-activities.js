// admin-activities.js - trainings, seminars, events and live games for
// admin and unit_admin: the list of a subtree and year with attendees,
// creating one, opening and closing its check-in, the check-in screen to
// project, an attendance list uploaded as CSV, and who attended.

import { api } from './api.js';
import { t, AUDIENCES, formatDateTime } from './i18n.js';
import { el, $, notice, clearNotice, showError, busy } from './ui.js';
import { adminPage, errorTable } from './admin-shell.js';

const KINDS = ['training', 'seminar', 'event', 'live_game'];
let chosen = null; // the activity whose attendees are shown

/** A datetime-local value (Vietnam's time) as RFC 3339 with +07:00. */
function vnTime(value) {
  return value ? `${value.length === 16 ? `${value}:00` : value}+07:00` : '';
}

async function setCheckIn(a, state) {
  const box = $('#act-list-notice');
  clearNotice(box);
  try {
    await api('PATCH', `/admin/activities/${a.id}`, { body: { check_in: state } });
    await loadList();
  } catch (err) {
    showError(box, err);
  }
}

function activityRow(a) {
  const open = a.check_in === 'open';
  return el('tr', { dataset: { activityId: String(a.id) } },
    el('td', { text: a.code }),
    el('td', { text: a.title }),
    el('td', { text: t(`act.kind.${a.kind}`) }),
    el('td', { text: a.unit_code }),
    el('td', { text: formatDateTime(a.starts_at) }),
    el('td', { class: 'num attendees', text: String(a.attendees) }),
    el('td', { text: t(open ? 'act.state.open' : 'act.state.closed') }),
    el('td', { class: 'actions' },
      el('a', { class: 'btn screen-link', href: `/api/v1/admin/activities/${a.id}/check-in`, target: '_blank', rel: 'noopener', text: t('act.screen') }),
      el('button', { type: 'button', class: 'btn toggle', text: t(open ? 'act.close' : 'act.open'), onclick: () => setCheckIn(a, open ? 'closed' : 'open') }),
      el('button', { type: 'button', class: 'btn who', text: t('act.who'), onclick: () => showAttendees(a) })));
}

async function loadList() {
  const box = $('#act-list-notice');
  clearNotice(box);
  const params = new URLSearchParams();
  const unit = $('#act-filter-unit').value.trim();
  const year = $('#act-filter-year').value.trim();
  if (unit) params.set('unit', unit);
  if (year) params.set('year', year);
  try {
    const data = await api('GET', `/admin/activities${params.toString() ? `?${params}` : ''}`);
    const list = data.activities || [];
    if (!list.length) {
      $('#act-list').replaceChildren();
      notice(box, 'info', t('act.list.empty'));
      return;
    }
    $('#act-list').replaceChildren(el('div', { class: 'table-wrap' }, el('table', { id: 'act-table' },
      el('thead', {}, el('tr', {}, ['act.code', 'act.title_field', 'act.kind', 'act.unit', 'act.starts', 'act.attendees', 'act.check_in', 'act.actions']
        .map((k) => el('th', { text: t(k) })))),
      el('tbody', {}, list.map(activityRow)))));
  } catch (err) {
    showError(box, err);
  }
}

async function showAttendees(a) {
  chosen = a;
  $('#act-attendees-section').hidden = false;
  $('#act-attendees-title').textContent = t('act.attendees_of', { title: a.title });
  const box = $('#act-upload-notice');
  try {
    const data = await api('GET', `/admin/activities/${a.id}/attendees`);
    $('#act-attendees').replaceChildren(el('div', { class: 'table-wrap' }, el('table', { id: 'act-attendee-table' },
      el('thead', {}, el('tr', {}, ['login.username', 'act.full_name', 'act.unit', 'act.how', 'act.at'].map((k) => el('th', { text: t(k) })))),
      el('tbody', {}, (data.attendees || []).map((p) => el('tr', {},
        el('td', { text: p.username }), el('td', { text: p.full_name }), el('td', { text: p.unit_code }),
        el('td', { text: t(`act.how.${p.how}`) }), el('td', { text: formatDateTime(p.at) })))))));
  } catch (err) {
    showError(box, err);
  }
}

function setupUpload() {
  $('#act-upload').addEventListener('submit', async (e) => {
    e.preventDefault();
    const box = $('#act-upload-notice');
    const errorsBox = $('#act-upload-errors');
    clearNotice(box);
    errorsBox.replaceChildren();
    const file = $('#act-upload-file').files && $('#act-upload-file').files[0];
    if (!chosen || !file) {
      notice(box, 'error', t('admin.no_file'));
      return;
    }
    try {
      const res = await busy($('#act-upload-submit'), t('admin.uploading'), () =>
        api('POST', `/admin/activities/${chosen.id}/attendees`, { body: file, type: 'text/csv' }));
      notice(box, res.errors.length ? 'error' : 'ok', t('act.upload.done', { added: res.added, errors: res.errors.length }));
      if (res.errors.length) errorsBox.append(errorTable(res.errors));
      await loadList();
      await showAttendees(chosen);
    } catch (err) {
      showError(box, err);
    }
  });
}

function setupCreate(user) {
  const kind = $('#act-kind');
  for (const k of KINDS) kind.append(el('option', { value: k, text: t(`act.kind.${k}`) }));
  const audiences = $('#act-audiences');
  for (const a of AUDIENCES) {
    audiences.append(el('label', { class: 'check' }, el('input', { type: 'checkbox', value: a }), ` ${t(`audience.${a}`)}`));
  }
  if (user.unit_code) $('#act-unit').value = user.unit_code;
  $('#act-create').addEventListener('submit', async (e) => {
    e.preventDefault();
    const box = $('#act-create-notice');
    clearNotice(box);
    const invalid = [...e.target.querySelectorAll('input, select')].find((input) => !input.checkValidity());
    if (invalid) {
      notice(box, 'error', t('err.bad_request'), invalid.labels && invalid.labels[0] ? invalid.labels[0].textContent : '');
      invalid.focus();
      return;
    }
    const body = {
      code: $('#act-code').value.trim(),
      title: $('#act-title').value.trim(),
      kind: kind.value,
      unit_code: $('#act-unit').value.trim(),
      audiences: [...audiences.querySelectorAll('input:checked')].map((i) => i.value),
      topics: $('#act-topics').value.split(',').map((s) => s.trim()).filter(Boolean),
      starts_at: vnTime($('#act-starts').value),
      ends_at: vnTime($('#act-ends').value),
      check_in: $('#act-open').checked ? 'open' : 'closed',
      certificate: $('#act-certificate').checked,
    };
    try {
      const res = await busy($('#act-create-submit'), t('common.loading'), () =>
        api('POST', '/admin/activities', { body }));
      notice(box, 'ok', t('act.create.done', { code: res.activity.code }));
      e.target.reset();
      if (user.unit_code) $('#act-unit').value = user.unit_code;
      await loadList();
    } catch (err) {
      showError(box, err);
    }
  });
}

function main() {
  const user = adminPage('admin-activities.html');
  if (!user) return;
  $('#act-filter').addEventListener('submit', (e) => {
    e.preventDefault();
    loadList();
  });
  setupCreate(user);
  setupUpload();
  loadList();
}

main();
