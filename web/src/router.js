// History-API routing under the install prefix.  Routes are written as
// app paths ("/part/12"); the address bar shows BASE + path.
import { h } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { BASE } from './api.js';

const listeners = new Set();

export function currentPath() {
	let p = location.pathname;
	if (p.startsWith(BASE)) p = p.slice(BASE.length);
	else if (p + '/' === BASE) p = '';
	else p = p.replace(/^\//, '');
	return '/' + p;
}

export function href(to) {
	return BASE + String(to).replace(/^\//, '');
}

export function navigate(to, { replace = false } = {}) {
	const url = href(to);
	if (url === location.pathname + location.search) { notify(); return; }
	history[replace ? 'replaceState' : 'pushState'](null, '', url);
	notify();
	if (!replace) window.scrollTo(0, 0);
}

/* Changes the query string of the current page (keeps the path). */
export function setQuery(params, { replace = true } = {}) {
	const q = new URLSearchParams(location.search);
	for (const [k, v] of Object.entries(params)) {
		if (v === undefined || v === null || v === '' || v === false) q.delete(k);
		else q.set(k, String(v));
	}
	const s = q.toString();
	navigate(currentPath() + (s ? '?' + s : ''), { replace });
}

function notify() { for (const l of listeners) l(); }
window.addEventListener('popstate', notify);

export function useRoute() {
	const [, set] = useState(0);
	useEffect(() => {
		const l = () => set(n => n + 1);
		listeners.add(l);
		return () => listeners.delete(l);
	}, []);
	return { path: currentPath(), query: new URLSearchParams(location.search) };
}

/* Matches "/part/:id" against a path; returns params or null.  An :id is
   a record's pk, digits only: "/part/abc" matches no route (the page not
   found), never a page that would ask for part NaN. */
export function match(pattern, path) {
	const a = pattern.split('/').filter(Boolean);
	const b = path.split('/').filter(Boolean);
	if (a.length !== b.length) return null;
	const params = {};
	for (let i = 0; i < a.length; i++) {
		if (a[i] === ':id' && !/^[0-9]{1,18}$/.test(b[i])) return null;
		if (a[i].startsWith(':')) params[a[i].slice(1)] = decodeURIComponent(b[i]);
		else if (a[i] !== b[i]) return null;
	}
	return params;
}

export function Link({ to, children, ...rest }) {
	const onClick = e => {
		if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
		e.preventDefault();
		navigate(to);
		rest.onNavigate && rest.onNavigate();
	};
	const { onNavigate, ...props } = rest;
	return h('a', { href: href(to), onClick, ...props }, children);
}
