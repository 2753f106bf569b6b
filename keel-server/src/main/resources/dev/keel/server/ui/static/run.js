// One run: overview (state, provenance, notes, tags, datasets), charts of every metric,
// config and summary, console (searchable, follows live), files, and how to reproduce it.
import { api, series, ApiError } from './api.js';
import { h, clear, copyButton, debounce, fmtBytes, fmtDate, fmtDuration, middle, projectHref, datasetHref, runHref, runtimeOf, setCrumbs, stateBadge, stopReason, sweepHref, valueView } from './dom.js';
import { ChartPanel, defaults, settingsBar } from './chart.js';
import { runColor } from './colors.js';
import { editRun } from './edit.js';

export async function render(main, id) {
  let run = await api('/api/v1/runs/' + encodeURIComponent(id));
  let [prov, keys, files, inputs, reproduce, registered] = await Promise.all([
    api('/api/v1/runs/' + encodeURIComponent(id) + '/provenance').catch(() => ({})),
    api('/api/v1/runs/' + encodeURIComponent(id) + '/metrics').then(r => r.keys),
    api('/api/v1/runs/' + encodeURIComponent(id) + '/files').then(r => r.files).catch(() => []),
    api('/api/v1/runs/' + encodeURIComponent(id) + '/inputs').then(r => r.inputs).catch(() => null),
    api('/api/v1/runs/' + encodeURIComponent(id) + '/reproduce').catch(() => ({ commands: [] })),
    api('/api/v1/runs/' + encodeURIComponent(id) + '/models').then(r => r.versions).catch(() => []),
  ]);
  setCrumbs({ label: 'Projects', href: '/' }, { label: run.project, href: projectHref(run.project) }, { label: run.name });

  const title = h('h1', null, h('i', { class: 'swatch run-color', title: 'This run\'s colour on every page', style: { background: runColor(run.id) } }), run.name);
  const badge = h('span', null, stateBadge(run.state, run));
  const overview = h('div', { class: 'overview' });
  const settings = defaults();
  const panels = new Map();
  const charts = h('div', { class: 'panels' });
  const system = h('div', { class: 'panels' });
  for (const k of keys) {
    const p = new ChartPanel(k, { height: 200 });
    panels.set(k, p);
    (k.startsWith('system/') ? system : charts).append(p.el);
  }
  const consoleBox = consoleView(id);
  main.classList.add('wide');
  main.append(
    h('div', { class: 'page-head' }, title, badge, h('code', { class: 'muted runid' }, run.id)),
    h('nav', { class: 'tabs', 'aria-label': 'Run sections' },
      ['Overview', 'Charts', 'Console', 'Files'].map(t => h('a', { href: '#' + t.toLowerCase() }, t))),
    h('section', { id: 'overview', 'aria-label': 'Overview' }, overview),
    h('section', { id: 'charts', 'aria-label': 'Charts' },
      h('div', { class: 'ws-head' }, h('h2', null, 'Charts'), settingsBar(settings, s => panels.forEach(p => p.apply(s)))),
      keys.some(k => !k.startsWith('system/')) ? charts : h('p', { class: 'muted' }, 'No metrics logged.'),
      keys.some(k => k.startsWith('system/')) ? h('h2', null, 'System') : null, system),
    h('section', { id: 'console', 'aria-label': 'Console' }, h('h2', null, 'Console'), consoleBox.el),
    h('section', { id: 'files', 'aria-label': 'Files' }, h('h2', null, 'Files and checkpoints'), filesTable(run, files)));

  const drawOverview = () => { clear(overview).append(overviewOf(run, prov, inputs, reproduce, async f => {
    const r = await editRun(run, f);
    if (r) { run = r; drawOverview(); }
  })); };
  drawOverview();
  if (registered.length) {
    main.querySelector('#overview').append(h('div', { class: 'run-models', 'aria-label': 'Model versions' },
      h('h3', null, 'Registered as'), h('ul', null, registered.map(v => h('li', null,
        h('a', { href: '/models/' + encodeURIComponent(v.model) + '?version=' + v.version }, v.ref))))));
  }
  const diff = files.find(f => f.kind === 'diff' || f.name === 'diff.patch');
  if (diff) {
    const pre = h('pre', { class: 'code' }, '…');
    main.querySelector('#overview').append(h('details', { class: 'diff' }, h('summary', null, 'Uncommitted changes (git diff)'), pre));
    fetch('/api/v1/runs/' + encodeURIComponent(id) + '/files/' + encodeURIComponent(diff.name), { credentials: 'same-origin' })
      .then(r => r.ok ? r.text() : Promise.reject(new Error('HTTP ' + r.status)))
      .then(t => { pre.textContent = t; }, e => { pre.textContent = 'cannot load the diff: ' + e.message; });
  }

  const loadCharts = async () => {
    if (!keys.length) return;
    const got = await series([id], keys, 2000);
    for (const s of got) {
      panels.get(s.key).setLines([{ id, label: run.name, color: runColor(id), steps: s.steps, values: s.values,
        timestamps: s.timestamps, start: run.created_at }]);
    }
    main.dataset.charts = 'drawn';
  };
  await loadCharts();

  // Live: new state and summary, new points and new console lines while the run runs.
  if (run.state === 'running') {
    await consoleBox.ready;
    const es = new EventSource('/api/v1/runs/' + encodeURIComponent(id) + '/events?from=' + consoleBox.next());
    const refresh = debounce(async () => {
      const now = await api('/api/v1/runs/' + encodeURIComponent(id) + '/metrics');
      for (const k of now.keys) {
        if (!panels.has(k)) {
          const p = new ChartPanel(k, { height: 200 });
          panels.set(k, p);
          keys.push(k);
          (k.startsWith('system/') ? system : charts).append(p.el);
        }
      }
      await loadCharts();
    }, 100);
    es.addEventListener('run', async e => {
      run = JSON.parse(e.data);
      // Provenance is recorded in the background after the run starts: fetch it once it is there.
      if (!prov.command) prov = await api('/api/v1/runs/' + encodeURIComponent(id) + '/provenance').catch(() => prov);
      clear(badge).append(stateBadge(run.state, run));
      drawOverview();
      refresh();
    });
    es.addEventListener('console', e => consoleBox.add(JSON.parse(e.data).lines));
    es.addEventListener('end', () => es.close());
    window.addEventListener('pagehide', () => es.close());
  }
}

