// The first page after sign-in: how much there is, what is running low,
// and what happened lately.
import { html } from 'htm/preact';
import { api } from '../api.js';
import { can, session, useStore } from '../session.js';
import { Link } from '../router.js';
import { useTree, TRACKING, trackPage, trackPartName, trackUnits, trackUserName } from '../data.js';
import { Icon } from '../ui/icons.js';
import { Card, useApi, Spinner, Empty, ErrorNote, fmtQty, fmtInt, relTime, Badge } from '../ui/kit.js';
import { deltaText } from './stock.js';

function Stat({ label, value, to, icon, loading }) {
	return html`<${Link} to=${to} class="stat">
		<span class="stat-icon" aria-hidden="true"><${Icon} name=${icon} size=${20} /></span>
		<span class="stat-body"><span class="stat-value">${loading ? '…' : fmtInt(value)}</span>
		<span class="stat-label">${label}</span></span></${Link}>`;
}

export function Dashboard() {
	const s = useStore(session);
	const canPart = can('part', 'view');
	const canStock = can('stock', 'view');
	const canLoc = can('stock_location', 'view');
	const counts = useApi(async () => {
		const one = (path, q) => api.page(path, { ...q, limit: 1 }).then(r => r.count).catch(() => null);
		const [parts, items, locations] = await Promise.all([
			canPart ? one('part/', { active: true }) : null,
			canStock ? one('stock/', { in_stock: true }) : null,
			canLoc ? one('stock/location/') : null,
		]);
		return { parts, items, locations };
	}, []);
	// One query gives both the first low-stock parts and how many there are.
	const low = useApi(() => (canPart ? api.page('part/', { low_stock: true, active: true, limit: 8, ordering: 'name' }) : null), []);
	const recent = useApi(() => (canStock ? trackPage({ limit: 10 }) : null), []);
	const locs = useTree('location');
	const name = s.user?.first_name || s.user?.username;
	const c = counts.data || {};
	return html`<div class="page">
		<div class="page-head"><div><h1>Good to see you, ${name}</h1>
			<p class="page-sub">${s.instance} at a glance.</p></div>
			${can('part', 'view') && html`<div class="page-actions"><${Link} class="btn btn-secondary" to="/parts"><${Icon} name="search" /><span>Find a part</span></${Link}></div>`}
		</div>
		<div class="stats">
			${canPart && html`<${Stat} label="Active parts" value=${c.parts} to="/parts" icon="parts" loading=${counts.loading} />`}
			${canStock && html`<${Stat} label="Stock items" value=${c.items} to="/locations" icon="box" loading=${counts.loading} />`}
			${canLoc && html`<${Stat} label="Locations" value=${c.locations} to="/locations" icon="location" loading=${counts.loading} />`}
			${canPart && html`<${Stat} label="Below minimum" value=${low.data?.count} to="/parts?low_stock=1" icon="alert" loading=${low.loading} />`}
		</div>
		<div class="grid-2">
			${canPart && html`<${Card} title="Low stock" actions=${html`<${Link} to="/parts?low_stock=1" class="link">All low-stock parts</${Link}>`}>
				${low.loading ? html`<${Spinner} />` : low.error ? html`<${ErrorNote} error=${low.error} retry=${low.reload} />`
				: !low.data?.results.length ? html`<${Empty} icon="check" title="Nothing below minimum stock">Parts with a minimum stock show up here when they run low.</${Empty}>`
				: html`<ul class="list">${low.data.results.map(p => html`<li key=${p.pk} class="list-row">
					<${Link} to=${'/part/' + p.pk} class="list-main"><strong>${p.name}</strong>${p.IPN && html` <span class="cell-sub">${p.IPN}</span>`}</${Link}>
					<span class="list-side"><span class="qty-bad">${fmtQty(p.total_in_stock ?? p.in_stock, p.units)}</span>
						<span class="cell-sub"> / min ${fmtQty(p.minimum_stock)}</span></span></li>`)}</ul>`}
			</${Card}>`}
			${canStock && html`<${Card} title="Recent stock activity" actions=${html`<${Link} to="/history" class="link">Full history</${Link}>`}>
				${recent.loading ? html`<${Spinner} />` : recent.error ? html`<${ErrorNote} error=${recent.error} retry=${recent.reload} />`
				: !recent.data?.results.length ? html`<${Empty} icon="history" title="No stock movements yet">Counts, additions and transfers appear here.</${Empty}>`
				: html`<ul class="list">${recent.data.results.map(e => html`<li key=${e.pk} class="list-row">
					<span class="list-main">
						<${Badge} tone="neutral">${e.label || TRACKING[e.tracking_type] || 'Change'}</${Badge}>
						<${Link} to=${'/stock/' + e.item}>${trackPartName(e)}</${Link}>
						<span class="cell-sub"> ${deltaText(e, trackUnits(e), locs.tree)}</span>
					</span>
					<span class="list-side cell-sub" title=${e.date}>${e.user != null ? trackUserName(e) + ' · ' : ''}${relTime(e.date)}</span>
				</li>`)}</ul>`}
			</${Card}>`}
		</div>
	</div>`;
}
