// admin.js - the administration page for admin and unit_admin: upload units
// and users as CSV (generated passwords shown once, with a CSV download),
// declare headcounts, and the participation report with CSV/XLSX downloads.

import { api, requireSession, ApiError } from './api.js';
import { t, lang, formatNumber, AUDIENCES } from './i18n.js';
import { el, $, fill, notice, clearNotice, showError, header, busy, download, csvField } from './ui.js';

function errorTable(errors) {
  return el('div', { class: 'table-wrap' }, el('table', {},
    el('thead', {}, el('tr', {}, el('th', { class: 'num', text: t('admin.line') }), el('th', { text: t('admin.message') }))),
    el('tbody', {}, errors.map((e) => el('tr', {}, el('td', { class: 'num', text: String(e.line) }), el('td', { text: e.message }))))));
}

/** Reads the chosen file of input, or shows "choose a file" in box. */
function chosenFile(input, box) {
  const file = input.files && input.files[0];
  if (!file) notice(box, 'error', t('admin.no_file'));
  return file;
}

function setupUnits() {
  $('#units-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const box = $('#units-result');
    const errorsBox = $('#units-errors');
    clearNotice(box);
    errorsBox.replaceChildren();
    const file = chosenFile($('#units-file'), box);
    if (!file) return;
    try {
      const res = await busy($('#units-upload'), t('admin.uploading'), () =>
        api('POST', '/admin/units', { body: file, type: 'text/csv' }));
      notice(box, 'ok', t('admin.units.done', { created: res.created, updated: res.updated }));
    } catch (err) {
      // The table names each bad line; the summary above it needs no detail.
      if (err.errors && err.errors.length) {
        notice(box, 'error', err.message);
        errorsBox.append(errorTable(err.errors));
      } else {
        showError(box, err);
      }
    }
  });
}

function setupUsers() {
  $('#users-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const box = $('#users-result');
    const pwBox = $('#users-passwords');
    const errorsBox = $('#users-errors');
    clearNotice(box);
    pwBox.replaceChildren();
    errorsBox.replaceChildren();
    const file = chosenFile($('#users-file'), box);
    if (!file) return;
    try {
      const res = await busy($('#users-upload'), t('admin.uploading'), () =>
        api('POST', '/admin/users', { body: file, type: 'text/csv' }));
      notice(box, res.errors && res.errors.length ? 'warn' : 'ok', t('admin.users.done', { created: res.created }));
      const passwords = res.passwords || [];
      if (passwords.length) {
        const csv = `\ufeffusername,password\r\n${passwords.map((p) => `${csvField(p.username)},${csvField(p.password)}\r\n`).join('')}`;
        const stamp = new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '');
        pwBox.append(
          el('p', { class: 'notice notice-warn', text: t('admin.users.passwords') }),
          el('button', { type: 'button', class: 'btn btn-primary', id: 'passwords-download', text: t('admin.users.download'),
            onclick: () => download(`mat-khau-${stamp}.csv`, csv, 'text/csv;charset=utf-8') }),
          el('div', { class: 'table-wrap' }, el('table', { id: 'passwords-table' },
            el('thead', {}, el('tr', {}, el('th', { text: t('admin.username') }), el('th', { text: t('admin.password') }))),
            el('tbody', {}, passwords.map((p) => el('tr', {}, el('td', { text: p.username }), el('td', { class: 'mono', text: p.password })))))));
      }
      if (res.errors && res.errors.length) {
        errorsBox.append(el('p', { text: t('admin.users.errors') }), errorTable(res.errors));
      }
    } catch (err) {
      // The table names each bad line; the summary above it needs no detail.
      if (err.errors && err.errors.length) {
        notice(box, 'error', err.message);
        errorsBox.append(errorTable(err.errors));
      } else {
        showError(box, err);
      }
    }
  });
}

function audienceSelect(id, withAll) {
  const select = el('select', { id });
  if (withAll) select.append(el('option', { value: '', text: t('admin.rep.audience_all') }));
  for (const a of AUDIENCES) select.append(el('option', { value: a, text: t(`audience.${a}`) }));
  return select;
}

