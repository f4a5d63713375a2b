// browser.mjs - what the browser tests share: Debian's chromium driven by
// playwright-core (no browser download), a fresh profile per test, login
// helpers and direct API calls to the quizd that run.sh started.

import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const BASE_URL = process.env.BASE_URL || 'http://127.0.0.1:8080';
export const SCREENSHOTS = process.env.SCREENSHOTS || path.resolve('build/screenshots');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

export const DEMO = {
  admin: { username: 'admin', password: 'QuanTri-Demo-2026' },
  pupil: { username: 'hs.an', password: 'ThiSinh-Demo-2026', fullName: 'Lê Minh An' },
  unitAdmin: { username: 'truong.thcsdp', password: 'DonVi-Demo-2026' },
};

export const PHONE = { width: 360, height: 740 };

/**
 * Runs fn(page, context) in a fresh chromium profile (its own
 * --user-data-dir) with a phone-sized viewport, and closes it afterwards.
 */
export async function withPage(fn, { viewport = PHONE } = {}) {
  const profile = mkdtempSync(path.join(tmpdir(), 'quiz-web-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport,
    deviceScaleFactor: 1,
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
    acceptDownloads: true,
  });
  const page = context.pages()[0] || await context.newPage();
  page.setDefaultTimeout(15000);
  const problems = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  try {
    await fn(page, context, problems);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, name);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

/** Fails when the page is wider than its viewport (sideways scrolling on a phone). */
export async function assertFits(page, what) {
  const { scrollWidth, width } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, width: window.innerWidth }));
  if (scrollWidth > width) throw new Error(`${what} is ${scrollWidth}px wide on a ${width}px screen`);
}

/** Fills and sends the login form on the page already showing it. */
export async function login(page, who) {
  await page.fill('#username', who.username);
  await page.fill('#password', who.password);
  await page.click('#login-submit');
}

/** Calls the API directly (outside the browser): {status, body}. */
export async function apiCall(method, urlPath, { token, body } = {}) {
  const headers = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${BASE_URL}/api/v1${urlPath}`, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (_) { json = null; }
  return { status: res.status, body: json };
}

export async function apiLogin(who) {
  const res = await apiCall('POST', '/auth/login', { body: { username: who.username, password: who.password } });
  if (res.status !== 200) throw new Error(`login of ${who.username} answered ${res.status}`);
  return res.body;
}

/** Uploads a bank (its JSON form) as the holder of token; fails unless it
 * is taken (200). Returns the bank's code. */
export async function uploadBankJson(token, bank) {
  const res = await apiCall('POST', '/admin/banks?format=json', { token, body: bank });
  assert.equal(res.status, 200, `bank upload answered ${res.status}: ${JSON.stringify(res.body)}`);
  return bank.code;
}

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Fails when axe-core finds a serious or critical WCAG 2.1 A/AA violation on the page. */
export async function assertAccessible(page, what) {
  // Through the DevTools protocol: the pages' CSP (script-src 'self') refuses inline scripts.
  await page.evaluate(AXE);
  const found = await page.evaluate(async () => {
    const res = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  });
  assert.deepEqual(found, [], `axe-core on ${what}`);
}
