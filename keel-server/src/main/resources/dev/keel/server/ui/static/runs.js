// The workspace of a project: the runs table (left) beside one chart per metric (right), the
// way W&B lays it out. Sort, filter, columns, grouping, selection and CSV export act on the
// server's search; charts show the selected runs, else the first 20 of the current view.
import { api, qs, series, ApiError } from './api.js';
import { h, clear, debounce, fmtNum, markPainted, runHref, setCrumbs, stateBadge, sweepHref } from './dom.js';
import { RunsTable, BUILTIN, columnDef } from './table.js';
import { ChartPanel, defaults, settingsBar } from './chart.js';
import { runColor } from './colors.js';
import { mainMetric, metricOrder } from './metrics.js';
import { editRun } from './edit.js';
import { flowSvg, flowView } from './flow.js';

const CHART_RUNS = 20;
const storeKey = p => 'keel.columns.' + p;

export async function render(main, project) {
  setCrumbs({ label: 'Projects', href: '/' }, { label: project });
  const cols = await api('/api/v1/projects/' + encodeURIComponent(project) + '/columns');
  const state = { project, cols, hidden: new Set(), chartRuns: [], settings: defaults(), panels: new Map() };

  const filterInput = h('input', { type: 'search', class: 'filter', placeholder: 'Filter: config.lr < 0.01 and state = finished',
    'aria-label': 'Filter runs', spellcheck: 'false' });
  const filterError = h('div', { class: 'filter-error', role: 'alert', 'aria-live': 'polite' });
  const count = h('span', { class: 'count muted', 'aria-live': 'polite' });
  const compareBtn = h('button', { class: 'btn', disabled: true, onclick: () => location.assign('/compare' + qs({ runs: [...table.selected] })) }, 'Compare');
  const exportBtn = h('button', { class: 'btn', onclick: () => exportCsv(state, table) }, 'Export CSV');
  const colsBtn = h('button', { class: 'btn', 'aria-haspopup': 'dialog', onclick: () => openPicker(state, table, colsBtn) }, 'Columns');
  const groupSel = h('select', { 'aria-label': 'Group by', class: 'group-by' },
    h('option', { value: '' }, 'No grouping'),
    ['sweep', 'group', 'user', 'state'].map(k => h('option', { value: k }, k)),
    cols.config.map(k => h('option', { value: 'config.' + k }, 'config.' + k)));
  const groupsEl = h('div', { class: 'groups' });
  groupsEl.hidden = true;

  const table = new RunsTable({
    project, hidden: state.hidden,
    colorOf: runColor,
    onOpen: r => location.assign(runHref(r.id)),
    onHover: id => state.panels.forEach(p => p.setHighlight(id)),
    onToggleHidden: id => {
      if (state.hidden.has(id)) state.hidden.delete(id); else state.hidden.add(id);
      table.draw();
      state.panels.forEach(p => p.apply(state.settings, state.hidden, null));
    },
    onSelect: sel => {
      compareBtn.disabled = sel.size < 2;
      compareBtn.textContent = sel.size ? 'Compare ' + sel.size : 'Compare';
      chartSelection(state, table);
    },
    onEdit: (run, field) => editRun(run, field).then(r => { if (r) table.update(r); }),
    onPage: () => chartSelection(state, table),
  });
  table.setColumns(loadColumns(project, cols));

  const charts = h('div', { class: 'panels' });
  const system = h('div', { class: 'panels' });
  const systemBox = h('details', { class: 'system' }, h('summary', null, 'System'), system);
  const workspace = h('section', { class: 'workspace', 'aria-label': 'Charts' },
    h('div', { class: 'ws-head' }, h('h2', null, 'Charts'),
      settingsBar(state.settings, s => state.panels.forEach(p => p.apply(s, state.hidden, null)))),
    charts, systemBox);
  for (const key of cols.metrics) {
    const p = new ChartPanel(key, { height: 200 });
    state.panels.set(key, p);
    (key.startsWith('system/') ? system : charts).append(p.el);
  }
  if (!cols.metrics.length) charts.append(h('div', { class: 'empty' }, 'No metrics logged yet.'));
  systemBox.hidden = !cols.metrics.some(k => k.startsWith('system/'));

  const sweepsEl = h('section', { class: 'sweeps-list', 'aria-label': 'Sweeps' });
  sweepsEl.hidden = true;
  const flowEl = h('section', { class: 'flow-section', 'aria-label': 'Flow' });
  flowEl.hidden = true;
  main.classList.add('wide');
  main.append(
    h('div', { class: 'page-head' }, h('h1', null, project), count),
    sweepsEl,
    flowEl,
    h('div', { class: 'workspace-layout' },
      h('section', { class: 'runs-pane', 'aria-label': 'Runs table' },
        h('div', { class: 'toolbar' }, filterInput, groupSel, colsBtn, exportBtn, compareBtn),
        filterError, groupsEl, table.el),
      workspace));

  const applyFilter = async () => {
    table.filter = filterInput.value.trim();
    try {
      await table.reload();
      filterError.textContent = '';
      filterInput.removeAttribute('aria-invalid');
    } catch (e) {
      filterError.textContent = e instanceof ApiError ? e.message.replace(/^query parameter 'filter': /, '') : String(e);
      filterInput.setAttribute('aria-invalid', 'true');
    }
    count.textContent = table.total + (table.total === 1 ? ' run' : ' runs');
    if (groupSel.value) showGroups(state, table, groupSel.value, groupsEl, filterInput, applyFilter);
  };
  filterInput.addEventListener('input', debounce(applyFilter, 250));
  filterInput.addEventListener('keydown', e => { if (e.key === 'Enter') applyFilter(); });
  groupSel.addEventListener('change', () => {
    if (groupSel.value) showGroups(state, table, groupSel.value, groupsEl, filterInput, applyFilter);
    else groupsEl.hidden = true;
  });
  await applyFilter();
  showSweeps(project, sweepsEl);
  showFlow(project, flowEl);
  live(state, table, count);
}

