// Admins: the staff (list, add with the token shown once, revoke) and the audit log with its verification.
'use strict';

(() => {
  const { api, el, say, clock } = Tsunagu;
  const roleLabels = { counsellor: '相談員', supervisor: 'スーパーバイザー', admin: '管理者' };
  const day = (ms) => (ms ? new Date(ms).toLocaleDateString('ja-JP') : '—');

  async function revoke(name) {
    if (!window.confirm(`${name} さんのトークンを無効にします。よろしいですか？`)) return;
    try {
      await api('POST', `/staff/${encodeURIComponent(name)}/revoke`);
      say('admin-status', `${name} さんのトークンを無効にしました。ログイン中の画面もすぐに使えなくなります。`);
      await load();
    } catch (error) {
      say('admin-status', error.message, 'error');
    }
  }

  async function load() {
    const [staff, audit] = await Promise.all([api('GET', '/staff'), api('GET', '/audit?limit=200')]);
    document.getElementById('staff-body').replaceChildren(...staff.staff.map((member) =>
      el('tr', { 'data-name': member.name },
        el('th', { scope: 'row' }, member.name), el('td', {}, roleLabels[member.role] ?? member.role),
        el('td', {}, day(member.createdAt)), el('td', {}, day(member.revokedAt)),
        el('td', {}, member.revokedAt ? '' : el('button', { type: 'button', onclick: () => revoke(member.name) }, `${member.name} を無効にする`)))));
    document.getElementById('audit-body').replaceChildren(...audit.entries.map((entry) =>
      el('tr', {}, el('td', {}, String(entry.sequence)), el('td', {}, clock(entry.at)), el('td', {}, entry.actor),
        el('td', {}, entry.action), el('td', {}, entry.caseID ?? ''), el('td', {}, entry.detail ?? ''))));
  }

  document.getElementById('add-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const name = document.getElementById('staff-name').value.trim();
    const role = document.getElementById('staff-role').value;
    try {
      const added = await api('POST', '/staff', { name, role });
      document.getElementById('new-token-value').textContent = added.token;
      document.getElementById('new-token').hidden = false;
      document.getElementById('staff-name').value = '';
      say('admin-status', `${added.name} さんを${roleLabels[added.role]}として追加しました。`);
      await load();
    } catch (error) {
      say('admin-status', error.message, 'error');
    }
  });

  document.getElementById('verify').addEventListener('click', async () => {
    try {
      const result = await api('GET', '/audit/verify');
      document.getElementById('verify-result').textContent = result.firstBroken === null || result.firstBroken === undefined
        ? `改ざんはありません（${result.entries}件を検証しました）。`
        : `番号 ${result.firstBroken} 以降が書き換えられています。運用担当に連絡してください。`;
    } catch (error) {
      document.getElementById('verify-result').textContent = error.message;
    }
  });

  load().catch((error) => say('admin-status', error.message, 'error'));
})();
