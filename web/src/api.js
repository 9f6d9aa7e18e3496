// The one way the page talks to the server.  Every URL is built under the
// install prefix (from <base href>), the session cookie goes along, and
// every state-changing call carries the CSRF token the server gave us at
// sign-in.  Errors come back as ApiError with the API's field messages.

export const BASE = (() => {
	const p = new URL(document.baseURI).pathname;
	return p.endsWith('/') ? p : p + '/';
})();

const CSRF_KEY = 'stockroom.csrf';
let csrfToken = localStorage.getItem(CSRF_KEY) || '';
let unauthorizedHandler = null;

export function setCsrfToken(t) {
	csrfToken = t || '';
	if (csrfToken) localStorage.setItem(CSRF_KEY, csrfToken);
	else localStorage.removeItem(CSRF_KEY);
}

function cookie(name) {
	for (const part of document.cookie.split(';')) {
		const i = part.indexOf('=');
		if (i > 0 && part.slice(0, i).trim() === name)
			return decodeURIComponent(part.slice(i + 1).trim());
	}
	return '';
}

export function csrf() {
	return csrfToken || cookie('csrftoken') || cookie('stockroom_csrf');
}

/* Called with the error whenever an authenticated call answers 401. */
export function onUnauthorized(fn) { unauthorizedHandler = fn; }

export class ApiError extends Error {
	constructor(status, body) {
		const detail = body && typeof body === 'object'
			? (body.detail || firstMessage(body)) : '';
		super(detail || (status ? `The server answered ${status}.` : 'The server could not be reached.'));
		this.status = status;
		this.body = body && typeof body === 'object' ? body : {};
	}
	/* Messages for one field ("name"), or [] */
	field(name) {
		const v = this.body[name];
		if (Array.isArray(v)) return v.map(String);
		if (typeof v === 'string') return [v];
		return [];
	}
	/* Messages not tied to a field the form shows. */
	general(shownFields = []) {
		const out = [];
		let shown = 0;
		for (const [k, v] of Object.entries(this.body)) {
			if (shownFields.includes(k)) { shown++; continue; }
			if (k === 'detail' || k === 'url') continue;
			const msgs = Array.isArray(v) ? v : [v];
			for (const m of msgs) {
				if (typeof m === 'object' && m) out.push(firstMessage(m));
				else out.push(k === 'non_field_errors' ? String(m) : `${k}: ${m}`);
			}
		}
		if (this.body.detail) out.unshift(String(this.body.detail));
		// The message is the first field's when there is no detail: not
		// again in the banner when that field shows it itself.
		if (!out.length && !shown) out.push(this.message);
		return out;
	}
}

function firstMessage(o) {
	for (const v of Object.values(o)) {
		if (Array.isArray(v) && v.length) return typeof v[0] === 'object' ? firstMessage(v[0]) : String(v[0]);
		if (typeof v === 'string') return v;
	}
	return '';
}

export function apiUrl(path, query) {
	let url = BASE + 'api/' + path.replace(/^\/+/, '').replace(/^api\//, '');
	if (query) {
		const q = new URLSearchParams();
		for (const [k, v] of Object.entries(query))
			if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
		const s = q.toString();
		if (s) url += (url.includes('?') ? '&' : '?') + s;
	}
	return url;
}

/*
 * request(method, path, {query, body, form, quiet}) → parsed JSON (or null).
 * path is relative to api/ ("part/12/").  body is sent as JSON, form as
 * multipart.  quiet: a 401 does not raise the session-expired screen.
 */
export async function request(method, path, opts = {}) {
	const headers = { Accept: 'application/json' };
	let body;
	// Sent on every call: some GETs create things (a new API token) and the
	// server asks for the token there too.
	const t = csrf();
	if (t) headers['X-CSRFToken'] = t;
	if (opts.form) body = opts.form;
	else if (opts.body !== undefined) {
		headers['Content-Type'] = 'application/json';
		body = JSON.stringify(opts.body);
	}
	let res;
	try {
		res = await fetch(apiUrl(path, opts.query), {
			method, headers, body, credentials: 'same-origin', cache: 'no-store',
		});
	} catch {
		throw new ApiError(0, null);
	}
	const text = res.status === 204 ? '' : await res.text();
	let data = null;
	if (text) {
		try { data = JSON.parse(text); } catch {
			data = res.ok ? null : { detail: res.status === 404
				? 'This part of the server is not available (404).'
				: `The server answered ${res.status} ${res.statusText}.` };
		}
	}
	if (!res.ok) {
		const err = new ApiError(res.status, data);
		if (res.status === 401 && !opts.quiet && unauthorizedHandler) unauthorizedHandler(err);
		throw err;
	}
	return data;
}

export const api = {
	get: (path, query, opts) => request('GET', path, { ...opts, query }),
	post: (path, body, opts) => request('POST', path, { ...opts, body }),
	put: (path, body, opts) => request('PUT', path, { ...opts, body }),
	patch: (path, body, opts) => request('PATCH', path, { ...opts, body }),
	del: (path, body, opts) => request('DELETE', path, { ...opts, body }),
	/* A page of a list: always {count, results}, whatever the server shape. */
	async page(path, query) {
		const d = await request('GET', path, { query });
		if (Array.isArray(d)) return { count: d.length, results: d };
		return { count: d?.count ?? 0, results: d?.results ?? [] };
	},
	/* A whole (small) list as an array. */
	async list(path, query) {
		const d = await request('GET', path, { query });
		return Array.isArray(d) ? d : (d?.results ?? []);
	},
};
