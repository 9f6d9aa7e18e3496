// Stockroom's page: the shell (navigation, sign-in gate) and the routes.
import { render } from 'preact';
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import './styles.css';
import { useRoute, match, Link, navigate, currentPath } from './router.js';
import { session, useStore, boot, can, isSuperuser, signOut, takeReturnTo } from './session.js';
import { Icon } from './ui/icons.js';
import { Toasts, Spinner, focusPage } from './ui/kit.js';
import { SignIn, Setup } from './pages/signin.js';
import { Dashboard } from './pages/dashboard.js';
import { Parts } from './pages/parts.js';
import { Locations } from './pages/locations.js';
import { Scanner, ScanButton, listenForWedge } from './scan.js';
import { Notifications, NotificationsButton, useUnreadPoll } from './notify.js';
import { Queue, QueueButton, useQueue } from './queue.js';

/*
 * Pages other than the parts, locations and dashboard pages are loaded when
 * first opened (each its own chunk in assets/, fetched relative to the
 * app's file, so under any prefix): the first page stays small (its budget
 * in build.mjs).  lazy(load, name) is a component that renders the module's
 * export name once it has arrived.
 */
const loaded = new Map();
function lazy(load, name) {
	return function Lazy(props) {
		const [, set] = useState(0);
		const [error, setError] = useState(null);
		const mod = loaded.get(load);
		useEffect(() => {
			if (mod) return;
			let live = true;
			load().then(m => { loaded.set(load, m); if (live) set(n => n + 1); },
				e => { if (live) setError(e); });
			return () => { live = false; };
		}, [mod, error]);
		if (mod) { const C = mod[name]; return html`<${C} ...${props} />`; }
		if (error) {
			return html`<div class="page"><div class="page-head"><h1>This page did not load</h1></div>
				<p role="alert">The server could not be reached (${error.message}).</p>
				<button type="button" class="btn btn-secondary" onClick=${() => setError(null)}>Try again</button></div>`;
		}
		return html`<${Spinner} />`;
	};
}
const partPage = () => import('./pages/part.js');
const stockPage = () => import('./pages/stockitem.js');
const historyPage = () => import('./pages/history.js');
const companiesPage = () => import('./pages/companies.js');
const ordersPage = () => import('./pages/orders.js');
const buildsPage = () => import('./pages/builds.js');
const accountPage = () => import('./pages/account.js');
const adminPage = () => import('./pages/admin.js');
const PartPage = lazy(partPage, 'PartPage');
const StockItemPage = lazy(stockPage, 'StockItemPage');
const History = lazy(historyPage, 'History');
const Companies = lazy(companiesPage, 'Companies');
const CompanyPage = lazy(companiesPage, 'CompanyPage');
const PurchaseOrders = lazy(ordersPage, 'PurchaseOrders');
const PurchaseOrderPage = lazy(ordersPage, 'PurchaseOrderPage');
const WhatToOrder = lazy(ordersPage, 'WhatToOrder');
const BuildOrders = lazy(buildsPage, 'BuildOrders');
const BuildOrderPage = lazy(buildsPage, 'BuildOrderPage');
const Account = lazy(accountPage, 'Account');
const Admin = lazy(adminPage, 'Admin');
// The labels page, with its QR encoder.
const Labels = lazy(() => import('./pages/labels.js'), 'LabelsPage');

const ROUTES = [
	['/', Dashboard],
	['/parts', Parts],
	['/part/:id', PartPage],
	['/locations', Locations],
	['/locations/:id', Locations],
	['/stock/:id', StockItemPage],
	['/history', History],
	['/labels', Labels],
	['/companies', Companies],
	['/company/:id', CompanyPage],
	['/orders', PurchaseOrders],
	['/order/suggest', WhatToOrder],
	['/order/:id', PurchaseOrderPage],
	['/builds', BuildOrders],
	['/build/:id', BuildOrderPage],
	['/account', Account],
	['/admin', Admin],
	['/admin/:tab', Admin],
];

function NotFound() {
	return html`<div class="page"><div class="page-head"><h1 tabindex="-1">Page not found</h1></div>
		<p>There is nothing at this address. <${Link} to="/">Go to the dashboard</${Link}>.</p></div>`;
}

function navItems() {
	const items = [['/', 'Dashboard', 'home']];
	if (can('part', 'view') || can('part_category', 'view')) items.push(['/parts', 'Parts', 'parts']);
	if (can('stock_location', 'view') || can('stock', 'view')) items.push(['/locations', 'Locations', 'location']);
	if (can('stock', 'view')) items.push(['/history', 'History', 'history']);
	if (can('purchase_order', 'view')) items.push(['/companies', 'Companies', 'building']);
	if (can('purchase_order', 'view')) items.push(['/orders', 'Purchase orders', 'copy']);
	if (can('build', 'view')) items.push(['/builds', 'Build orders', 'box']);
	items.push(['/account', 'My account', 'user']);
	if (isSuperuser()) items.push(['/admin', 'Administration', 'shield']);
	return items;
}

