// The dashboard's entry point: finds the page for this address and runs it. Addresses are
// stable (/, /projects/P, /runs/ID, /sweeps/ID, /compare?runs=a,b, /datasets, /datasets/NAME,
// /models, /models/NAME, /login).
import { session, loginHref } from './api.js';
import { h, clear, errorBox } from './dom.js';

const routes = [
  [/^\/$/, () => import('./projects.js'), () => []],
  [/^\/projects\/([^/]+)$/, () => import('./runs.js'), m => [decodeURIComponent(m[1])]],
  [/^\/runs\/([^/]+)$/, () => import('./run.js'), m => [decodeURIComponent(m[1])]],
  [/^\/sweeps\/([^/]+)$/, () => import('./sweep.js'), m => [decodeURIComponent(m[1])]],
  [/^\/compare$/, () => import('./compare.js'), () => []],
  [/^\/datasets$/, () => import('./datasets.js'), () => [null]],
  [/^\/datasets\/([^/]+)$/, () => import('./datasets.js'), m => [decodeURIComponent(m[1])]],
  [/^\/models$/, () => import('./models.js'), () => [null]],
  [/^\/models\/([^/]+)$/, () => import('./models.js'), m => [decodeURIComponent(m[1])]],
  [/^\/login$/, () => import('./login.js'), () => []],
];

async function main() {
  const main = document.getElementById('main');
  const who = document.getElementById('who');
  const s = await session();
  if (s.user) {
    // The embedded server answers its local user with no CSRF token: there is no session to end.
    who.append(h('span', null, s.user));
    if (s.csrf_token) who.append(h('button', { class: 'linkish', id: 'logout', onclick: logout }, 'Log out'));
  } else if (s.anonymous && location.pathname !== '/login') {
    who.append(h('a', { href: loginHref() }, 'Log in'));
  }
  for (const [re, load, args] of routes) {
    const m = location.pathname.match(re);
    if (!m) continue;
    try {
      const page = await load();
      clear(main);
      await page.render(main, ...args(m), s);
    } catch (e) {
      clear(main).append(errorBox(e));
    }
    document.body.dataset.ready = 'true';
    return;
  }
  clear(main).append(errorBox('No page at ' + location.pathname));
}

async function logout() {
  const { api } = await import('./api.js');
  try { await api('/api/v1/session', { method: 'DELETE', noRedirect: true }); } catch (e) { /* already gone */ }
  location.assign('/login');
}

main();