// On a team server the run's user is who signed in; what the client said is only a label.
function claimedBy(run, prov) {
  const c = prov.client;
  if (!c || typeof c !== 'object' || !c.user || c.user === run.user) return '';
  return h('span', { class: 'muted' }, ' (the client said ' + c.user + (c.host ? ' on ' + c.host : '') + ')');
}

/** A nested run's parent, by id until the server names it (a parent the caller may not read stays an id). */
function parentView(id) {
  const link = h('a', { href: runHref(id), class: 'parent-link', title: id }, id);
  api('/api/v1/runs/' + encodeURIComponent(id)).then(p => { if (p && p.name) link.textContent = p.name; }).catch(() => {});
  return link;
}

/** A trial's run links to its sweep's page, with the trial's number once the server tells it. */
function sweepView(run) {
  const el = h('span', { class: 'sweep-link' }, h('a', { href: sweepHref(run.sweep) }, run.sweep));
  api('/api/v1/sweeps/' + encodeURIComponent(run.sweep) + '/overview').then(view => {
    clear(el.firstChild).append(view.sweep.name);
    const trial = view.trials.find(t => t.run === run.id);
    if (trial) el.append(h('span', { class: 'muted trial-number' }, ' · trial ' + trial.number));
  }).catch(() => { /* a sweep this server does not know: the id alone still links */ });
  return el;
}

function row(label, ...value) {
  return [h('dt', null, label), h('dd', null, ...value)];
}

