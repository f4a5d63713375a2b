// admin-units.js - units and people for admin and unit_admin: the units
// tree with each audience's headcount edited in place (a cell's button
// opens a number field: Enter saves through PUT .../headcounts, Escape
// cancels), upload units and users as CSV (generated passwords shown once,
// with a CSV download), declare headcounts, and confirm the people who registered themselves (one
// click each, or all at once) so they count in their unit's figures.

import { api } from './api.js';
import { t, formatNumber, AUDIENCES } from './i18n.js';
import { el, $, notice, clearNotice, showError, busy, download, csvField } from './ui.js';
import { adminPage, errorTable, chosenFile } from './admin-shell.js';

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

/* ---- the units tree with headcounts in place ---- */

const tree = { units: [], figures: new Map(), year: 0 };

/** unit code -> audience -> {headcount, declared} from the participation rows. */
function figuresOf(rows) {
  const map = new Map();
  for (const r of rows) {
    if (!map.has(r.unit_code)) map.set(r.unit_code, new Map());
    map.get(r.unit_code).set(r.audience, { headcount: r.headcount, declared: r.headcount_source === 'declared' });
  }
  return map;
}

function cellFigure(code, audience) {
  const f = tree.figures.get(code);
  return (f && f.get(audience)) || { headcount: 0, declared: false };
}

function cellButton(unit, audience) {
  const f = cellFigure(unit.code, audience);
  const value = f.declared ? t('adm.tree.declared', { n: f.headcount }) : t('adm.tree.computed', { n: f.headcount });
  return el('button', {
    type: 'button', class: `hc-cell${f.declared ? ' declared' : ''}`,
    dataset: { unit: unit.code, audience },
    'aria-label': t('adm.tree.cell', { unit: unit.name, audience: t(`audience.${audience}`), value }),
    text: f.declared ? formatNumber(f.headcount, 0) : `(${formatNumber(f.headcount, 0)})`,
    onclick: (e) => editCell(e.currentTarget, unit, audience),
  });
}

function cellOf(code, audience) {
  return document.querySelector(`#units-tree td[data-unit="${CSS.escape(code)}"][data-audience="${audience}"]`);
}

/** Puts the cell back to its button (after a save, with the new figures). */
function closeCell(td, unit, audience, focus) {
  const button = cellButton(unit, audience);
  td.replaceChildren(button);
  if (focus) button.focus();
}

function editCell(button, unit, audience) {
  const td = button.parentElement;
  const f = cellFigure(unit.code, audience);
  const label = t('adm.tree.input', { audience: t(`audience.${audience}`), unit: unit.name, year: tree.year });
  const input = el('input', { type: 'number', inputmode: 'numeric', min: '0', step: '1', class: 'hc-input',
    value: f.declared ? String(f.headcount) : '', 'aria-label': label, 'aria-describedby': 'tree-notice' });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      clearNotice($('#tree-notice'));
      closeCell(td, unit, audience, true);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      saveCell(td, input, unit, audience);
    }
  });
  td.replaceChildren(input);
  input.focus();
  input.select();
}

async function saveCell(td, input, unit, audience) {
  const box = $('#tree-notice');
  clearNotice(box);
  const text = input.value.trim();
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n)) {
    input.setAttribute('aria-invalid', 'true');
    notice(box, 'error', t('adm.tree.bad_number'));
    input.focus();
    return;
  }
  input.disabled = true;
  try {
    await api('PUT', `/admin/units/${encodeURIComponent(unit.code)}/headcounts`, { body: [{ year: tree.year, audience, count: n }] });
    // The unit's parents roll it up: read the figures again.
    const before = tree.figures;
    await loadFigures();
    closeCell(td, unit, audience, true);
    notice(box, 'ok', t('adm.tree.saved', { unit: unit.name, audience: t(`audience.${audience}`), year: tree.year, n }));
    refreshCells(before);
  } catch (err) {
    input.disabled = false;
    input.setAttribute('aria-invalid', 'true');
    showError(box, err);
    input.focus();
  }
}

/** The buttons of the cells whose figure changed since before (an open field stays). */
function refreshCells(before) {
  const same = (x, y) => x.headcount === y.headcount && x.declared === y.declared;
  for (const unit of tree.units) {
    for (const a of AUDIENCES) {
      const old = (before.get(unit.code) && before.get(unit.code).get(a)) || { headcount: 0, declared: false };
      if (same(old, cellFigure(unit.code, a))) continue;
      const td = cellOf(unit.code, a);
      if (td && td.firstElementChild && td.firstElementChild.tagName === 'BUTTON') {
        const focused = document.activeElement === td.firstElementChild;
        closeCell(td, unit, a, focused);
      }
    }
  }
}

