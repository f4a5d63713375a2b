// live-play.js - a player's page of a live game, for phones: PIN and
// nickname, big answer buttons, right or wrong as soon as the question
// closes, the player's rank after each question. The player's token stays
// in this tab (sessionStorage), so a reload or a dropped connection goes on
// with the same nickname, score and the open question.

import { api, session, ApiError } from './api.js';
import { t } from './i18n.js';
import { el, $, fill, notice, clearNotice, showError, busy, header } from './ui.js';
import { followGame, countdown } from './live-events.js';

const KEY = 'live.player';
const VIEWS = ['join-view', 'wait-view', 'answer-view', 'feedback-view'];
let player = null; // {live_id, player_token, nickname}
let question = null;
let myChoice = null; // {index, choice}
let stopCountdown = null;

/**
 * A POST without the browser's cookies (a player needs no account: a
 * session cookie of another tab must not turn the request into a cookie
 * write), with the player token as Bearer when given.
 */
async function postGame(path, body, token) {
  const headers = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  let res;
  try {
    res = await fetch(`/api/v1${path}`, {
      method: 'POST', headers, body: JSON.stringify(body), credentials: 'omit', cache: 'no-store',
    });
  } catch (_) {
    throw new ApiError(0, 'network', '');
  }
  let data = null;
  try {
    data = await res.json();
  } catch (_) { /* an empty or broken body */ }
  if (res.ok) return data;
  const err = (data && data.error) || {};
  throw new ApiError(res.status, err.code || `http_${res.status}`, err.message);
}

function show(id) {
  for (const v of VIEWS) $(`#${v}`).hidden = v !== id;
}

function saved() {
  try {
    return JSON.parse(sessionStorage.getItem(KEY) || 'null');
  } catch (_) {
    return null;
  }
}

function wait(text) {
  show('wait-view');
  $('#wait-name').textContent = player.nickname;
  $('#wait-text').textContent = text;
}

function remember() {
  sessionStorage.setItem(KEY, JSON.stringify({ ...player, choice: myChoice }));
}

async function choose(option, button) {
  const buttons = [...document.querySelectorAll('#answer-buttons button')];
  for (const b of buttons) b.disabled = true;
  button.classList.add('live-chosen');
  // Kept before sending: the last answer closes the question, and its
  // closed event may come before this request's answer.
  const before = myChoice;
  myChoice = { index: question.index, choice: option.id };
  remember();
  try {
    await postGame(`/live/${player.live_id}/answers`, { index: question.index, choice: option.id },
      player.player_token);
    $('#answer-state').textContent = t('live.sent');
  } catch (err) {
    if (err.code === 'already_answered') {
      $('#answer-state').textContent = t('live.sent');
      return;
    }
    myChoice = before;
    remember();
    $('#answer-state').textContent = err.message;
    button.classList.remove('live-chosen');
    if (err.code !== 'time_over') for (const b of buttons) b.disabled = false;
  }
}

const handlers = {
  lobby(data) {
    wait(t('live.waiting', { n: (data.players || []).length }));
  },
  question(data) {
    question = data;
    show('answer-view');
    $('#answer-progress').textContent = t('live.progress', { i: data.index + 1, n: data.count });
    $('#answer-stem').textContent = data.stem;
    const answered = data.answered || (myChoice && myChoice.index === data.index);
    $('#answer-state').textContent = answered ? t('live.sent') : '';
    fill($('#answer-buttons'), data.options.map((o, i) => {
      const b = el('button', { type: 'button', class: `live-answer live-color-${i % 4}`, text: o.text });
      b.disabled = Boolean(answered);
      b.addEventListener('click', () => choose(o, b));
      return b;
    }));
    if (stopCountdown) stopCountdown();
    stopCountdown = countdown($('#answer-countdown'), data.remaining_ms ?? 0);
  },
  closed(data) {
    if (stopCountdown) stopCountdown();
    show('feedback-view');
    const mine = myChoice && myChoice.index === data.index ? myChoice.choice : null;
    const right = mine !== null && (data.correct_choices || []).includes(mine);
    const verdict = $('#feedback-verdict');
    verdict.textContent = mine === null ? t('live.no_answer') : right ? t('live.right') : t('live.wrong');
    verdict.className = `live-verdict ${right ? 'live-right' : 'live-wrong'}`;
    $('#feedback-rank').textContent = '';
  },
  scores(data) {
    if (data.you) $('#feedback-rank').textContent = t('live.rank', { rank: data.you.rank, score: data.you.score });
  },
  end(data) {
    if (stopCountdown) stopCountdown();
    show('feedback-view');
    $('#feedback-verdict').textContent = t('live.over');
    $('#feedback-verdict').className = 'live-verdict';
    if (data.you) $('#feedback-rank').textContent = t('live.final', { rank: data.you.rank, score: data.you.score });
    sessionStorage.removeItem(KEY);
  },
};

function follow() {
  wait(t('common.loading'));
  followGame(`/api/v1/live/${player.live_id}/events`, player.player_token, (name, data) => {
    if (handlers[name]) handlers[name](data);
  }, (state, status) => {
    if (state === 'online') clearNotice($('#play-notice'));
    else if (state === 'refused') {
      sessionStorage.removeItem(KEY);
      notice($('#play-notice'), 'error', t('live.refused', { status }));
      show('join-view');
    } else notice($('#play-notice'), 'info', t('live.reconnecting'));
  });
}

async function join(ev) {
  ev.preventDefault();
  clearNotice($('#play-notice'));
  const body = { pin: $('#join-pin').value.trim(), nickname: $('#join-nickname').value.trim() };
  try {
    const res = await busy($('#join-submit'), t('common.loading'),
      () => (session() ? api('POST', '/live/join', { body }) : postGame('/live/join', body)));
    player = { live_id: res.live_id, player_token: res.player_token, nickname: body.nickname };
    myChoice = null;
    remember();
    follow();
  } catch (err) {
    showError($('#play-notice'), err);
  }
}

function main() {
  header();
  $('#join-form').addEventListener('submit', join);
  const pin = new URLSearchParams(location.search).get('pin');
  if (pin) $('#join-pin').value = pin;
  player = saved();
  if (player) {
    myChoice = player.choice || null;
    follow();
  }
  else show('join-view');
}

main();
