// One case, for the counsellor holding it: the transcript, her new messages as they arrive (from the live
// feed), reply, canned replies, private notes, transfer, release and close. Every line is text (textContent).
'use strict';

(() => {
  const { api, el, say, label, clock, onEvents, priorityLabels, authorLabels } = Tsunagu;
  const handle = document.body.dataset.handle;
  const path = `/cases/${encodeURIComponent(handle)}`;
  const transcript = document.getElementById('transcript');
  let last = 0;
  let loading = null;

  function line(entry) {
    return el(
      'li', { class: `line ${entry.author}`, 'data-id': entry.id },
      el('span', { class: 'who' }, authorLabels[entry.author] ?? entry.author),
      el('time', { datetime: new Date(entry.at).toISOString() }, clock(entry.at)),
      el('p', { class: 'text' }, entry.text),
    );
  }

  function describe(summary) {
    const parts = [
      `優先度：${priorityLabels[summary.priority] ?? summary.priority}`,
      `相談内容：${label('topic', summary.topic)}`,
      `急ぎ：${label('urgency', summary.urgency)}`,
    ];
    if (summary.emergency) parts.push(`危険：${Tsunagu.alertLabels[summary.emergency] ?? summary.emergency}`);
    if (summary.outOfHours) parts.push('時間外の受付');
    if (!summary.reachable) parts.push('ブロックされています');
    document.getElementById('summary').textContent = parts.join('　');
  }

  let finished = false;
  function finish(text) {
    say('case-status', text);
    if (finished) return;
    finished = true;
    document.querySelectorAll('form button, form textarea, form input, form select, #release').forEach((node) => {
      node.disabled = true;
    });
    document.getElementById('case-status').append(' ', el('a', { href: '/console/queue' }, '待機列に戻る'));
    document.querySelector('#case-status a').focus();
  }

  /** Reads the lines after the last one shown (each read is audited by the API as case.read). */
  function load() {
    loading ??= (async () => {
      try {
        const detail = await api('GET', last > 0 ? `${path}?after=${last}` : path);
        describe(detail.summary);
        const fresh = detail.lines.filter((entry) => entry.id > last);
        transcript.append(...fresh.map(line));
        if (fresh.length > 0) {
          last = fresh[fresh.length - 1].id;
          transcript.scrollTop = transcript.scrollHeight;
        }
      } catch (error) {
        if ([403, 404, 409].includes(error.status)) finish(error.message);
        else say('case-status', error.message, 'error');
      } finally {
        loading = null;
      }
    })();
    return loading;
  }

  async function act(method, suffix, payload, done) {
    try {
      const answer = await api(method, `${path}${suffix}`, payload);
      await done(answer);
    } catch (error) {
      say('case-status', error.message, 'error');
    }
  }

  async function choices() {
    const [canned, picks] = await Promise.all([api('GET', '/canned'), api('GET', '/choices')]);
    document.getElementById('canned').replaceChildren(
      ...canned.templates.map((template) => el('option', { value: template.id }, `${template.id}：${template.text.slice(0, 40)}`)));
    document.getElementById('outcome').replaceChildren(...picks.outcomes.map((choice) => el('option', { value: choice.id }, choice.label)));
    document.getElementById('referral').replaceChildren(
      el('option', { value: '' }, 'なし'), ...picks.partners.map((choice) => el('option', { value: choice.id }, choice.label)));
  }

  /** A form that sends what it holds to `suffix` (the route); `done` says what happened, then the lines reload. */
  function sends(formId, suffix, payload, done) {
    document.getElementById(formId).addEventListener('submit', (event) => {
      event.preventDefault();
      act('POST', suffix, payload(), async () => {
        say('case-status', done());
        await load();
      });
    });
  }
  const box = (id) => document.getElementById(id);
  /** Empties a text box once what it held was accepted (a refused text stays to be corrected). */
  const emptied = (id, said) => () => {
    box(id).value = '';
    return said;
  };
  sends('reply-form', '/reply', () => ({ text: box('reply-text').value }), emptied('reply-text', '送信しました。'));
  sends('canned-form', '/reply', () => ({ canned: box('canned').value }), () => '定型文を送信しました。');
  sends('note-form', '/notes', () => ({ text: box('note-text').value }), emptied('note-text', 'メモを残しました。'));
  document.getElementById('transfer-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const to = document.getElementById('colleague').value.trim();
    act('POST', '/transfer', to ? { to } : {}, () => finish(to ? `${to} さんに引き継ぎました。` : '待機列に戻しました。'));
  });
  document.getElementById('release').addEventListener('click', () => {
    act('POST', '/release', undefined, () => finish('待機列に戻しました（順番はそのままです）。'));
  });
  document.getElementById('close-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const outcome = document.getElementById('outcome').value;
    const referral = document.getElementById('referral').value;
    act('POST', '/close', referral ? { outcome, referral } : { outcome }, () =>
      finish('相談を終了しました。彼女にお礼とアンケートが送られます。'));
  });

  onEvents((events) => {
    for (const event of events) {
      if (event.handle !== handle) continue;
      if (event.kind === 'message') load();
      if (event.kind === 'closed') finish('この相談は終了しました。');
      if ((event.kind === 'claimed' || event.kind === 'transferred') && event.counsellor !== document.body.dataset.name) {
        finish(`この相談は ${event.counsellor ?? 'ほかの相談員'} さんの担当になりました。`);
      }
    }
  });

  load().then(choices).catch((error) => say('case-status', error.message, 'error'));
})();
