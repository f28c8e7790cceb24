// つなぐ web console: what every page shares. Loaded with `defer`; no inline script anywhere (the page's
// Content-Security-Policy forbids it). Her words only ever reach the page as text (textContent), never as HTML.
'use strict';

const Tsunagu = (() => {
  const csrfToken = document.querySelector('meta[name="csrf-token"]')?.content ?? '';
  const body = document.body;
  const labels = body.dataset.labels ? JSON.parse(body.dataset.labels) : {};

  /** An error of the staff API: its status, its code and a sentence for the counsellor. */
  class ApiError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  // The API's codes a counsellor meets, in Japanese; the API's own sentence follows where it names someone.
  const messages = {
    case_taken: 'この相談はほかの相談員が担当しています。',
    not_your_case: 'この相談はあなたの担当ではありません。',
    case_closed: 'この相談は終了しています。',
    case_not_waiting: 'この相談はまだ受付の途中です。',
    queue_empty: '待っている相談はありません。',
    at_capacity: '同時に担当できる相談の上限に達しています。',
    colleague_at_capacity: 'その相談員は担当の上限に達しています。',
    unknown_colleague: 'その名前の相談員はいません。',
    unreachable: '彼女がアカウントをブロックしたため、届けられません。',
    content_destroyed: 'この相談の内容は消去されています。',
    empty_text: '本文が空です。',
    text_too_long: '本文が長すぎます（5,000文字まで）。',
    forbidden: 'この操作をする役割がありません。',
    csrf: '画面が古くなっています。再読み込みしてください。',
    name_taken: 'その名前のスタッフはすでにいます。',
    invalid_name: '名前は英数字と - _ . で32文字までです。',
    staff_not_found: 'その名前の有効なスタッフはいません。',
    unpublished_period: '統計は暦月または年度（4月1日〜3月31日）ごとに公開されます。',
  };

  /** Calls the staff API with the session cookie and, when it changes something, the CSRF token. */
  async function api(method, path, payload) {
    const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
    if (method !== 'GET') init.headers['X-CSRF-Token'] = csrfToken;
    if (payload !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(payload);
    }
    const response = await fetch('/api/v1' + path, init);
    if (response.status === 401) {
      location.assign('/console/login');
      throw new ApiError(401, 'unauthorized', 'ログインし直してください。');
    }
    const data = await response.json().catch(() => null);
    if (!response.ok) {
      const code = data?.error?.code ?? 'error';
      const sentence = messages[code] ? `${messages[code]}（${data.error.message}）` : data?.error?.message ?? `エラー ${response.status}`;
      throw new ApiError(response.status, code, sentence);
    }
    return data;
  }

  /** An element with attributes and children; strings become text nodes, so nothing is parsed as HTML. */
  function el(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes)) {
      if (value === undefined || value === null || value === false) continue;
      if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
      else if (key === 'class') node.className = value;
      else node.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children.flat()) {
      if (child === undefined || child === null) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  /** Shows a sentence in a status line (polite live region) for a while. */
  function say(id, text, kind = 'info') {
    const node = document.getElementById(id);
    if (!node) return;
    node.textContent = text;
    node.dataset.kind = kind;
  }

  const priorityLabels = { emergency: '緊急', urgent: '急ぎ', normal: '通常' };
  const authorLabels = { her: '彼女', counsellor: '相談員', note: 'メモ', bot: '自動応答' };
  const alertLabels = {
    suicide: '自殺の危険', self_harm: '自傷の危険', violence: '暴力の危険', sexual_violence: '性暴力の危険',
    confinement: '監禁・帰れない', stalking: 'つきまとい', minor_unsafe: '子どもの安全', medical: '急病・けが',
  };

  function label(table, id) {
    if (id === undefined || id === null) return '—';
    return labels[table]?.[id] ?? id;
  }

  function minutesSince(ms) {
    return Math.max(0, Math.floor((Date.now() - ms) / 60000));
  }

  function waited(ms) {
    const minutes = minutesSince(ms);
    if (minutes < 60) return `${minutes}分`;
    return `${Math.floor(minutes / 60)}時間${minutes % 60}分`;
  }

  function clock(ms) {
    return new Date(ms).toLocaleString('ja-JP', { month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  }

  // MARK: The emergency ring: an alert that stays, the title, and a beep made here (Web Audio, no file).

  const baseTitle = document.title;
  let audio = null;
  let ringing = null;

  function unlockAudio() {
    try {
      audio ??= new (window.AudioContext || window.webkitAudioContext)();
      if (audio.state === 'suspended') audio.resume();
    } catch (error) {
      audio = null;
    }
  }
  document.addEventListener('click', unlockAudio, { once: true });
  document.addEventListener('keydown', unlockAudio, { once: true });

  /** Three short tones, high-low-high. */
  function beep() {
    unlockAudio();
    body.dataset.rings = String(Number(body.dataset.rings ?? 0) + 1);
    if (!audio) return;
    const start = audio.currentTime + 0.02;
    [880, 660, 880].forEach((frequency, index) => {
      const at = start + index * 0.25;
      const oscillator = audio.createOscillator();
      const gain = audio.createGain();
      oscillator.type = 'square';
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.25, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.2);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start(at);
      oscillator.stop(at + 0.22);
    });
  }

  /** Rings until someone acknowledges: the alert region, the title (blinking) and a beep every few seconds. */
  function ring(text) {
    const region = document.getElementById('alert');
    if (!region) return;
    document.getElementById('alert-text').textContent = text;
    region.hidden = false;
    if (ringing) clearInterval(ringing);
    let tick = 0;
    const step = () => {
      document.title = tick % 2 === 0 ? `【緊急】${text}` : `■ 緊急の相談があります ■`;
      if (tick % 4 === 0) beep();
      tick += 1;
    };
    step();
    ringing = setInterval(step, 1000);
  }

  function silence() {
    if (ringing) clearInterval(ringing);
    ringing = null;
    document.title = baseTitle;
    const region = document.getElementById('alert');
    if (region) region.hidden = true;
  }
  document.getElementById('alert-ack')?.addEventListener('click', silence);

  // MARK: The live feed: a long poll of GET /api/v1/events, handed to the page's listeners.

  const listeners = [];
  function onEvents(listener) {
    listeners.push(listener);
  }

  async function follow() {
    let cursor = null;
    let failures = 0;
    for (;;) {
      try {
        const answer = cursor === null ? await api('GET', '/events') : await api('GET', `/events?after=${cursor}&wait=25`);
        cursor = answer.cursor;
        if (failures > 0) say('feed-status', '接続が戻りました。');
        failures = 0;
        if (answer.events.length === 0) continue;
        for (const event of answer.events) {
          if (event.kind === 'alert') {
            ring(`相談 ${event.handle}：${alertLabels[event.detail] ?? event.detail ?? '緊急'}。すぐに対応してください。`);
          }
        }
        listeners.forEach((listener) => listener(answer.events));
      } catch (error) {
        if (error.status === 401) return;
        failures += 1;
        say('feed-status', '更新が止まっています。再接続しています…', 'error');
        await new Promise((resolve) => setTimeout(resolve, Math.min(30000, 1000 * 2 ** failures)));
      }
    }
  }

  // MARK: Signing out.

  document.getElementById('logout')?.addEventListener('click', async () => {
    await fetch('/console/logout', { method: 'POST', credentials: 'same-origin', headers: { 'X-CSRF-Token': csrfToken } });
    location.assign('/console/login');
  });

  const role = body.dataset.role;
  if (role === 'counsellor' || role === 'supervisor') follow();

  return { api, el, say, label, waited, clock, onEvents, ring, silence, priorityLabels, authorLabels, alertLabels, role, ApiError };
})();