let hcRowCount = 0;

function headcountRow() {
  const n = ++hcRowCount;
  const row = el('div', { class: 'row hc-row' },
    el('div', { class: 'field' }, el('label', { for: `hc-aud-${n}`, text: t('admin.hc.audience') }), audienceSelect(`hc-aud-${n}`, false)),
    el('div', { class: 'field' }, el('label', { for: `hc-count-${n}`, text: t('admin.hc.count') }),
      el('input', { id: `hc-count-${n}`, type: 'number', inputmode: 'numeric', min: '0', step: '1', required: true })));
  row.append(el('button', { type: 'button', class: 'btn', text: t('admin.hc.remove'), onclick: () => row.remove() }));
  return row;
}

function setupHeadcounts(user) {
  $('#hc-unit').value = user.unit_code || '';
  $('#hc-year').value = String(new Date().getFullYear());
  $('#hc-rows').append(headcountRow());
  $('#hc-add').addEventListener('click', () => $('#hc-rows').append(headcountRow()));
  $('#hc-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const box = $('#hc-result');
    clearNotice(box);
    const unit = $('#hc-unit').value.trim();
    const year = Number($('#hc-year').value);
    const rows = [...document.querySelectorAll('.hc-row')].map((row) => ({
      year, audience: row.querySelector('select').value, count: Number(row.querySelector('input').value.trim() || NaN),
    }));
    if (!unit || !Number.isInteger(year) || !rows.length || rows.some((r) => !Number.isInteger(r.count) || r.count < 0)) {
      notice(box, 'error', t('err.bad_request'));
      return;
    }
    try {
      await busy($('#hc-save'), t('admin.uploading'), () =>
        api('PUT', `/admin/units/${encodeURIComponent(unit)}/headcounts`, { body: rows }));
      notice(box, 'ok', t('admin.hc.done', { unit }));
    } catch (err) {
      showError(box, err);
    }
  });
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

async function reportDownload(format, event) {
  event.preventDefault();
  const box = $('#rep-notice');
  clearNotice(box);
  try {
    const res = await api('GET', `/reports/participation?${reportQuery(format)}`, { raw: true, timeoutMs: 60000 });
    const blob = await res.blob();
    const disposition = res.headers.get('Content-Disposition') || '';
    const named = /filename="?([^";]+)"?/.exec(disposition);
    const unit = $('#rep-unit').value.trim() || 'all';
    const name = named ? named[1] : `tham-gia-${$('#rep-year').value}-${unit}.${format}`;
    const url = URL.createObjectURL(blob);
    const a = el('a', { href: url, download: name });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  } catch (err) {
    if (err instanceof ApiError) showError(box, err);
    else notice(box, 'error', t('err.network'));
  }
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
  $('#rep-csv').addEventListener('click', (e) => reportDownload('csv', e));
  $('#rep-xlsx').addEventListener('click', (e) => reportDownload('xlsx', e));
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

/** Shows the chosen file's name beside the (Vietnamese) pick button. */
function showFileName(inputId) {
  const input = $(`#${inputId}`);
  input.addEventListener('change', () => {
    const file = input.files && input.files[0];
    $(`#${inputId}-name`).textContent = file ? file.name : t('admin.no_file_chosen');
  });
}

function main() {
  header();
  const s = requireSession();
  if (!s) return;
  const user = s.user;
  $('#admin-who').textContent = `${user.full_name || user.username}${user.unit_code ? ` · ${user.unit_code}` : ''}`;
  if (user.role !== 'admin' && user.role !== 'unit_admin') {
    notice($('#admin-notice'), 'error', t('admin.not_allowed'));
    return;
  }
  $('#admin-sections').hidden = false;
  showFileName('units-file');
  showFileName('users-file');
  setupUnits();
  setupUsers();
  setupHeadcounts(user);
  setupReport(user);
}

main();
