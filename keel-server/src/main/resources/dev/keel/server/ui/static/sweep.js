// One sweep: its state, method and metric, the best run so far, trial counts, the metric against
// the trial number, parallel coordinates of parameters → metric, the parameters' importance and
// the trials table. Live while the sweep runs: each change the server reports reloads the view.
import { api } from './api.js';
import { h, clear, debounce, fmtAgo, fmtDate, fmtDuration, fmtNum, fmtValue, markPainted, projectHref, runHref, setCrumbs, stateBadge } from './dom.js';
import { STATE_COLORS, importanceTable, metricChart, num, parallelCoordinates, stateLegend, trialMetric } from './sweepplots.js';

export async function render(main, id) {
  const url = '/api/v1/sweeps/' + encodeURIComponent(id) + '/overview';
  let view = await api(url);
  const s = view.sweep;
  setCrumbs({ label: 'Projects', href: '/' }, { label: s.project, href: projectHref(s.project) }, { label: 'Sweep ' + s.name });

  const badge = h('span');
  const overview = h('div', { class: 'sweep-overview' });
  const chart = h('div', { class: 'plot sweep-chart' });
  const legend = h('div');
  const pc = h('div', { class: 'parcoords sweep-pc' });
  const importance = h('div', { class: 'sweep-importance' });
  const table = new TrialsTable();
  main.classList.add('wide');
  main.append(
    h('div', { class: 'page-head' }, h('h1', null, s.name), badge, h('code', { class: 'muted runid' }, s.id)),
    overview,
    h('div', { class: 'sweep-grid' },
      h('section', { class: 'panel', 'aria-label': 'Metric by trial', id: 'sweep-metric' },
        h('header', null, h('h3', { class: 'metric-title' })), chart, legend),
      h('section', { class: 'panel', 'aria-label': 'Parameter importance', id: 'sweep-importance' },
        h('header', null, h('h3', null, 'Parameter importance')), importance)),
    h('section', { 'aria-label': 'Parallel coordinates', id: 'sweep-parcoords' }, h('h2', null, 'Parameters → metric'), pc),
    h('section', { 'aria-label': 'Trials', id: 'sweep-trials' }, h('h2', { class: 'trials-title' }, 'Trials'), table.el));

  const draw = () => {
    clear(badge).append(stateBadge(view.sweep.state));
    clear(overview).append(overviewOf(view));
    main.querySelector('.metric-title').textContent = (view.metric.name || 'metric') + ' by trial (' + view.metric.goal + ')';
    metricChart(chart, view);
    clear(legend).append(stateLegend(view.counts));
    parallelCoordinates(pc, view);
    importanceTable(importance, view.importance, view.parameters);
    main.querySelector('.trials-title').textContent = 'Trials (' + view.total + ')';
    table.set(view);
    main.dataset.sweep = 'drawn';
    main.dataset.trials = String(view.total);
    markPainted('keel-sweep');
  };
  draw();

  if (view.sweep.state === 'running' || view.trials.some(t => t.state === 'running' || t.state === 'paused')) {
    const es = new EventSource('/api/v1/sweeps/' + encodeURIComponent(id) + '/events');
    const reload = debounce(async () => {
      try { view = await api(url); draw(); } catch (e) { /* keep what is shown; the next event tries again */ }
    }, 200);
    // The first event is the state when the stream opened: reloading then catches any change
    // made between the first fetch and the stream.
    es.addEventListener('sweep', reload);
    es.addEventListener('end', () => { es.close(); reload(); });
    window.addEventListener('pagehide', () => es.close());
  }
}

function row(label, ...value) {
  return [h('dt', null, label), h('dd', null, ...value)];
}

