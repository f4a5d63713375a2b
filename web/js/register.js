// register.js - self-registration: POST /api/v1/auth/register, then a link
// back to the login page.

import { api } from './api.js';
import { t, AUDIENCES } from './i18n.js';
import { el, $, notice, clearNotice, showError, header, busy } from './ui.js';

function main() {
  header();
  const select = $('#audience');
  for (const a of AUDIENCES) select.append(el('option', { value: a, text: t(`audience.${a}`) }));
  $('#show-password').addEventListener('change', (e) => {
    $('#password').type = e.target.checked ? 'text' : 'password';
  });
  $('#register-form').addEventListener('submit', async (e) => {
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
    const body = {
      username: $('#username').value.trim(),
      password: $('#password').value,
      full_name: $('#full_name').value.trim(),
      birth_year: Number($('#birth_year').value),
      unit_code: $('#unit_code').value.trim(),
      audience: select.value,
    };
    const phone = $('#phone').value.trim();
    if (phone) body.phone = phone;
    try {
      const res = await busy($('#register-submit'), t('common.loading'), () =>
        api('POST', '/auth/register', { body, auth: false }));
      form.hidden = true;
      notice(box, 'ok', t('register.done', { username: (res.user && res.user.username) || body.username }));
      box.append(el('p', {}, el('a', { class: 'btn btn-primary', href: 'index.html', text: t('register.to_login') })));
    } catch (err) {
      showError(box, err);
      box.scrollIntoView({ block: 'nearest' });
    }
  });
}

main();