function Shell({ path, children }) {
	const s = useStore(session);
	const [menu, setMenu] = useState(false);
	const section = p => (p === '/' ? path === '/' : path === p || path.startsWith(p + '/')
		|| (p === '/parts' && path.startsWith('/part/')) || (p === '/locations' && path.startsWith('/stock/'))
		|| (p === '/companies' && path.startsWith('/company/')) || (p === '/orders' && path.startsWith('/order/')) || (p === '/builds' && path.startsWith('/build/')));
	const user = s.user;
	const name = user ? ([user.first_name, user.last_name].filter(Boolean).join(' ') || user.username) : '';
	return html`<div class=${'shell' + (menu ? ' menu-open' : '')}>
		<a class="skip" href="#main">Skip to content</a>
		<header class="topbar">
			<button type="button" class="btn btn-icon menu-btn" aria-label="Menu" aria-expanded=${menu}
				aria-controls="nav" onClick=${() => setMenu(!menu)}><${Icon} name="menu" /></button>
			<${Link} to="/" class="brand"><span class="brand-mark" aria-hidden="true"><${Icon} name="box" size=${18} /></span>
				<span class="brand-name">${s.instance}</span></${Link}>
			<${QueueButton} class="notif-top" />
			<${NotificationsButton} class="notif-top" />
			<${ScanButton} class="scan-top" />
		</header>
		<nav id="nav" class="sidebar" aria-label="Main">
			<${Link} to="/" class="brand brand-side"><span class="brand-mark" aria-hidden="true"><${Icon} name="box" size=${18} /></span>
				<span class="brand-name">${s.instance}</span></${Link}>
			<${ScanButton} class="scan-side" />
			<${NotificationsButton} class="notif-side" label="Notifications" />
			<${QueueButton} class="notif-side" label="Waiting to send" />
			<ul>
				${navItems().map(([to, label, icon]) => html`<li key=${to}>
					<${Link} to=${to} class=${'nav-link' + (section(to) ? ' is-active' : '')}
						aria-current=${section(to) ? 'page' : undefined} onNavigate=${() => setMenu(false)}>
						<${Icon} name=${icon} /><span>${label}</span></${Link}></li>`)}
			</ul>
			<div class="sidebar-foot">
				<div class="who"><span class="avatar" aria-hidden="true">${(name || '?').slice(0, 1).toUpperCase()}</span>
					<span class="who-name"><span>${name}</span>${user?.is_superuser && html`<small>Administrator</small>`}</span></div>
				<button type="button" class="btn btn-ghost signout" onClick=${signOut}><${Icon} name="logout" /><span>Sign out</span></button>
			</div>
		</nav>
		<div class="scrim" onClick=${() => setMenu(false)} aria-hidden="true"></div>
		<main id="main" class="main" tabindex="-1">${s.offline && html`<p class="offline-note" role="status"><${Icon} name="alert" />
			You are offline: the server cannot be reached. What the page shows is not up to date; counts and moves are kept and sent when the connection is back, other changes cannot be saved until then.</p>`}${children}</main>
	</div>`;
}

function App() {
	const s = useStore(session);
	const { path } = useRoute();
	useEffect(() => { boot(); }, []);
	// A scanner that types (a burst ending in Enter) works on every page.
	useEffect(() => (s.status === 'authed' ? listenForWedge() : undefined), [s.status]);
	useUnreadPoll(s.status === 'authed');
	useQueue(s.status === 'authed');
	// After a page change, focus goes to the new page's heading (once it
	// has arrived), not back to the top of the document: where a screen
	// reader or a keyboard user carries on.  Unless something was focused
	// meanwhile (an autofocus field, a click).
	const first = useRef(true);
	useEffect(() => {
		if (first.current) { first.current = false; return undefined; }
		const from = document.activeElement;
		const free = () => { const a = document.activeElement; return !a || a === document.body || a === from || !!a.closest?.('nav, .sidebar, .topbar'); };
		let tries = 0;
		const t = setInterval(() => {
			tries++;
			if (!free()) { clearInterval(t); return; }
			const ready = document.querySelector('#main h1') && !document.querySelector('#main .spinner');
			if (ready || tries > 40) { clearInterval(t); focusPage(); }
		}, 50);
		return () => clearInterval(t);
	}, [path]);

	useEffect(() => {
		const here = currentPath();
		if (s.status === 'anon' && here !== '/login' && here !== '/setup') {
			if (!session.get().returnTo && here !== '/') session.set({ returnTo: here + location.search });
			navigate('/login', { replace: true });
		}
		if (s.status === 'authed' && (here === '/login' || here === '/setup')) navigate(takeReturnTo(), { replace: true });
	}, [s.status, path]);

	if (s.status === 'loading') return html`<div class="boot"><${Spinner} /></div>`;
	if (s.status === 'anon') {
		return html`${path === '/setup' ? html`<${Setup} />` : html`<${SignIn} expired=${s.expired} />`}<${Toasts} />`;
	}
	let page = null;
	for (const [pattern, C] of ROUTES) {
		const params = match(pattern, path);
		if (params) { page = html`<${C} ...${params} key=${ROUTES.findIndex(r => r[1] === C)} />`; break; }
	}
	return html`<${Shell} path=${path}>${page || html`<${NotFound} />`}</${Shell}><${Scanner} /><${Notifications} /><${Queue} /><${Toasts} />`;
}

render(html`<${App} />`, document.getElementById('app'));

// The service worker (sw.js, beside index.html: its scope is the whole
// page) keeps the app shell for opening without a connection.  Browsers
// allow one only over HTTPS or on localhost.
if ('serviceWorker' in navigator && window.isSecureContext) {
	window.addEventListener('load', () => {
		navigator.serviceWorker.register('sw.js').catch(e => console.warn('service worker:', e));
	});
}
