// Who is signed in, what they may do, and which server this is.
import { useEffect, useState } from 'preact/hooks';
import { api, setCsrfToken, onUnauthorized, ApiError } from './api.js';
import { navigate, currentPath } from './router.js';

export function createStore(init) {
	let state = init;
	const subs = new Set();
	return {
		get: () => state,
		set(patch) { state = { ...state, ...patch }; for (const f of subs) f(state); },
		subscribe(f) { subs.add(f); return () => subs.delete(f); },
	};
}

export function useStore(store) {
	const [v, set] = useState(store.get());
	useEffect(() => store.subscribe(set), [store]);
	return v;
}

const metaContent = n => document.querySelector(`meta[name="${n}"]`)?.getAttribute('content') || '';
const SIGNED_IN = 'stockroom.signedIn';

export const session = createStore({
	status: 'loading',          // loading | anon | authed
	user: null,                 // /api/user/me/
	roles: null,                // /api/user/roles/
	instance: metaContent('stockroom-instance') || 'Stockroom',
	server: null,               // /api/
	expired: false,             // the last session ended under the user
	returnTo: null,
	setupRequired: false,
});

/* True if the signed-in user may do perm ("view", "add", ...) on ruleset. */
export function can(ruleset, perm = 'view') {
	const s = session.get();
	if (!s.user) return false;
	if (s.user.is_superuser || s.roles?.is_superuser) return true;
	const r = s.roles?.roles?.[ruleset];
	return Array.isArray(r) && r.includes(perm);
}

export function isSuperuser() {
	const s = session.get();
	return !!(s.user?.is_superuser || s.roles?.is_superuser);
}

async function loadIdentity() {
	const [user, roles] = await Promise.all([
		api.get('user/me/', null, { quiet: true }),
		api.get('user/roles/', null, { quiet: true }),
	]);
	localStorage.setItem(SIGNED_IN, '1');
	const t = tokenFrom(user) || tokenFrom(roles);
	if (t) setCsrfToken(t);
	// Who is signed in and what they may do, kept for opening the page
	// without a connection (the shell then shows; the API decides anyway).
	const { pk, username, first_name, last_name, is_superuser, is_staff } = user || {};
	localStorage.setItem(IDENTITY, JSON.stringify({ user: { pk, username, first_name, last_name, is_superuser, is_staff }, roles }));
	session.set({ status: 'authed', user, roles, expired: false, offline: false });
}

const IDENTITY = 'stockroom.identity';

/* No connection (the server could not be reached at all): the page as the
   user last had it, marked offline, tried again once the browser is back
   online (or every 30 s). */
function goOffline() {
	let kept = null;
	try { kept = JSON.parse(localStorage.getItem(IDENTITY) || 'null'); } catch { kept = null; }
	if (!kept?.user) return false;
	session.set({ status: 'authed', user: kept.user, roles: kept.roles, offline: true });
	let done = false;
	const stop = () => { done = true; clearInterval(timer); window.removeEventListener('online', onOnline); };
	const retry = () => (done ? Promise.resolve() : loadIdentity().then(stop,
		e => { if (e instanceof ApiError && e.status) stop(); }));
	// The 'online' event may come a moment before requests get through:
	// tried then, and again shortly after.
	const onOnline = () => { retry(); setTimeout(retry, 1500); setTimeout(retry, 5000); };
	window.addEventListener('online', onOnline);
	const timer = setInterval(retry, 30000);
	return true;
}

export async function boot() {
	api.get('', null, { quiet: true }).then(server => {
		const patch = { server };
		if (server?.instance) patch.instance = server.instance;
		session.set(patch);
		document.title = patch.instance || session.get().instance;
	}).catch(() => {});
	// Only ask who we are when this browser has signed in before: a fresh
	// visitor goes straight to the sign-in page without a 401 round trip.
	if (localStorage.getItem(SIGNED_IN) === '1') {
		try {
			await loadIdentity();
			return;
		} catch (e) {
			if (e instanceof ApiError && e.status === 0 && goOffline()) return;
			localStorage.removeItem(SIGNED_IN);
			localStorage.removeItem(IDENTITY);
			session.set({ expired: e instanceof ApiError && e.status === 401 });
		}
	}
	await checkSetup();
	session.set({ status: 'anon' });
}

/* First run: no account exists yet, so the page offers setup. */
export async function checkSetup() {
	try {
		const r = await api.get('auth/setup/', null, { quiet: true });
		session.set({ setupRequired: !!r?.setup_required, setupCodeFile: r?.setup_code_file || '' });
		if (r?.setup_required && currentPath() !== '/setup') navigate('/setup', { replace: true });
	} catch { session.set({ setupRequired: false }); }
}

/* Pulls the CSRF token out of a sign-in answer, whatever its spelling. */
function tokenFrom(r) {
	if (!r || typeof r !== 'object') return '';
	return r.csrf_token || r.csrftoken || r.csrfToken || r.csrf || r.meta?.csrf_token || '';
}

export async function signIn(username, password) {
	const r = await api.post('auth/login/', { username, password }, { quiet: true });
	setCsrfToken(tokenFrom(r));
	await loadIdentity();	// the shell then leaves /login for returnTo
}

/* Where to go once signed in: back where the session ended, or home. */
export function takeReturnTo() {
	const to = session.get().returnTo;
	session.set({ returnTo: null });
	return to && !to.startsWith('/login') && !to.startsWith('/setup') ? to : '/';
}

export async function signOut() {
	try { await api.post('auth/logout/', undefined, { quiet: true }); } catch { /* gone already */ }
	setCsrfToken('');
	localStorage.removeItem(SIGNED_IN);
	localStorage.removeItem(IDENTITY);
	session.set({ status: 'anon', user: null, roles: null, expired: false, returnTo: null, offline: false });
	navigate('/login', { replace: true });
}

export async function refreshIdentity() {
	try { await loadIdentity(); } catch { /* the 401 handler takes over */ }
}

export { tokenFrom };

onUnauthorized(() => {
	const s = session.get();
	if (s.status !== 'authed') return;
	setCsrfToken('');
	localStorage.removeItem(SIGNED_IN);
	localStorage.removeItem(IDENTITY);
	const here = currentPath() + location.search;
	session.set({ status: 'anon', user: null, roles: null, expired: true, returnTo: here });
});
