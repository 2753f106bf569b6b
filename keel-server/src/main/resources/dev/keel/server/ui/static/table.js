// The runs table: a virtual-scrolling grid over server-side pages (sorted and filtered by the
// server), so 10,000+ runs cost only the rows on screen. Keyboard: arrows, Page Up/Down, Home
// and End move between rows, Enter opens a run, Space selects it, N and T edit its notes and
// tags; headers are buttons that sort.
import { api, qs } from './api.js';
import { h, clear, fmtAgo, fmtDuration, fmtValue, isHash, markPainted, middle, path, runHref, runtimeOf, stateBadge, sweepHref } from './dom.js';

export const ROW = 36;
const HEAD = 34;
const PAGE = 100;

export const BUILTIN = [
  { id: 'name', label: 'Name', width: 170 },
  { id: 'state', label: 'State', width: 92 },
  { id: 'notes', label: 'Notes', width: 180 },
  { id: 'user', label: 'User', width: 100 },
  { id: 'tags', label: 'Tags', width: 160 },
  { id: 'created', label: 'Created', width: 110 },
  { id: 'runtime', label: 'Runtime', width: 90 },
  { id: 'sweep', label: 'Sweep', width: 90 },
];

export function columnDef(id) {
  const b = BUILTIN.find(c => c.id === id);
  if (b) return b;
  const label = id.replace(/^(config|summary)\./, '');
  const group = id.startsWith('config.') ? 'config' : 'summary';
  // Wide enough for its header: summary columns carry no badge, config ones a small "cfg".
  const width = Math.round(Math.min(200, Math.max(84, label.length * 7.2 + 22 + (group === 'config' ? 30 : 0))));
  return { id, label, width, numeric: true, group };
}

export function cellValue(run, id) {
  switch (id) {
    case 'name': return run.name;
    case 'state': return run.state;
    case 'notes': return run.notes;
    case 'user': return run.user;
    case 'tags': return run.tags.join(', ');
    case 'created': return new Date(run.created_at).toISOString();
    case 'runtime': return run.runtime_ms / 1000;
    case 'sweep': return run.sweep;
    default:
      if (id.startsWith('config.')) return path(run.config, id.slice(7));
      if (id.startsWith('summary.')) return path(run.summary, id.slice(8));
      return undefined;
  }
}

export class RunsTable {
  /**
   * opts: project, columns (ids), onOpen(run), onSelect(set), onHover(id), onEdit(run, field),
   * hidden (set of run ids hidden from charts), onToggleHidden(id), onPage(runs of the first page)
   */
  constructor(opts) {
    this.o = opts;
    this.sort = '';
    this.filter = '';
    this.total = 0;
    this.pages = new Map();
    this.selected = new Set();
    this.focus = 0;
    this.generation = 0;
    this.head = h('div', { class: 'grid-head', role: 'row' });
    this.spacer = h('div', { class: 'grid-spacer' });
    this.rows = h('div', { class: 'grid-rows', role: 'rowgroup' });
    // The header scrolls sideways with the rows (it sits in the same scroller) and sticks on top.
    this.body = h('div', { class: 'grid-body', tabindex: '-1' }, this.head, this.spacer, this.rows);
    this.el = h('div', { class: 'grid', role: 'grid', 'aria-label': 'Runs', 'aria-rowcount': '0' }, this.body);
    this.body.addEventListener('scroll', () => this.draw());
    new ResizeObserver(() => this.draw()).observe(this.body);
    this.el.addEventListener('keydown', e => this.key(e));
  }

  setColumns(ids) {
    this.columns = ids.map(columnDef);
    this.drawHead();
    this.draw();
  }

  /** Reloads from the first page (after sort, filter or a new run); resolves when page 0 is in. */
  async reload() {
    const gen = ++this.generation;
    this.pages = new Map();
    const first = await this.fetch(0, gen);
    if (gen !== this.generation) return;
    this.body.scrollTop = Math.min(this.body.scrollTop, Math.max(0, this.total * ROW - this.body.clientHeight));
    this.draw();
    if (this.o.onPage) this.o.onPage(first);
  }

