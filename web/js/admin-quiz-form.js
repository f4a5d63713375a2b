// admin-quiz-form.js - the quiz form of the Quizzes page (admin): a quiz
// definition's fields, its draw rules added one by one (each checked with
// POST /admin/quizzes/check, showing how many questions it can draw from,
// and refused when it cannot be filled), create or edit, and a preview of
// one draw as a participant would see it.

import { api } from './api.js';
import { t, formatNumber, AUDIENCES } from './i18n.js';
import { el, $, fill, notice, clearNotice, showError, busy } from './ui.js';

const state = { id: null, rules: [], checked: [], banks: [], onSaved: null };

function localInput(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function isoOf(value) {
  return value ? new Date(value).toISOString() : '';
}

function intOrNull(value) {
  return value === '' ? null : Number(value);
}

function ruleLabel(r) {
  return [r.bank, r.topic || t('adm.qf.any_topic'), r.difficulty ? t('adm.qf.level', { n: r.difficulty }) : null]
    .filter(Boolean).join(' · ');
}

function drawRules() {
  const cols = ['adm.qf.rule', 'adm.qf.count', 'adm.qf.matching', 'adm.qf.available', 'adm.qf.remove'];
  fill($('#rules-table'), el('table', { id: 'rules' },
    el('thead', {}, el('tr', {}, cols.map((k, i) => el('th', { scope: 'col', class: i && i < 4 ? 'num' : '', text: t(k) })))),
    el('tbody', {}, state.rules.map((r, i) => {
      const c = state.checked[i] || {};
      return el('tr', {},
        el('td', { text: ruleLabel(r) }),
        el('td', { class: 'num', text: formatNumber(r.count, 0) }),
        el('td', { class: 'num', text: formatNumber(c.matching ?? 0, 0) }),
        el('td', { class: 'num', text: formatNumber(c.available ?? 0, 0) }),
        el('td', {}, el('button', {
          type: 'button', class: 'link', text: t('adm.qf.remove'),
          'aria-label': t('adm.qf.remove_rule', { rule: ruleLabel(r) }), onclick: () => removeRule(i),
        })));
    }))));
  const total = state.rules.reduce((n, r) => n + r.count, 0);
  $('#rules-total').textContent = t('adm.qf.total', { n: total });
}

async function check(rules) {
  return api('POST', '/admin/quizzes/check', { body: { draw: rules } });
}

async function addRule() {
  const box = $('#rules-notice');
  clearNotice(box);
  const rule = { bank: $('#rule-bank').value, count: Number($('#rule-count').value) };
  if ($('#rule-topic').value) rule.topic = $('#rule-topic').value;
  if ($('#rule-difficulty').value) rule.difficulty = Number($('#rule-difficulty').value);
  if (!rule.bank || !Number.isInteger(rule.count) || rule.count < 1) {
    notice(box, 'error', t('adm.qf.rule_bad'));
    return;
  }
  try {
    const res = await check([...state.rules, rule]);
    const mine = res.rules[res.rules.length - 1];
    if (!res.possible) {
      notice(box, 'error', t('adm.qf.rule_impossible', { rule: ruleLabel(rule), count: rule.count, available: mine.available }));
      return;
    }
    state.rules.push(rule);
    state.checked = res.rules;
    notice(box, 'info', t('adm.qf.rule_added', { rule: ruleLabel(rule), matching: mine.matching, available: mine.available }));
    drawRules();
  } catch (err) {
    showError(box, err);
  }
}

async function removeRule(i) {
  state.rules.splice(i, 1);
  state.checked = [];
  if (state.rules.length) {
    try {
      state.checked = (await check(state.rules)).rules;
    } catch (err) {
      showError($('#rules-notice'), err);
    }
  }
  drawRules();
}

function definition() {
  const minutes = intOrNull($('#qf-time').value);
  const body = {
    code: $('#qf-code').value.trim(),
    title: $('#qf-title').value.trim(),
    kind: $('#qf-kind').value,
    audiences: [...$('#qf-audiences').selectedOptions].map((o) => o.value),
    unit_scope: $('#qf-scope').value.trim() || null,
    draw: state.rules,
    time_limit_s: minutes === null ? null : minutes * 60,
    max_attempts: intOrNull($('#qf-attempts').value),
    pass_percent: Number($('#qf-pass').value),
    opens_at: isoOf($('#qf-opens').value),
    closes_at: isoOf($('#qf-closes').value),
    shuffle_questions: $('#qf-shuffle-q').checked,
    shuffle_options: $('#qf-shuffle-o').checked,
    review: $('#qf-review').value,
    prediction_question: $('#qf-prediction').value.trim() || null,
  };
  return body;
}

function missingField(body) {
  for (const [key, label] of [['code', 'adm.qf.code'], ['title', 'adm.qf.title'], ['opens_at', 'adm.qf.opens'], ['closes_at', 'adm.qf.closes']]) {
    if (!body[key]) return t('adm.qf.missing', { field: t(label) });
  }
  if (!body.audiences.length) return t('adm.qf.missing', { field: t('adm.qf.audiences') });
  if (!body.draw.length) return t('adm.qf.no_rules');
  return null;
}

async function save(event) {
  event.preventDefault();
  const box = $('#qf-notice');
  clearNotice(box);
  const body = definition();
  const missing = missingField(body);
  if (missing) {
    notice(box, 'error', missing);
    return;
  }
  await busy($('#qf-save'), t('adm.qf.saving'), async () => {
    try {
      const res = state.id
        ? await api('PUT', `/admin/quizzes/${state.id}`, { body })
        : await api('POST', '/admin/quizzes', { body });
      state.id = res.quiz.id;
      notice(box, 'ok', t('adm.qf.saved', { title: res.quiz.title, id: res.quiz.id }));
      $('#quiz-form-title').textContent = t('adm.qf.edit', { title: res.quiz.title });
      $('#qf-preview').disabled = false;
      if (state.onSaved) state.onSaved();
    } catch (err) {
      showError(box, err);
    }
  });
}

async function preview() {
  const box = $('#qf-notice');
  clearNotice(box);
  try {
    const res = await api('POST', `/admin/quizzes/${state.id}/preview`);
    $('#preview').hidden = false;
    fill($('#preview-list'), ...res.questions.map((q) => el('li', { class: 'preview-question' },
      el('p', {}, el('span', { class: 'muted small mono', text: `${q.code} ` }), el('span', { text: q.stem })),
      el('ul', {}, (q.options || []).map((o) => el('li', { text: o.text }))))));
    $('#preview-title').textContent = t('adm.qf.preview_count', { n: res.question_count ?? res.questions.length });
  } catch (err) {
    showError(box, err);
  }
}

function reset() {
  state.id = null;
  state.rules = [];
  state.checked = [];
  $('#quiz-form').reset();
  $('#qf-preview').disabled = true;
  $('#preview').hidden = true;
  $('#quiz-form-title').textContent = t('adm.qf.new');
  clearNotice($('#qf-notice'));
  clearNotice($('#rules-notice'));
  drawRules();
}

/** Opens a stored quiz in the form for editing. */
export async function editQuiz(id) {
  const box = $('#qf-notice');
  clearNotice(box);
  try {
    const { quiz } = await api('GET', `/admin/quizzes/${id}`);
    reset();
    state.id = quiz.id;
    $('#qf-code').value = quiz.code;
    $('#qf-title').value = quiz.title;
    $('#qf-kind').value = quiz.kind;
    for (const o of $('#qf-audiences').options) o.selected = (quiz.audiences || []).includes(o.value);
    $('#qf-scope').value = quiz.unit_scope || '';
    $('#qf-time').value = quiz.time_limit_s ? Math.round(quiz.time_limit_s / 60) : '';
    $('#qf-attempts').value = quiz.max_attempts ?? '';
    $('#qf-pass').value = quiz.pass_percent;
    $('#qf-opens').value = localInput(quiz.opens_at);
    $('#qf-closes').value = localInput(quiz.closes_at);
    $('#qf-shuffle-q').checked = quiz.shuffle_questions !== false;
    $('#qf-shuffle-o').checked = quiz.shuffle_options !== false;
    $('#qf-review').value = quiz.review;
    $('#qf-prediction').value = quiz.prediction_question || '';
    state.rules = (quiz.draw || []).map((r) => ({ ...r }));
    state.checked = state.rules.length ? (await check(state.rules)).rules : [];
    drawRules();
    $('#qf-preview').disabled = false;
    $('#quiz-form-title').textContent = t('adm.qf.edit', { title: quiz.title });
    $('#quiz-form-title').focus();
  } catch (err) {
    showError(box, err);
  }
}

function fillTopics() {
  const bank = state.banks.find((b) => b.code === $('#rule-bank').value);
  const topics = bank ? Object.keys(bank.topics || {}).sort() : [];
  fill($('#rule-topic'), el('option', { value: '', text: t('adm.qf.any_topic') }),
    ...topics.map((k) => el('option', { value: k, text: `${k} (${bank.topics[k]})` })));
}

/** Sets up the form; onSaved runs after each create or edit. */
export async function quizForm(onSaved) {
  state.onSaved = onSaved;
  fill($('#qf-kind'), ...['quiz', 'contest'].map((k) => el('option', { value: k, text: t(`quizzes.kind.${k}`) })));
  fill($('#qf-audiences'), ...AUDIENCES.map((a) => el('option', { value: a, text: t(`audience.${a}`) })));
  fill($('#qf-review'), ...['after_submit', 'after_close', 'never'].map((k) => el('option', { value: k, text: t(`adm.qf.review.${k}`) })));
  // A new quiz opens now and closes in 30 days unless changed: typing a
  // date and time field by field is the slowest part of the form by keyboard.
  const now = new Date();
  now.setSeconds(0, 0);
  $('#qf-opens').defaultValue = localInput(now.toISOString());
  $('#qf-closes').defaultValue = localInput(new Date(now.getTime() + 30 * 86400000).toISOString());
  $('#quiz-form').addEventListener('submit', save);
  $('#rule-add').addEventListener('click', addRule);
  $('#rule-bank').addEventListener('change', fillTopics);
  $('#qf-preview').addEventListener('click', preview);
  $('#qf-reset').addEventListener('click', reset);
  drawRules();
  try {
    state.banks = (await api('GET', '/admin/banks')).banks || [];
    fill($('#rule-bank'), ...state.banks.map((b) => el('option', { value: b.code, text: `${b.code} – ${b.title} (${b.question_count})` })));
    fillTopics();
  } catch (err) {
    showError($('#rules-notice'), err);
  }
}