/** The project's flow (keel repro's stages), each stage with its last run; nothing when none was recorded. */
async function showFlow(project, el) {
  const { flow, runs } = await flowView(project);
  if (!flow || !(flow.stages || []).length) return;
  el.hidden = false;
  clear(el).append(h('details', { open: true },
    h('summary', null, 'Flow (' + flow.stages.filter(st => st.command !== '').length + ' stages, recorded ' + new Date(flow.recorded_at).toLocaleString() + ')'),
    h('div', { class: 'scroll-x flow-box' }, flowSvg(flow, runs, null))));
  el.dataset.state = 'drawn';
}

/** The project's sweeps, newest first, each linked to its page; nothing when it has none. */
async function showSweeps(project, el) {
  let sweeps;
  try {
    sweeps = (await api('/api/v1/projects/' + encodeURIComponent(project) + '/sweeps')).sweeps;
  } catch (e) {
    return;
  }
  if (!sweeps.length) return;
  el.hidden = false;
  clear(el).append(h('details', { open: sweeps.length <= 5 ? true : null },
    h('summary', null, 'Sweeps (' + sweeps.length + ')'),
    h('div', { class: 'scroll-x' }, h('table', { class: 'kv sweeps', 'aria-label': 'Sweeps' },
      h('thead', null, h('tr', null, h('th', null, 'Name'), h('th', null, 'State'), h('th', null, 'Method'),
        h('th', { class: 'num' }, 'Trials'), h('th', null, 'Metric'), h('th', { class: 'num' }, 'Best'))),
      h('tbody', null, sweeps.map(s => h('tr', { dataset: { sweep: s.id } },
        h('td', null, h('a', { href: sweepHref(s.id) }, s.name), ' ', h('code', { class: 'muted' }, s.id)),
        h('td', null, stateBadge(s.state)),
        h('td', null, s.method || '—'),
        h('td', { class: 'num' }, String(s.trials), s.counts.running ? h('span', { class: 'muted' }, ' (' + s.counts.running + ' running)') : ''),
        h('td', null, s.metric.name ? [h('code', null, s.metric.name), ' ', h('span', { class: 'muted' }, s.metric.goal)] : '—'),
        h('td', { class: 'num' }, s.best ? [h('b', null, fmtNum(s.best.metric)),
          h('span', { class: 'muted' }, ' · trial ' + s.best.number)] : '—'))))))));
}

