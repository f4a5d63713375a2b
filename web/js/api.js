// api.js - the pages' only way to the engine: a fetch wrapper that sends the
// Bearer token kept in sessionStorage, turns the error envelope into an
// ApiError with a Vietnamese message from the catalogue, and sends the
// browser back to the login page on 401.

import { t, has } from './i18n.js';

const BASE = '/api/v1';
const KEY = 'quiz.session';

/** The logged-in session {token, csrf_token, user}, or null. */
export function session() {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? JSON.parse(raw) : null;
  } catch (_) {
    return null;
  }
}

export function saveSession(login) {
  sessionStorage.setItem(KEY, JSON.stringify({
    token: login.token, csrf_token: login.csrf_token, user: login.user,
  }));
}

export function clearSession() {
  sessionStorage.removeItem(KEY);
}

/** An error from the API (or the network), with a message ready to show. */
export class ApiError extends Error {
  constructor(status, code, serverMessage, extra = {}) {
    super(messageFor(status, code, extra));
    this.status = status;       // 0 for a network failure
    this.code = code;
    this.serverMessage = serverMessage || '';
    this.errors = extra.errors || null;       // upload errors [{line, message}]
    this.retryAfter = extra.retryAfter || null;
  }

  /** True when retrying later may succeed: no network, 5xx, 429. */
  get transient() {
    return this.status === 0 || this.status >= 500 || this.status === 429;
  }
}

function messageFor(status, code, extra) {
  if (status === 0) return t('err.network');
  if (code === 'rate_limited') return t('err.rate_limited', { s: extra.retryAfter || 30 });
  if (has(`err.${code}`)) return t(`err.${code}`);
  if (status >= 500) return t('err.server');
  return t('err.generic', { code: code || status });
}

/** True once the page is on its way to the login page. */
export let leaving = false;

/** Sends the browser to the login page, remembering where it was. */
export function toLogin(expired) {
  leaving = true;
  clearSession();
  const here = location.pathname + location.search;
  const params = new URLSearchParams();
  if (expired) params.set('expired', '1');
  if (!/\/(index\.html)?$/.test(location.pathname)) params.set('next', here);
  const query = params.toString();
  location.assign(`index.html${query ? `?${query}` : ''}`);
}

/**
 * Calls the API. opts: body (object → JSON; string/Blob sent as is with
 * opts.type), raw (return the Response for downloads), auth (default true),
 * timeoutMs. Returns the parsed JSON (null for 204); throws ApiError.
 */
export async function api(method, path, opts = {}) {
  const headers = {};
  const s = session();
  if (opts.auth !== false && s) {
    headers.Authorization = `Bearer ${s.token}`;
    if (method !== 'GET' && s.csrf_token) headers['X-CSRF-Token'] = s.csrf_token;
  }
  let body;
  if (opts.body !== undefined) {
    if (typeof opts.body === 'string' || opts.body instanceof Blob) {
      body = opts.body;
      headers['Content-Type'] = opts.type || 'text/plain';
    } else {
      body = JSON.stringify(opts.body);
      headers['Content-Type'] = 'application/json';
    }
  }
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), opts.timeoutMs || 30000);
  let res;
  try {
    res = await fetch(BASE + path, {
      method, headers, body, signal: controller.signal, credentials: 'same-origin', cache: 'no-store',
    });
  } catch (_) {
    throw new ApiError(0, 'network', '');
  } finally {
    clearTimeout(timer);
  }
  if (res.status === 401 && opts.auth !== false && s) {
    toLogin(true);
    throw new ApiError(401, 'session', '');
  }
  if (res.ok && opts.raw) return res;
  if (res.status === 204) return null;
  let data = null;
  try {
    data = await res.json();
  } catch (_) {
    if (res.ok) throw new ApiError(res.status, 'bad_response', '');
  }
  if (res.ok) return data;
  const err = (data && data.error) || {};
  throw new ApiError(res.status, err.code || `http_${res.status}`, err.message, {
    errors: data && Array.isArray(data.errors) ? data.errors : null,
    retryAfter: res.headers.get('Retry-After'),
  });
}

/** The session, or a trip to the login page when there is none. */
export function requireSession() {
  const s = session();
  if (!s) toLogin(false);
  return s;
}

export async function logout() {
  try {
    await api('POST', '/auth/logout', { timeoutMs: 5000 });
  } catch (_) { /* the token is dropped here anyway */ }
  clearSession();
  location.assign('index.html');
}
