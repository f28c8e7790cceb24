// Supervisors' statistics: the JSON of GET /api/v1/stats and /stats/programme (the figures `tsunagu stats`
// prints, small cells already protected by the server), as tables and bars.
'use strict';

(() => {
  const { api, el, say } = Tsunagu;
  const shown = (count) => (typeof count === 'number' ? count.toLocaleString('ja-JP') : String(count));
  const minutes = (value) => (Number.isInteger(value) ? String(value) : value.toFixed(1));
  const pad = (n) => String(n).padStart(2, '0');
  const day = (date) => `${date.year}-${pad(date.month)}-${pad(date.day)}`;
  const percent = (value) => (value === null || value === undefined ? '－' : `${value}%`);

  function section(title, ...content) {
    return el('section', {}, el('h3', {}, title), ...content);
  }

  function table(rows, header) {
    return el('table', {},
      header ? el('thead', {}, el('tr', {}, header.map((cell) => el('th', { scope: 'col' }, cell)))) : null,
      el('tbody', {}, rows.map((row) => el('tr', {}, row.map((cell, index) => el(index === 0 ? 'th' : 'td', index === 0 ? { scope: 'row' } : { class: 'n' }, cell))))));
  }

  /** A bar whose width is set through the CSSOM (the policy forbids inline style attributes, not this). */
  function bar(fraction, kind = '') {
    const fill = el('span', { class: `fill ${kind}` });
    fill.style.width = `${Math.max(0, Math.min(1, fraction)) * 100}%`;
    return el('span', { class: 'meter', 'aria-hidden': 'true' }, fill);
  }

  /** Horizontal bars, largest first; a hidden cell (<k or x) gets its mark and no bar. */
  function bars(cells, labels, keep = false) {
    const entries = Object.entries(cells ?? {});
    if (entries.length === 0) return el('p', {}, 'なし');
    if (!keep) entries.sort((a, b) => (typeof b[1] === 'number' ? b[1] : -1) - (typeof a[1] === 'number' ? a[1] : -1));
    const largest = Math.max(1, ...entries.map(([, count]) => (typeof count === 'number' ? count : 0)));
    return el('table', { class: 'bars' }, el('tbody', {}, entries.map(([key, count]) =>
      el('tr', {}, el('th', { scope: 'row' }, labels?.[key] ?? key),
        el('td', { class: 'n' }, shown(count)),
        el('td', { class: 'chart' }, typeof count === 'number' ? bar(count / largest) : '')))));
  }

  function heatmap(rows) {
    const days = ['日', '月', '火', '水', '木', '金', '土'];
    const largest = Math.max(1, ...rows.flat().filter((cell) => typeof cell === 'number'));
    return el('table', { class: 'heatmap' },
      el('thead', {}, el('tr', {}, el('th', {}, ''), [...Array(24).keys()].map((hour) => el('th', { scope: 'col' }, String(hour))))),
      el('tbody', {}, rows.map((row, weekday) => el('tr', {}, el('th', { scope: 'row' }, days[weekday]), row.map((cell, hour) => {
        const said = `${days[weekday]} ${hour}時: ${shown(cell)}`;
        const node = el('td', { title: said, 'aria-label': said });
        if (typeof cell === 'number' && cell > 0) node.style.opacity = String(0.15 + (0.85 * cell) / largest);
        node.className = typeof cell === 'number' ? (cell > 0 ? 'hot' : 'zero') : 'hidden';
        return node;
      })))));
  }

  function statistics(stats) {
    const rows = [
      ['相談者数（人）', shown(stats.people)], ['うち以前にも相談した人', shown(stats.returningPeople)],
      ['相談件数', shown(stats.consultations)], ['緊急対応', shown(stats.emergencies)], ['時間外の受付', shown(stats.outOfHours)],
    ];
    if (stats.wait) rows.push(['待ち時間（中央値／90%）', `${minutes(stats.wait.p50)}分／${minutes(stats.wait.p90)}分`]);
    if (stats.firstResponse) rows.push(['最初の返信までの時間（中央値／90%）', `${minutes(stats.firstResponse.p50)}分／${minutes(stats.firstResponse.p90)}分`]);
    const labels = stats.labels ?? {};
    const parts = [
      el('h2', {}, `相談統計 ${day(stats.period.from)}〜${day(stats.period.to)}`),
      section('目標・KPI', table([['相談者数（人）', shown(stats.peopleTarget), shown(stats.people), percent(stats.achievementPercent)]],
        ['目標・KPI', '目標', '実績', '達成率']), bar((stats.achievementPercent ?? 0) / 100, 'kpi')),
      section('概要', table(rows)),
      section('相談の内容', bars(stats.byTopic, labels.topic)),
      section('曜日・時間帯別の受付（LINE）', heatmap(stats.heatmap),
        el('p', { class: 'hint' }, '濃いほど多く、灰色は件数を伏せた時間帯です（マウスを重ねると件数）。')),
      section('待ち時間の分布（分）', bars(stats.waitBands, null, true)),
    ];
    for (const [title, key, cells] of [['急ぎの度合い', 'urgency', stats.byUrgency], ['相談の結果', 'outcome', stats.byOutcome],
      ['つないだ支援先', 'referral', stats.byReferral], ['満足度', 'satisfaction', stats.bySatisfaction], ['相談の経路', 'channel', stats.byChannel]]) {
      if (cells && Object.keys(cells).length > 0) parts.push(section(title, bars(cells, labels[key])));
    }
    document.getElementById('stats').replaceChildren(...parts);
  }

  function programme(report) {
    const year = report.year;
    const repeated = year.eventParticipantsRepeated > 0 ? `（うち再掲 ${shown(year.eventParticipantsRepeated)}）` : '';
    const kpiRows = [[report.kpi.name, shown(report.kpi.target), shown(report.kpi.actual), percent(report.kpi.achievementPercent)]];
    if (report.indicator) {
      kpiRows.push([`「${report.indicator.name}」（${report.indicator.fiscalYear}年度）`, `${report.indicator.targetPercent.toFixed(1)}%`,
        `${report.indicator.percent.toFixed(1)}%`, '－']);
    }
    const largest = Math.max(1, ...report.months.map((row) => row.users));
    document.getElementById('programme').replaceChildren(
      el('h3', {}, `${report.fiscalYear}年度 事業報告`),
      table(kpiRows, ['目標・KPI', '目標', '実績', '達成率']),
      bar((report.kpi.achievementPercent ?? 0) / 100, 'kpi'),
      el('p', { class: 'hint' }, `${report.kpi.name} = ${report.kpi.formula}`),
      section('事業の概要', table([
        ['相談件数（件）', shown(year.consultations)], ['スーツレンタル利用件数（件）', shown(year.suitRentals)],
        ['生理用品提供件数（件）', `${shown(year.products)}（${year.productFacilities}施設）`],
        ['居場所参加者数（人）', `${shown(year.dropInParticipants)}（${year.dropInSessions}回）`],
        ['イベント参加者数（人）', shown(year.eventParticipants + year.eventParticipantsRepeated) + repeated],
      ])),
      section('月別の実績', table([...report.months, year].map((row) => [
        row === year ? '合計' : `${row.period.from.month}月`, shown(row.consultations), shown(row.suitRentals),
        shown(row.dropInParticipants), shown(row.products), shown(row.eventParticipants + row.eventParticipantsRepeated), shown(row.users),
      ]), ['月', '相談', 'スーツ', '居場所', '生理用品', 'イベント', '利用者数'])),
      section('月別の利用者数', el('table', { class: 'bars' }, el('tbody', {}, report.months.map((row) =>
        el('tr', {}, el('th', { scope: 'row' }, `${row.period.from.month}月`), el('td', { class: 'n' }, shown(row.users)),
          el('td', { class: 'chart' }, bar(row.users / largest)))))))
    );
  }

  function period() {
    if (document.getElementById('period-kind').value === 'year') {
      const year = Number(document.getElementById('period-year').value);
      return { from: `${year}-04-01`, to: `${year + 1}-03-31`, fiscalYear: year };
    }
    const [year, month] = document.getElementById('period-month').value.split('-').map(Number);
    const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
    return { from: `${year}-${pad(month)}-01`, to: `${year}-${pad(month)}-${pad(last)}`, fiscalYear: month >= 4 ? year : year - 1 };
  }

  async function show() {
    const { from, to, fiscalYear } = period();
    say('stats-status', '読み込んでいます…');
    try {
      const [stats, report] = await Promise.all([
        api('GET', `/stats?from=${from}&to=${to}`), api('GET', `/stats/programme?fiscalYear=${fiscalYear}`),
      ]);
      statistics(stats);
      programme(report);
      say('stats-status', `${from}〜${to} の統計と ${fiscalYear}年度の事業報告です。`);
    } catch (error) {
      say('stats-status', error.message, 'error');
    }
  }

  document.getElementById('period-form').addEventListener('submit', (event) => {
    event.preventDefault();
    show();
  });
  show();
})();
