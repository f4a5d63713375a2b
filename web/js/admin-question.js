// admin-question.js - one question of a bank on the Banks page: as a
// participant would see it (the quiz's own rendering), its key, and an
// editor of the stem, the options with their key and feedback, the
// explanation and the reference, saved as a new version (PUT); retiring it
// (DELETE) or putting a retired one back (PUT as it was); and, once its key is fixed, rescoring every completed attempt
// that drew it (POST .../rescore), showing how many results changed.

import { api } from './api.js';
import { t, formatNumber } from './i18n.js';
import { el, $, fill, notice, clearNotice, showError, busy, answerControls } from './ui.js';

let shown = null;     // {bank, q, changed}: the question on screen
let handlers = false;

function questionPath() {
  return `/admin/banks/${encodeURIComponent(shown.bank)}/questions/${encodeURIComponent(shown.q.code)}`;
}

/** Weighted options (a multiple question scored by weights) carry no correct flag. */
function weighted(q) {
  return (q.options || []).some((o) => o.correct === undefined && o.weight !== undefined);
}

/** The key as a line of text: the right options, the weights, or the accepted answers. */
function keyText(q) {
  const opts = q.options || [];
  if (q.type === 'short') return t('adm.bank.key_short', { v: opts.map((o) => o.text).join('; ') });
  if (weighted(q)) return t('adm.bank.key_weights', { v: opts.map((o) => `${o.text} (${formatNumber(o.weight, 2)})`).join('; ') });
  return t('adm.bank.key', { v: opts.filter((o) => o.correct).map((o) => o.text).join('; ') || '–' });
}

function keyOf(q) {
  return JSON.stringify((q.options || []).map((o) => (weighted(q) ? o.weight : !!o.correct)));
}

function drawPreview(q) {
  const stemId = 'preview-stem';
  const asDrawn = { ...q, options: (q.options || []).map((o, i) => ({ id: i, text: o.text })) };
  fill($('#question-preview'), el('p', { class: 'stem', id: stemId, text: q.stem }),
    ...answerControls(asDrawn, { name: 'preview', stemId, textId: 'preview-text' }));
  $('#question-key').textContent = keyText(q);
}

/** One option's row of the editor: its text, its part of the key, its feedback. */
function optionRow(q, o, i) {
  const n = i + 1;
  const row = el('div', { class: 'option-edit form-grid', dataset: { index: String(i) } },
    el('label', { for: `qe-opt-${i}`, text: t('adm.bank.option_n', { n }) }),
    el('input', { id: `qe-opt-${i}`, class: 'qe-text', value: o.text, autocomplete: 'off' }));
  if (q.type === 'short') {
    // Every option of a short question is an accepted answer.
  } else if (weighted(q)) {
    row.append(el('label', { for: `qe-weight-${i}`, text: t('adm.bank.weight_n', { n }) }),
      el('input', { id: `qe-weight-${i}`, class: 'qe-weight', type: 'number', min: '-1', max: '1', step: '0.01', value: String(o.weight) }));
  } else {
    const multiple = q.type === 'multiple';
    row.append(el('label', { for: `qe-key-${i}`, text: t('adm.bank.correct_n', { n }) }),
      el('input', { id: `qe-key-${i}`, class: 'qe-key', type: multiple ? 'checkbox' : 'radio', name: 'qe-key', checked: !!o.correct }));
  }
  row.append(el('label', { for: `qe-fb-${i}`, text: t('adm.bank.feedback_n', { n }) }),
    el('input', { id: `qe-fb-${i}`, class: 'qe-feedback', value: o.feedback || '', autocomplete: 'off' }));
  return row;
}

function fillEditor(q) {
  $('#qe-stem').value = q.stem;
  $('#qe-explanation').value = q.explanation || '';
  $('#qe-reference').value = q.reference || '';
  const help = q.type === 'short' ? 'adm.bank.help_short' : weighted(q) ? 'adm.bank.help_weights'
    : q.type === 'multiple' ? 'adm.bank.help_multiple' : 'adm.bank.help_single';
  $('#qe-key-help').textContent = t(help);
  fill($('#qe-options'), (q.options || []).map((o, i) => optionRow(q, o, i)));
  const form = $('#question-form');
  for (const control of form.querySelectorAll('input, textarea, button')) control.disabled = !!q.retired;
  // A retired question can only be put back as it was (a new, current version).
  $('#qe-restore').hidden = !q.retired;
  $('#qe-restore').disabled = false;
  $('#qe-retire').hidden = !!q.retired;
}

