// Datasets: the list (owner, visibility, versions, size) and one dataset's page: version
// history, a files browser, the diff between two versions and lineage (runs that used a version).
import { api, qs, enc } from './api.js';
import { h, clear, fmtAgo, fmtBytes, datasetHref, runHref, setCrumbs, stateBadge, debounce } from './dom.js';

const shortHash = x => String(x || '').replace(/^sha256:/, '').slice(0, 12);

export async function render(main, name) {
  if (name == null) return list(main);
  return one(main, name);
}

async function list(main) {
  setCrumbs({ label: 'Datasets' });
  const { datasets } = await api('/api/v1/datasets');
  main.append(h('div', { class: 'page-head' }, h('h1', null, 'Datasets'),
    h('span', { class: 'muted' }, datasets.length + (datasets.length === 1 ? ' dataset' : ' datasets'))));
  if (!datasets.length) {
    main.append(h('div', { class: 'empty' }, 'No datasets yet. Add one with ', h('code', null, 'keel data add NAME PATH'), '.'));
    return;
  }
  main.append(h('table', { class: 'kv datasets' },
    h('thead', null, h('tr', null, ['Name', 'Owner', 'Visibility', 'Versions', 'Size', 'Latest', 'Created'].map(t =>
      h('th', { class: ['Versions', 'Size'].includes(t) ? 'num' : null }, t)))),
    h('tbody', null, datasets.map(d => h('tr', { dataset: { dataset: d.name } },
      h('td', null, h('a', { href: datasetHref(d.name) }, d.name), d.description ? h('div', { class: 'muted small' }, d.description) : null),
      h('td', null, d.owner || '—'),
      h('td', null, h('span', { class: 'tag vis-' + String(d.visibility).replace(/[^a-z]/g, '') }, d.visibility || '—')),
      h('td', { class: 'num' }, String(d.versions ?? '')),
      h('td', { class: 'num' }, fmtBytes(d.size_bytes)),
      h('td', null, d.latest == null ? '—' : typeof d.latest === 'object' ? 'v' + d.latest.number : String(d.latest)),
      h('td', null, fmtAgo(d.created_at)))))));
}

