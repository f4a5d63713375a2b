// admin-shell.js - what every administration page shares: the skip link,
// header and navigation drawn before its content, the session and role
// check (a participant is sent back to the quiz list), the section
// navigation (each role sees only its sections), and the charting loader.

import { api, requireSession, ApiError } from './api.js';
import { t } from './i18n.js';
import { el, $, header, notice, clearNotice, showError } from './ui.js';

/** The sections of the administration: [page, catalogue key, roles]. */
const SECTIONS = [
  ['admin.html', 'adm.nav.dashboard', ['admin', 'unit_admin']],
  ['admin-people.html', 'adm.nav.people', ['admin', 'unit_admin']],
  ['admin-units.html', 'adm.nav.units', ['admin', 'unit_admin']],
  ['admin-banks.html', 'adm.nav.banks', ['admin']],
  ['admin-quizzes.html', 'adm.nav.quizzes', ['admin']],
  ['admin-activities.html', 'adm.nav.activities', ['admin', 'unit_admin']],
  ['admin-reports.html', 'adm.nav.reports', ['admin', 'unit_admin']],
  ['admin-audit.html', 'adm.nav.audit', ['admin']],
  ['admin-contests.html', 'adm.nav.contests', ['admin']],
];

export function isAdminRole(role) {
  return role === 'admin' || role === 'unit_admin';
}

/**
 * Draws what opens every administration page, before its <main id="main">:
 * the skip link, the site header (filled by header()) and the place of the
 * section navigation. The pages hold only their own content.
 */
function drawShell() {
  if ($('#admin-nav')) return;
  document.body.prepend(
    el('a', { class: 'skip-link', href: '#main', text: t('adm.skip') }),
    el('header', { id: 'site-header', class: 'site-header' }),
    el('nav', { id: 'admin-nav', class: 'admin-nav', 'aria-label': t('adm.nav.label') }),
  );
}

/**
 * Starts an administration page: fills the header, checks the session and
 * the role, draws the section navigation with `current` marked, shows the
 * page's sections and returns the user; returns null when the page is
 * leaving (no session: the login page; a participant: the quiz list).
 */
export function adminPage(current) {
  drawShell();
  header();
  const s = requireSession();
  if (!s) return null;
  const user = s.user;
  if (!isAdminRole(user.role)) {
    location.replace('index.html?denied=1');
    return null;
  }
  const who = $('#admin-who');
  if (who) who.textContent = `${user.full_name || user.username}${user.unit_code ? ` · ${user.unit_code}` : ''}`;
  const nav = $('#admin-nav');
  if (nav) {
    const list = el('ul', {});
    for (const [page, key, roles] of SECTIONS) {
      if (!roles.includes(user.role)) continue;
      list.append(el('li', {}, el('a', {
        href: page, text: t(key), 'aria-current': page === current ? 'page' : null,
      })));
    }
    nav.setAttribute('aria-label', t('adm.nav.label'));
    nav.replaceChildren(list);
  }
  const sections = $('#admin-sections');
  if (sections) sections.hidden = false;
  // Wide tables scroll sideways in their box: keyboard users must reach it.
  for (const wrap of document.querySelectorAll('.table-wrap')) {
    const title = wrap.closest('section')?.querySelector('h2') || $('h1');
    wrap.tabIndex = 0;
    wrap.setAttribute('role', 'region');
    wrap.setAttribute('aria-label', title.textContent);
  }
  return user;
}

let chartPromise = null;

/**
 * Loads Chart.js, which quizd serves from its Debian package at
 * /vendor/chart.js (--chartjs PATH); resolves to window.Chart, or rejects
 * when quizd has no such file.
 */
export function loadChart() {
  if (!chartPromise) {
    chartPromise = new Promise((resolve, reject) => {
      if (window.Chart) {
        resolve(window.Chart);
        return;
      }
      const script = el('script', { src: '/vendor/chart.js' });
      script.addEventListener('load', () => (window.Chart ? resolve(window.Chart) : reject(new Error('no Chart'))));
      script.addEventListener('error', () => reject(new Error('missing')));
      document.head.append(script);
    });
  }
  return chartPromise;
}

/** Whole days from today (Vietnam's date) to month-day of this year; negative once past. */
export function daysLeft(month, day, now = new Date()) {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit' })
    .format(now).split('-').map(Number);
  const today = Date.UTC(parts[0], parts[1] - 1, parts[2]);
  return { year: parts[0], days: Math.round((Date.UTC(parts[0], month - 1, day) - today) / 86400000) };
}

/**
 * Opens a page the server makes (the yearly report, a sheet of login
 * cards) in a new tab: fetched with the session's token, shown from a blob
 * with a <base> so its stylesheet still comes from this site.
 */
export async function openServerPage(method, path, box) {
  clearNotice(box);
  const win = window.open('', '_blank');
  try {
    const res = await api(method, path, { raw: true, timeoutMs: 60000 });
    const html = (await res.text()).replace(/<head>/i, `<head><base href="${location.origin}/">`);
    const url = URL.createObjectURL(new Blob([html], { type: 'text/html' }));
    if (win) win.location = url;
    else location.assign(url);
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  } catch (err) {
    if (win) win.close();
    showError(box, err);
  }
}

/** Downloads an API answer as a file (the token goes in a header, not the URL). */
export async function fetchDownload(path, fallbackName, box, event) {
  event.preventDefault();
  clearNotice(box);
  try {
    const res = await api('GET', path, { raw: true, timeoutMs: 60000 });
    const blob = await res.blob();
    const disposition = res.headers.get('Content-Disposition') || '';
    const named = /filename="?([^";]+)"?/.exec(disposition);
    const name = named ? named[1] : fallbackName;
    const url = URL.createObjectURL(blob);
    const a = el('a', { href: url, download: name });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  } catch (err) {
    if (err instanceof ApiError) showError(box, err);
    else notice(box, 'error', t('err.network'));
  }
}

/** The errors of an upload, one row per line of the file: [{line, message}]. */
export function errorTable(errors) {
  return el('div', { class: 'table-wrap' }, el('table', { class: 'upload-errors' },
    el('thead', {}, el('tr', {}, el('th', { class: 'num', scope: 'col', text: t('admin.line') }), el('th', { scope: 'col', text: t('admin.message') }))),
    el('tbody', {}, errors.map((e) => el('tr', {}, el('td', { class: 'num', text: String(e.line) }), el('td', { text: e.message }))))));
}

/** The chosen file of input, or undefined after showing "choose a file" in box. */
export function chosenFile(input, box) {
  const file = input.files && input.files[0];
  if (!file) notice(box, 'error', t('admin.no_file'));
  return file;
}