function overviewOf(view) {
  const s = view.sweep;
  const best = view.best;
  const counts = Object.entries(view.counts).filter(([, n]) => n > 0);
  return h('dl', { class: 'props sweep-props' },
    row('State', stateBadge(s.state)),
    row('Method', view.method || '—'),
    row('Metric', view.metric.name ? [h('code', null, view.metric.name), ' ', h('span', { class: 'muted' }, view.metric.goal)] : '—'),
    row('Best', best ? h('span', { class: 'sweep-best' }, h('b', null, fmtNum(best.metric)), ' · ',
      h('a', { href: runHref(best.run) }, best.run_name || best.run), h('span', { class: 'muted' }, ' (trial ' + best.number + ')'))
      : h('span', { class: 'muted' }, 'no trial has ended with a value yet')),
    row('Trials', h('span', { class: 'sweep-counts' }, String(view.total), view.run_cap ? h('span', { class: 'muted' }, ' of ' + view.run_cap) : '',
      counts.length ? ' · ' : '', counts.map(([st, n], i) => [i ? ', ' : '', h('span', { dataset: { state: st } },
        h('i', { class: 'swatch', style: { background: STATE_COLORS[st] || '#868e96' } }), n + ' ' + st)]))),
    row('Created', fmtDate(s.created), s.owner ? h('span', { class: 'muted' }, ' by ' + s.owner) : ''),
    row('Updated', fmtAgo(s.updated)));
}

/** The trials table: sortable by any column (the metric, best first, by default), each row linked to its run. */
class TrialsTable {
  constructor() {
    this.el = h('div', { class: 'scroll-x' });
    this.sort = null;
    this.desc = false;
    this.view = null;
  }

  set(view) {
    this.view = view;
    if (!this.sort) {
      this.sort = 'metric';
      this.desc = view.metric.goal === 'maximize';
    }
    this.draw();
  }

  columns() {
    const v = this.view;
    return [
      { id: 'number', label: '#', num: true, get: t => t.number },
      { id: 'state', label: 'State', get: t => t.state },
      { id: 'run', label: 'Run', get: t => t.run_name || t.run },
      { id: 'metric', label: v.metric.name || 'metric', num: true, get: t => trialMetric(t) },
      ...v.parameters.map(p => ({ id: 'param:' + p.name, label: p.name, num: p.kind === 'numeric', get: t => t.params[p.name] })),
      { id: 'runtime', label: 'Runtime', num: true, get: t => (t.ended || t.heartbeat) - t.claimed, show: t => fmtDuration((t.ended || t.heartbeat) - t.claimed) },
      { id: 'reason', label: 'Reason', get: t => t.reason || '' },
    ];
  }

  draw() {
    const cols = this.columns();
    const col = cols.find(c => c.id === this.sort) || cols[0];
    const rows = [...this.view.trials].sort((a, b) => {
      const x = col.get(a);
      const y = col.get(b);
      // Empty cells last in either direction.
      if (x == null || x === '') return y == null || y === '' ? a.number - b.number : 1;
      if (y == null || y === '') return -1;
      const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return (this.desc ? -c : c) || a.number - b.number;
    });
    const head = h('tr', null, cols.map(c => {
      const dir = c.id === this.sort ? (this.desc ? 'descending' : 'ascending') : 'none';
      return h('th', { class: c.num ? 'num' : null, 'aria-sort': dir },
        h('button', { class: 'sort', dataset: { col: c.id }, title: 'Sort by ' + c.label, onclick: () => {
          if (this.sort === c.id) this.desc = !this.desc; else { this.sort = c.id; this.desc = false; }
          this.draw();
        } }, h('span', { class: 'label' }, c.label), h('span', { class: 'arrow', 'aria-hidden': 'true' }, dir === 'ascending' ? '▲' : dir === 'descending' ? '▼' : '')));
    }));
    const best = this.view.best && this.view.best.number;
    const body = rows.map(t => h('tr', { dataset: { trial: String(t.number), state: t.state }, class: t.number === best ? 'best-trial' : null },
      cols.map(c => {
        if (c.id === 'state') return h('td', null, stateBadge(t.state));
        if (c.id === 'run') return h('td', null, t.run ? h('a', { href: runHref(t.run) }, t.run_name || t.run) : '—');
        if (c.id === 'metric') {
          const v = trialMetric(t);
          return h('td', { class: 'num' }, v == null ? (t.metric != null ? String(t.metric) : '') : fmtNum(v),
            t.state === 'running' && v != null ? h('span', { class: 'muted' }, ' (live)') : '');
        }
        if (c.show) return h('td', { class: c.num ? 'num' : null }, c.show(t));
        return h('td', { class: c.num ? 'num' : null, title: c.id === 'reason' ? t.reason : null }, fmtValue(num(c.get(t)) ?? c.get(t)));
      })));
    clear(this.el).append(h('table', { class: 'kv trials', 'aria-label': 'Trials' }, h('thead', null, head), h('tbody', null, body)));
  }
}