async function one(main, name) {
  setCrumbs({ label: 'Datasets', href: '/datasets' }, { label: name });
  const d = await api('/api/v1/datasets/' + enc(name));
  const versions = (d.versions || []).slice().sort((a, b) => b.number - a.number);
  const base = '/api/v1/datasets/' + enc(name);
  main.classList.add('wide');
  main.append(h('div', { class: 'page-head' }, h('h1', null, d.name),
    h('span', { class: 'tag vis-' + String(d.visibility).replace(/[^a-z]/g, '') }, d.visibility || ''),
    h('span', { class: 'muted' }, d.owner ? 'owned by ' + d.owner : '')),
    d.description ? h('p', { class: 'muted' }, d.description) : '');
  if (!versions.length) { main.append(h('div', { class: 'empty' }, 'No versions yet.')); return; }

  const tags = d.tags || {};
  const tagList = Array.isArray(tags) ? tags : Object.entries(tags).map(([t, v]) => ({ tag: t, version: v }));
  const history = h('table', { class: 'kv versions', 'aria-label': 'Version history' },
    h('thead', null, h('tr', null, ['Version', 'Message', 'Author', 'Files', 'Size', 'Hash', 'Created'].map(t =>
      h('th', { class: t === 'Files' || t === 'Size' ? 'num' : null }, t)))),
    h('tbody', null, versions.map(v => h('tr', { dataset: { version: String(v.number) } },
      h('td', null, h('b', null, 'v' + v.number), ' ', tagList.filter(t => String(t.version) === String(v.number) || t.version === v.ref)
        .map(t => h('span', { class: 'tag' }, t.tag || t.name))),
      h('td', null, v.message || ''), h('td', null, v.author || ''),
      h('td', { class: 'num' }, String(v.file_count ?? '')), h('td', { class: 'num' }, fmtBytes(v.total_bytes)),
      h('td', null, h('code', { class: 'muted' }, shortHash(v.hash))), h('td', null, fmtAgo(v.created_at))))));

  const refOf = v => 'v' + v.number;
  const pick = (label, sel) => h('select', { 'aria-label': label }, versions.map(v =>
    h('option', { value: refOf(v), selected: sel === v.number }, 'v' + v.number + (v.message ? ' — ' + v.message.slice(0, 40) : ''))));
  const wanted = Number(new URLSearchParams(location.search).get('version')) || versions[0].number;

  // Files browser
  const fileVersion = pick('Version to browse', wanted);
  const prefix = h('input', { type: 'search', placeholder: 'Path prefix', 'aria-label': 'Path prefix' });
  const filesBox = h('div');
  let offset = 0;
  const loadFiles = async () => {
    const r = await api(base + '/versions/' + enc(fileVersion.value) + '/files' + qs({ prefix: prefix.value, limit: 200, offset }));
    clear(filesBox).append(h('table', { class: 'kv files', 'aria-label': 'Files' },
      h('thead', null, h('tr', null, h('th', null, 'Path'), h('th', { class: 'num' }, 'Size'), h('th', null, 'Hash'))),
      h('tbody', null, r.files.map(f => h('tr', null, h('td', null, f.path), h('td', { class: 'num' }, fmtBytes(f.size)),
        h('td', null, h('code', { class: 'muted' }, shortHash(f.hash))))))),
    h('div', { class: 'pager' },
      h('button', { class: 'btn', disabled: offset === 0, onclick: () => { offset = Math.max(0, offset - 200); loadFiles(); } }, 'Previous'),
      h('span', { class: 'muted' }, r.total ? (offset + 1) + '–' + (offset + r.files.length) + ' of ' + r.total : 'no files'),
      h('button', { class: 'btn', disabled: offset + r.files.length >= r.total, onclick: () => { offset += 200; loadFiles(); } }, 'Next')));
  };
  fileVersion.addEventListener('change', () => { offset = 0; loadFiles(); lineage(); });
  prefix.addEventListener('input', debounce(() => { offset = 0; loadFiles(); }, 200));

  // Diff
  const from = pick('From version', versions.length > 1 ? versions[1].number : versions[0].number);
  const to = pick('To version', versions[0].number);
  const diffBox = h('div', { class: 'diff-box', 'aria-live': 'polite' });
  const loadDiff = async () => {
    const r = await api(base + '/diff' + qs({ from: from.value, to: to.value }));
    const rows = [
      ...r.added.map(f => ({ kind: 'added', path: f.path, size: fmtBytes(f.size) })),
      ...r.removed.map(f => ({ kind: 'removed', path: f.path, size: fmtBytes(f.size) })),
      ...r.modified.map(f => ({ kind: 'modified', path: f.path, size: fmtBytes(f.old_size) + ' → ' + fmtBytes(f.new_size) })),
    ].sort((a, b) => a.path.localeCompare(b.path));
    clear(diffBox).append(
      h('p', { class: 'diff-summary' }, h('span', { class: 'added' }, '+' + r.added.length + ' added'), ' · ',
        h('span', { class: 'removed' }, '−' + r.removed.length + ' removed'), ' · ',
        h('span', { class: 'modified' }, '~' + r.modified.length + ' modified')),
      rows.length ? h('table', { class: 'kv diff-table', 'aria-label': 'Diff' }, h('tbody', null, rows.slice(0, 2000).map(x =>
        h('tr', { class: 'diff-' + x.kind, dataset: { kind: x.kind } }, h('td', { class: 'diff-mark' }, x.kind === 'added' ? '+' : x.kind === 'removed' ? '−' : '~'),
          h('td', null, x.path), h('td', { class: 'num' }, x.size))))) : h('p', { class: 'muted' }, 'The two versions hold the same files.'));
  };
  from.addEventListener('change', loadDiff);
  to.addEventListener('change', loadDiff);

  // Lineage
  const lineageBox = h('div');
  const lineage = async () => {
    const r = await api(base + '/versions/' + enc(fileVersion.value) + '/runs').catch(() => null);
    const runs = r == null ? null : Array.isArray(r) ? r : (r.runs || []);
    clear(lineageBox).append(runs == null ? h('p', { class: 'muted' }, 'Lineage is not available.')
      : runs.length ? h('ul', { class: 'lineage' }, runs.map(run => h('li', null, h('a', { href: runHref(run.id) }, run.name), ' ',
        stateBadge(run.state), ' ', h('span', { class: 'muted' }, run.project))))
      : h('p', { class: 'muted' }, 'No run used ' + fileVersion.value + ' yet.'));
  };

  main.append(
    h('section', { 'aria-label': 'Versions' }, h('h2', null, 'Versions'), history),
    h('section', { 'aria-label': 'Diff' }, h('div', { class: 'ws-head' }, h('h2', null, 'Diff'), h('label', null, 'From ', from), h('label', null, 'to ', to)), diffBox),
    h('section', { 'aria-label': 'Files' }, h('div', { class: 'ws-head' }, h('h2', null, 'Files'), fileVersion, prefix), filesBox),
    h('section', { 'aria-label': 'Lineage' }, h('h2', null, 'Runs that used this version'), lineageBox));
  await Promise.all([loadFiles(), loadDiff(), lineage()]);
}
