// live-host.js - the host's page of a live game, for a projector: create a
// game, show its PIN and QR code while players arrive, pace the questions
// with a countdown, show each answer distribution as a chart with the top
// five, and the podium at the end. The game's id stays in the address, so
// a reload (or the same address on another device) goes on where it is.

import { api, requireSession, session } from './api.js';
import { t } from './i18n.js';
import { el, $, fill, notice, clearNotice, showError, header, busy, download } from './ui.js';
import { followGame, countdown } from './live-events.js';

const VIEWS = ['setup-view', 'lobby-view', 'question-view', 'result-view', 'podium-view'];
let gameId = new URLSearchParams(location.search).get('id');
let lastQuestion = null;
let stopCountdown = null;

function show(id) {
  for (const v of VIEWS) $(`#${v}`).hidden = v !== id;
}

function topList(list, top) {
  fill(list, (top || []).map((p) => el('li', {},
    el('span', { class: 'live-name', text: p.nickname }),
    el('span', { class: 'live-score', text: String(p.score) }))));
}

const handlers = {
  lobby(data) {
    show('lobby-view');
    const players = data.players || [];
    $('#lobby-count').textContent = t('live.players', { n: players.length });
    fill($('#lobby-players'), players.map((name) => el('li', { text: name })));
  },
  question(data) {
    lastQuestion = data;
    show('question-view');
    $('#question-progress').textContent = t('live.progress', { i: data.index + 1, n: data.count });
    $('#question-stem').textContent = data.stem;
    fill($('#question-options'), data.options.map((o, i) => el('li', { class: `live-option live-color-${i % 4}`, text: o.text })));
    if (stopCountdown) stopCountdown();
    stopCountdown = countdown($('#question-countdown'), data.remaining_ms ?? 0);
  },
  closed(data) {
    if (stopCountdown) stopCountdown();
    show('result-view');
    const q = lastQuestion && lastQuestion.index === data.index ? lastQuestion : null;
    $('#result-stem').textContent = q ? q.stem : '';
    const counts = data.distribution || {};
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    const options = q ? q.options : Object.keys(counts).map((id) => ({ id: Number(id), text: id }));
    fill($('#result-chart'), options.map((o, i) => {
      const n = counts[String(o.id)] || 0;
      const right = (data.correct_choices || []).includes(o.id);
      const bar = el('span', { class: `live-bar live-color-${i % 4}` });
      bar.style.width = `${total ? Math.round((100 * n) / total) : 0}%`;
      return el('li', { class: right ? 'live-right' : 'live-wrong' },
        el('span', { class: 'live-bar-label', text: `${right ? '✓ ' : ''}${o.text}` }),
        el('span', { class: 'live-bar-track' }, bar),
        el('span', { class: 'live-bar-count', text: t('live.answers', { n }) }));
    }));
    $('#result-next').textContent = q && q.index + 1 >= q.count ? t('live.finish') : t('live.next');
  },
  scores(data) {
    topList($('#result-top'), data.top);
  },
  end(data) {
    if (stopCountdown) stopCountdown();
    show('podium-view');
    const top = (data.top || []).slice(0, 3);
    fill($('#podium'), top.map((p, i) => el('li', { class: `live-step live-step-${i + 1}` },
      el('span', { class: 'live-place', text: t('live.place', { n: i + 1 }) }),
      el('span', { class: 'live-name', text: p.nickname }),
      el('span', { class: 'live-score', text: String(p.score) }))));
  },
};

async function next(button) {
  clearNotice($('#live-notice'));
  try {
    await busy(button, t('common.loading'), () => api('POST', `/live/${gameId}/next`));
  } catch (err) {
    showError($('#live-notice'), err);
  }
}

function follow(pin) {
  if (pin) {
    const url = `${location.origin}/live-play.html?pin=${pin}`;
    $('#lobby-pin').textContent = pin;
    $('#lobby-url').textContent = url;
    $('#lobby-qr').src = `/api/v1/live/qr?pin=${encodeURIComponent(pin)}`;
    $('#lobby-qr').alt = t('live.qr_alt', { url });
  }
  followGame(`/api/v1/live/${gameId}/events`, session().token, (name, data) => {
    if (handlers[name]) handlers[name](data);
  }, (state, status) => {
    if (state === 'online') clearNotice($('#live-notice'));
    else if (state === 'refused') notice($('#live-notice'), 'error', t('live.refused', { status }));
    else notice($('#live-notice'), 'info', t('live.reconnecting'));
  });
}

async function create(ev) {
  ev.preventDefault();
  const body = {
    bank: $('#setup-bank').value.trim(),
    count: Number($('#setup-count').value),
    seconds_per_question: Number($('#setup-seconds').value),
  };
  const topic = $('#setup-topic').value.trim();
  if (topic) body.topic = topic;
  clearNotice($('#live-notice'));
  try {
    const res = await busy($('#setup-create'), t('common.loading'), () => api('POST', '/live', { body }));
    gameId = String(res.live.id);
    sessionStorage.setItem(`live.pin.${gameId}`, res.live.pin);
    history.replaceState(null, '', `?id=${gameId}`);
    follow(res.live.pin);
  } catch (err) {
    showError($('#live-notice'), err);
  }
}

function main() {
  header();
  if (!requireSession()) return;
  $('#setup-form').addEventListener('submit', create);
  $('#lobby-start').addEventListener('click', (e) => next(e.currentTarget));
  $('#question-skip').addEventListener('click', (e) => next(e.currentTarget));
  $('#result-next').addEventListener('click', (e) => next(e.currentTarget));
  $('#podium-export').addEventListener('click', async () => {
    try {
      const res = await api('GET', `/live/${gameId}/export`, { raw: true });
      download(`live-${gameId}.csv`, await res.text(), 'text/csv');
    } catch (err) {
      showError($('#live-notice'), err);
    }
  });
  if (gameId) follow(sessionStorage.getItem(`live.pin.${gameId}`));
  else show('setup-view');
}

main();
