// One stock item: what, where, how many, its status and its history.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { can } from '../session.js';
import { Link, navigate } from '../router.js';
import { useTree, pathOf, TRACKING, trackPage, trackUserName } from '../data.js';
import { Icon } from '../ui/icons.js';
import { Button, Card, Dialog, useApi, Spinner, ErrorNote, Empty, fmtQty, fmtDate, Confirm, toast, LoadFailed, useForm, FormErrors, SelectField } from '../ui/kit.js';
import { ACTIONS, StockActionDialog, StatusBadge, itemPartName, itemIdent, deltaText } from './stock.js';
import { Attachments } from './part.js';

export function StockItemPage({ id }) {
	const pk = Number(id);
	const [dialog, setDialog] = useState(null);
	const item = useApi(() => api.get(`stock/${pk}/`, { part_detail: true, location_detail: true }), [pk]);
	const track = useApi(() => trackPage({ item: pk, limit: 50 }), [pk]);
	// The parts an item of its part may become (InvenTree's conversion
	// options: its variants, its template and the template's variants).
	const part = item.data?.part;
	const options = useApi(() => (part != null && can('stock', 'change') ? api.list('part/', { convert_from: part, limit: 500 }) : Promise.resolve([])), [part]);
	const locs = useTree('location');
	if (item.error) return html`<${LoadFailed} error=${item.error} retry=${item.reload} noun="stock item" id=${id} back="/locations" backLabel="Back to the stock" />`;
	if (!item.data) return html`<div class="page"><${Spinner} /></div>`;
	const it = item.data;
	const units = it.part_detail?.units;
	const path = it.location != null ? (pathOf(locs.tree, it.location) || it.location_detail?.pathstring) : '';
	const reload = () => { item.reload(); track.reload(); };
	return html`<div class="page">
		<nav aria-label="Breadcrumb" class="crumbs"><${Link} to="/locations">Locations</${Link}>
			${it.location != null && html` <span aria-hidden="true">/</span> <${Link} to=${'/locations/' + it.location}>${path || 'Location'}</${Link}>`}</nav>
		<div class="page-head">
			<div><h1><${Link} to=${'/part/' + it.part} class="title-link">${itemPartName(it)}</${Link}> <span class="muted">· item ${it.pk}</span></h1>
				<p class="page-sub">${itemIdent(it) || 'No batch or serial number'} · <${StatusBadge} item=${it} /></p></div>
			<div class="page-actions">
				${can('stock', 'change') && Object.entries(ACTIONS).map(([k, a]) => html`<${Button} key=${k} icon=${a.icon}
					kind=${k === 'transfer' ? 'primary' : 'secondary'} onClick=${() => setDialog({ kind: 'action', action: k })}>${a.label}</${Button}>`)}
				${options.data?.length > 0 && html`<${Button} icon="parts" onClick=${() => setDialog({ kind: 'convert' })}>Convert to variant</${Button}>`}
				<${Button} icon="printer" onClick=${() => navigate('/labels?model=stockitem&items=' + it.pk)}>Print label</${Button}>
				${can('stock', 'delete') && html`<${Button} icon="trash" kind="ghost" onClick=${() => setDialog({ kind: 'delete' })}>Delete</${Button}>`}
			</div>
		</div>
		<div class="stats stats-inline">
			<div class="stat"><span class="stat-body"><span class="stat-value">${fmtQty(it.quantity, units)}</span><span class="stat-label">Quantity</span></span></div>
			<div class="stat"><span class="stat-icon" aria-hidden="true"><${Icon} name="location" /></span><span class="stat-body">
				<span class="stat-value stat-text">${it.location != null ? html`<${Link} to=${'/locations/' + it.location}>${path}</${Link}>` : 'No location'}</span><span class="stat-label">Location</span></span></div>
		</div>
		<div class="grid-main">
			<${Card} title="History">
				${track.loading && !track.data ? html`<${Spinner} />` : track.error ? html`<${ErrorNote} error=${track.error} />`
				: !track.data?.results.length ? html`<${Empty} icon="history" title="No history yet" />`
				: html`<ol class="timeline">${track.data.results.map(e => html`<li key=${e.pk}><span class="tl-dot" aria-hidden="true"></span>
					<div class="tl-body"><div><strong>${e.label || TRACKING[e.tracking_type] || 'Change'}</strong>
						<span class="cell-sub"> ${deltaText(e, units, locs.tree)}</span></div>
						${e.notes && html`<div class="tl-notes">${e.notes}</div>`}
						<div class="cell-sub">${fmtDate(e.date)}${e.user != null ? ' · ' + trackUserName(e) : ''}</div></div></li>`)}</ol>`}
			</${Card}>
			<${Card} title="Details">
				<dl class="dl">
					<div class="dl-row"><dt>Part</dt><dd><${Link} to=${'/part/' + it.part}>${itemPartName(it)}</${Link}></dd></div>
					<div class="dl-row"><dt>Batch</dt><dd>${it.batch || html`<span class="muted">—</span>`}</dd></div>
					<div class="dl-row"><dt>Serial</dt><dd>${it.serial || html`<span class="muted">—</span>`}</dd></div>
					<div class="dl-row"><dt>Packaging</dt><dd>${it.packaging || html`<span class="muted">—</span>`}</dd></div>
					<div class="dl-row"><dt>Expiry</dt><dd>${it.expiry_date ? fmtDate(it.expiry_date, false) : html`<span class="muted">—</span>`}</dd></div>
					<div class="dl-row"><dt>Last stocktake</dt><dd>${it.stocktake_date ? fmtDate(it.stocktake_date, false) : html`<span class="muted">—</span>`}</dd></div>
					<div class="dl-row"><dt>Updated</dt><dd>${fmtDate(it.updated)}</dd></div>
				</dl>
				${it.notes && html`<div class="notes"><h3>Notes</h3><p>${it.notes}</p></div>`}
				<h3 class="sub-head">Attachments</h3>
				<${Attachments} model="stockitem" pk=${pk} />
			</${Card}>
		</div>
		${dialog?.kind === 'action' && html`<${StockActionDialog} action=${dialog.action} items=${[it]}
			onClose=${() => setDialog(null)} onDone=${() => { setDialog(null); reload(); }} />`}
		${dialog?.kind === 'convert' && html`<${ConvertDialog} item=${it} options=${options.data} onClose=${() => setDialog(null)}
			onDone=${() => { setDialog(null); reload(); options.reload(); }} />`}
		${dialog?.kind === 'delete' && html`<${Confirm} title="Delete this stock item?" onClose=${ok => { setDialog(null); if (ok) navigate('/part/' + it.part); }}
			onConfirm=${async () => { await api.del(`stock/${pk}/`); toast('Stock item deleted'); }}>
			<p>${fmtQty(it.quantity, units)} of ${itemPartName(it)} at ${path || 'no location'} will be removed, with its history.</p></${Confirm}>`}
	</div>`;
}

