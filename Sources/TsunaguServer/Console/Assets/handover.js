// The hand-over summary: her open cases with their private notes, and the urgent ones waiting.
'use strict';

(() => {
  const { api, el, label, waited, clock, priorityLabels } = Tsunagu;
  api('GET', '/handover').then((handover) => {
    const waiting = handover.waiting ?? {};
    document.getElementById('handover-waiting').textContent =
      `待っている相談：緊急 ${waiting.emergency ?? 0}件・急ぎ ${waiting.urgent ?? 0}件・通常 ${waiting.normal ?? 0}件`;
    const cases = handover.cases.map(({ summary, notes }) => el('section', { class: 'held' },
      el('h2', {}, el('a', { href: `/console/cases/${encodeURIComponent(summary.handle)}` }, `相談 ${summary.handle}`),
        `（${priorityLabels[summary.priority] ?? ''}・${label('topic', summary.topic)}）`),
      notes.length === 0 ? el('p', {}, 'メモはありません。') :
        el('ul', {}, notes.map((note) => el('li', {}, el('time', {}, clock(note.at)), ' ', note.text)))));
    document.getElementById('handover-cases').replaceChildren(...(cases.length > 0 ? cases : [el('p', {}, '担当中の相談はありません。')]));
    document.getElementById('handover-urgent').replaceChildren(...handover.urgent.map((item) =>
      el('li', {}, `${item.handle}　${priorityLabels[item.priority]}・${label('topic', item.topic)}・待ち ${waited(item.queuedAt)}`)));
  }).catch((error) => {
    document.getElementById('handover-waiting').textContent = error.message;
  });
})();
