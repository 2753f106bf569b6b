// The model registry: the list (project, latest version, aliases) and one model's page: its
// aliases, who moved them when (alias history), its versions with their metrics, a lineage
// view dataset version → run → model version → alias for the chosen version, and the drift of
// what that version's serving runs saw against its training data.
import { api, enc } from './api.js';
import { h, clear, errorBox, fmtAgo, fmtBytes, fmtDate, fmtNum, datasetHref, projectHref, runHref, setCrumbs } from './dom.js';

export const modelHref = (name, version) => '/models/' + enc(name) + (version ? '?version=' + version : '');

export async function render(main, name) {
  if (name == null) return list(main);
  return one(main, name);
}

const aliasChips = (aliases, version) => Object.entries(aliases || {})
  .filter(([, v]) => version == null || v === version)
  .map(([a, v]) => h('span', { class: 'tag alias', dataset: { alias: a } }, version == null ? a + ' → v' + v : '@' + a));

async function list(main) {
  setCrumbs({ label: 'Models' });
  const { models } = await api('/api/v1/models');
  main.append(h('div', { class: 'page-head' }, h('h1', null, 'Models'),
    h('span', { class: 'muted' }, models.length + (models.length === 1 ? ' model' : ' models'))));
  if (!models.length) {
    main.append(h('div', { class: 'empty' }, 'No registered models yet. Register one with ',
      h('code', null, 'keel model register NAME --run RUN'), '.'));
    return;
  }
  main.append(h('table', { class: 'kv models' },
    h('thead', null, h('tr', null, ['Name', 'Project', 'Latest', 'Aliases', 'Owner', 'Updated'].map(t => h('th', null, t)))),
    h('tbody', null, models.map(m => h('tr', { dataset: { model: m.name } },
      h('td', null, h('a', { href: modelHref(m.name) }, m.name), m.description ? h('div', { class: 'muted small' }, m.description) : null),
      h('td', null, h('a', { href: projectHref(m.project) }, m.project)),
      h('td', null, m.latest ? 'v' + m.latest : '—'),
      h('td', null, aliasChips(m.aliases)),
      h('td', null, m.owner || '—'),
      h('td', null, fmtAgo(m.updated)))))));
}

