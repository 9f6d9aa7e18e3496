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

/*
 * Scroll positions kept per history entry (each entry's state holds a
 * key), so that Back and Forward return to where the page was scrolled.
 * The page's content arrives after the address changes, so the position
 * is restored once the page is tall enough (or after 3 s, or as soon as
 * the user scrolls or types).
 */
const scrolls = new Map();
let entry = history.state?.k || `e${Date.now()}`;
if (!history.state?.k) history.replaceState({ ...(history.state || {}), k: entry }, '');
if ('scrollRestoration' in history) history.scrollRestoration = 'manual';
let restoring = 0;

function remember() { scrolls.set(entry, window.scrollY); }

function restore(y) {
	const run = ++restoring;
	const until = Date.now() + 3000;
	const stop = () => { restoring++; };
	window.addEventListener('wheel', stop, { once: true, passive: true });
	window.addEventListener('touchstart', stop, { once: true, passive: true });
	window.addEventListener('keydown', stop, { once: true });
	const step = () => {
		if (run !== restoring) return;
		const max = document.documentElement.scrollHeight - window.innerHeight;
		window.scrollTo(0, Math.min(y, Math.max(0, max)));
		const busy = document.querySelector('[aria-busy=true], .spinner');
		if ((max >= y && !busy) || Date.now() > until) { restoring++; return; }
		requestAnimationFrame(step);
	};
	requestAnimationFrame(step);
}

export function navigate(to, { replace = false } = {}) {
	const url = href(to);
	if (url === location.pathname + location.search) { notify(); return; }
	if (!replace) {
		remember();
		entry = `e${Date.now()}-${Math.random().toString(36).slice(2, 6)}`;
	}
	history[replace ? 'replaceState' : 'pushState']({ k: entry }, '', url);
	notify();
	if (!replace) { restoring++; window.scrollTo(0, 0); }
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
window.addEventListener('popstate', e => {
	remember();
	entry = e.state?.k || `e${Date.now()}`;
	if (!e.state?.k) history.replaceState({ k: entry }, '');
	notify();
	restore(scrolls.get(entry) || 0);
});

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
