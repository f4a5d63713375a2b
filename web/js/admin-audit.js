// admin-audit.js - the audit log of administrative writes, newest first
// (admin only): who, when, what, on what, and before → after for edits.

import { api } from './api.js';
import { t, formatDateTime } from './i18n.js';
import { el, $, fill, showError } from './ui.js';
import { adminPage } from './admin-shell.js';

const PAGE = 50;
let offset = 0;

/** The detail as one line of text: before → after for edits. */
function detailText(d) {
  if (!d) return '';
  if (d.before && d.after) {
    const changed = Object.keys(d.after).filter((k) => JSON.stringify(d.before[k]) !== JSON.stringify(d.after[k]));
    return changed.map((k) => `${k}: ${JSON.stringify(d.before[k])} → ${JSON.stringify(d.after[k])}`).join('; ');
  }
  return JSON.stringify(d);
}

async function show() {
  try {
    const data = await api('GET', `/admin/audit?limit=${PAGE}&offset=${offset}`);
    const entries = data.entries || [];
    $('#audit-total').textContent = t('adm.audit.total', { total: data.total || 0 });
    const cols = ['adm.audit.at', 'admin.username', 'adm.audit.action', 'adm.audit.target', 'adm.audit.detail'];
    fill($('#audit-table'), el('table', { id: 'audit' },
      el('thead', {}, el('tr', {}, cols.map((k) => el('th', { scope: 'col', text: t(k) })))),
      el('tbody', {}, entries.map((e) => el('tr', {},
        el('td', { text: formatDateTime(e.at) }),
        el('td', { class: 'mono', text: e.username }),
        el('td', { class: 'mono', text: e.action }),
        el('td', { class: 'mono', text: e.target }),
        el('td', { class: 'small', text: detailText(e.detail) }))))));
    $('#audit-prev').disabled = offset === 0;
    $('#audit-next').disabled = offset + PAGE >= (data.total || 0);
  } catch (err) {
    showError($('#audit-notice'), err);
  }
}

function main() {
  const user = adminPage('admin-audit.html');
  if (!user) return;
  if (user.role !== 'admin') {
    location.replace('admin.html');
    return;
  }
  $('#audit-prev').addEventListener('click', () => { offset = Math.max(0, offset - PAGE); show(); });
  $('#audit-next').addEventListener('click', () => { offset += PAGE; show(); });
  show();
}

main();
