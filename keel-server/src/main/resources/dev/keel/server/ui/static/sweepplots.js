// The sweep page's plots: the metric against the trial number (a point per trial, coloured by
// its state, and the best value so far), parallel coordinates of the parameters and the metric
// (log axes for log-scaled parameters, categorical axes for listed values) and the parameters'
// importance as bars.
import uPlot from '/vendor/uplot.js';
import { h, clear, fmtNum } from './dom.js';

/** One colour per trial state, the same in the chart, its legend and the trials table. */
export const STATE_COLORS = {
  finished: '#2b8a3e', stopped: '#5925dc', running: '#2f6fed', failed: '#c92a2a',
  killed: '#868e96', crashed: '#e8590c', 'no-metric': '#b08800', paused: '#0c8599',
};

/** A number from the JSON (non-finite values arrive as strings), or null. */
export function num(v) {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** The value a trial shows on the metric axis: its final metric, or while it runs the last one logged. */
export function trialMetric(t) {
  const final = num(t.metric);
  return final != null ? final : t.state === 'running' ? num(t.live_metric) : null;
}

/** Metric vs trial number as a uPlot chart: one point series per state plus the best-so-far steps. */
export function metricChart(el, view) {
  clear(el);
  const trials = view.trials;
  const plotted = trials.filter(t => trialMetric(t) != null);
  el.dataset.points = String(plotted.length);
  if (!plotted.length) {
    el.append(h('div', { class: 'plot-empty' }, 'No trial has a value of ' + (view.metric.name || 'the metric') + ' yet'));
    return null;
  }
  const xs = trials.map(t => t.number);
  const states = Object.keys(STATE_COLORS).filter(s => plotted.some(t => t.state === s));
  const data = [xs];
  const series = [{ label: 'trial' }];
  for (const s of states) {
    data.push(trials.map(t => (t.state === s ? trialMetric(t) : null)));
    const c = STATE_COLORS[s];
    series.push({ label: s, stroke: c, fill: c, width: 0, paths: () => null,
      points: { show: true, size: 8, stroke: c, fill: c, width: 1 } });
  }
  data.push(trials.map(t => num(t.best_so_far)));
  series.push({ label: 'best so far', stroke: '#111827', width: 1.5, spanGaps: true,
    paths: uPlot.paths.stepped({ align: 1 }), points: { show: false } });
  el.dataset.series = states.join(' ');
  const width = Math.max(280, el.clientWidth || 600);
  const opts = {
    width, height: 240, series, legend: { show: false },
    cursor: { drag: { x: true, y: false }, points: { size: 8 } },
    scales: { x: { time: false } },
    axes: [
      { stroke: '#5c6370', grid: { stroke: '#eef0f3' }, ticks: { stroke: '#e3e6ea' }, label: 'trial',
        values: (u, vals) => vals.map(v => (Number.isInteger(v) ? String(v) : '')) },
      { stroke: '#5c6370', grid: { stroke: '#eef0f3' }, ticks: { stroke: '#e3e6ea' }, size: 56,
        values: (u, vals) => vals.map(v => fmtNum(v)) },
    ],
  };
  const plot = new uPlot(opts, data, el);
  new ResizeObserver(() => {
    const w = Math.max(280, el.clientWidth);
    if (Math.abs(plot.width - w) > 2) plot.setSize({ width: w, height: 240 });
  }).observe(el);
  return plot;
}

/** The legend under the chart: each state's colour and how many trials are in it. */
export function stateLegend(counts) {
  return h('div', { class: 'legend sweep-legend' },
    Object.entries(STATE_COLORS).filter(([s]) => counts[s]).map(([s, c]) =>
      h('span', { class: 'legend-item', dataset: { state: s } }, h('i', { style: { background: c } }), s + ' ' + counts[s])),
    h('span', { class: 'legend-item' }, h('i', { class: 'best-line' }), 'best so far'));
}

// Lines from the best trial (dark blue) to the worst (light orange), the way W&B shades by metric.
function shade(t) {
  const a = [24, 100, 171];
  const b = [247, 178, 103];
  const mix = a.map((x, i) => Math.round(x + (b[i] - x) * t));
  return 'rgb(' + mix.join(',') + ')';
}

/** One axis: where a value sits (0 bottom … 1 top, null when it cannot be shown) and its tick labels. */
function axis(key, label, values, spec) {
  if (spec && spec.kind === 'categorical') {
    const cats = spec.values.length ? spec.values : [...new Set(values.filter(v => v != null).map(String))];
    const n = cats.length;
    const at = v => { const i = cats.indexOf(String(v)); return i < 0 ? null : (n === 1 ? 0.5 : i / (n - 1)); };
    return { key, label, scale: 'categorical', at, ticks: cats.map(c => [at(c), c]) };
  }
  const log = spec && spec.scale === 'log';
  const f = v => (typeof v === 'number' && Number.isFinite(v) && (!log || v > 0) ? (log ? Math.log10(v) : v) : null);
  const ts = values.map(f).filter(v => v != null);
  const lo = Math.min(...ts);
  const hi = Math.max(...ts);
  const at = v => { const t = f(v); return t == null ? null : hi === lo ? 0.5 : (t - lo) / (hi - lo); };
  const back = t => (log ? Math.pow(10, t) : t);
  // The ends exactly, the middle rounded: a tick needs no more digits than the eye reads.
  const tick = (t, round) => fmtNum(round ? Number(back(t).toPrecision(3)) : back(t));
  const ticks = !ts.length ? [] : hi === lo ? [[0.5, tick(lo)]]
    : [0, 0.5, 1].map(p => [p, tick(lo + p * (hi - lo), p === 0.5)]);
  return { key, label, scale: log ? 'log' : 'linear', at, ticks };
}

/**
 * Parallel coordinates on a canvas: an axis per parameter, the metric last, a polyline per
 * trial that has a metric value, shaded from the best trial to the worst.
 */
export function parallelCoordinates(el, view) {
  clear(el);
  const metric = view.metric.name;
  const trials = view.trials.filter(t => t.state !== 'running' && num(t.metric) != null);
  el.dataset.lines = String(trials.length);
  if (!trials.length || !view.parameters.length) {
    el.append(h('p', { class: 'muted' }, 'Parallel coordinates appear once trials have ended with a value of ' + (metric || 'the metric') + '.'));
    return;
  }
  const axes = view.parameters.map(p => axis(p.name, p.name, trials.map(t => t.params[p.name]), p));
  const m = axis(metric, metric, trials.map(t => num(t.metric)), { kind: 'numeric', scale: 'linear' });
  axes.push({ ...m, metric: true });
  const minimize = view.metric.goal !== 'maximize';
  const vals = trials.map(t => num(t.metric));
  const best = minimize ? Math.min(...vals) : Math.max(...vals);
  const worst = minimize ? Math.max(...vals) : Math.min(...vals);
  const canvas = h('canvas', { class: 'pc-canvas', role: 'img', 'aria-label': 'Parallel coordinates of the parameters and ' + metric });
  const labels = h('div', { class: 'pc-labels' });
  const plot = h('div', { class: 'pc-plot' }, labels, canvas);
  el.dataset.axes = String(axes.length);
  el.append(plot);
  let drawnWidth = -1;
  const draw = () => {
    const w = plot.clientWidth || 800;
    // The observer reports the first size too: drawing twice would only replace the labels.
    if (w === drawnWidth) return;
    drawnWidth = w;
    const hgt = 280;
    const dpr = window.devicePixelRatio || 1;
    canvas.width = w * dpr;
    canvas.height = hgt * dpr;
    canvas.style.width = w + 'px';
    canvas.style.height = hgt + 'px';
    const c = canvas.getContext('2d');
    c.scale(dpr, dpr);
    c.clearRect(0, 0, w, hgt);
    c.font = '11.5px system-ui, sans-serif';
    const pad = 56;
    const top = 28;
    const bottom = hgt - 16;
    const x = i => (axes.length === 1 ? w / 2 : pad + i * (w - 2 * pad) / (axes.length - 1));
    const y = p => bottom - p * (bottom - top);
    // Worst first, so the best trials' lines lie on top.
    const order = trials.map((t, i) => i).sort((a, b) => Math.abs(vals[b] - best) - Math.abs(vals[a] - best));
    c.lineWidth = 1.6;
    for (const i of order) {
      const t = trials[i];
      c.strokeStyle = shade(best === worst ? 0 : Math.abs(vals[i] - best) / Math.abs(worst - best));
      c.beginPath();
      let started = false;
      axes.forEach((a, k) => {
        const p = a.at(a.metric ? vals[i] : t.params[a.key]);
        if (p == null) { started = false; return; }
        if (started) c.lineTo(x(k), y(p)); else { c.moveTo(x(k), y(p)); started = true; }
      });
      c.stroke();
    }
    const share = axes.length > 1 ? (w - 2 * pad) / (axes.length - 1) : w;
    const labelWidth = Math.max(48, Math.min(share - 8, 200));
    clear(labels);
    axes.forEach((a, k) => {
      c.strokeStyle = '#9aa1ab';
      c.lineWidth = 1;
      c.beginPath(); c.moveTo(x(k), top); c.lineTo(x(k), bottom); c.stroke();
      const left = Math.max(0, Math.min(w - labelWidth, x(k) - labelWidth / 2));
      const name = a.label + (a.scale === 'log' ? ' (log)' : '');
      labels.append(h('span', { class: 'pc-label' + (a.metric ? ' pc-metric' : ''), title: name,
        dataset: { key: a.key, scale: a.scale }, style: { left: left + 'px', width: labelWidth + 'px' } }, name));
      const last = k === axes.length - 1 && axes.length > 1;
      c.textAlign = last ? 'right' : 'left';
      const tx = last ? x(k) - 5 : x(k) + 5;
      for (const [p, text] of a.ticks) {
        if (p == null) continue;
        c.fillStyle = 'rgba(255,255,255,.85)';
        const tw = c.measureText(text).width;
        c.fillRect(last ? tx - tw - 2 : tx - 2, y(p) - 9, tw + 4, 13);
        c.fillStyle = '#4b5260';
        c.fillText(text, tx, y(p) + 1);
      }
    });
    el.dataset.drawn = String(Date.now());
  };
  requestAnimationFrame(draw);
  new ResizeObserver(() => draw()).observe(plot);
}

/**
 * Importance as bars: the forest's share of each parameter (when computed) and the correlation
 * with the metric, negative to the left in red, positive to the right in green.
 */
export function importanceTable(el, imp, parameters = []) {
  clear(el);
  const categorical = new Set(parameters.filter(p => p.kind === 'categorical').map(p => p.name));
  const params = imp.params || [];
  const forest = params.some(p => p.importance != null);
  if (!params.length) { el.append(h('p', { class: 'muted' }, 'No parameters.')); return; }
  const rows = [...params].sort((a, b) => (b.importance ?? -1) - (a.importance ?? -1)
    || Math.abs(b.correlation ?? 0) - Math.abs(a.correlation ?? 0));
  el.append(h('table', { class: 'kv importance', 'aria-label': 'Parameter importance' },
    h('thead', null, h('tr', null, h('th', null, 'Parameter'),
      forest ? h('th', null, 'Importance') : null, h('th', null, 'Correlation with ' + (imp.metric || 'the metric')))),
    h('tbody', null, rows.map(p => h('tr', { dataset: { param: p.name } },
      h('th', null, p.name),
      forest ? h('td', null, bar(p.importance, 0, 1, 'imp')) : null,
      h('td', categorical.has(p.name) && p.correlation != null
        ? { title: 'A listed parameter\'s correlation is the correlation ratio η: how much of the metric its value explains, 0 to 1, without a sign' }
        : null, corrBar(p.correlation)))))));
  el.append(h('p', { class: 'muted small' }, imp.trials < 3
    ? 'Importance needs at least 3 ended trials with a metric value (' + imp.trials + ' so far).'
    : 'Over ' + imp.trials + ' ended trials. Importance: the share of the metric\'s variance a random forest explains by the parameter; '
      + 'correlation: Pearson\'s r (log-scaled parameters per decade; η for listed values).'));
}

function bar(v, lo, hi, kind) {
  if (v == null) return h('span', { class: 'muted' }, '—');
  const pct = Math.max(0, Math.min(1, (v - lo) / (hi - lo))) * 100;
  return h('span', { class: 'bar-cell' }, h('span', { class: 'bar ' + kind, dataset: { value: String(v) } },
    h('i', { style: { width: pct.toFixed(1) + '%' } })), h('span', { class: 'bar-num' }, v.toFixed(2)));
}

function corrBar(r) {
  if (r == null) return h('span', { class: 'muted' }, '—');
  const pct = (Math.min(1, Math.abs(r)) * 50).toFixed(1) + '%';
  const style = r < 0 ? { right: '50%', width: pct } : { left: '50%', width: pct };
  return h('span', { class: 'bar-cell' }, h('span', { class: 'bar corr', dataset: { value: String(r) } },
    h('i', { class: r < 0 ? 'neg' : 'pos', style })), h('span', { class: 'bar-num' }, r.toFixed(2)));
}