function overviewOf(run, prov, inputs, reproduce, edit) {
  const git = prov.git || {};
  const cmd = prov.command || prov.process || {};
  const deps = prov.dependencies || [];
  const left = h('dl', { class: 'props' },
    row('State', stateBadge(run.state, run), stopReason(run) ? h('span', { class: 'muted' }, ' ' + stopReason(run)) : ''),
    // What the run could not record (e.g. points a full disk refused): its data is not whole.
    (run.problems || []).length ? row('Problems', run.problems.map(p => h('div', { class: 'problem' }, p))) : '',
    row('Created', fmtDate(run.created_at)),
    row('Runtime', fmtDuration(runtimeOf(run))),
    row('User', run.user || '—', claimedBy(run, prov)),
    row('Host', run.host || '—'),
    row('Group', run.group || '—'),
    row('Sweep', run.sweep ? sweepView(run) : '—'),
    // a nested run (MLflow's mlflow.parentRunId) links to the run it belongs to
    typeof prov.parent === 'string' && prov.parent ? row('Parent run', parentView(prov.parent)) : '',
    row('Command', commandView(cmd)),
    row('Git', git.commit ? [h('code', null, String(git.commit).slice(0, 12)), git.branch ? ' on ' + git.branch : '',
      git.dirty ? h('span', { class: 'tag warn' }, 'uncommitted changes') : ''] : '—'),
    row('Notes', h('span', { class: 'editable-inline' }, run.notes || h('span', { class: 'muted' }, 'none')), ' ',
      h('button', { class: 'linkish', onclick: () => edit('notes') }, 'Edit')),
    row('Tags', run.tags.map(t => h('span', { class: 'tag' }, t)), ' ', h('button', { class: 'linkish', onclick: () => edit('tags') }, 'Edit')),
    row('Datasets', inputs == null ? h('span', { class: 'muted' }, 'not recorded by this server')
      : inputs.length ? inputs.map(i => h('div', null, h('a', { href: datasetHref(i.dataset) + '?version=' + encodeURIComponent(i.version) },
        i.dataset + ':v' + i.version), ' ', h('code', { class: 'muted', title: i.hash }, String(i.hash || '').replace(/^sha256:/, '').slice(0, 12)))) : h('span', { class: 'muted' }, 'none')),
    row('Reproduce', reproduceView(reproduce)));
  const extra = [];
  if (git.diff) extra.push(h('details', null, h('summary', null, 'Git diff'), h('pre', { class: 'code' }, git.diff)));
  if (deps.length) {
    extra.push(h('details', null, h('summary', null, 'Dependencies (' + deps.length + ')'),
      h('ul', { class: 'deps' }, deps.map(d => h('li', null, typeof d === 'string' ? d : [d.group, d.artifact || d.name, d.version].filter(Boolean).join(':'))))));
  }
  const otherProv = Object.keys(prov).filter(k => !['git', 'dependencies'].includes(k));
  if (otherProv.length) extra.push(h('details', null, h('summary', null, 'Provenance'), h('pre', { class: 'code' },
    JSON.stringify(Object.fromEntries(otherProv.map(k => [k, prov[k]])), null, 2))));
  return h('div', { class: 'overview-grid' },
    h('div', null, left, extra),
    h('div', null, h('h2', null, 'Config'), kvTable(run.config, 'config'), h('h2', null, 'Summary'), kvTable(run.summary, 'summary')));
}

export function flatten(obj, prefix = '', out = []) {
  for (const [k, v] of Object.entries(obj || {})) {
    if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length) flatten(v, prefix + k + '.', out);
    else out.push([prefix + k, v]);
  }
  return out;
}

function kvTable(obj, name) {
  const rows = flatten(obj);
  if (!rows.length) return h('p', { class: 'muted' }, 'No ' + name + '.');
  return h('table', { class: 'kv props-table', 'aria-label': name }, h('tbody', null,
    rows.map(([k, v]) => h('tr', { dataset: { key: k } }, h('th', { title: k }, k), h('td', { class: 'num' }, valueView(v))))));
}

/**
 * The command the run started with, folded: "java -cp …48 jars dev.keel.Main --epochs 5" opens
 * to the whole line (a class path alone can fill a screen), with a copy button.
 */
function commandView(cmd) {
  const line = cmd.command_line || cmd.main_class || '';
  if (!line) return '—';
  const argv = Array.isArray(cmd.argv) && cmd.argv.length ? cmd.argv.map(String) : line.split(/\s+/);
  const short = shortCommand(argv);
  if (short === line) return h('span', { class: 'command' }, h('code', null, line), ' ', copyButton(line, 'command'));
  return h('details', { class: 'command' }, h('summary', { title: 'Show the whole command' }, h('code', null, short)),
    h('pre', { class: 'code wrap' }, line), copyButton(line, 'command'));
}

export function shortCommand(argv) {
  const out = [String(argv[0]).split(/[\\/]/).pop()];
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (['-cp', '-classpath', '--class-path', '-p', '--module-path'].includes(a) && i + 1 < argv.length) {
      const parts = argv[++i].split(argv[i].includes(';') ? ';' : ':').filter(Boolean);
      const jars = parts.filter(p => /\.jar$/i.test(p)).length;
      const dirs = parts.length - jars;
      out.push(a, '…' + [jars ? jars + (jars === 1 ? ' jar' : ' jars') : '', dirs ? dirs + (dirs === 1 ? ' folder' : ' folders') : '']
        .filter(Boolean).join(' + '));
    } else {
      out.push(a.length > 60 ? middle(a, 24) : a);
    }
  }
  return out.join(' ');
}

/**
 * Only commands that exist (the server builds them), one per line with its purpose and a copy
 * button; then what `keel reproduce` found: this run's reproductions with their verdicts, or, on
 * a reproduction's page, the verdict against the run it reproduces.
 */