async function one(main, name) {
  setCrumbs({ label: 'Models', href: '/models' }, { label: name });
  const base = '/api/v1/models/' + enc(name);
  const [m, { versions }, { aliases, moves }] = await Promise.all([
    api(base), api(base + '/versions'), api(base + '/aliases')]);
  main.classList.add('wide');
  main.append(h('div', { class: 'page-head' }, h('h1', null, m.name),
    h('span', { class: 'muted' }, 'from project ', h('a', { href: projectHref(m.project) }, m.project),
      m.owner ? ', registered by ' + m.owner : '')),
    m.description ? h('p', { class: 'muted' }, m.description) : '');
  const newest = versions.slice().reverse();
  const metricKeys = [...new Set(versions.flatMap(v => Object.keys(v.lineage.metrics || {})))]
    .filter(k => !k.startsWith('_')).sort();

  const aliasTable = Object.keys(aliases).length
    ? h('table', { class: 'kv aliases', 'aria-label': 'Aliases' },
      h('thead', null, h('tr', null, ['Alias', 'Version', 'Moved by', 'When'].map(t => h('th', null, t)))),
      h('tbody', null, Object.entries(aliases).map(([a, v]) => {
        const last = moves.filter(x => x.alias === a).pop();
        return h('tr', { dataset: { alias: a } }, h('td', null, h('span', { class: 'tag alias' }, '@' + a)),
          h('td', null, h('a', { href: modelHref(name, v) }, 'v' + v)),
          h('td', null, last ? last.moved_by || '—' : '—'), h('td', null, last ? fmtDate(last.moved_at) : '—'));
      })))
    : h('p', { class: 'muted' }, 'No aliases yet: ', h('code', null, 'keel model alias ' + name + '@production VERSION'), '.');

  const history = moves.length
    ? h('table', { class: 'kv alias-history', 'aria-label': 'Alias history' },
      h('thead', null, h('tr', null, ['When', 'Alias', 'Move', 'By'].map(t => h('th', null, t)))),
      h('tbody', null, moves.slice().reverse().map(x => h('tr', { dataset: { alias: x.alias } },
        h('td', null, fmtDate(x.moved_at)), h('td', null, '@' + x.alias),
        h('td', null, (x.from ? 'v' + x.from : 'new') + ' → ' + (x.version ? 'v' + x.version : 'removed')),
        h('td', null, x.moved_by || '—')))))
    : h('p', { class: 'muted' }, 'No alias was ever moved.');

  const versionTable = h('table', { class: 'kv model-versions', 'aria-label': 'Versions' },
    h('thead', null, h('tr', null, ['Version', 'Run', 'Registered', 'By', 'Size', ...metricKeys].map(t =>
      h('th', { class: t === 'Size' || metricKeys.includes(t) ? 'num' : null }, t)))),
    h('tbody', null, newest.map(v => h('tr', { dataset: { version: String(v.version) } },
      h('td', null, h('a', { href: modelHref(name, v.version) }, h('b', null, 'v' + v.version)), ' ', aliasChips(aliases, v.version)),
      h('td', null, h('a', { href: runHref(v.lineage.run) }, v.lineage.run)),
      h('td', null, fmtAgo(v.created)), h('td', null, v.created_by || '—'),
      h('td', { class: 'num' }, fmtBytes(v.size)),
      ...metricKeys.map(k => h('td', { class: 'num', dataset: { metric: k } }, fmtNum(v.lineage.metrics[k])))))));

  const wanted = Number(new URLSearchParams(location.search).get('version'))
    || aliases.production || (newest[0] && newest[0].version);
  const chosen = versions.find(v => v.version === wanted) || newest[0];
  const driftPanel = h('div', { class: 'drift-panel', dataset: { version: String(chosen.version) } },
    h('p', { class: 'muted' }, 'Loading the serving runs…'));
  main.append(
    h('section', { 'aria-label': 'Lineage' }, h('h2', null, 'Lineage of v' + chosen.version), lineage(name, chosen, aliases)),
    h('section', { 'aria-label': 'Drift' }, h('h2', null, 'Drift of v' + chosen.version + ' in serving'), driftPanel),
    h('section', { 'aria-label': 'Aliases' }, h('h2', null, 'Aliases'), aliasTable),
    h('section', { 'aria-label': 'Versions' }, h('h2', null, 'Versions'), versionTable),
    h('section', { 'aria-label': 'Alias history' }, h('h2', null, 'Alias history'), history),
    h('section', { 'aria-label': 'Files' }, h('h2', null, 'Files of v' + chosen.version), files(chosen)));
  try {
    drift(clear(driftPanel), name, chosen.version, await api(base + '/versions/' + chosen.version + '/drift'));
  } catch (e) {
    clear(driftPanel).append(errorBox(e));
  }
}

// The version's serving runs, recent first: the latest population stability index of inputs and
// of predicted classes, a status read from the thresholds the server sends, and PSI over time.
function drift(panel, name, version, d) {
  const t = d.thresholds;
  const fmtPsi = v => v == null ? '—' : v.toFixed(3);
  panel.dataset.status = d.runs.length ? d.runs[0].status : 'none';
  if (!d.runs.length) {
    panel.append(h('p', { class: 'muted' }, 'No serving run of ' + name + ':v' + version + ' in project ' + d.project + ' yet: ',
      h('code', null, 'keel serve ' + name + ':v' + version), ' logs one.'));
    return;
  }
  panel.append(
    h('table', { class: 'kv drift-runs', 'aria-label': 'Serving runs' },
      h('thead', null, h('tr', null, ['Serving run', 'State', 'Started', 'Status', 'PSI inputs', 'PSI classes', 'PSI over time']
        .map(x => h('th', { class: x.startsWith('PSI ') && x !== 'PSI over time' ? 'num' : null }, x)))),
      h('tbody', null, d.runs.map(r => h('tr', { dataset: { run: r.id, status: r.status } },
        h('td', null, h('a', { href: runHref(r.id) }, r.name)),
        h('td', null, r.state),
        h('td', null, fmtAgo(r.created)),
        h('td', null, h('span', { class: 'tag drift-status drift-' + r.status.replace(' ', '-') }, r.status)),
        h('td', { class: 'num', dataset: { psi: 'input' } }, fmtPsi(r.latest && r.latest.psi_input)),
        h('td', { class: 'num', dataset: { psi: 'classes' } }, fmtPsi(r.latest && r.latest.psi_classes)),
        h('td', null, sparkline(r.points, t)))))),
    h('p', { class: 'muted small' }, 'Population stability index of each interval against the training data\'s statistics'
      + ' (', h('code', null, d.metrics.input), ', ', h('code', null, d.metrics.classes), '): below ' + t.moderate
      + ' stable, ' + t.moderate + '–' + t.drifted + ' moderate, above ' + t.drifted + ' drifted. The status reads the worse'
      + ' of the two latest values.'));
}

