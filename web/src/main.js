// Stockroom's page: the shell (navigation, sign-in gate) and the routes.
import { render } from 'preact';
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import './styles.css';
import { useRoute, match, Link, navigate, currentPath } from './router.js';
import { session, useStore, boot, can, isSuperuser, signOut, takeReturnTo } from './session.js';
import { Icon } from './ui/icons.js';
import { Toasts, Spinner } from './ui/kit.js';
import { SignIn, Setup } from './pages/signin.js';
import { Dashboard } from './pages/dashboard.js';
import { Parts } from './pages/parts.js';
import { PartPage } from './pages/part.js';
import { Locations } from './pages/locations.js';
import { StockItemPage } from './pages/stockitem.js';
import { History } from './pages/history.js';
import { Companies, CompanyPage } from './pages/companies.js';
import { PurchaseOrders, PurchaseOrderPage, WhatToOrder } from './pages/orders.js';
import { BuildOrders, BuildOrderPage } from './pages/builds.js';
import { Account } from './pages/account.js';
import { Admin } from './pages/admin.js';
import { Scanner, ScanButton, listenForWedge } from './scan.js';

/* The labels page and its QR encoder load only when it opens. */
function Labels() {
	const [mod, setMod] = useState(null);
	const [failed, setFailed] = useState(false);
	useEffect(() => { import('./pages/labels.js').then(setMod, () => setFailed(true)); }, []);
	if (failed) return html`<div class="page"><p>The labels page could not be loaded. Reload the page to try again.</p></div>`;
	return mod ? html`<${mod.LabelsPage} />` : html`<div class="page"><${Spinner} /></div>`;
}

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
	return html`<div class="page"><div class="page-head"><h1>Page not found</h1></div>
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
			<${ScanButton} class="scan-top" />
		</header>
		<nav id="nav" class="sidebar" aria-label="Main">
			<${Link} to="/" class="brand brand-side"><span class="brand-mark" aria-hidden="true"><${Icon} name="box" size=${18} /></span>
				<span class="brand-name">${s.instance}</span></${Link}>
			<${ScanButton} class="scan-side" />
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
		<main id="main" class="main" tabindex="-1">${children}</main>
	</div>`;
}

function App() {
	const s = useStore(session);
	const { path } = useRoute();
	useEffect(() => { boot(); }, []);
	// A scanner that types (a burst ending in Enter) works on every page.
	useEffect(() => (s.status === 'authed' ? listenForWedge() : undefined), [s.status]);

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
	return html`<${Shell} path=${path}>${page || html`<${NotFound} />`}</${Shell}><${Scanner} /><${Toasts} />`;
}

render(html`<${App} />`, document.getElementById('app'));
