// A parallel-coordinates plot on a canvas: one axis per numeric config key that varies, the
// last axis a summary metric, one polyline per run. Drawn by hand: it needs no library.
import { h, clear, fmtNum, path } from './dom.js';
import { flatten } from './run.js';

export function parallelCoordinates(el, runs, color) {
  const numericKeys = (pick) => {
    const keys = new Set(runs.flatMap(r => flatten(pick(r)).map(([k]) => k)));
    return [...keys].filter(k => {
      const vals = runs.map(r => path(pick(r), k));
      return vals.every(v => typeof v === 'number' || v == null) && new Set(vals.filter(v => v != null)).size > 1;
    });
  };
  const cfg = numericKeys(r => r.config).slice(0, 8);
  const metrics = numericKeys(r => r.summary).filter(k => !k.startsWith('system/') && !k.startsWith('_'));
  if (!metrics.length && !cfg.length) {
    el.append(h('p', { class: 'muted' }, 'No numeric config or metric differs between these runs.'));
    return;
  }
  const preferred = ['val_loss', 'val_accuracy', 'loss', 'accuracy'].find(k => metrics.includes(k)) || metrics[0];
  const select = h('select', { 'aria-label': 'Metric axis' }, metrics.map(k => h('option', { value: k, selected: k === preferred }, k)));
  const canvas = h('canvas', { class: 'pc-canvas', role: 'img', 'aria-label': 'Parallel coordinates of config and metric' });
  // Axis names are HTML above the canvas: each fits its share of the width (shortened with an
  // ellipsis, whole in its title) and none is cut at the edges.
  const labels = h('div', { class: 'pc-labels' });
  const plot = h('div', { class: 'pc-plot' }, labels, canvas);
  el.append(metrics.length ? h('label', { class: 'muted' }, 'Metric ', select) : '', plot);
  const draw = () => {
    const axes = [...cfg.map(k => ({ key: k, get: r => path(r.config, k) })),
      ...(select.value ? [{ key: select.value, get: r => path(r.summary, select.value) }] : [])];
    const w = plot.clientWidth || 800;
    const hgt = 260;
    const dpr = window.devicePixelRatio || 1;
    canvas.width = w * dpr;
    canvas.height = hgt * dpr;
    canvas.style.width = w + 'px';
    canvas.style.height = hgt + 'px';
    const c = canvas.getContext('2d');
    c.scale(dpr, dpr);
    c.clearRect(0, 0, w, hgt);
    c.font = '12px system-ui, sans-serif';
    const pad = 48;
    const top = 26;
    const bottom = hgt - 24;
    const x = i => axes.length === 1 ? w / 2 : pad + i * (w - 2 * pad) / (axes.length - 1);
    const scales = axes.map(a => {
      const vals = runs.map(a.get).filter(v => typeof v === 'number');
      const lo = Math.min(...vals);
      const hi = Math.max(...vals);
      return v => bottom - (hi === lo ? 0.5 : (v - lo) / (hi - lo)) * (bottom - top);
    });
    const share = axes.length > 1 ? (w - 2 * pad) / (axes.length - 1) : w;
    const labelWidth = Math.max(48, Math.min(share - 8, 220));
    clear(labels);
    axes.forEach((a, i) => {
      c.strokeStyle = '#c9ced6';
      c.beginPath(); c.moveTo(x(i), top); c.lineTo(x(i), bottom); c.stroke();
      const left = Math.max(0, Math.min(w - labelWidth, x(i) - labelWidth / 2));
      labels.append(h('span', { class: 'pc-label', title: a.key, dataset: { key: a.key },
        style: { left: left + 'px', width: labelWidth + 'px' } }, a.key));
      const vals = runs.map(a.get).filter(v => typeof v === 'number');
      c.fillStyle = '#6b7280';
      // Values sit inside the plot: right of each axis, left of the last one.
      const last = i === axes.length - 1 && axes.length > 1;
      c.textAlign = last ? 'right' : 'left';
      const vx = last ? x(i) - 4 : x(i) + 4;
      c.fillText(fmtNum(Math.max(...vals)), vx, top + 10);
      c.fillText(fmtNum(Math.min(...vals)), vx, bottom - 2);
    });
    c.lineWidth = 2;
    for (const r of runs) {
      c.strokeStyle = color.get(r.id);
      c.beginPath();
      let started = false;
      axes.forEach((a, i) => {
        const v = a.get(r);
        if (typeof v !== 'number') { started = false; return; }
        const y = scales[i](v);
        if (started) c.lineTo(x(i), y); else { c.moveTo(x(i), y); started = true; }
      });
      c.stroke();
    }
  };
  select.addEventListener('change', draw);
  requestAnimationFrame(draw);
  new ResizeObserver(() => draw()).observe(el);
}
