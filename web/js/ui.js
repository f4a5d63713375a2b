// ui.js - small DOM helpers shared by the pages. Text always goes in with
// textContent; nothing here parses HTML.

import { t, lang, setLang, applyI18n } from './i18n.js';
import { session, logout } from './api.js';

/**
 * Creates an element. attrs: class, text (textContent), dataset, on{Event}
 * handlers, and plain attributes; children: nodes or strings (text nodes).
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name === 'text') node.textContent = value;
    else if (name === 'dataset') Object.assign(node.dataset, value);
    else if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value);
    else if (name in node && typeof value !== 'string') node[name] = value;
    else node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function $(selector, root = document) {
  return root.querySelector(selector);
}

/** Replaces the children of node. */
export function fill(node, ...children) {
  node.replaceChildren();
  for (const child of children.flat()) if (child) node.append(child);
  return node;
}

/**
 * Shows a notice in box: kind 'error' | 'ok' | 'info'. An ApiError's server
 * text is added below for the codes where it names what is wrong.
 */
export function notice(box, kind, text, detail) {
  box.hidden = false;
  box.className = `notice notice-${kind}`;
  box.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  fill(box, el('p', { text }), detail ? el('p', { class: 'detail', text: detail }) : null);
}

export function clearNotice(box) {
  box.hidden = true;
  box.replaceChildren();
}

/** The details worth showing under an ApiError's message. */
export function errorDetail(err) {
  const detailed = ['bad_request', 'weak_password', 'too_large', 'forbidden', 'not_found', 'quiz_started'];
  return err && err.serverMessage && detailed.includes(err.code) ? err.serverMessage : '';
}

export function showError(box, err) {
  notice(box, 'error', err.message || String(err), errorDetail(err));
}

/** Fills the shared header: title link, user name, admin link, language, logout. */
export function header() {
  applyI18n();
  const bar = $('#site-header');
  if (!bar) return;
  const s = session();
  const nav = el('nav', { class: 'nav', 'aria-label': t('app.name') });
  if (s && (s.user.role === 'admin' || s.user.role === 'unit_admin')) {
    nav.append(el('a', { href: 'admin.html', text: t('nav.admin') }));
  }
  nav.append(el('button', {
    type: 'button', class: 'link', text: t('nav.lang'),
    onclick: () => { setLang(lang() === 'vi' ? 'en' : 'vi'); location.reload(); },
  }));
  if (s) {
    nav.append(el('button', { type: 'button', class: 'link', id: 'logout', text: t('nav.logout'), onclick: logout }));
  }
  fill(bar, el('a', { class: 'brand', href: 'index.html', text: t('app.name') }), nav);
}

/**
 * The answer controls of question q as a participant sees them: for a
 * short answer, "type your answer" and a text input (id textId, value
 * text); otherwise "pick one" or "pick many" and a fieldset of radio
 * buttons or checkboxes named name, one per option {id, text}, those in
 * chosen checked. Both are labelled by the stem (stemId). Returns
 * [hint, control]. Shared by the quiz, practice and the bank preview.
 */
export function answerControls(q, { name, stemId, textId, text = '', chosen = [] }) {
  if (q.type === 'short') {
    return [el('p', { class: 'how', text: t('quiz.type_answer') }),
      el('input', { type: 'text', id: textId, 'aria-labelledby': stemId, autocomplete: 'off', maxlength: '500', value: text })];
  }
  const multiple = q.type === 'multiple';
  const picked = new Set(chosen);
  return [el('p', { class: 'how', text: t(multiple ? 'quiz.pick_many' : 'quiz.pick_one') }),
    el('fieldset', { class: 'options', 'aria-labelledby': stemId }, (q.options || []).map((o) =>
      el('label', { class: 'option' },
        el('input', { type: multiple ? 'checkbox' : 'radio', name, value: String(o.id), checked: picked.has(o.id) }),
        el('span', { text: o.text }))))];
}

/** Disables a button while fn runs, showing busyText on it. */
export async function busy(button, busyText, fn) {
  const label = button.textContent;
  button.disabled = true;
  button.textContent = busyText;
  try {
    return await fn();
  } finally {
    button.disabled = false;
    button.textContent = label;
  }
}

/** Offers text as a file download. */
export function download(filename, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = el('a', { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/** One CSV field, quoted when needed. */
export function csvField(value) {
  const s = String(value ?? '');
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
