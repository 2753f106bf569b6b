// A project's flow as `keel repro` last recorded it, drawn as plain SVG: each stage one column to
// the right of every stage it depends on (its layer is its longest path from a stage with no
// inputs from others), edges between them, and per stage its last run (linked), that run's state
// and the stage's outputs. A sub-stage names its group above its own name.
import { api } from './api.js';
import { runHref } from './dom.js';

const NS = 'http://www.w3.org/2000/svg';
const W = 190;
const H = 74;
const GAP_X = 56;
const GAP_Y = 22;
const PAD = 12;

function s(tag, attrs, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v != null) el.setAttribute(k, String(v));
  for (const c of children.flat()) if (c != null) el.append(typeof c === 'string' ? document.createTextNode(c) : c);
  return el;
}

/**
 * The project's recorded flow and its stages' last runs ({flow, runs: Map id → run}); flow is
 * null when none was recorded (or this server keeps none).
 */
export async function flowView(project) {
  try {
    const v = await api('/api/v1/projects/' + encodeURIComponent(project) + '/flow-view');
    return { flow: v.flow, runs: new Map(Object.entries(v.runs || {})) };
  } catch (e) {
    return { flow: null, runs: new Map() };
  }
}

/** The stage a run executed: from its provenance (keel repro records it), else the stage whose last run it is. */
export function stageOf(flow, runId, prov) {
  const named = prov && prov.flow && typeof prov.flow === 'object' ? prov.flow.stage : null;
  const stages = (flow && flow.stages) || [];
  return stages.find(st => st.name === named) || stages.find(st => st.last_run === runId) || null;
}

/** Stages that run a command (groups only gather them), each with its layer and row. */
export function layout(flow) {
  const stages = (flow.stages || []).filter(st => st.command !== '' || !(flow.stages || []).some(o => o.parent === st.name));
  const names = new Set(stages.map(st => st.name));
  const members = name => {
    if (names.has(name)) return [name];
    return (flow.stages || []).filter(st => st.parent === name).flatMap(st => members(st.name));
  };
  const leafEdges = (flow.edges || []).filter(e => names.has(e.from) && names.has(e.to));
  // An edge from a group leaves from its last stages (no other member reads them); one into a
  // group enters its first stages (they read no other member).
  const ends = (group, last) => {
    const inside = new Set(members(group));
    const picked = [...inside].filter(m => !leafEdges.some(e => inside.has(e.from) && inside.has(e.to) && (last ? e.from : e.to) === m));
    return picked.length ? picked : [...inside];
  };
  const edges = [];
  const seen = new Set();
  for (const e of flow.edges || []) {
    for (const from of names.has(e.from) ? [e.from] : ends(e.from, true)) {
      for (const to of names.has(e.to) ? [e.to] : ends(e.to, false)) {
        const k = from + '\u0000' + to;
        if (from === to || seen.has(k)) continue;
        seen.add(k);
        edges.push({ from, to, via: e.via || '' });
      }
    }
  }
  const layer = new Map(stages.map(st => [st.name, 0]));
  // Longest path by relaxation; a recorded flow has no cycle, the bound only keeps a bad one finite.
  for (let round = 0; round < stages.length; round++) {
    let moved = false;
    for (const e of edges) {
      if (layer.get(e.to) < layer.get(e.from) + 1) {
        layer.set(e.to, layer.get(e.from) + 1);
        moved = true;
      }
    }
    if (!moved) break;
  }
  const rows = new Map();
  const placed = stages.map((st, i) => ({ stage: st, layer: layer.get(st.name), order: i }));
  placed.sort((a, b) => a.layer - b.layer || String(a.stage.parent || '').localeCompare(String(b.stage.parent || '')) || a.order - b.order);
  for (const p of placed) {
    p.row = rows.get(p.layer) || 0;
    rows.set(p.layer, p.row + 1);
    p.x = PAD + p.layer * (W + GAP_X);
    p.y = PAD + p.row * (H + GAP_Y);
  }
  return { nodes: placed, edges };
}

/**
 * The flow as an SVG element; `runs` maps run id → run (for states), `current` names the stage
 * to mark (a stage run's page).
 */
export function flowSvg(flow, runs, current) {
  const { nodes, edges } = layout(flow);
  const at = new Map(nodes.map(n => [n.stage.name, n]));
  const width = Math.max(...nodes.map(n => n.x + W), 0) + PAD;
  const height = Math.max(...nodes.map(n => n.y + H), 0) + PAD;
  const svg = s('svg', { class: 'flow', width, height, viewBox: '0 0 ' + width + ' ' + height, role: 'img',
    'aria-label': 'The project\'s flow: ' + nodes.length + ' stages' });
  svg.append(s('defs', null, s('marker', { id: 'flow-arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
    s('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'flow-arrowhead' }))));
  for (const e of edges) {
    const a = at.get(e.from);
    const b = at.get(e.to);
    const x1 = a.x + W;
    const y1 = a.y + H / 2;
    const x2 = b.x;
    const y2 = b.y + H / 2;
    const mid = (x1 + x2) / 2;
    svg.append(s('path', { class: 'flow-edge', d: `M ${x1} ${y1} C ${mid} ${y1}, ${mid} ${y2}, ${x2} ${y2}`, 'marker-end': 'url(#flow-arrow)',
      'data-from': e.from, 'data-to': e.to }, s('title', null, e.from + ' → ' + e.to + (e.via ? ' (' + e.via + ')' : ''))));
  }
  for (const n of nodes) {
    const st = n.stage;
    const run = st.last_run ? runs.get(st.last_run) : null;
    const state = st.last_run ? (run ? run.state : 'unknown') : 'never-run';
    const outputs = st.outputs || [];
    const shown = outputs.slice(0, 2).join(', ') + (outputs.length > 2 ? ' +' + (outputs.length - 2) : '');
    const g = s('g', { class: 'flow-node state-' + state + (st.name === current ? ' current' : ''),
      'data-stage': st.name, 'data-state': state, transform: `translate(${n.x}, ${n.y})` },
      s('title', null, [st.name, st.command ? '$ ' + st.command : '', 'inputs: ' + ((st.inputs || []).join(', ') || 'none'),
        'outputs: ' + (outputs.join(', ') || 'none')].filter(Boolean).join('\n')),
      s('rect', { width: W, height: H, rx: 7 }),
      st.parent ? s('text', { x: 10, y: 14, class: 'flow-group' }, st.parent + ' ›') : null,
      s('text', { x: 10, y: st.parent ? 31 : 24, class: 'flow-name' }, clip(st.name, 24)),
      s('text', { x: 10, y: 49, class: 'flow-state' }, state.replace('-', ' ') + (run ? ' · ' + clip(run.name || run.id, 16) : '')),
      s('text', { x: 10, y: 65, class: 'flow-outputs' }, shown ? '→ ' + clip(shown, 28) : 'no outputs'));
    svg.append(st.last_run ? s('a', { href: runHref(st.last_run), class: 'flow-link' }, g) : g);
  }
  return svg;
}

function clip(text, n) {
  const t = String(text);
  return t.length > n ? t.slice(0, n - 1) + '…' : t;
}
