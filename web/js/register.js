// register.js - self-registration for a contest: the contests open for
// registration (GET /api/v1/registration), the units of the chosen one's
// window to search and pick (GET /api/v1/registration/{id}/units), then
// POST /api/v1/auth/register and a link back to the login page. Each
// refusal gets its own Vietnamese message.

import { api } from './api.js';
import { t, formatDateTime } from './i18n.js';
import { el, $, notice, clearNotice, showError, header, busy, fill } from './ui.js';

let windows = [];
let units = []; // [{code, name, kind}] of the chosen contest's window

function chosenWindow() {
  return windows.find((w) => String(w.contest_id) === $('#contest').value) || null;
}

/** The unit whose "name (code)" label or code the search field holds. */
function pickedUnit() {
  const typed = $('#unit_search').value.trim();
  return units.find((u) => `${u.name} (${u.code})` === typed || u.code === typed.toUpperCase()) || null;
}

function showPicked() {
  const u = pickedUnit();
  $('#unit-picked').textContent = u ? t('register.unit_picked', { name: u.name, code: u.code }) : '';
}

async function chooseContest() {
  const w = chosenWindow();
  const audience = $('#audience');
  fill(audience, ...(w ? w.audiences : []).map((a) => el('option', { value: a, text: t(`audience.${a}`) })));
  const until = w && w.closes_at ? t('register.until', { date: formatDateTime(w.closes_at) }) : '';
  $('#contest-scope').textContent = w ? t('register.scope', {
    audiences: w.audiences.map((a) => t(`audience.${a}`)).join(', '), unit: w.unit_name, until,
  }) : '';
  units = [];
  fill($('#unit-list'));
  if (!w) return;
  const res = await api('GET', `/registration/${w.contest_id}/units`, { auth: false });
  units = res.units || [];
  fill($('#unit-list'), ...units.map((u) => el('option', { value: `${u.name} (${u.code})` })));
  showPicked();
}

/** The message of a refused registration: this page's words where it has them. */
function refusal(err) {
  if (err.code === 'forbidden') return t('register.err.forbidden');
  if (err.code === 'conflict') return t('register.err.conflict');
  if (err.code === 'rate_limited') return t('register.err.rate_limited', { s: err.retryAfter || 60 });
  return null;
}

async function submit(e) {
  e.preventDefault();
  const box = $('#register-notice');
  clearNotice(box);
  const form = e.target;
  const invalid = [...form.querySelectorAll('input, select')].find((input) => !input.checkValidity());
  if (invalid) {
    notice(box, 'error', t('err.bad_request'), invalid.labels && invalid.labels[0] ? invalid.labels[0].textContent : '');
    invalid.focus();
    return;
  }
  const unit = pickedUnit();
  if (!unit) {
    notice(box, 'error', t('register.unit_unknown'));
    $('#unit_search').focus();
    return;
  }
  const body = {
    contest_id: Number($('#contest').value),
    username: $('#username').value.trim(),
    password: $('#password').value,
    full_name: $('#full_name').value.trim(),
    birth_year: Number($('#birth_year').value),
    unit_code: unit.code,
    audience: $('#audience').value,
    phone: $('#phone').value.trim(),
  };
  try {
    const res = await busy($('#register-submit'), t('common.loading'), () =>
      api('POST', '/auth/register', { body, auth: false }));
    form.hidden = true;
    notice(box, 'ok', t('register.done', { username: (res.user && res.user.username) || body.username }));
    box.append(el('p', {}, el('a', { class: 'btn btn-primary', href: 'index.html', text: t('register.to_login') })));
  } catch (err) {
    const own = refusal(err);
    if (own) notice(box, 'error', own);
    else showError(box, err);
    box.scrollIntoView({ block: 'nearest' });
  }
}

async function main() {
  header();
  $('#show-password').addEventListener('change', (e) => {
    $('#password').type = e.target.checked ? 'text' : 'password';
  });
  $('#unit_search').addEventListener('input', showPicked);
  $('#register-form').addEventListener('submit', submit);
  try {
    const res = await api('GET', '/registration', { auth: false });
    windows = res.windows || [];
  } catch (err) {
    showError($('#register-notice'), err);
    return;
  }
  if (!windows.length) {
    $('#register-closed').hidden = false;
    return;
  }
  const contest = $('#contest');
  fill(contest, ...windows.map((w) => el('option', { value: String(w.contest_id), text: w.contest_title })));
  contest.addEventListener('change', () => chooseContest().catch((err) => showError($('#register-notice'), err)));
  $('#register-form').hidden = false;
  try {
    await chooseContest();
  } catch (err) {
    showError($('#register-notice'), err);
  }
}

main();
