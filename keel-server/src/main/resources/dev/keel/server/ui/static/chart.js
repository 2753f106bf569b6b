// One chart panel: a metric with one line per run, drawn by uPlot (from its WebJar). Handles
// the workspace settings (x axis, smoothing, log scale), hover tooltips, drag-to-zoom
// (double-click resets), hidden and highlighted runs.
import uPlot from '/vendor/uplot.js';
import { h, clear, fmtNum } from './dom.js';

/** Workspace-wide chart settings, shared by every panel on a page. */
export const defaults = () => ({ x: 'step', smoothing: 0, log: false });

function smooth(ys, weight) {
  if (!weight) return ys;
  // Exponential moving average with TensorBoard's debiasing, so the start is not pulled to 0.
  const out = new Array(ys.length);
  let last = 0;
  let n = 0;
  for (let i = 0; i < ys.length; i++) {
    const y = ys[i];
    if (y == null || !Number.isFinite(y)) { out[i] = y; continue; }
    last = last * weight + (1 - weight) * y;
    n++;
    out[i] = last / (1 - Math.pow(weight, n));
  }
  return out;
}

function xsOf(s, mode) {
  if (mode === 'wall') return s.timestamps.map(t => t / 1000);
  if (mode === 'relative') {
    const t0 = s.start != null ? s.start : s.timestamps[0];
    return s.timestamps.map(t => (t - t0) / 1000);
  }
  return s.steps;
}

function num(v) {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return null;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return null;
}

/** Aligns every run's (x, y) on one shared x array, as uPlot wants; gaps are nulls. */
function align(lines, settings) {
  const xs = new Set();
  const per = lines.map(l => {
    const x = xsOf(l, settings.x);
    x.forEach(v => xs.add(v));
    return x;
  });
  const all = Float64Array.from(xs).sort();
  const index = new Map();
  all.forEach((v, i) => index.set(v, i));
  const data = [all];
  lines.forEach((l, k) => {
    const ys = new Array(all.length).fill(null);
    const x = per[k];
    for (let i = 0; i < x.length; i++) {
      let y = num(l.values[i]);
      if (settings.log && !(y > 0)) y = null;
      ys[index.get(x[i])] = y;
    }
    data.push(smooth(ys, settings.smoothing));
  });
  return data;
}

function tooltipPlugin(panel) {
  let tip;
  return {
    hooks: {
      init: u => {
        tip = h('div', { class: 'tip', role: 'status' });
        tip.hidden = true;
        u.over.appendChild(tip);
      },
      setCursor: u => {
        const idx = u.cursor.idx;
        if (idx == null || u.cursor.left < 0) { tip.hidden = true; return; }
        const rows = [];
        for (let i = 1; i < u.series.length; i++) {
          const s = u.series[i];
          const v = u.data[i][idx];
          if (!s.show || v == null) continue;
          rows.push({ label: s.label, color: s._color, v });
        }
        if (!rows.length) { tip.hidden = true; return; }
        rows.sort((a, b) => b.v - a.v);
        clear(tip);
        const x = u.data[0][idx];
        tip.append(h('div', { class: 'tip-x' }, panel.xLabel(x)));
        for (const r of rows.slice(0, 10)) {
          tip.append(h('div', { class: 'tip-row' }, h('i', { style: { background: r.color } }),
            h('span', { class: 'tip-name' }, r.label), h('b', null, fmtNum(r.v))));
        }
        if (rows.length > 10) tip.append(h('div', { class: 'tip-more' }, '+' + (rows.length - 10) + ' more'));
        tip.hidden = false;
        const left = u.cursor.left + 14;
        tip.style.left = (left + 220 > u.over.clientWidth ? Math.max(0, u.cursor.left - 230) : left) + 'px';
        tip.style.top = Math.max(0, u.cursor.top - 10) + 'px';
      },
    },
  };
}

export class ChartPanel {
  constructor(title, { height = 220 } = {}) {
    this.title = title;
    this.height = height;
    this.plotEl = h('div', { class: 'plot' });
    this.emptyEl = h('div', { class: 'plot-empty' }, 'No data yet');
    this.el = h('section', { class: 'panel', 'aria-label': 'Chart of ' + title, dataset: { metric: title } },
      h('header', null, h('h3', null, title)), this.plotEl);
    this.lines = [];
    this.settings = defaults();
    this.hidden = new Set();
    this.highlight = null;
    this.plot = null;
    new ResizeObserver(() => this.resize()).observe(this.plotEl);
  }

