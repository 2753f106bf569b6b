// The projects page: each project with its run count, last activity and best main metric.
import { api, qs } from './api.js';
import { h, fmtAgo, fmtNum, projectHref, setCrumbs } from './dom.js';
import { lowerIsBetter, mainMetric } from './metrics.js';


export async function render(main) {
  setCrumbs({ label: 'Projects' });
  const { projects } = await api('/api/v1/projects');
  main.append(h('div', { class: 'page-head' }, h('h1', null, 'Projects'),
    h('span', { class: 'muted' }, projects.length + (projects.length === 1 ? ' project' : ' projects'))));
  if (!projects.length) {
    main.append(h('div', { class: 'empty' }, h('p', null, 'No runs yet.'),
      h('p', null, 'Log one with ', h('code', null, 'Keel.init(...)'), ' or try ', h('code', null, './keel demo'), '.')));
    return;
  }
  const grid = h('div', { class: 'cards' });
  main.append(grid);
  projects.sort((a, b) => (b.last_activity_at || 0) - (a.last_activity_at || 0));
  for (const p of projects) {
    const best = h('div', { class: 'best muted' }, '…');
    grid.append(h('a', { class: 'card', href: projectHref(p.name), dataset: { project: p.name } },
      h('h2', null, p.name),
      h('div', { class: 'stats' },
        h('div', null, h('b', null, String(p.run_count)), h('span', null, p.run_count === 1 ? 'run' : 'runs')),
        h('div', null, h('b', null, fmtAgo(p.last_activity_at)), h('span', null, 'last activity'))),
      best));
    bestOf(p.name).then(b => {
      best.textContent = '';
      best.classList.remove('muted');
      if (b) best.append(h('span', { class: 'muted' }, 'best ' + b.key + ' '), h('b', null, fmtNum(b.value)),
        h('span', { class: 'muted' }, ' · ' + b.run));
    }).catch(() => { best.textContent = ''; });
  }
}

async function bestOf(project) {
  const cols = await api('/api/v1/projects/' + encodeURIComponent(project) + '/columns');
  const key = mainMetric(cols.summary);
  if (!key) return null;
  const sort = (lowerIsBetter(key) ? '' : '-') + 'summary.' + key;
  const r = await api('/api/v1/projects/' + encodeURIComponent(project) + '/runs' +
    qs({ sort, limit: 1 }));
  const run = r.runs[0];
  return run && run.summary[key] != null ? { key, value: run.summary[key], run: run.name } : null;
}
