// The queue page: the waiting cases (emergency and urgent first, as the API orders them), the counts, the
// counsellor's own cases; refreshed from the live feed without reloading the page.
'use strict';

(() => {
  const { api, el, say, label, waited, priorityLabels, onEvents, role } = Tsunagu;
  const counsellor = role === 'counsellor';
  let items = [];

  async function claim(handle) {
    try {
      const summary = await api('POST', '/queue/claim', handle ? { handle } : undefined);
      location.assign(`/console/cases/${encodeURIComponent(summary.handle)}`);
    } catch (error) {
      say('feed-status', error.message, 'error');
      refresh();
    }
  }

  function row(item) {
    return el(
      'tr', { class: `priority-${item.priority}`, 'data-handle': item.handle },
      el('th', { scope: 'row' }, item.handle),
      el('td', {}, el('span', { class: `badge ${item.priority}` }, priorityLabels[item.priority] ?? item.priority),
        item.emergency ? ` ${Tsunagu.alertLabels[item.emergency] ?? item.emergency}` : ''),
      el('td', {}, label('topic', item.topic), item.urgency ? `（${label('urgency', item.urgency)}）` : ''),
      el('td', { class: 'wait', 'data-since': item.queuedAt }, waited(item.queuedAt), item.outOfHours ? '（時間外）' : ''),
      counsellor ? el('td', {}, el('button', { type: 'button', class: 'claim', onclick: () => claim(item.handle) }, `${item.handle} を受ける`)) : null,
    );
  }

  function render(queue) {
    items = queue.cases;
    for (const key of ['emergency', 'urgent', 'normal']) {
      document.getElementById(`count-${key}`).textContent = String(queue.waiting[key] ?? 0);
    }
    document.getElementById('queue-body').replaceChildren(...items.map(row));
    document.getElementById('queue-note').hidden = items.length > 0;
  }

  async function renderMine() {
    if (!counsellor) return;
    const mine = await api('GET', '/mine');
    const list = document.getElementById('mine');
    list.replaceChildren(
      ...mine.cases.map((summary) =>
        el('li', { 'data-handle': summary.handle },
          el('a', { href: `/console/cases/${encodeURIComponent(summary.handle)}` }, `相談 ${summary.handle}`),
          ` ${priorityLabels[summary.priority] ?? ''}・${label('topic', summary.topic)}`,
          el('span', { class: 'new', hidden: true }, ' 新しいメッセージ'))),
    );
    if (mine.cases.length === 0) list.replaceChildren(el('li', {}, `担当中の相談はありません（同時に${mine.limit}件まで）。`));
  }

  let pending = null;
  function refresh() {
    if (pending) return;
    pending = setTimeout(async () => {
      pending = null;
      try {
        render(await api('GET', '/queue'));
        await renderMine();
        say('feed-status', `${new Date().toLocaleTimeString('ja-JP')} に更新しました。`);
      } catch (error) {
        say('feed-status', error.message, 'error');
      }
    }, 150);
  }

  onEvents((events) => {
    for (const event of events) {
      if (event.kind === 'message') {
        document.querySelector(`#mine li[data-handle="${CSS.escape(event.handle)}"] .new`)?.removeAttribute('hidden');
      }
    }
    if (events.some((event) => event.kind !== 'message')) refresh();
  });

  document.getElementById('claim-next')?.addEventListener('click', () => claim(null));
  // Waiting times move on by themselves.
  setInterval(() => {
    document.querySelectorAll('td.wait').forEach((cell) => {
      cell.firstChild.textContent = waited(Number(cell.dataset.since));
    });
  }, 30000);
  refresh();
})();
