// catalogue.test.mjs - the message catalogue is complete: every key the
// pages use exists in Vietnamese, English has the same keys, and no page
// writes HTML from strings.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const WEB = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web');
const { t, has } = await import(path.join(WEB, 'js/i18n.js'));
const en = (await import(path.join(WEB, 'js/i18n-en.js'))).default;

function files(dir, ext) {
  return readdirSync(dir).filter((f) => f.endsWith(ext)).map((f) => path.join(dir, f));
}

/** Every catalogue key named in the HTML (data-i18n*) and the JS (t('...')). */
function usedKeys() {
  const keys = new Set();
  for (const f of files(WEB, '.html')) {
    for (const m of readFileSync(f, 'utf8').matchAll(/data-i18n(?:-ph|-label)?="([^"]+)"/g)) keys.add(m[1]);
  }
  for (const f of files(path.join(WEB, 'js'), '.js')) {
    for (const m of readFileSync(f, 'utf8').matchAll(/\bt\('([a-z_.]+)'/g)) keys.add(m[1]);
  }
  return keys;
}

test('every key the pages use is in the Vietnamese catalogue', () => {
  const missing = [...usedKeys()].filter((k) => !has(k));
  assert.deepEqual(missing, []);
});

test('the English catalogue has exactly the Vietnamese keys', () => {
  const vi = new Set([...usedKeys()]);
  const src = readFileSync(path.join(WEB, 'js/i18n.js'), 'utf8');
  const viKeys = [...src.matchAll(/^ {2}'([a-z_.]+)':/gm)].map((m) => m[1]);
  assert.ok(viKeys.length > 100, `found ${viKeys.length} Vietnamese keys`);
  assert.deepEqual(viKeys.filter((k) => !(k in en)), [], 'keys missing in English');
  assert.deepEqual(Object.keys(en).filter((k) => !viKeys.includes(k)), [], 'English keys not in Vietnamese');
  assert.ok(vi.size > 50);
});

test('placeholders are filled and Vietnamese comes first', () => {
  assert.equal(t('quiz.progress', { done: 3, total: 20 }), 'Đã trả lời 3/20 câu');
  assert.equal(t('err.unauthorized'), 'Sai tên đăng nhập hoặc mật khẩu.');
});

test('no page code writes HTML from strings', () => {
  for (const f of [...files(path.join(WEB, 'js'), '.js'), ...files(WEB, '.html')]) {
    const src = readFileSync(f, 'utf8');
    assert.doesNotMatch(src, /innerHTML|outerHTML|insertAdjacentHTML|document\.write/, path.basename(f));
  }
});

test('pages load nothing from another site', () => {
  for (const f of [...files(WEB, '.html'), ...files(path.join(WEB, 'css'), '.css'), ...files(path.join(WEB, 'js'), '.js')]) {
    assert.doesNotMatch(readFileSync(f, 'utf8'), /(src|href)=["']?(https?:)?\/\/|@import url\(|url\(["']?https?:/, path.basename(f));
  }
});
