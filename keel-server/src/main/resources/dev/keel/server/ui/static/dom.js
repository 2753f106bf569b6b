// Building the DOM without ever parsing data as HTML: every user-supplied string becomes a
// text node, so a run named <img src=x onerror=…> shows as those characters.

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v == null || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else if (k === 'dataset') Object.assign(el.dataset, v);
      else if (k === 'style') Object.assign(el.style, v);
      else if (k === 'value') el.value = v;
      else if (k === 'checked') el.checked = !!v;
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c == null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

export function link(href, ...children) {
  return h('a', { href }, ...children);
}

export const runHref = id => '/runs/' + encodeURIComponent(id);
export const projectHref = p => '/projects/' + encodeURIComponent(p);
export const datasetHref = d => '/datasets/' + encodeURIComponent(d);
export const sweepHref = id => '/sweeps/' + encodeURIComponent(id);

export function fmtNum(v) {
  if (v == null || v === '') return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (typeof v !== 'number') return JSON.stringify(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(3);
  return String(Number(v.toPrecision(5)));
}

export function fmtValue(v) {
  if (v == null) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return fmtNum(v);
}

export function fmtDuration(ms) {
  if (ms == null || ms < 0) return '';
  const s = Math.round(ms / 1000);
  if (s < 60) return s + 's';
  const m = Math.floor(s / 60);
  if (m < 60) return m + 'm ' + (s % 60) + 's';
  const hr = Math.floor(m / 60);
  if (hr < 48) return hr + 'h ' + (m % 60) + 'm';
  return Math.floor(hr / 24) + 'd ' + (hr % 24) + 'h';
}

export function fmtAgo(ms) {
  if (!ms) return '';
  const d = Date.now() - ms;
  if (d < 60e3) return 'just now';
  if (d < 3600e3) return Math.round(d / 60e3) + 'm ago';
  if (d < 86400e3) return Math.round(d / 3600e3) + 'h ago';
  if (d < 30 * 86400e3) return Math.round(d / 86400e3) + 'd ago';
  return new Date(ms).toISOString().slice(0, 10);
}

export function fmtDate(ms) {
  if (!ms) return '';
  const d = new Date(ms);
  return d.toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/**
 * A byte count in IEC binary units with one decimal, as the CLI prints it: 512 B, 1.5 KiB, 52.4 MiB,
 * 10 GiB. The one formatter for sizes on every page.
 */
export function fmtBytes(n) {
  if (n == null || n === '') return '';
  const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let i = 0;
  let v = Number(n);
  if (!Number.isFinite(v)) return String(n);
  while (Math.abs(v) >= 1024 && i < u.length - 1) { v /= 1024; i++; }
  return (i === 0 ? String(v) : String(Math.round(v * 10) / 10)) + ' ' + u[i];
}

// A hex digest (sha256 and the like), bare or with its algorithm: shown shortened in the middle.
const HASH = /^(?:[a-z0-9]+:)?[0-9a-f]{32,}$/i;
const LONG = 48;
export const isHash = v => typeof v === 'string' && HASH.test(v);

/** "3aed1f8c…9b2a41d0": the start and the end of a long string, the full one in its title. */
export function middle(s, keep = 8) {
  s = String(s);
  return s.length <= 2 * keep + 1 ? s : s.slice(0, keep) + '…' + s.slice(-keep);
}

/** Copies text to the clipboard; outside a secure context, through a selected text area. */
export async function copyText(text) {
  try {
    if (navigator.clipboard && window.isSecureContext) { await navigator.clipboard.writeText(text); return true; }
  } catch (e) { /* fall through to the old way */ }
  const area = h('textarea', { class: 'copy-area', readonly: true }, text);
  document.body.append(area);
  area.select();
  let ok = false;
  try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
  area.remove();
  return ok;
}

/** A small button that copies text, and says so. */
export function copyButton(text, label = 'Copy') {
  const btn = h('button', { class: 'copy', type: 'button', title: 'Copy to the clipboard', 'aria-label': label + ': copy' }, 'Copy');
  btn.addEventListener('click', async e => {
    e.preventDefault();
    e.stopPropagation();
    const ok = await copyText(text);
    btn.textContent = ok ? 'Copied' : 'Select and copy';
    setTimeout(() => { btn.textContent = 'Copy'; }, 1500);
  });
  return btn;
}

/**
 * A config or summary value for a card: numbers as they are, hashes shortened in the middle and
 * other long strings wrapped, each with the full value on hover and a copy button.
 */
export function valueView(v) {
  const text = fmtValue(v);
  if (isHash(v)) {
    return h('span', { class: 'long hash', title: v, dataset: { full: v } }, h('code', null, middle(v)), copyButton(v, 'hash'));
  }
  if (text.length > LONG) {
    return h('span', { class: 'long wrap', title: text, dataset: { full: text } }, text, copyButton(text, 'value'));
  }
  return text;
}

// A stopped run's badge says in its tooltip why its sweep stopped it.
export function stateBadge(state, run) {
  const reason = state === 'stopped' ? stopReason(run) : '';
  return h('span', { class: 'state state-' + String(state).replace(/[^a-z]/g, ''), title: reason ? state + ': ' + reason : state }, state);
}

// Why a sweep stopped the run (kept in its summary), or ''.
export function stopReason(run) {
  const r = run && run.summary ? run.summary._stop_reason : undefined;
  return typeof r === 'string' ? r : '';
}

// Looks up "a.b" in a nested object; a flat key with dots wins (config {"a.b": 1}).
export function path(obj, p) {
  if (!obj) return undefined;
  if (p in obj) return obj[p];
  let cur = obj;
  for (const part of p.split('.')) {
    if (cur == null || typeof cur !== 'object') return undefined;
    cur = cur[part];
  }
  return cur;
}

export function debounce(fn, ms) {
  let t = null;
  return (...args) => { clearTimeout(t); t = setTimeout(() => fn(...args), ms); };
}

export function errorBox(e) {
  return h('div', { class: 'error', role: 'alert' }, e && e.message ? e.message : String(e));
}

export function setCrumbs(...items) {
  const nav = clear(document.getElementById('crumbs'));
  items.forEach((it, i) => {
    if (i > 0) nav.append(h('span', { class: 'sep', 'aria-hidden': 'true' }, '/'));
    nav.append(it.href ? link(it.href, it.label) : h('span', { class: 'here' }, it.label));
  });
  document.title = items.length ? items[items.length - 1].label + ' · Keel' : 'Keel';
}

// Marks a moment once per page (after the next paint), for the benchmarks in bench/ to read
// with performance.getEntriesByName(name).
const marked = new Set();
export function markPainted(name) {
  if (marked.has(name)) return;
  marked.add(name);
  requestAnimationFrame(() => setTimeout(() => performance.mark(name), 0));
}

/** A run's runtime; while it runs, the stored figure can lag, so its last heartbeat counts too. */
export function runtimeOf(run) {
  const beat = run.state === 'running' && run.heartbeat_at ? run.heartbeat_at - run.created_at : 0;
  return Math.max(run.runtime_ms || 0, beat);
}