async function loadFigures() {
  const q = new URLSearchParams({ year: String(tree.year), depth: '32' });
  const data = await api('GET', `/reports/participation?${q}`, { timeoutMs: 60000 });
  tree.figures = figuresOf(data.rows || []);
}

function treeTable() {
  return el('table', { id: 'units-tree' },
    el('thead', {}, el('tr', {},
      el('th', { scope: 'col', text: t('adm.tree.unit') }),
      AUDIENCES.map((a) => el('th', { scope: 'col', class: 'num', text: t(`audience.${a}`) })))),
    el('tbody', {}, tree.units.map((u) => el('tr', { dataset: { unit: u.code } },
      el('th', { scope: 'row', class: `tree-name tree-depth-${Math.min(u.depth, 8)}` },
        el('span', { text: u.name }), el('span', { class: 'muted small mono', text: ` ${u.code}` })),
      AUDIENCES.map((a) => el('td', { class: 'num', dataset: { unit: u.code, audience: a } }, cellButton(u, a)))))));
}

async function showTree() {
  const box = $('#tree-notice');
  clearNotice(box);
  const year = Number($('#tree-year').value);
  if (!Number.isInteger(year) || year < 2000 || year > 2100) {
    notice(box, 'error', t('err.bad_request'), t('adm.year'));
    return;
  }
  tree.year = year;
  try {
    await busy($('#tree-show'), t('common.loading'), async () => {
      const units = await api('GET', '/admin/units');
      tree.units = units.units || [];
      await loadFigures();
    });
    $('#tree-table').replaceChildren(tree.units.length ? treeTable() : el('p', { class: 'muted', text: t('adm.tree.empty') }));
  } catch (err) {
    showError(box, err);
  }
}

function setupTree() {
  $('#tree-year').value = String(new Date().getFullYear());
  $('#tree-form').addEventListener('submit', (e) => { e.preventDefault(); showTree(); });
  showTree();
}

/** Shows the chosen file's name beside the (Vietnamese) pick button. */
/** The self-registered people awaiting confirmation, each with a button. */
async function loadUnconfirmed() {
  const list = $('#confirm-list');
  const res = await api('GET', '/admin/users/unconfirmed');
  const users = res.users || [];
  $('#confirm-all').hidden = users.length < 2;
  $('#confirm-all').dataset.ids = users.map((u) => u.id).join(',');
  if (!users.length) {
    list.replaceChildren(el('p', { class: 'muted', text: t('admin.confirm.none') }));
    return;
  }
  list.replaceChildren(el('div', { class: 'table-wrap' }, el('table', {},
    el('thead', {}, el('tr', {},
      ['admin.confirm.col.name', 'admin.confirm.col.username', 'admin.confirm.col.unit', 'admin.confirm.col.contest', 'admin.confirm.col.action']
        .map((k) => el('th', { text: t(k) })))),
    el('tbody', {}, users.map((u) => el('tr', {},
      el('td', { text: u.full_name }),
      el('td', { text: u.username }),
      el('td', { text: u.unit_name }),
      el('td', { text: u.contest_title }),
      el('td', {}, el('button', {
        type: 'button', class: 'btn', 'data-user': String(u.id), text: t('admin.confirm.one'),
        onclick: (e) => confirmOne(e.target, u),
      }))))))));
}

async function confirmOne(button, u) {
  const box = $('#confirm-result');
  clearNotice(box);
  try {
    await busy(button, t('common.loading'), () => api('POST', `/admin/users/${u.id}/confirm`, { body: {} }));
    notice(box, 'ok', t('admin.confirm.done', { name: u.full_name }));
    await loadUnconfirmed();
  } catch (err) {
    showError(box, err);
  }
}

function setupConfirm() {
  const box = $('#confirm-result');
  $('#confirm-all').addEventListener('click', async (e) => {
    clearNotice(box);
    const ids = e.target.dataset.ids.split(',').filter(Boolean).map(Number);
    try {
      const res = await busy(e.target, t('common.loading'), () => api('POST', '/admin/users/confirm', { body: { ids } }));
      notice(box, 'ok', t('admin.confirm.done_all', { n: res.confirmed }));
      await loadUnconfirmed();
    } catch (err) {
      showError(box, err);
    }
  });
  loadUnconfirmed().catch((err) => showError(box, err));
}

function showFileName(inputId) {
  const input = $(`#${inputId}`);
  input.addEventListener('change', () => {
    const file = input.files && input.files[0];
    $(`#${inputId}-name`).textContent = file ? file.name : t('admin.no_file_chosen');
  });
}

function main() {
  const user = adminPage('admin-units.html');
  if (!user) return;
  showFileName('units-file');
  showFileName('users-file');
  setupUnits();
  setupUsers();
  setupTree();
  setupHeadcounts(user);
  setupConfirm();
}

main();
