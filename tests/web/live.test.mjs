// live.test.mjs - a live game in one browser: the host page (projector
// size) and two player pages (phone size) play a game of two questions to
// the podium; axe-core on the host's and the players' pages.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withPage, screenshot, login, BASE_URL, DEMO, PHONE, assertAccessible } from './browser.mjs';


async function answerOn(player, nth) {
  await player.waitForSelector('#answer-view:not([hidden]) #answer-buttons button:not([disabled])');
  await player.locator('#answer-buttons button').nth(nth).click();
}

test('a host page and two player pages play a live game to the podium', async () => {
  await withPage(async (host, context, problems) => {
    await host.setViewportSize({ width: 1280, height: 800 });
    await host.goto(`${BASE_URL}/`);
    await login(host, DEMO.admin);
    await host.waitForSelector('#quizzes-view:not([hidden])');
    await host.goto(`${BASE_URL}/live-host.html`);
    await host.waitForSelector('#setup-view:not([hidden])');
    await assertAccessible(host, 'the host setup');
    await host.fill('#setup-bank', 'vi-pupil');
    await host.fill('#setup-count', '2');
    await host.fill('#setup-seconds', '30');
    await host.click('#setup-create');
    await host.waitForSelector('#lobby-view:not([hidden])');
    const pin = (await host.textContent('#lobby-pin')).trim();
    assert.match(pin, /^\d{6}$/);
    assert.match(host.url(), /live-host\.html\?id=\d+$/);
    await host.waitForFunction(() => document.querySelector('#lobby-qr').naturalWidth > 0);

    const players = [];
    for (const nickname of ['An', 'Bình']) {
      const p = await context.newPage();
      await p.setViewportSize(PHONE);
      p.on('pageerror', (err) => problems.push(`player page error: ${err.message}`));
      await p.goto(`${BASE_URL}/live-play.html?pin=${pin}`);
      await p.waitForSelector('#join-view:not([hidden])');
      assert.equal(await p.inputValue('#join-pin'), pin);
      if (!players.length) await assertAccessible(p, 'the join page');
      await p.fill('#join-nickname', nickname);
      await p.click('#join-submit');
      await p.waitForSelector('#wait-view:not([hidden])');
      players.push(p);
    }
    await host.waitForFunction(() => document.querySelectorAll('#lobby-players li').length === 2);
    await screenshot(host, 'live-host-lobby.png');
    await assertAccessible(host, 'the host lobby');

    for (let q = 0; q < 2; q++) {
      await host.click(q === 0 ? '#lobby-start' : '#result-next');
      await host.waitForSelector('#question-view:not([hidden])');
      assert.equal(await host.textContent('#question-progress'), `Câu ${q + 1}/2`);
      await answerOn(players[0], 0);
      if (q === 0) {
        // a reload mid-question keeps the player in the game, on the question
        await players[1].reload();
        await players[1].waitForSelector('#answer-view:not([hidden])');
        await screenshot(players[1], 'live-player-question.png');
        await assertAccessible(players[1], 'the player question');
      }
      await answerOn(players[1], 1);
      // both answered: the question closes at once
      await host.waitForSelector('#result-view:not([hidden])');
      await host.waitForFunction(() => document.querySelectorAll('#result-top li').length === 2);
      assert.equal(await host.locator('#result-chart li').count() >= 2, true);
      for (const p of players) {
        await p.waitForSelector('#feedback-view:not([hidden])');
        assert.match(await p.textContent('#feedback-verdict'), /^(Đúng rồi!|Chưa đúng\.)$/);
        await p.waitForFunction(() => /^Hạng \d, \d+ điểm$/.test(document.querySelector('#feedback-rank').textContent));
      }
      if (q === 0) {
        await screenshot(host, 'live-host-result.png');
        await screenshot(players[0], 'live-player-feedback.png');
      }
    }
    await host.click('#result-next');
    await host.waitForSelector('#podium-view:not([hidden])');
    assert.equal(await host.locator('#podium li').count(), 2);
    await screenshot(host, 'live-host-podium.png');
    await assertAccessible(host, 'the podium');
    for (const p of players) {
      await p.waitForFunction(() => /^Chung cuộc: hạng \d, \d+ điểm$/.test(document.querySelector('#feedback-rank').textContent));
    }
    assert.deepEqual(problems, []);
  });
});
