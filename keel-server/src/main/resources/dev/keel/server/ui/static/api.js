// The one way the pages talk to the server. Sends the session's CSRF token on every
// state-changing request and goes to the login page when the API says 401.

let csrfToken = null;

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** The signed-in session: {user, csrf_token}, {anonymous: true}, or {local: true} on a server without sessions. */
export async function session() {
  try {
    const r = await fetch('/api/v1/session', { credentials: 'same-origin' });
    if (r.ok) {
      const s = await r.json();
      csrfToken = s.csrf_token || null;
      return s;
    }
    return r.status === 401 ? { anonymous: true } : { local: true };
  } catch (e) {
    return { local: true };
  }
}

export function setCsrf(token) {
  csrfToken = token;
}

export function loginHref() {
  return '/login?next=' + encodeURIComponent(location.pathname + location.search);
}

export async function api(url, opts = {}) {
  const method = opts.method || 'GET';
  const headers = { Accept: 'application/json', ...(opts.headers || {}) };
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let body;
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  const r = await fetch(url, { method, headers, body, credentials: 'same-origin', signal: opts.signal });
  if (r.status === 401 && !opts.noRedirect) {
    location.assign(loginHref());
    throw new ApiError(401, 'UNAUTHENTICATED', 'Sign in to see this page');
  }
  const text = await r.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch (e) { data = { message: text }; }
  }
  if (!r.ok) throw new ApiError(r.status, data && data.error_code, (data && data.message) || r.statusText);
  return data;
}

export const enc = encodeURIComponent;

/** Query string from an object, skipping empty values. */
export function qs(params) {
  const parts = [];
  for (const [k, v] of Object.entries(params)) {
    if (v == null || v === '') continue;
    parts.push(enc(k) + '=' + enc(Array.isArray(v) ? v.join(',') : v));
  }
  return parts.length ? '?' + parts.join('&') : '';
}

/** Series for runs × keys, downsampled by the server, in chunks that keep URLs short. */
export async function series(runIds, keys, points) {
  const out = [];
  const chunk = 40;
  const jobs = [];
  for (let i = 0; i < runIds.length; i += chunk) {
    jobs.push(api('/api/v1/series' + qs({ runs: runIds.slice(i, i + chunk), keys, points })));
  }
  for (const r of await Promise.all(jobs)) out.push(...r.series);
  return out;
}
