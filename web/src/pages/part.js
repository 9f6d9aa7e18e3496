// One part: its fields, image, stock grouped by location with totals,
// its bill of materials (assemblies) or where it is used (components),
// tracking history, parameters, attachments and suppliers.
import { html } from 'htm/preact';
import { useRef, useState } from 'preact/hooks';
import { api, request, BASE } from '../api.js';
import { can } from '../session.js';
import { Link, navigate } from '../router.js';
import { useTree, pathOf, TRACKING, trackForPart, trackUserName } from '../data.js';
import { Icon } from '../ui/icons.js';
import { Button, Card, useApi, Spinner, ErrorNote, Empty, Badge, fmtQty, fmtDate, Confirm, toast, useId, StarButton, LoadFailed } from '../ui/kit.js';
import { PartDialog } from './parts.js';
import { PartSuppliers } from './companies.js';
import { BomCard, UsedIn } from './bom.js';
import { PartOrders } from './orders.js';
import { PartParameters } from './parameters.js';
import { ActionBar, StockActionDialog, NewStockDialog, StatusBadge, itemIdent, deltaText, enterToActions } from './stock.js';

/* Media URLs from the API may be absolute, root-relative or relative. */
export function mediaUrl(u) {
	if (!u) return '';
	if (/^(https?:|data:)/.test(u)) return u;
	if (u.startsWith('/')) return u.startsWith(BASE) || BASE === '/' ? u : BASE + u.replace(/^\//, '');
	return BASE + u;
}

function Field({ label, children }) {
	return html`<div class="dl-row"><dt>${label}</dt><dd>${children ?? html`<span class="muted">—</span>`}</dd></div>`;
}

export function PartPage({ id }) {
	const pk = Number(id);
	const [dialog, setDialog] = useState(null);
	const [sel, setSel] = useState(() => new Set());
	const part = useApi(() => api.get(`part/${pk}/`, { category_detail: true }), [pk]);
	// Asked beside the part, not after it; an id that cannot be a part's
	// ("/part/0") asks only for the part, which answers "not found".
	const asks = Number.isInteger(pk) && pk > 0;
	const stock = useApi(() => asks ? api.list('stock/', { part: pk, include_variants: false, in_stock: true, location_detail: true, part_detail: true, ordering: 'location', limit: 500 }) : [], [pk]);
	const track = useApi(() => asks ? trackForPart(pk, 15).then(results => ({ results })) : { results: [] }, [pk]);
	const locs = useTree('location');
	const cats = useTree('category');
	const reloadAll = () => { part.reload(); stock.reload(); track.reload(); setSel(new Set()); };

	if (part.error) return html`<${LoadFailed} error=${part.error} retry=${part.reload} noun="part" id=${pk} back="/parts" backLabel="Back to parts" />`;
	if (!part.data) return html`<div class="page"><${Spinner} /></div>`;
	const p = part.data;
	const items = stock.data || [];
	const groups = new Map();
	for (const it of items) {
		const k = it.location ?? 'none';
		if (!groups.has(k)) groups.set(k, []);
		groups.get(k).push(it);
	}
	const total = items.reduce((a, it) => a + Number(it.quantity || 0), 0);
	const selItems = items.filter(it => sel.has(it.pk));
	const toggle = pk2 => { const s = new Set(sel); s.has(pk2) ? s.delete(pk2) : s.add(pk2); setSel(s); };
	const low = Number(p.minimum_stock) > 0 && total < Number(p.minimum_stock);
	const flags = [['assembly', 'Assembly'], ['component', 'Component'], ['purchaseable', 'Purchaseable'], ['salable', 'Salable'],
		['trackable', 'Trackable'], ['virtual', 'Virtual'], ['is_template', 'Template']].filter(([k]) => p[k]);
	const catPath = p.category != null ? (pathOf(cats.tree, p.category) || p.category_detail?.pathstring) : '';

	return html`<div class="page">
		<nav aria-label="Breadcrumb" class="crumbs"><${Link} to="/parts">Parts</${Link}>
			${p.category != null && html` <span aria-hidden="true">/</span> <${Link} to=${'/parts?category=' + p.category}>${catPath || 'Category'}</${Link}>`}</nav>
		<div class="page-head">
			<div class="title-with-image">
				<${PartImage} part=${p} onChanged=${part.reload} />
				<div><h1>${p.name}${p.revision && html` <span class="muted">rev ${p.revision}</span>`}</h1>
					<p class="page-sub">${p.IPN && html`<span class="mono">${p.IPN}</span> · `}${p.description || 'No description'}</p>
					${p.variant_of != null && html`<${TemplateLink} id=${p.variant_of} />`}
					<div class="badges">${p.active === false ? html`<${Badge} tone="neutral">Inactive</${Badge}>` : html`<${Badge} tone="ok">Active</${Badge}>`}
						${low && html`<${Badge} tone="bad">Below minimum</${Badge}>`}
						${flags.map(([k, l]) => html`<${Badge} key=${k} tone="info">${l}</${Badge}>`)}</div>
				</div>
			</div>
			<div class="page-actions">
				${can('part', 'change') && html`<${StarButton} starred=${!!p.starred} noun="part"
					save=${async want => { await api.patch(`part/${pk}/`, { starred: want }); part.reload(); }} />`}
				${can('stock', 'add') && html`<${Button} kind="primary" icon="plus" onClick=${() => setDialog({ kind: 'newstock' })}>Add stock</${Button}>`}
				${can('part', 'change') && html`<${Button} icon="edit" onClick=${() => setDialog({ kind: 'edit' })}>Edit</${Button}>`}
				${p.is_template && can('part', 'add') && html`<${Button} icon="plus" onClick=${() => setDialog({ kind: 'variant' })}>Create variant</${Button}>`}
				<${Button} icon="printer" onClick=${() => navigate('/labels?model=part&items=' + pk)}>Print label</${Button}>
				${can('part', 'delete') && html`<${Button} icon="trash" kind="ghost" onClick=${() => setDialog({ kind: 'delete' })}>Delete</${Button}>`}
			</div>
		</div>

		<div class="stats stats-inline">
			<div class="stat"><span class="stat-body"><span class=${'stat-value' + (low ? ' qty-bad' : '')}>${fmtQty(total, p.units)}</span><span class="stat-label">In stock</span></span></div>
			${(p.is_template || Number(p.variant_stock) > 0) && html`<div class="stat" data-testid="variant-stock"><span class="stat-body"><span class="stat-value">${fmtQty(p.variant_stock, p.units)}</span><span class="stat-label">In variants</span></span></div>
				<div class="stat" data-testid="total-stock"><span class="stat-body"><span class="stat-value">${fmtQty(p.total_in_stock, p.units)}</span><span class="stat-label">Total with variants</span></span></div>`}
			<div class="stat"><span class="stat-body"><span class="stat-value">${fmtQty(p.minimum_stock, p.units)}</span><span class="stat-label">Minimum</span></span></div>
			${Number(p.ordering) > 0 && html`<div class="stat"><span class="stat-body"><span class="stat-value">${fmtQty(p.ordering, p.units)}</span><span class="stat-label">On order</span></span></div>`}
			${Number(p.allocated_to_build_orders) > 0 && html`<div class="stat"><span class="stat-body"><span class="stat-value">${fmtQty(p.allocated_to_build_orders, p.units)}</span><span class="stat-label">Allocated to builds</span></span></div>`}
			${Number(p.building) > 0 && html`<div class="stat"><span class="stat-body"><span class="stat-value">${fmtQty(p.building, p.units)}</span><span class="stat-label">In production</span></span></div>`}
			<div class="stat"><span class="stat-body"><span class="stat-value">${groups.size}</span><span class="stat-label">${groups.size === 1 ? 'Location' : 'Locations'}</span></span></div>
			<div class="stat"><span class="stat-body"><span class="stat-value">${items.length}</span><span class="stat-label">Stock items</span></span></div>
		</div>

		<div class="grid-main">
			<${Card} title="Stock by location" id="stock" actions=${selItems.length > 0 && html`<span class="muted">${selItems.length} selected</span>`}>
				${selItems.length > 0 && html`<${ActionBar} items=${selItems} onAction=${a => setDialog({ kind: 'action', action: a, items: selItems })} />`}
				${stock.loading && !stock.data ? html`<${Spinner} />` : stock.error ? html`<${ErrorNote} error=${stock.error} retry=${stock.reload} />`
				: !items.length ? html`<${Empty} icon="box" title="No stock of this part">${can('stock', 'add') ? 'Use “Add stock” to record what is on the shelf.' : ''}</${Empty}>`
				: html`<div class="table-wrap"><table class="table stock-groups">
					<caption class="sr-only">Stock items of ${p.name}, grouped by location</caption>
					<thead><tr>${can('stock', 'change') && html`<th class="col-check"><span class="sr-only">Select</span></th>`}
						<th scope="col">Item</th><th scope="col">Status</th><th scope="col" class="num">Quantity</th><th scope="col" class="hide-sm">Updated</th></tr></thead>
					${[...groups.entries()].map(([loc, list]) => {
						const sum = list.reduce((a, it) => a + Number(it.quantity || 0), 0);
						const path = loc === 'none' ? 'No location' : (pathOf(locs.tree, loc) || list[0].location_detail?.pathstring || 'Location ' + loc);
						return html`<tbody key=${loc}>
							<tr class="group-row"><th scope="rowgroup" colspan=${can('stock', 'change') ? 3 : 2}>
								<${Icon} name="location" size=${14} /> ${loc === 'none' ? path : html`<${Link} to=${'/locations/' + loc}>${path}</${Link}>`}</th>
								<td class="num group-total">${fmtQty(sum, p.units)}</td><td class="hide-sm"></td></tr>
							${list.map(it => html`<tr key=${it.pk} class=${sel.has(it.pk) ? 'is-selected' : ''}>
								${can('stock', 'change') && html`<td class="col-check"><input type="checkbox" checked=${sel.has(it.pk)} onChange=${() => toggle(it.pk)}
									onKeyDown=${enterToActions} aria-keyshortcuts="Enter"
									aria-label=${`Select item ${it.pk} ${itemIdent(it)} in ${path}`} /></td>`}
								<td><${Link} to=${'/stock/' + it.pk}>Item ${it.pk}</${Link}> <span class="cell-sub">${itemIdent(it)}</span></td>
								<td><${StatusBadge} item=${it} /></td>
								<td class="num">${fmtQty(it.quantity)}</td>
								<td class="cell-sub hide-sm">${fmtDate(it.updated, false)}</td></tr>`)}
						</tbody>`;
					})}
					<tfoot><tr><th scope="row" colspan=${can('stock', 'change') ? 3 : 2}>Total</th><td class="num total">${fmtQty(total, p.units)}</td><td class="hide-sm"></td></tr></tfoot>
				</table></div>`}
			</${Card}>

			<${Card} title="Details">
				<dl class="dl">
					<${Field} label="Category">${p.category != null ? html`<${Link} to=${'/parts?category=' + p.category}>${catPath || p.category}</${Link}>` : null}</${Field}>
					<${Field} label="IPN">${p.IPN || null}</${Field}>
					<${Field} label="Units">${p.units || null}</${Field}>
					<${Field} label="Default location">${p.default_location != null ? html`<${Link} to=${'/locations/' + p.default_location}>${pathOf(locs.tree, p.default_location) || p.default_location}</${Link}>` : null}</${Field}>
					<${Field} label="Keywords">${p.keywords || null}</${Field}>
					<${Field} label="Link">${p.link ? html`<a href=${p.link} rel="noopener noreferrer" target="_blank">${p.link}</a>` : null}</${Field}>
					<${Field} label="Created">${p.creation_date ? fmtDate(p.creation_date, false) : null}</${Field}>
				</dl>
				${p.notes && html`<div class="notes"><h3>Notes</h3><p>${p.notes}</p></div>`}
			</${Card}>
		</div>

		${p.is_template && html`<${Card} title="Variants" id="variants" actions=${can('part', 'add') && html`<${Button} small kind="primary" icon="plus" onClick=${() => setDialog({ kind: 'variant' })}>Create variant</${Button}>`}>
			<${Variants} part=${p} />
		</${Card}>`}

		${p.assembly && html`<${BomCard} part=${p} />`}

		<div class="grid-main">
			<${Card} title="Stock history" actions=${html`<${Link} to=${'/history?part=' + pk} class="link">All history</${Link}>`}>
				${track.loading && !track.data ? html`<${Spinner} />` : track.error ? html`<${ErrorNote} error=${track.error} retry=${track.reload} />`
				: !track.data?.results.length ? html`<${Empty} icon="history" title="No history yet" />`
				: html`<ol class="timeline">${track.data.results.map(e => html`<li key=${e.pk}>
					<span class="tl-dot" aria-hidden="true"></span>
					<div class="tl-body"><div><strong>${e.label || TRACKING[e.tracking_type] || 'Change'}</strong>
						<${Link} to=${'/stock/' + e.item} class="muted-link"> item ${e.item}</${Link}>
						<span class="cell-sub"> ${deltaText(e, p.units, locs.tree)}</span></div>
						${e.notes && html`<div class="tl-notes">${e.notes}</div>`}
						<div class="cell-sub">${fmtDate(e.date)}${e.user != null ? ' · ' + trackUserName(e) : ''}</div></div>
				</li>`)}</ol>`}
			</${Card}>
			<div>
				<${Card} title="Parameters" id="parameters">
					<${PartParameters} part=${pk} />
				</${Card}>
				<${Card} title="Attachments">
					<${Attachments} model="part" pk=${pk} />
				</${Card}>
				${p.component && html`<${Card} title="Used in"><${UsedIn} part=${pk} /></${Card}>`}
				${can('purchase_order', 'view') && html`<${Card} title="Suppliers"><${PartSuppliers} part=${pk} /></${Card}>`}
				${can('purchase_order', 'view') && p.purchaseable && html`<${Card} title="On order"><${PartOrders} part=${pk} /></${Card}>`}
			</div>
		</div>

		${dialog?.kind === 'variant' && html`<${PartDialog} variantOf=${p} onClose=${() => setDialog(null)} onDone=${r => { setDialog(null); if (r?.pk != null) navigate('/part/' + r.pk); else part.reload(); }} />`}
		${dialog?.kind === 'edit' && html`<${PartDialog} part=${p} onClose=${() => setDialog(null)} onDone=${() => { setDialog(null); part.reload(); }} />`}
		${dialog?.kind === 'delete' && html`<${Confirm} title=${`Delete ${p.name}?`} onClose=${ok => { setDialog(null); if (ok) navigate(p.category != null ? '/parts?category=' + p.category : '/parts'); }}
			onConfirm=${async () => {
				// Only inactive parts may be deleted (as in InvenTree).
				if (p.active !== false) await api.patch(`part/${pk}/`, { active: false });
				await api.del(`part/${pk}/`);
				toast('Part deleted');
			}}>
			<p>The part and its details are removed${p.active !== false ? ' (it is marked inactive first, as only inactive parts may be deleted)' : ''}.</p>
			${items.length > 0 && html`<p><strong>It still has ${items.length} stock item${items.length === 1 ? '' : 's'}.</strong> The server may refuse; move or remove the stock first.</p>`}
		</${Confirm}>`}
		${dialog?.kind === 'newstock' && html`<${NewStockDialog} part=${p} onClose=${() => setDialog(null)} onDone=${() => { setDialog(null); reloadAll(); }} />`}
		${dialog?.kind === 'action' && html`<${StockActionDialog} action=${dialog.action} items=${dialog.items}
			onClose=${() => setDialog(null)} onDone=${() => { setDialog(null); reloadAll(); }} />`}
	</div>`;
}

/* "Variant of <template>": the template's name, fetched. */
function TemplateLink({ id }) {
	const t = useApi(() => api.get(`part/${id}/`), [id]);
	return html`<p class="page-sub variant-of">Variant of <${Link} to=${'/part/' + id}>${t.data?.name || 'template ' + id}</${Link}></p>`;
}

/*
 * A template's variants as a tree (every part below it, ?ancestor=),
 * each with its own stock and its variants'; the template's totals above
 * count them all (variant_stock, kept by the server).
 */
function Variants({ part }) {
	const list = useApi(() => api.list('part/', { ancestor: part.pk, limit: 1000 }), [part.pk, part.total_in_stock]);
	if (list.error) return html`<${ErrorNote} error=${list.error} retry=${list.reload} />`;
	if (!list.data) return html`<${Spinner} />`;
	const kids = new Map();
	for (const v of list.data) {
		if (!kids.has(v.variant_of)) kids.set(v.variant_of, []);
		kids.get(v.variant_of).push(v);
	}
	const rows = [];
	const walk = (pk, depth) => {
		for (const v of (kids.get(pk) || []).sort((a, b) => a.name.localeCompare(b.name))) {
			rows.push([v, depth]);
			if (depth < 20) walk(v.pk, depth + 1);
		}
	};
	walk(part.pk, 0);
	if (!rows.length) return html`<${Empty} icon="box" title="No variants yet">${can('part', 'add') ? 'A variant is a part of its own whose stock counts in this template’s totals.' : ''}</${Empty}>`;
	return html`<div class="table-wrap"><table class="table variants-table">
		<caption class="sr-only">Variants of ${part.name}</caption>
		<thead><tr><th scope="col">Variant</th><th scope="col" class="num">In stock</th><th scope="col" class="num hide-sm">In its variants</th><th scope="col" class="hide-sm">State</th></tr></thead>
		<tbody>${rows.map(([v, depth]) => html`<tr key=${v.pk}>
			<td style=${depth > 0 ? `padding-left: ${0.75 + depth * 1.25}rem` : undefined}>${depth > 0 && html`<span class="muted" aria-hidden="true">└ </span>`}<${Link} to=${'/part/' + v.pk}>${v.name}</${Link}>
				${(v.IPN || v.is_template) && html`<div class="cell-sub">${v.IPN && html`<span class="mono">${v.IPN}</span> `}${v.is_template && html`<${Badge} tone="info">Template</${Badge}>`}</div>`}</td>
			<td class="num">${fmtQty(v.in_stock, v.units)}</td>
			<td class="num hide-sm">${Number(v.variant_stock) > 0 ? fmtQty(v.variant_stock, v.units) : html`<span class="muted">—</span>`}</td>
			<td class="hide-sm">${v.active === false ? html`<${Badge} tone="neutral">Inactive</${Badge}>` : html`<${Badge} tone="ok">Active</${Badge}>`}</td>
		</tr>`)}</tbody>
		<tfoot><tr><th scope="row">All variants</th><td class="num total">${fmtQty(part.variant_stock, part.units)}</td><td class="hide-sm"></td><td class="hide-sm"></td></tr></tfoot>
	</table></div>`;
}

/*
 * Attachments of a part or stock item: files (uploaded as multipart) and
 * links, with a comment.  Adding and deleting need "change" on the object.
 */
export function Attachments({ model, pk }) {
	const list = useApi(() => api.list('attachment/', { model_type: model, model_id: pk, ordering: '-upload_date' }), [model, pk]);
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState(null);
	const [comment, setComment] = useState('');
	const [link, setLink] = useState('');
	const [confirm, setConfirm] = useState(null);
	const fileRef = useRef(null);
	const mayChange = can(model === 'part' ? 'part' : 'stock', 'change');
	const ids = { f: useId('att'), c: useId('attc'), l: useId('attl') };
	const add = async (file) => {
		setBusy(true); setError(null);
		try {
			if (file) {
				const fd = new FormData();
				fd.append('model_type', model);
				fd.append('model_id', String(pk));
				fd.append('comment', comment);
				fd.append('attachment', file, file.name);
				await request('POST', 'attachment/', { form: fd });
			} else {
				await api.post('attachment/', { model_type: model, model_id: pk, link: link.trim(), comment });
			}
			setComment(''); setLink('');
			if (fileRef.current) fileRef.current.value = '';
			toast(file ? `Attached ${file.name}` : 'Link attached');
			list.reload();
		} catch (e) { setError(e); }
		setBusy(false);
	};
	if (list.error) return html`<${ErrorNote} error=${list.error} retry=${list.reload} />`;
	if (!list.data) return html`<${Spinner} />`;
	return html`<div class="attachments">
		${!list.data.length ? html`<${Empty} icon="paperclip" title="No attachments">${mayChange ? 'Datasheets, photos and links belong here.' : ''}</${Empty}>`
		: html`<ul class="list">${list.data.map(a => html`<li key=${a.pk} class="list-row">
			<span class="list-main"><${Icon} name="paperclip" size=${15} />
				<a href=${a.attachment ? mediaUrl(a.attachment) : a.link} rel="noopener noreferrer" target=${a.attachment ? undefined : '_blank'}>${a.filename || a.link || 'Attachment ' + a.pk}</a>
				${a.comment && html`<span class="cell-sub">${a.comment}</span>`}</span>
			<span class="list-side cell-sub">${a.file_size ? fmtSize(a.file_size) + ' · ' : ''}${fmtDate(a.upload_date, false)}
				${mayChange && html` <${Button} small kind="ghost" icon="trash" aria-label=${'Delete attachment ' + (a.filename || a.link)} onClick=${() => setConfirm(a)} />`}</span>
		</li>`)}</ul>`}
		${mayChange && html`<div class="attach-form">
			<${ErrorNote} error=${error} />
			<div class="field"><label for=${ids.c}>Comment</label>
				<input id=${ids.c} value=${comment} placeholder="e.g. datasheet rev C" onInput=${e => setComment(e.currentTarget.value)} /></div>
			<div class="attach-row">
				<label class="btn btn-secondary btn-sm file-btn" for=${ids.f}><${Icon} name="paperclip" size=${15} /><span>Attach a file</span></label>
				<input id=${ids.f} ref=${fileRef} type="file" class="sr-only" disabled=${busy}
					onChange=${e => { const f = e.currentTarget.files?.[0]; if (f) add(f); }} />
				<label class="sr-only" for=${ids.l}>Link</label>
				<input id=${ids.l} type="url" placeholder="or paste a link" value=${link} onInput=${e => setLink(e.currentTarget.value)} />
				<${Button} small disabled=${!link.trim()} busy=${busy && !!link} onClick=${() => add(null)}>Add link</${Button}>
			</div>
		</div>`}
		${confirm && html`<${Confirm} title="Delete this attachment?" onClose=${ok => { setConfirm(null); if (ok) list.reload(); }}
			onConfirm=${async () => { await api.del(`attachment/${confirm.pk}/`); toast('Attachment deleted'); }}>
			<p>${confirm.filename || confirm.link} is removed for everyone.</p></${Confirm}>`}
	</div>`;
}

function fmtSize(n) {
	if (n < 1024) return `${n} B`;
	if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
	return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/* The part's picture; "change" may upload a new one (PATCH multipart). */
function PartImage({ part, onChanged }) {
	const [busy, setBusy] = useState(false);
	const id = useId('img');
	const upload = async file => {
		setBusy(true);
		try {
			const fd = new FormData();
			fd.append('image', file, file.name);
			await request('PATCH', `part/${part.pk}/`, { form: fd });
			toast('Image saved');
			onChanged();
		} catch (e) { toast(e.message, 'error'); }
		setBusy(false);
	};
	const src = part.thumbnail || part.image;
	return html`<div class=${'part-image' + (busy ? ' is-busy' : '')}>
		${src ? html`<img src=${mediaUrl(src)} alt=${'Image of ' + part.name} />` : html`<${Icon} name="image" size=${28} label="No image" />`}
		${can('part', 'change') && html`<label class="part-image-edit" for=${id} title=${src ? 'Replace image' : 'Add an image'}>
			<span class="sr-only">${src ? 'Replace image' : 'Add an image'}</span><${Icon} name="edit" size=${14} /></label>
			<input id=${id} type="file" accept="image/png,image/jpeg,image/gif,image/webp" class="sr-only"
				onChange=${e => { const f = e.currentTarget.files?.[0]; if (f) upload(f); }} />`}
	</div>`;
}