function loadColumns(project, cols) {
  try {
    const saved = JSON.parse(localStorage.getItem(storeKey(project)) || 'null');
    if (Array.isArray(saved) && saved.length) return saved;
  } catch (e) { /* a broken entry falls back to the defaults */ }
  return defaultColumns(cols);
}

/**
 * Results first: name and state, the main metric and the summary metrics that differ between
 * runs, then the config keys that differ (a key equal in every run says nothing about the
 * results, as in the compare view), then the rest of the built-in columns.
 */
function defaultColumns(cols) {
  const differing = new Set(cols.differing || []);
  const main = mainMetric(cols.summary);
  const ordered = metricOrder(cols.summary);
  let summary = ordered.filter(k => k === main || differing.has('summary.' + k));
  if (summary.length <= 1) summary = ordered;
  const config = cols.config.filter(k => differing.has('config.' + k));
  return ['name', 'state', ...summary.slice(0, 8).map(k => 'summary.' + k), ...config.slice(0, 6).map(k => 'config.' + k),
    ...BUILTIN.map(c => c.id).filter(id => id !== 'name' && id !== 'state')];
}

function saveColumns(project, ids) {
  try { localStorage.setItem(storeKey(project), JSON.stringify(ids)); } catch (e) { /* private mode */ }
}

/** The column picker: show/hide with checkboxes, reorder with ↑ ↓; remembered per project. */
function openPicker(state, table, anchor) {
  const existing = document.querySelector('.picker');
  if (existing) { existing.remove(); return; }
  const all = [...BUILTIN.map(c => c.id), ...state.cols.config.map(k => 'config.' + k), ...state.cols.summary.map(k => 'summary.' + k)];
  let shown = table.columns.map(c => c.id);
  const search = h('input', { type: 'search', placeholder: 'Find a column', 'aria-label': 'Find a column' });
  const list = h('ul', { class: 'picker-list' });
  const commit = () => { table.setColumns(shown); saveColumns(state.project, shown); draw(); };
  const draw = () => {
    clear(list);
    const q = search.value.toLowerCase();
    const order = [...shown, ...all.filter(id => !shown.includes(id))];
    for (const id of order) {
      if (q && !id.toLowerCase().includes(q)) continue;
      const on = shown.includes(id);
      list.append(h('li', { dataset: { col: id } },
        h('label', null, h('input', { type: 'checkbox', checked: on, onchange: e => {
          shown = e.target.checked ? [...shown, id] : shown.filter(x => x !== id);
          commit();
        } }), ' ', columnDef(id).group ? id : columnDef(id).label),
        on ? h('span', { class: 'move' },
          h('button', { class: 'icon', 'aria-label': 'Move ' + id + ' up', onclick: () => { move(id, -1); } }, '↑'),
          h('button', { class: 'icon', 'aria-label': 'Move ' + id + ' down', onclick: () => { move(id, 1); } }, '↓')) : null));
    }
  };
  const move = (id, d) => {
    const i = shown.indexOf(id);
    const j = i + d;
    if (j < 0 || j >= shown.length) return;
    [shown[i], shown[j]] = [shown[j], shown[i]];
    commit();
  };
  search.addEventListener('input', draw);
  const box = h('div', { class: 'picker', role: 'dialog', 'aria-label': 'Columns' },
    h('div', { class: 'picker-head' }, search,
      h('button', { class: 'btn', onclick: () => { localStorage.removeItem(storeKey(state.project)); shown = defaultColumns(state.cols); table.setColumns(shown); draw(); } }, 'Reset'),
      h('button', { class: 'btn', onclick: () => box.remove() }, 'Done')),
    list);
  box.addEventListener('keydown', e => { if (e.key === 'Escape') { box.remove(); anchor.focus(); } });
  anchor.parentElement.append(box);
  draw();
  search.focus();
}

function exportCsv(state, table) {
  const url = '/api/v1/projects/' + encodeURIComponent(state.project) + '/runs.csv' +
    qs({ filter: table.filter, sort: table.sort, columns: table.columns.map(c => c.id) });
  const a = h('a', { href: url, download: state.project + '-runs.csv' });
  document.body.append(a);
  a.click();
  a.remove();
}