// PSI per interval as a small SVG chart: inputs solid, classes dashed, the thresholds as faint lines.
function sparkline(points, t) {
  const W = 160;
  const H = 36;
  const NS = 'http://www.w3.org/2000/svg';
  const s = (tag, attrs) => {
    const el = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
    return el;
  };
  const values = points.flatMap(p => [p.psi_input, p.psi_classes]).filter(v => v != null);
  const svg = s('svg', { class: 'drift-chart', width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: 'img',
    'aria-label': 'PSI over ' + points.length + (points.length === 1 ? ' interval' : ' intervals') });
  if (!values.length) return svg;
  const top = Math.max(t.drifted * 1.2, ...values);
  const x = i => points.length < 2 ? W / 2 : 2 + i * (W - 4) / (points.length - 1);
  const y = v => H - 2 - v / top * (H - 4);
  for (const level of [t.moderate, t.drifted]) {
    svg.append(s('line', { class: 'drift-threshold', x1: 0, x2: W, y1: y(level), y2: y(level) }));
  }
  for (const [key, cls] of [['psi_input', 'drift-line input'], ['psi_classes', 'drift-line classes']]) {
    const at = points.map((p, i) => p[key] == null ? null : [x(i), y(p[key])]).filter(Boolean);
    if (at.length === 1) svg.append(s('circle', { class: cls, cx: at[0][0], cy: at[0][1], r: 2 }));
    else if (at.length) svg.append(s('polyline', { class: cls, points: at.map(p => p.join(',')).join(' '), 'data-key': key }));
  }
  return svg;
}

// dataset versions → run → this version → the aliases that point at it
function lineage(name, v, aliases) {
  const l = v.lineage;
  const arrow = () => h('span', { class: 'flow-arrow', 'aria-hidden': 'true' }, '→');
  const datasetLink = ref => {
    const [ds, ver] = ref.split(':');
    return h('a', { href: datasetHref(ds) + (ver && /^v\d+$/.test(ver) ? '?version=' + ver.slice(1) : '') }, ref);
  };
  const step = (label, ...content) => h('div', { class: 'flow-step', dataset: { step: label } },
    h('div', { class: 'muted small' }, label), ...content);
  const pointing = Object.entries(aliases).filter(([, x]) => x === v.version).map(([a]) => a);
  return h('div', { class: 'flow lineage-flow' },
    step('datasets', ...(l.datasets.length ? l.datasets.map(d => h('div', null, datasetLink(d))) : [h('div', { class: 'muted' }, 'none recorded')])),
    arrow(),
    step('run', h('a', { href: runHref(l.run) }, l.run), l.commit ? h('div', { class: 'muted small' }, 'commit ' + l.commit.slice(0, 10)) : null),
    arrow(),
    step('version', h('b', null, name + ':v' + v.version), h('div', { class: 'muted small' }, fmtBytes(v.size))),
    arrow(),
    step('aliases', ...(pointing.length ? pointing.map(a => h('div', null, h('span', { class: 'tag alias' }, '@' + a))) : [h('div', { class: 'muted' }, 'none')])));
}

function files(v) {
  return h('table', { class: 'kv files', 'aria-label': 'Version files' },
    h('thead', null, h('tr', null, h('th', null, 'Path'), h('th', { class: 'num' }, 'Size'), h('th', null, 'Hash'))),
    h('tbody', null, v.files.map(f => h('tr', null,
      h('td', null, h('a', { href: '/api/v1/models/' + enc(v.model) + '/versions/' + v.version + '/files/' + f.path.split('/').map(enc).join('/') }, f.path)),
      h('td', { class: 'num' }, fmtBytes(f.size)),
      h('td', null, h('code', { class: 'muted' }, String(f.hash).replace(/^sha256:/, '').slice(0, 12)))))));
}