  async fetch(page, gen) {
    if (this.pages.has(page)) return this.pages.get(page);
    this.pages.set(page, null);
    const r = await api('/api/v1/projects/' + encodeURIComponent(this.o.project) + '/runs' +
      qs({ sort: this.sort, filter: this.filter, limit: PAGE, offset: page * PAGE }));
    if (gen !== this.generation) return r.runs;
    this.pages.set(page, r.runs);
    this.total = r.total;
    this.el.setAttribute('aria-rowcount', String(r.total));
    this.spacer.style.height = (this.total * ROW) + 'px';
    this.draw();
    return r.runs;
  }

  runAt(i) {
    const p = this.pages.get(Math.floor(i / PAGE));
    return p ? p[i % PAGE] : undefined;
  }

  /** Replaces a run shown in the table (live updates, edits). */
  update(run) {
    for (const runs of this.pages.values()) {
      if (!runs) continue;
      const i = runs.findIndex(r => r.id === run.id);
      if (i >= 0) runs[i] = run;
    }
    this.draw();
  }

  loadedRuns() {
    const out = [];
    for (const runs of this.pages.values()) if (runs) out.push(...runs);
    return out;
  }

  drawHead() {
    clear(this.head);
    const all = h('input', { type: 'checkbox', 'aria-label': 'Select all loaded runs', onchange: e => {
      this.selected = e.target.checked ? new Set(this.loadedRuns().map(r => r.id)) : new Set();
      this.draw();
      this.o.onSelect(this.selected);
    } });
    this.head.append(h('div', { class: 'cell sel', role: 'columnheader' }, all),
      h('div', { class: 'cell eye', role: 'columnheader', title: 'Shown in charts' }, ''));
    for (const c of this.columns) {
      const dir = this.sort === c.id ? 'ascending' : this.sort === '-' + c.id ? 'descending' : 'none';
      const btn = h('button', { class: 'sort', title: 'Sort by ' + c.id, dataset: { col: c.id },
        onclick: () => this.sortBy(c.id) },
        c.group === 'config' ? h('span', { class: 'col-group' }, 'cfg') : null,
        h('span', { class: 'label' }, c.label), h('span', { class: 'arrow', 'aria-hidden': 'true' }, dir === 'ascending' ? '▲' : dir === 'descending' ? '▼' : ''));
      this.head.append(h('div', { class: 'cell' + (c.numeric ? ' num' : ''), role: 'columnheader', 'aria-sort': dir,
        style: { width: c.width + 'px' } }, btn));
    }
  }

  sortBy(id) {
    // First click sorts ascending (lowest loss first), the next one descending, and so on.
    this.sort = this.sort === id ? '-' + id : id;
    this.drawHead();
    return this.reload();
  }

  draw() {
    if (!this.columns) return;
    const top = this.body.scrollTop;
    const height = (this.body.clientHeight || 600) - HEAD;
    const first = Math.max(0, Math.floor(top / ROW) - 5);
    const last = Math.min(this.total, Math.ceil((top + height) / ROW) + 5);
    for (let p = Math.floor(first / PAGE); p <= Math.floor(Math.max(first, last - 1) / PAGE); p++) {
      if (!this.pages.has(p) && p * PAGE < this.total) this.fetch(p, this.generation).catch(() => this.pages.delete(p));
    }
    const frag = document.createDocumentFragment();
    for (let i = first; i < last; i++) {
      const run = this.runAt(i);
      frag.append(this.row(i, run));
    }
    clear(this.rows).append(frag);
    if (this.total > 0 && this.runAt(first)) markPainted('keel-rows');
  }

  row(i, run) {
    const el = h('div', { class: 'grid-row', role: 'row', 'aria-rowindex': String(i + 1), style: { top: (i * ROW) + 'px' },
      tabindex: i === this.focus ? '0' : '-1', dataset: { index: String(i) } });
    if (!run) {
      el.classList.add('placeholder');
      el.append(h('div', { class: 'cell' }, '…'));
      return el;
    }
    el.dataset.run = run.id;
    if (this.selected.has(run.id)) el.classList.add('selected');
    el.addEventListener('mouseenter', () => this.o.onHover(run.id));
    el.addEventListener('mouseleave', () => this.o.onHover(null));
    el.addEventListener('focus', () => { this.focus = i; });
    const box = h('input', { type: 'checkbox', checked: this.selected.has(run.id), 'aria-label': 'Select ' + run.name,
      tabindex: '-1', onchange: () => this.toggle(run.id) });
    const hidden = this.o.hidden.has(run.id);
    const eye = h('button', { class: 'eye-btn' + (hidden ? ' off' : ''), tabindex: '-1', title: hidden ? 'Show in charts' : 'Hide from charts',
      'aria-pressed': String(!hidden), onclick: () => this.o.onToggleHidden(run.id) }, h('span', { class: 'dot', style: { background: this.o.colorOf(run.id) } }));
    el.append(h('div', { class: 'cell sel', role: 'gridcell' }, box), h('div', { class: 'cell eye', role: 'gridcell' }, eye));
    for (const c of this.columns) el.append(this.cell(run, c));
    return el;
  }

