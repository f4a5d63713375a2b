// admin-banks.js - question banks (admin): the list with counts by topic
// and difficulty, one bank's questions (filtered by text, topic and
// difficulty) with exports as JSON, GIFT and Moodle XML, and the import of
// a bank file in every format the server reads, each error with its line.
// One question's view, editor and rescore live in admin-question.js.
// admin-banks.html?bank=CODE&question=QCODE opens a question at once (the
// item statistics link there).

import { api } from './api.js';
import { t, formatNumber, formatDateTime, AUDIENCES } from './i18n.js';
import { el, $, fill, notice, clearNotice, showError, busy } from './ui.js';
import { adminPage, fetchDownload, errorTable, chosenFile } from './admin-shell.js';
import { showQuestion, hideQuestion } from './admin-question.js';

const FORMATS = [['json', 'adm.bank.format_json'], ['gift', 'adm.bank.format_gift'],
  ['aiken', 'adm.bank.format_aiken'], ['moodle-xml', 'adm.bank.format_moodle']];
const UPLOAD_TYPES = { json: 'application/json', 'moodle-xml': 'application/xml' };
const DIFFICULTIES = [1, 2, 3];

let bank = null;  // the open bank, as GET /admin/banks/{code} answers

/** "topic: n" lines of a {key: count} object, keys shown through label. */
function countList(counts, label) {
  const keys = Object.keys(counts || {});
  if (!keys.length) return '–';
  return el('ul', { class: 'plain small' }, keys.map((k) => el('li', { text: `${label(k)}: ${formatNumber(counts[k], 0)}` })));
}

function level(n) {
  return t('adm.bank.level', { n });
}

function bankTable(banks) {
  const cols = ['adm.bank.bank', 'adm.bank.language', 'adm.qf.audiences', 'adm.bank.questions', 'adm.bank.by_topic', 'adm.bank.by_difficulty', 'adm.bank.updated'];
  return el('table', { id: 'banks' },
    el('thead', {}, el('tr', {}, cols.map((k, i) => el('th', { scope: 'col', class: i === 3 ? 'num' : '', text: t(k) })))),
    el('tbody', {}, banks.map((b) => el('tr', { dataset: { bank: b.code } },
      el('th', { scope: 'row' },
        el('button', { type: 'button', class: 'link open-bank', text: b.title, onclick: () => openBank(b.code) }),
        el('span', { class: 'muted small block mono', text: b.code })),
      el('td', { text: b.language }),
      el('td', { class: 'small', text: (b.audiences || []).map((a) => t(`audience.${a}`)).join(', ') }),
      el('td', { class: 'num', text: formatNumber(b.question_count, 0) }),
      el('td', {}, countList(b.topics, (k) => k)),
      el('td', {}, countList(b.difficulties, level)),
      el('td', { class: 'small', text: formatDateTime(b.updated_at) })))));
}

async function loadBanks() {
  const box = $('#banks-notice');
  clearNotice(box);
  try {
    const data = await api('GET', '/admin/banks');
    const banks = data.banks || [];
    if (!banks.length) notice(box, 'info', t('adm.bank.none'));
    fill($('#banks-table'), bankTable(banks));
  } catch (err) {
    showError(box, err);
  }
}

function typeName(type) {
  return t(`adm.bank.type.${type}`);
}

/** The open bank's questions that pass the filters above the table. */
function filtered() {
  const text = $('#bank-filter').value.trim().toLocaleLowerCase('vi');
  const topic = $('#bank-topic').value;
  const difficulty = Number($('#bank-difficulty').value);
  return (bank.questions || []).filter((q) =>
    (!text || q.code.toLocaleLowerCase('vi').includes(text) || q.stem.toLocaleLowerCase('vi').includes(text))
    && (!topic || (q.topics || []).includes(topic))
    && (!difficulty || q.difficulty === difficulty));
}

function drawQuestions() {
  const qs = filtered();
  $('#bank-total').textContent = t('adm.bank.shown', { n: qs.length, total: (bank.questions || []).length });
  const cols = ['adm.bank.qcode', 'adm.bank.stem', 'adm.bank.qtype', 'adm.bank.topic', 'adm.bank.difficulty', 'adm.bank.version', 'adm.bank.state'];
  fill($('#questions-table'), el('table', { id: 'questions' },
    el('thead', {}, el('tr', {}, cols.map((k, i) => el('th', { scope: 'col', class: i === 5 ? 'num' : '', text: t(k) })))),
    el('tbody', {}, qs.map((q) => el('tr', { class: q.retired ? 'muted' : '', dataset: { question: q.code } },
      el('th', { scope: 'row' }, el('button', {
        type: 'button', class: 'link mono open-question', text: q.code,
        'aria-label': t('adm.bank.open_question', { code: q.code }), onclick: () => openQuestion(q.code),
      })),
      el('td', { class: 'small', text: q.stem.length > 120 ? `${q.stem.slice(0, 117)}…` : q.stem }),
      el('td', { text: typeName(q.type) }),
      el('td', { class: 'small', text: (q.topics || []).join(', ') }),
      el('td', { text: level(q.difficulty) }),
      el('td', { class: 'num', text: String(q.version) }),
      el('td', { text: t(q.retired ? 'adm.bank.retired' : 'adm.bank.current') }))))));
}

