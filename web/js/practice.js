// practice.js - practice that teaches: one question at a time; each answer is
// saved once (PUT /attempts/{id}/answers/{qid}) and answered at once with
// right or wrong, the right choice, the explanation and the chosen option's
// own feedback; then the next question. "Practise again" submits the set and
// starts a new attempt, which draws a new set.

import { api, requireSession } from './api.js';
import { t } from './i18n.js';
import { el, $, fill, notice, clearNotice, showError, header, busy, answerControls } from './ui.js';

const params = new URLSearchParams(location.search);
const quizId = params.get('id');
let attempt = null;
let index = 0;
let right = 0;
let answered = 0;

function current() {
  return attempt.questions[index];
}

function chosen() {
  const q = current();
  if (q.type === 'short') return { text: $('#practice-text').value };
  return { choices: [...document.querySelectorAll('#practice-question input:checked')].map((i) => Number(i.value)) };
}

function showQuestion() {
  const q = current();
  const box = $('#practice-question');
  $('#practice-feedback').hidden = true;
  $('#practice-next').hidden = true;
  $('#practice-check').hidden = false;
  $('#practice-progress').textContent = t('quiz.question_n', { n: index + 1, total: attempt.questions.length });
  const stemId = `practice-stem-${q.id}`;
  const parts = [el('p', { class: 'stem', id: stemId, text: q.stem }),
    ...answerControls(q, { name: `pq${q.id}`, stemId, textId: 'practice-text' })];
  fill(box, ...parts);
  box.hidden = false;
  const first = box.querySelector('input');
  if (first) first.focus();
}

function optionText(q, id) {
  const o = (q.options || []).find((x) => x.id === id);
  return o ? o.text : String(id);
}

function showFeedback(q, value, fb) {
  const box = $('#practice-feedback');
  const parts = [el('p', { class: `verdict ${fb.correct ? 'pass' : 'fail'}`, id: 'practice-verdict', text: t(fb.correct ? 'result.right' : 'result.wrong') })];
  if (fb.correct_choices && fb.correct_choices.length) {
    parts.push(el('p', { text: t('result.correct_answer', { v: fb.correct_choices.map((id) => optionText(q, id)).join('; ') }) }));
  }
  for (const id of value.choices || []) {
    const said = fb.option_feedback && fb.option_feedback[String(id)];
    if (said) parts.push(el('p', { class: 'option-feedback', text: t('practice.your_choice', { choice: optionText(q, id), why: said }) }));
  }
  if (fb.explanation) parts.push(el('p', { class: 'muted', text: t('result.explanation', { v: fb.explanation }) }));
  fill(box, ...parts);
  box.hidden = false;
  box.classList.toggle('right', fb.correct);
  box.classList.toggle('wrong', !fb.correct);
  for (const input of document.querySelectorAll('#practice-question input')) input.disabled = true;
  $('#practice-check').hidden = true;
  const next = $('#practice-next');
  next.textContent = index + 1 < attempt.questions.length ? t('practice.next') : t('practice.finish');
  next.hidden = false;
  next.focus();
}

async function check() {
  const q = current();
  const value = chosen();
  const box = $('#practice-notice');
  clearNotice(box);
  if ((value.choices && !value.choices.length) || (value.text !== undefined && !value.text.trim())) {
    notice(box, 'warn', t('practice.pick'));
    return;
  }
  await busy($('#practice-check'), t('quiz.status.saving'), async () => {
    try {
      const res = await api('PUT', `/attempts/${attempt.id}/answers/${q.id}`, { body: value });
      answered++;
      if (res.feedback && res.feedback.correct) right++;
      showFeedback(q, value, res.feedback || {});
    } catch (err) {
      if (err.code === 'already_answered') next();
      else showError(box, err);
    }
  });
}

async function finishSet() {
  $('#practice-question').hidden = true;
  $('#practice-feedback').hidden = true;
  $('#practice-next').hidden = true;
  $('#practice-check').hidden = true;
  $('#practice-progress').textContent = '';
  try {
    await api('POST', `/attempts/${attempt.id}/submit`, { body: {} });
  } catch (err) {
    showError($('#practice-notice'), err);
  }
  $('#practice-summary').textContent = t('practice.summary', { right, total: answered });
  $('#practice-done').hidden = false;
  $('#practice-again').focus();
}

function next() {
  index++;
  while (index < attempt.questions.length && attempt.answers && attempt.answers[String(current().id)]) index++;
  if (index >= attempt.questions.length) finishSet();
  else showQuestion();
}

async function start() {
  const box = $('#practice-notice');
  clearNotice(box);
  $('#practice-done').hidden = true;
  try {
    const res = await api('POST', `/quizzes/${encodeURIComponent(quizId)}/attempts`);
    attempt = res.attempt;
  } catch (err) {
    showError(box, err);
    return;
  }
  right = 0;
  answered = 0;
  index = -1;
  next();
}

function main() {
  header();
  if (!requireSession()) return;
  if (!quizId) {
    notice($('#practice-notice'), 'error', t('quiz.no_id'));
    return;
  }
  $('#practice-check').addEventListener('click', check);
  $('#practice-next').addEventListener('click', next);
  $('#practice-again').addEventListener('click', start);
  api('GET', '/quizzes').then((data) => {
    const quiz = (data.quizzes || []).find((x) => String(x.id) === String(quizId));
    if (quiz) $('#practice-title').textContent = `${t('practice.title')}: ${quiz.title}`;
  }).catch(() => {});
  start();
}

main();
