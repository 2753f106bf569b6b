// The team server's login page: an API key or a password opens a session (an HttpOnly cookie
// plus a CSRF token the pages send back on every change).
import { api, setCsrf } from './api.js';
import { h, setCrumbs } from './dom.js';

export async function render(main, s) {
  setCrumbs({ label: 'Log in' });
  const next = new URLSearchParams(location.search).get('next');
  // Only a local path: never send someone to another site after logging in.
  const target = next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
  const user = h('input', { id: 'user', name: 'user', autocomplete: 'username', required: true });
  const secret = h('input', { id: 'secret', name: 'secret', type: 'password', autocomplete: 'current-password', required: true });
  const kind = h('select', { id: 'kind', 'aria-label': 'Sign in with' }, h('option', { value: 'password' }, 'Password'), h('option', { value: 'api_key' }, 'API key'));
  const err = h('div', { class: 'error', role: 'alert' });
  err.hidden = true;
  const form = h('form', { class: 'login', novalidate: true },
    h('h1', null, 'Log in to Keel'),
    h('label', { for: 'user' }, 'User'), user,
    h('label', { for: 'kind' }, 'With'), kind,
    h('label', { for: 'secret' }, 'Secret'), secret,
    err,
    h('button', { class: 'btn primary', type: 'submit' }, 'Log in'));
  form.addEventListener('submit', async e => {
    e.preventDefault();
    err.hidden = true;
    try {
      const r = await api('/api/v1/session', { method: 'POST', noRedirect: true,
        body: { user: user.value.trim(), [kind.value]: secret.value } });
      setCsrf(r.csrf_token);
      location.assign(target);
    } catch (x) {
      err.textContent = x.status === 401 || x.status === 403 ? 'Wrong user or secret.' : x.message;
      err.hidden = false;
    }
  });
  main.append(form);
  if (s && s.user) main.append(h('p', { class: 'muted' }, 'You are logged in as ' + s.user + '.'));
  user.focus();
}