function fillFilters() {
  const topics = [...new Set((bank.questions || []).flatMap((q) => q.topics || []))].sort();
  fill($('#bank-topic'), el('option', { value: '', text: t('adm.bank.all') }), topics.map((k) => el('option', { value: k, text: k })));
  fill($('#bank-difficulty'), el('option', { value: '', text: t('adm.bank.all') }), DIFFICULTIES.map((n) => el('option', { value: String(n), text: level(n) })));
}

function setExports(code) {
  const box = $('#bank-notice');
  const links = [['#export-json', 'json', 'json'], ['#export-gift', 'gift', 'gift.txt'], ['#export-moodle', 'moodle-xml', 'xml']];
  for (const [id, format, ext] of links) {
    const path = `/admin/banks/${encodeURIComponent(code)}/export?format=${format}`;
    $(id).href = `/api/v1${path}`;
    $(id).onclick = (e) => fetchDownload(path, `${code}.${ext}`, box, e);
  }
}

/** Opens bank code (reloading it); resolves once its questions are drawn. */
async function openBank(code, { focus = true } = {}) {
  const box = $('#bank-notice');
  clearNotice(box);
  hideQuestion();
  try {
    const data = await api('GET', `/admin/banks/${encodeURIComponent(code)}`);
    bank = data.bank;
  } catch (err) {
    $('#bank-section').hidden = false;
    showError(box, err);
    return false;
  }
  $('#bank-section').hidden = false;
  $('#bank-title').textContent = t('adm.bank.questions_of', { title: bank.title, code: bank.code });
  setExports(bank.code);
  fillFilters();
  drawQuestions();
  if (focus) $('#bank-title').focus();
  return true;
}

/** Shows question qcode of the open bank; after a change the bank reloads and shows it again. */
function openQuestion(qcode) {
  const q = (bank.questions || []).find((x) => x.code === qcode);
  if (!q) {
    notice($('#bank-notice'), 'error', t('adm.bank.no_question', { code: qcode }));
    return;
  }
  showQuestion(bank.code, q, async () => {
    await openBank(bank.code, { focus: false });
    loadBanks();
    openQuestion(qcode);
  });
}

function importQuery(format) {
  const q = new URLSearchParams({ format });
  if (format === 'json') return q;
  const code = $('#imp-code').value.trim();
  if (code) q.set('code', code);
  const title = $('#imp-title').value.trim();
  if (title) q.set('title', title);
  const audiences = [...$('#imp-audiences').selectedOptions].map((o) => o.value);
  if (audiences.length) q.set('audiences', audiences.join(','));
  const topic = $('#imp-topic').value.trim();
  if (topic) q.set('topic', topic);
  const difficulty = $('#imp-difficulty').value.trim();
  if (difficulty) q.set('difficulty', difficulty);
  return q;
}

function setupImport() {
  fill($('#imp-format'), FORMATS.map(([v, k]) => el('option', { value: v, text: t(k) })));
  fill($('#imp-audiences'), AUDIENCES.map((a) => el('option', { value: a, text: t(`audience.${a}`) })));
  $('#import-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const box = $('#import-notice');
    const errorsBox = $('#import-errors');
    clearNotice(box);
    errorsBox.replaceChildren();
    const file = chosenFile($('#imp-file'), box);
    if (!file) return;
    const format = $('#imp-format').value;
    try {
      const res = await busy($('#imp-upload'), t('admin.uploading'), () =>
        api('POST', `/admin/banks?${importQuery(format)}`, { body: file, type: UPLOAD_TYPES[format] || 'text/plain', timeoutMs: 120000 }));
      const b = res.bank;
      const skipped = res.skipped || [];
      notice(box, skipped.length ? 'warn' : 'ok', t('adm.bank.imported', {
        code: b.code, n: b.question_count, inserted: b.inserted, updated: b.updated, unchanged: b.unchanged, retired: b.retired,
      }));
      if (skipped.length) errorsBox.append(el('p', { text: t('adm.bank.skipped') }), errorTable(skipped));
      await loadBanks();
      await openBank(b.code, { focus: false });
    } catch (err) {
      if (err.errors && err.errors.length) {
        notice(box, 'error', t('adm.bank.import_errors', { n: err.errors.length }));
        errorsBox.append(errorTable(err.errors));
      } else {
        showError(box, err);
      }
    }
  });
}

async function main() {
  const user = adminPage('admin-banks.html');
  if (!user) return;
  if (user.role !== 'admin') {
    // Banks are the department's (api.md: admin only).
    location.replace('admin.html');
    return;
  }
  for (const id of ['#bank-filter', '#bank-topic', '#bank-difficulty']) $(id).addEventListener('input', () => bank && drawQuestions());
  setupImport();
  await loadBanks();
  const params = new URLSearchParams(location.search);
  const code = params.get('bank');
  if (code && await openBank(code, { focus: !params.get('question') }) && params.get('question')) {
    openQuestion(params.get('question'));
  }
}

main();