  cell(run, c) {
    const attrs = { class: 'cell' + (c.numeric ? ' num' : ''), role: 'gridcell', style: { width: c.width + 'px' }, dataset: { col: c.id } };
    switch (c.id) {
      case 'name': return h('div', attrs, h('a', { href: runHref(run.id), tabindex: '-1', title: run.name }, run.name));
      case 'state': return h('div', attrs, stateBadge(run.state, run));
      case 'notes': return h('div', { ...attrs, class: attrs.class + ' editable', title: 'Double-click to edit notes',
        ondblclick: () => this.o.onEdit(run, 'notes') }, run.notes || h('span', { class: 'muted' }, '—'));
      case 'tags': return h('div', { ...attrs, class: attrs.class + ' editable', title: 'Double-click to edit tags',
        ondblclick: () => this.o.onEdit(run, 'tags') }, run.tags.map(t => h('span', { class: 'tag' }, t)));
      case 'created': return h('div', { ...attrs, title: new Date(run.created_at).toISOString() }, fmtAgo(run.created_at));
      case 'runtime': return h('div', attrs, fmtDuration(runtimeOf(run)));
      case 'sweep': return h('div', attrs, run.sweep ? h('a', { href: sweepHref(run.sweep), tabindex: '-1', title: 'Open sweep ' + run.sweep }, run.sweep) : '');
      default: {
        const v = cellValue(run, c.id);
        const text = fmtValue(v);
        return h('div', { ...attrs, title: text }, isHash(v) ? middle(text, 6) : text);
      }
    }
  }

  toggle(id) {
    if (this.selected.has(id)) this.selected.delete(id); else this.selected.add(id);
    this.draw();
    this.o.onSelect(this.selected);
  }

  key(e) {
    if (e.target.tagName === 'INPUT' && e.target.type !== 'checkbox') return;
    if (!e.target.classList || !e.target.classList.contains('grid-row')) return;
    const i = this.focus;
    let next = i;
    if (e.key === 'ArrowDown') next = Math.min(this.total - 1, i + 1);
    else if (e.key === 'ArrowUp') next = Math.max(0, i - 1);
    else if (e.key === 'PageDown') next = Math.min(this.total - 1, i + 10);
    else if (e.key === 'PageUp') next = Math.max(0, i - 10);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = this.total - 1;
    else if (e.key === 'Enter') { const r = this.runAt(i); if (r) this.o.onOpen(r); e.preventDefault(); return; }
    else if (e.key === 'n' || e.key === 't') {
      const r = this.runAt(i);
      if (r) this.o.onEdit(r, e.key === 'n' ? 'notes' : 'tags');
      e.preventDefault();
      return;
    } else if (e.key === ' ') { const r = this.runAt(i); if (r) this.toggle(r.id); e.preventDefault(); this.focusRow(i); return; }
    else return;
    e.preventDefault();
    this.focusRow(next);
  }

  focusRow(i) {
    this.focus = i;
    const top = i * ROW;
    if (top < this.body.scrollTop) this.body.scrollTop = top;
    else if (top + ROW > this.body.scrollTop + this.body.clientHeight - HEAD) this.body.scrollTop = top + ROW - this.body.clientHeight + HEAD;
    this.draw();
    const el = this.rows.querySelector('[data-index="' + i + '"]');
    if (el) el.focus();
  }

  /** Makes the first row focusable and focuses it (the table's entry point for keyboards). */
  focusFirst() {
    this.focusRow(this.focus || 0);
  }
}