  xLabel(x) {
    if (this.settings.x === 'wall') return new Date(x * 1000).toLocaleString();
    if (this.settings.x === 'relative') return fmtNum(x) + ' s';
    return 'step ' + fmtNum(x);
  }

  /** lines: [{id, label, color, steps, values, timestamps, start}] */
  setLines(lines) {
    this.lines = lines;
    this.render();
  }

  apply(settings, hidden, highlight) {
    this.settings = settings;
    this.hidden = hidden || new Set();
    this.highlight = highlight || null;
    this.render();
  }

  setHighlight(id) {
    this.highlight = id;
    if (!this.plot) return;
    this.lines.forEach((l, i) => {
      const s = this.plot.series[i + 1];
      const on = !id || l.id === id;
      s.alpha = on ? 1 : 0.15;
      s.width = id && l.id === id ? 3 : 1.5;
    });
    this.plot.redraw(false);
  }

  width() {
    return Math.max(200, this.plotEl.clientWidth || 400);
  }

  resize() {
    if (this.plot && this.plotEl.clientWidth && Math.abs(this.plot.width - this.width()) > 2) {
      this.plot.setSize({ width: this.width(), height: this.height });
    }
  }

  render() {
    if (this.plot) { this.plot.destroy(); this.plot = null; }
    clear(this.plotEl);
    const lines = this.lines.filter(l => l.steps.length > 0);
    const drawn = lines.filter(l => !this.hidden.has(l.id));
    this.el.dataset.series = String(drawn.length);
    this.el.dataset.points = String(drawn.reduce((n, l) => n + l.steps.length, 0));
    this.el.dataset.colors = lines.map(l => l.id + '=' + l.color).join(' ');
    if (!lines.length) { this.plotEl.append(this.emptyEl); return; }
    const data = align(lines, this.settings);
    const series = [{ label: this.settings.x }];
    lines.forEach(l => {
      const dim = this.highlight && l.id !== this.highlight;
      series.push({
        label: l.label, stroke: l.color, _color: l.color, width: this.highlight === l.id ? 3 : 1.5,
        alpha: dim ? 0.15 : 1, show: !this.hidden.has(l.id), spanGaps: true, points: { show: false },
      });
    });
    const opts = {
      width: this.width(), height: this.height, series, legend: { show: false },
      cursor: { drag: { x: true, y: false }, points: { size: 6 } },
      scales: { x: { time: this.settings.x === 'wall' }, y: { distr: this.settings.log ? 3 : 1 } },
      axes: [
        { stroke: '#5c6370', grid: { stroke: '#eef0f3' }, ticks: { stroke: '#e3e6ea' },
          values: this.settings.x === 'wall' ? undefined : (u, vals) => vals.map(v => fmtNum(v)) },
        { stroke: '#5c6370', grid: { stroke: '#eef0f3' }, ticks: { stroke: '#e3e6ea' }, size: 56,
          values: (u, vals) => vals.map(v => fmtNum(v)) },
      ],
      plugins: [tooltipPlugin(this)],
    };
    this.plot = new uPlot(opts, data, this.plotEl);
  }
}

/** Chart settings bar (x axis, smoothing, log scale); calls onChange(settings). */
export function settingsBar(settings, onChange) {
  const x = h('select', { 'aria-label': 'X axis', onchange: e => { settings.x = e.target.value; onChange(settings); } },
    ['step', 'relative', 'wall'].map(v => h('option', { value: v, selected: settings.x === v },
      v === 'step' ? 'Step' : v === 'relative' ? 'Relative time' : 'Wall time')));
  const sm = h('input', { type: 'range', min: 0, max: 0.99, step: 0.01, value: settings.smoothing, 'aria-label': 'Smoothing' });
  const smv = h('output', null, String(settings.smoothing));
  sm.addEventListener('input', () => { smv.textContent = sm.value; });
  sm.addEventListener('change', () => { settings.smoothing = Number(sm.value); onChange(settings); });
  const log = h('input', { type: 'checkbox', checked: settings.log, onchange: e => { settings.log = e.target.checked; onChange(settings); } });
  return h('div', { class: 'chart-settings' },
    h('label', null, 'X axis ', x),
    h('label', null, 'Smoothing ', sm, smv),
    h('label', null, log, ' Log scale'));
}