/** The edited question as a native question, or null after saying what is missing. */
function editedQuestion(box) {
  const q = shown.q;
  const out = { ...q };
  delete out.id;
  delete out.version;
  delete out.retired;
  out.stem = $('#qe-stem').value.trim();
  out.explanation = $('#qe-explanation').value.trim();
  const reference = $('#qe-reference').value.trim();
  if (reference) out.reference = reference;
  else delete out.reference;
  out.options = [...document.querySelectorAll('#qe-options .option-edit')].map((row, i) => {
    const o = { text: row.querySelector('.qe-text').value.trim() };
    const old = q.options[i];
    if (row.querySelector('.qe-weight')) o.weight = Number(row.querySelector('.qe-weight').value);
    else if (row.querySelector('.qe-key')) o.correct = row.querySelector('.qe-key').checked;
    else if (old.correct !== undefined) o.correct = old.correct;
    const feedback = row.querySelector('.qe-feedback').value.trim();
    if (feedback) o.feedback = feedback;
    return o;
  });
  let problem = null;
  if (!out.stem) problem = 'adm.bank.need_stem';
  else if (out.options.some((o) => !o.text)) problem = 'adm.bank.need_text';
  else if (!weighted(q) && q.type !== 'short' && !out.options.some((o) => o.correct)) problem = 'adm.bank.need_key';
  if (problem) {
    notice(box, 'error', t(problem));
    return null;
  }
  return out;
}

async function save(e) {
  e.preventDefault();
  const box = $('#qe-notice');
  clearNotice(box);
  const question = editedQuestion(box);
  if (!question) return;
  const before = shown.q;
  try {
    const res = await busy($('#qe-save'), t('adm.bank.saving'), () => api('PUT', questionPath(), { body: question }));
    const saved = res.question;
    const keyChanged = keyOf(saved) !== keyOf(before);
    const done = shown.changed;
    shown.q = { ...saved, retired: false };
    await done(saved.version === before.version ? 'same' : keyChanged ? 'key' : 'saved');
  } catch (err) {
    showError(box, err);
  }
}

async function retire() {
  const box = $('#qe-notice');
  clearNotice(box);
  if (!window.confirm(t('adm.bank.retire_confirm', { code: shown.q.code }))) return;
  try {
    await busy($('#qe-retire'), t('adm.bank.saving'), () => api('DELETE', questionPath()));
    await shown.changed('retired');
  } catch (err) {
    showError(box, err);
  }
}

async function restore() {
  const box = $('#qe-notice');
  clearNotice(box);
  const question = { ...shown.q };
  delete question.id;
  delete question.version;
  delete question.retired;
  try {
    await busy($('#qe-restore'), t('adm.bank.saving'), () => api('PUT', questionPath(), { body: question }));
    await shown.changed('restored');
  } catch (err) {
    showError(box, err);
  }
}

async function rescore() {
  const box = $('#rescore-notice');
  clearNotice(box);
  try {
    const res = await busy($('#rescore'), t('adm.bank.rescoring'), () => api('POST', `${questionPath()}/rescore`, { timeoutMs: 120000 }));
    notice(box, 'ok', t('adm.bank.rescored', { changed: res.changed, attempts: res.attempts, passed: res.passed_changed }));
  } catch (err) {
    // 409: a drawn version has another type or number of options; nothing changed.
    if (err.code === 'conflict') notice(box, 'error', t('adm.bank.rescore_conflict'), err.serverMessage);
    else showError(box, err);
  }
}

/** What the last change did, said once the question is shown again. */
const AFTER = { same: ['info', 'adm.bank.unchanged'], saved: ['ok', 'adm.bank.saved'], key: ['ok', 'adm.bank.saved_key'], retired: ['ok', 'adm.bank.retired_done'], restored: ['ok', 'adm.bank.restored'] };

/**
 * Shows question q (as GET /admin/banks/{code} lists it) of bank bankCode;
 * after a save or a retirement calls reload(), which must show the
 * question again (by calling showQuestion), and then says what happened.
 */
export function showQuestion(bankCode, q, reload) {
  if (!handlers) {
    $('#question-form').addEventListener('submit', save);
    $('#qe-retire').addEventListener('click', retire);
    $('#qe-restore').addEventListener('click', restore);
    $('#rescore').addEventListener('click', rescore);
    handlers = true;
  }
  const previous = shown && shown.bank === bankCode && shown.q.code === q.code ? shown : null;
  shown = {
    bank: bankCode, q, changed: async (what) => {
      await reload();
      const [kind, key] = AFTER[what];
      notice($('#qe-notice'), kind, t(key, { version: shown.q.version }));
      if (what === 'key') $('#rescore').focus();
    },
  };
  const section = $('#question-section');
  section.hidden = false;
  $('#question-title').textContent = t('adm.bank.question_title', { code: q.code, version: q.version });
  $('#question-meta').textContent = [t(`adm.bank.type.${q.type}`), (q.topics || []).join(', '), t('adm.bank.level', { n: q.difficulty }),
    t(q.retired ? 'adm.bank.retired' : 'adm.bank.current')].join(' · ');
  drawPreview(q);
  fillEditor(q);
  clearNotice($('#qe-notice'));
  if (!previous) clearNotice($('#rescore-notice'));
  $('#rescore-box').hidden = !!q.retired;
  if (!previous) $('#question-title').focus();
}

export function hideQuestion() {
  $('#question-section').hidden = true;
}