async function showGroups(state, table, by, el, filterInput, applyFilter) {
  const metrics = table.columns.filter(c => c.id.startsWith('summary.')).map(c => c.id);
  const r = await api('/api/v1/projects/' + encodeURIComponent(state.project) + '/groups' +
    qs({ by, filter: table.filter, metrics }));
  clear(el);
  el.hidden = false;
  const head = h('tr', null, h('th', null, by), h('th', { class: 'num' }, 'Runs'), metrics.map(m => h('th', { class: 'num' }, m.slice(8) + ' (mean · min–max)')));
  const rows = r.groups.map(g => h('tr', { tabindex: '0', title: 'Filter to this group', onclick: () => pick(g), onkeydown: e => { if (e.key === 'Enter') pick(g); } },
    h('td', null, g.value === '' ? h('span', { class: 'muted' }, '(none)')
      : g.label ? [g.label, ' ', h('code', { class: 'muted' }, g.value), by === 'sweep'
        ? [' ', h('a', { href: sweepHref(g.value), title: 'Open the sweep', onclick: e => e.stopPropagation() }, 'sweep page')] : '']
        : g.value),
    h('td', { class: 'num' }, String(g.count)),
    metrics.map(m => {
      const s = g.metrics[m];
      return h('td', { class: 'num' }, s && s.count ? fmtNum(s.mean) + ' · ' + fmtNum(s.min) + '–' + fmtNum(s.max) : '');
    })));
  el.append(h('table', { class: 'kv groups-table' }, h('thead', null, head), h('tbody', null, rows)));
  function pick(g) {
    const field = by;
    const quoted = '"' + g.value.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
    const cond = field + ' = ' + (g.value !== '' && !isNaN(Number(g.value)) ? g.value : quoted);
    filterInput.value = table.filter ? '(' + table.filter + ') and ' + cond : cond;
    applyFilter();
  }
}

/** Charts show the selected runs, else the first CHART_RUNS of the view. */
async function chartSelection(state, table) {
  const pool = table.selected.size ? table.loadedRuns().filter(r => table.selected.has(r.id)) : (table.pages.get(0) || []).slice(0, CHART_RUNS);
  state.chartRuns = pool;
  await drawCharts(state, pool.map(r => r.id));
}

async function drawCharts(state, runIds) {
  const keys = [...state.panels.keys()];
  if (!keys.length) return;
  const byKey = new Map(keys.map(k => [k, []]));
  if (runIds.length) {
    const width = Math.max(...[...state.panels.values()].map(p => p.width()));
    const runsById = new Map(state.chartRuns.map(r => [r.id, r]));
    const got = await series(runIds, keys, Math.min(4000, Math.max(200, Math.round(width * 2))));
    for (const s of got) {
      const run = runsById.get(s.run);
      if (!run) continue;
      byKey.get(s.key).push({ id: s.run, label: run.name, color: runColor(s.run), steps: s.steps, values: s.values,
        timestamps: s.timestamps, start: run.created_at });
    }
  }
  for (const [key, lines] of byKey) {
    const p = state.panels.get(key);
    p.settings = state.settings;
    p.hidden = state.hidden;
    p.setLines(lines);
  }
  document.querySelector('.workspace').dataset.drawn = String(Date.now());
  if (runIds.length) markPainted('keel-charts');
}

/** Live updates: running runs' rows change in place and their lines are fetched again. */
function live(state, table, count) {
  const url = '/api/v1/projects/' + encodeURIComponent(state.project) + '/events';
  const es = new EventSource(url);
  const redraw = debounce(() => drawCharts(state, state.chartRuns.map(r => r.id)), 150);
  es.addEventListener('run', e => {
    const run = JSON.parse(e.data);
    table.update(run);
    const i = state.chartRuns.findIndex(r => r.id === run.id);
    if (i >= 0) { state.chartRuns[i] = run; redraw(); }
  });
  es.addEventListener('count', () => {
    table.reload().then(() => { count.textContent = table.total + (table.total === 1 ? ' run' : ' runs'); });
  });
  window.addEventListener('pagehide', () => es.close());
}