function reproduceView(reproduce) {
  const commands = (reproduce && reproduce.commands) || [];
  const copies = (reproduce && reproduce.reproductions) || [];
  const of = reproduce && reproduce.reproduces;
  if (!commands.length && !copies.length && !of) return h('span', { class: 'muted' }, 'not available from this server');
  return h('div', { class: 'reproduce' },
    of ? h('div', { class: 'repro-of' }, 'Reproduction of ', h('a', { href: runHref(of.run) }, of.name || of.run), ': ',
      verdictView(of.record, of.run, 'this run')) : null,
    commands.map(c => h('div', { class: 'repro-line', title: c.purpose },
      h('code', null, c.command), ' ', copyButton(c.command, 'command'), h('div', { class: 'muted small' }, c.purpose))),
    copies.length ? h('div', { class: 'muted small repro-head' }, 'Reproductions, newest first') : null,
    copies.length ? h('ul', { class: 'reproductions', 'aria-label': 'Reproductions' }, copies.map(c => h('li', { dataset: { run: c.run } },
      h('a', { href: runHref(c.run) }, c.name || c.run), ' ',
      c.record ? verdictView(c.record, 'this run', 'the reproduction')
        : h('span', { class: 'muted' }, c.state === 'running' ? 'running…' : 'no verdict recorded (' + c.state + ')')))) : null);
}

const VERDICT_LABEL = { identical: 'identical', within_tolerance: 'within tolerance', diverged: 'diverged', no_metrics: 'nothing to compare' };

/** A recorded verdict: a badge, the first difference with both values, and the environment differences folded. */
function verdictView(record, leftName, rightName) {
  if (!record || typeof record !== 'object') return h('span', { class: 'muted' }, 'no verdict recorded');
  const v = String(record.verdict || '');
  const parts = [h('span', { class: 'tag verdict ' + (v === 'diverged' ? 'warn' : 'ok'), dataset: { verdict: v } }, VERDICT_LABEL[v] || v)];
  if (v === 'diverged') {
    parts.push(' at step ' + record.step + ': ', h('code', null, String(record.key)), ' = ',
      h('code', null, record.left == null ? 'no point' : record.left), ' in ' + leftName + ', ',
      h('code', null, record.right == null ? 'no point' : record.right), ' in ' + rightName);
  } else if (record.points != null) {
    parts.push(h('span', { class: 'muted' }, ' ' + record.points + ' metric points' + (v === 'identical' ? ', bitwise equal' : '')));
  }
  if (record.steps != null) parts.push(h('span', { class: 'muted' }, ' (steps 0–' + record.steps + ')'));
  if (record.exit_code) parts.push(h('span', { class: 'tag warn' }, 'exit code ' + record.exit_code));
  const env = Array.isArray(record.environment) ? record.environment : [];
  parts.push(env.length
    ? h('details', { class: 'repro-env' }, h('summary', null, env.length + (env.length === 1 ? ' environment difference' : ' environment differences')),
      h('ul', null, env.map(l => h('li', null, h('code', null, String(l))))))
    : h('div', { class: 'muted small' }, 'no recorded environment difference'));
  return h('span', { class: 'verdict-line' }, parts);
}

function filesTable(run, files) {
  if (!files.length) return h('p', { class: 'muted' }, 'No files.');
  return h('table', { class: 'kv files' },
    h('thead', null, h('tr', null, h('th', null, 'Name'), h('th', null, 'Kind'), h('th', { class: 'num' }, 'Size'), h('th', null, 'Hash'))),
    h('tbody', null, files.map(f => h('tr', null,
      h('td', null, h('a', { href: '/api/v1/runs/' + encodeURIComponent(run.id) + '/files/' + f.name.split('/').map(encodeURIComponent).join('/'), download: '' }, f.name)),
      h('td', null, f.kind || ''), h('td', { class: 'num' }, fmtBytes(f.size)), h('td', null, h('code', { class: 'muted', title: f.hash }, String(f.hash || '').replace(/^sha256:/, '').slice(0, 12)))))));
}

function consoleView(id) {
  const pre = h('pre', { class: 'console', tabindex: '0', 'aria-label': 'Console output' });
  const search = h('input', { type: 'search', placeholder: 'Search console', 'aria-label': 'Search console' });
  const follow = h('input', { type: 'checkbox', checked: true });
  const lines = [];
  let next = 0;
  const draw = () => {
    const q = search.value.toLowerCase();
    clear(pre);
    const shown = q ? lines.filter(l => l.text.toLowerCase().includes(q)) : lines;
    const frag = document.createDocumentFragment();
    for (const l of shown.slice(-5000)) frag.append(h('div', { class: 'line' + (l.stream === 'stderr' ? ' err' : '') }, l.text));
    pre.append(frag);
    if (follow.checked) pre.scrollTop = pre.scrollHeight;
  };
  const add = more => {
    for (const l of more) {
      if (l.seq < next) continue;
      lines.push(l);
      next = l.seq + 1;
    }
    draw();
  };
  search.addEventListener('input', debounce(draw, 150));
  const ready = api('/api/v1/runs/' + encodeURIComponent(id) + '/console?limit=100000').then(r => add(r.lines)).catch(() => {});
  return {
    ready,
    el: h('div', null, h('div', { class: 'toolbar' }, search, h('label', null, follow, ' Follow')), pre),
    add, next: () => next,
  };
}
