// Comparing 2+ runs: config diff (differing keys only, unless asked), summary side by side,
// the environment differences of each run against the first (what `keel env diff` prints),
// overlaid charts of every metric, and a parallel-coordinates plot of config → metric.
import { api, series } from './api.js';
import { h, clear, projectHref, runHref, setCrumbs, stateBadge, valueView } from './dom.js';
import { ChartPanel, defaults, settingsBar } from './chart.js';
import { runColor } from './colors.js';
import { flatten } from './run.js';
import { parallelCoordinates } from './parcoords.js';

export async function render(main) {
  const ids = (new URLSearchParams(location.search).get('runs') || '').split(',').map(s => s.trim()).filter(Boolean);
  if (ids.length < 2) {
    setCrumbs({ label: 'Compare' });
    main.append(h('div', { class: 'empty' }, 'Pick two or more runs in a project\'s table, then press Compare.'));
    return;
  }
  const runs = await Promise.all(ids.map(id => api('/api/v1/runs/' + encodeURIComponent(id))));
  const project = runs[0].project;
  setCrumbs({ label: 'Projects', href: '/' }, { label: project, href: projectHref(project) }, { label: 'Compare ' + runs.length + ' runs' });
  const color = new Map(runs.map(r => [r.id, runColor(r.id)]));

  const onlyDiff = h('input', { type: 'checkbox', checked: true });
  const configBox = h('div');
  const drawConfig = () => clear(configBox).append(sideBySide(runs, r => r.config, onlyDiff.checked, color, 'config'));
  onlyDiff.addEventListener('change', drawConfig);
  drawConfig();

  const settings = defaults();
  const panels = new Map();
  const charts = h('div', { class: 'panels' });
  const keyLists = await Promise.all(runs.map(r => api('/api/v1/runs/' + encodeURIComponent(r.id) + '/metrics').then(x => x.keys)));
  const keys = [...new Set(keyLists.flat())].sort((a, b) => (a.startsWith('system/') - b.startsWith('system/')) || a.localeCompare(b));
  for (const k of keys) {
    const p = new ChartPanel(k, { height: 200 });
    panels.set(k, p);
    charts.append(p.el);
  }
  const pc = h('div', { class: 'parcoords' });
  const envBox = h('div', { class: 'env-box' }, h('p', { class: 'muted' }, 'Reading the runs\' environments…'));
  main.classList.add('wide');
  main.append(
    h('div', { class: 'page-head' }, h('h1', null, 'Compare ' + runs.length + ' runs')),
    h('div', { class: 'legend' }, runs.map(r => h('a', { class: 'legend-item', href: runHref(r.id) },
      h('i', { style: { background: color.get(r.id) } }), r.name, ' ', stateBadge(r.state)))),
    h('section', { 'aria-label': 'Config' }, h('div', { class: 'ws-head' }, h('h2', null, 'Config'),
      h('label', null, onlyDiff, ' Only differing keys')), configBox),
    h('section', { 'aria-label': 'Summary' }, h('h2', null, 'Summary'), sideBySide(runs, r => r.summary, false, color, 'summary')),
    h('section', { 'aria-label': 'Environment' }, h('h2', null, 'Environment'), envBox),
    h('section', { 'aria-label': 'Parallel coordinates' }, h('h2', null, 'Config → metric'), pc),
    h('section', { 'aria-label': 'Charts' }, h('div', { class: 'ws-head' }, h('h2', null, 'Charts'),
      settingsBar(settings, s => panels.forEach(p => p.apply(s)))), charts));

  parallelCoordinates(pc, runs, color);
  environment(envBox, runs, color);
  if (keys.length) {
    const got = await series(ids, keys, 1500);
    const byKey = new Map(keys.map(k => [k, []]));
    const byId = new Map(runs.map(r => [r.id, r]));
    for (const s of got) {
      const r = byId.get(s.run);
      byKey.get(s.key).push({ id: r.id, label: r.name, color: color.get(r.id), steps: s.steps, values: s.values,
        timestamps: s.timestamps, start: r.created_at });
    }
    byKey.forEach((lines, k) => panels.get(k).setLines(lines));
  }
  main.dataset.charts = 'drawn';
}

function sideBySide(runs, pick, onlyDiff, color, name) {
  const flat = runs.map(r => new Map(flatten(pick(r))));
  const keys = [...new Set(flat.flatMap(m => [...m.keys()]))].sort();
  const rows = keys.filter(k => {
    if (!onlyDiff) return true;
    const vals = flat.map(m => JSON.stringify(m.get(k)));
    return vals.some(v => v !== vals[0]);
  });
  if (!rows.length) return h('p', { class: 'muted' }, onlyDiff ? 'All ' + name + ' values are the same.' : 'No ' + name + '.');
  return h('div', { class: 'scroll-x' }, h('table', { class: 'kv compare', 'aria-label': name },
    h('thead', null, h('tr', null, h('th', null, 'Key'), runs.map(r => h('th', { class: 'num' },
      h('i', { class: 'swatch', style: { background: color.get(r.id) } }), r.name)))),
    h('tbody', null, rows.map(k => h('tr', { dataset: { key: k } }, h('th', null, k),
      flat.map(m => h('td', { class: 'num' }, valueView(m.get(k)))))))));
}

/**
 * Every recorded environment difference (JVM, OS, CPU, thread counts, GPUs, dependencies,
 * datasets, config, seeds) of each run against the first, in one table: a run whose value is the
 * first run's shows it too, so each row reads across.
 */
async function environment(box, runs, color) {
  const first = runs[0];
  let diffs;
  try {
    diffs = await Promise.all(runs.slice(1).map(r =>
      api('/api/v1/runs/' + encodeURIComponent(first.id) + '/env-diff?to=' + encodeURIComponent(r.id))));
  } catch (e) {
    clear(box).append(h('p', { class: 'muted' }, 'Cannot compare the environments: ' + e.message));
    return;
  }
  const rows = new Map();
  diffs.forEach((d, i) => {
    for (const x of d.differences) {
      const k = x.section + '\u0000' + x.key;
      if (!rows.has(k)) rows.set(k, { section: x.section, key: x.key, first: x.left, values: new Map() });
      rows.get(k).values.set(i + 1, x.right);
    }
  });
  const notes = [...new Set(diffs.flatMap(d => d.notes || []))];
  const shown = v => v == null ? h('span', { class: 'muted' }, '—') : h('code', null, String(v));
  clear(box).append(
    rows.size ? h('div', { class: 'scroll-x' }, h('table', { class: 'kv compare env-diff', 'aria-label': 'environment' },
      h('thead', null, h('tr', null, h('th', null, 'Section'), h('th', null, 'Key'), runs.map(r => h('th', null,
        h('i', { class: 'swatch', style: { background: color.get(r.id) } }), r.name)))),
      h('tbody', null, [...rows.values()].map(row => h('tr', { dataset: { section: row.section, key: row.key } },
        h('td', null, row.section), h('th', null, row.key),
        runs.map((r, i) => h('td', null, shown(i === 0 ? row.first : row.values.has(i) ? row.values.get(i) : row.first))))))))
      : h('p', { class: 'muted no-env-diff' }, 'No recorded environment difference.'),
    notes.length ? h('ul', { class: 'muted small env-notes' }, notes.map(n => h('li', null, n))) : null);
  box.dataset.state = 'drawn';
}
