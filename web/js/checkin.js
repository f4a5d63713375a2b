// checkin.js - the phone's check-in (checkin.html#activity=ID, the address
// of the QR code projected in the room): logs in by password or login-card
// code when there is no session, then POST /api/v1/activities/{id}/check-in.

import { api, session, saveSession, clearSession } from './api.js';
import { t } from './i18n.js';
import { $, notice, clearNotice, showError, header, busy } from './ui.js';

/** The activity id of the address (#activity=ID), or null. */
function activityId() {
  const m = /^#activity=([0-9]{1,18})$/.exec(location.hash);
  return m ? m[1] : null;
}

async function checkIn(id, button) {
  const box = $('#checkin-notice');
  clearNotice(box);
  try {
    await busy(button, t('checkin.busy'), () => api('POST', `/activities/${id}/check-in`));
    $('#checkin-login').hidden = true;
    $('#checkin-view').hidden = true;
    notice(box, 'ok', t('checkin.done'));
    $('#checkin-history').hidden = false;
  } catch (err) {
    showError(box, err);
  }
}

function showCheckIn(id) {
  const s = session();
  $('#checkin-login').hidden = true;
  $('#checkin-view').hidden = false;
  $('#checkin-hello').textContent = t('checkin.hello', { name: s.user.full_name || s.user.username });
}

/** Logs in with login (a function answering the API's login), then checks in. */
async function loginThen(id, button, login) {
  const box = $('#checkin-notice');
  clearNotice(box);
  try {
    saveSession(await busy(button, t('login.busy'), login));
  } catch (err) {
    showError(box, err);
    return;
  }
  header();
  showCheckIn(id);
  await checkIn(id, $('#checkin-submit'));
}

function main() {
  header();
  const id = activityId();
  const box = $('#checkin-notice');
  if (!id) {
    notice(box, 'error', t('checkin.no_activity'));
    return;
  }
  $('#checkin-submit').addEventListener('click', (e) => checkIn(id, e.currentTarget));
  $('#checkin-login').addEventListener('submit', (e) => {
    e.preventDefault();
    const username = $('#username').value.trim();
    const password = $('#password').value;
    if (!username || !password) {
      notice(box, 'error', t('checkin.need_login'));
      return;
    }
    loginThen(id, $('#login-submit'), () =>
      api('POST', '/auth/login', { body: { username, password }, auth: false }));
  });
  $('#card-submit').addEventListener('click', (e) => {
    const code = $('#card-code').value.trim();
    if (!code) {
      notice(box, 'error', t('checkin.need_card'));
      return;
    }
    loginThen(id, e.currentTarget, () => api('POST', '/auth/card', { body: { code }, auth: false }));
  });
  if (session()) {
    showCheckIn(id);
  } else {
    clearSession();
    $('#checkin-login').hidden = false;
  }
}

main();
