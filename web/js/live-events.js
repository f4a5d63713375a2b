// live-events.js - follows a live game's server-sent events with fetch, so
// that the host's session and the player's token travel in the
// Authorization header; reconnects after a dropped connection (the server
// sends the current state at once) until the game ends.

const RETRY_MS = 2000;

function parseBlock(block) {
  let name = 'message';
  const data = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event: ')) name = line.slice(7);
    else if (line.startsWith('data: ')) data.push(line.slice(6));
  }
  if (!data.length) return null;
  try {
    return { name, data: JSON.parse(data.join('\n')) };
  } catch (_) {
    return null;
  }
}

/**
 * Follows url with the given Authorization token. onEvent(name, data) for
 * each event; onState('online' | 'offline' | 'refused', status) as the
 * connection changes. Returns {stop()}.
 */
export function followGame(url, token, onEvent, onState) {
  let stopped = false;
  let controller = null;
  async function once() {
    controller = new AbortController();
    const res = await fetch(url, {
      headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' },
      cache: 'no-store',
      signal: controller.signal,
    });
    if (!res.ok) {
      onState('refused', res.status);
      if (res.status === 401 || res.status === 403 || res.status === 404) stopped = true;
      return;
    }
    onState('online', res.status);
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buf = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buf += decoder.decode(value, { stream: true });
      let end;
      while ((end = buf.indexOf('\n\n')) >= 0) {
        const ev = parseBlock(buf.slice(0, end));
        buf = buf.slice(end + 2);
        if (!ev) continue;
        if (ev.name === 'end') stopped = true;
        onEvent(ev.name, ev.data);
      }
    }
  }
  (async () => {
    while (!stopped) {
      try {
        await once();
      } catch (_) {
        if (!stopped) onState('offline', 0);
      }
      if (!stopped) await new Promise((resolve) => { setTimeout(resolve, RETRY_MS); });
    }
  })();
  return {
    stop() {
      stopped = true;
      if (controller) controller.abort();
    },
  };
}

/** A countdown into node from remaining_ms; returns a function that stops it. */
export function countdown(node, remainingMs, onZero) {
  const end = Date.now() + remainingMs;
  let timer = null;
  const tick = () => {
    const left = Math.max(0, Math.ceil((end - Date.now()) / 1000));
    node.textContent = String(left);
    if (left === 0) {
      clearInterval(timer);
      if (onZero) onZero();
    }
  };
  tick();
  timer = setInterval(tick, 250);
  return () => clearInterval(timer);
}
