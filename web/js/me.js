// me.js - the participant's own history (me.html): the activities attended
// and the attempts made, side by side (GET /api/v1/me/history), each with
// a link to its printable certificate where there is one.

import { api, session, toLogin } from './api.js';
import { t, formatNumber, formatDateTime } from './i18n.js';
import { el, $, fill, showError, header } from './ui.js';

/** A link to a printable certificate page (opened with the session cookie). */
function certLink(href) {
  return el('div', { class: 'actions' },
    el('a', { class: 'btn cert-link', href, target: '_blank', rel: 'noopener', text: t('me.certificate') }));
}

function activityCard(v) {
  return el('li', { class: 'card activity-card', dataset: { activityId: String(v.activity_id) } },
    el('div', { class: 'card-top' }, el('span', { class: 'kind', text: t(`act.kind.${v.kind}`) })),
    el('h3', { text: v.title }),
    el('ul', { class: 'facts' },
      el('li', { text: t('me.window', { from: formatDateTime(v.starts_at), to: formatDateTime(v.ends_at) }) }),
      el('li', { text: t('me.attended', { how: t(`act.how.${v.how}`), at: formatDateTime(v.at) }) })),
    v.certificate_available ? certLink(`/api/v1/activities/${encodeURIComponent(v.activity_id)}/certificate`) : null);
}

function attemptResult(a) {
  if (a.state === 'in_progress') return t('me.in_progress');
  if (a.score === null) return t('me.no_score');
  const score = t('me.score', { score: formatNumber(a.score, 2), max: formatNumber(a.max_score, 2) });
  return `${score} · ${t(a.passed ? 'me.passed' : 'me.not_passed')}`;
}

function attemptCard(a) {
  return el('li', { class: 'card attempt-card', dataset: { attemptId: String(a.id) } },
    el('div', { class: 'card-top' }, el('span', { class: 'kind', text: t(`quizzes.kind.${a.quiz_kind}`) })),
    el('h3', { text: a.quiz_title }),
    el('ul', { class: 'facts' },
      el('li', { text: t('me.when', { at: formatDateTime(a.finished_at || a.started_at) }) }),
      el('li', { text: attemptResult(a) })),
    a.certificate_available ? certLink(`/api/v1/attempts/${encodeURIComponent(a.id)}/certificate`) : null);
}

/** Newest first: what was attended or done last comes first. */
function newestFirst(list, when) {
  return [...list].sort((x, y) => String(when(y)).localeCompare(String(when(x))));
}

async function main() {
  header();
  if (!session()) {
    toLogin(false);
    return;
  }
  try {
    const data = await api('GET', '/me/history');
    const activities = newestFirst(data.activities || [], (v) => v.starts_at);
    const attempts = newestFirst(data.attempts || [], (a) => a.started_at);
    fill($('#me-activities'), activities.map(activityCard));
    fill($('#me-attempts'), attempts.map(attemptCard));
    $('#me-activities-empty').hidden = activities.length > 0;
    $('#me-attempts-empty').hidden = attempts.length > 0;
  } catch (err) {
    showError($('#me-notice'), err);
  } finally {
    $('#me-loading').hidden = true;
  }
}

main();