/*
 * Converts the item to a variant of its part, its template or a sibling
 * variant (POST stock/<pk>/convert/, tracking code 48); the server's
 * refusal (a supplier part, an allocation, a serial the new part has)
 * shows on the field.
 */
function ConvertDialog({ item, options, onClose, onDone }) {
	const form = useForm({ part: String(options[0]?.pk ?? '') });
	const go = () => form.submit(async v => {
		await api.post(`stock/${item.pk}/convert/`, { part: Number(v.part) });
		const to = options.find(o => String(o.pk) === v.part);
		toast(`Item ${item.pk} is now ${to?.name || 'a variant'}`);
		onDone();
	}, ['part']);
	return html`<${Dialog} title=${`Convert item ${item.pk}`} onClose=${onClose} onSubmit=${go}
		footer=${html`<${Button} onClick=${onClose}>Cancel</${Button}><${Button} kind="primary" type="submit" busy=${form.busy}>Convert</${Button}>`}>
		<${FormErrors} form=${form} fields=${['part']} />
		<p>${fmtQty(item.quantity, item.part_detail?.units)} of ${itemPartName(item)} become stock of another part of the same template; the history records the change.</p>
		<${SelectField} form=${form} name="part" label="Part" options=${options.map(o => ({ value: String(o.pk), label: o.IPN ? `${o.name} (${o.IPN})` : o.name }))} />
	</${Dialog}>`;
}
