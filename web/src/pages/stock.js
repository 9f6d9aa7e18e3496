// Stock actions shared by the part, location and stock item pages: count,
// add, remove, transfer (whole or part, to a location picked from the tree)
// and status change, on one or several items at once, with notes.
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../api.js';
import { enqueue, unreachable } from '../queue.js';
import { can, useStore } from '../session.js';
import { lookup, noMatch, openScanner, scanState, useScanHandler } from '../scan.js';
import { useTree, pathOf, useStatuses, statusTone, statusLabel, invalidate } from '../data.js';
import { navigate } from '../router.js';
import { Tree } from '../ui/tree.js';
import { Icon } from '../ui/icons.js';
import { Button, Dialog, Badge, fmtQty, toast, useId, qtyIn, tidyNumbers } from '../ui/kit.js';

export const ACTIONS = {
	count: { label: 'Count', title: 'Count stock', icon: 'count', verb: 'Counted', perm: 'change' },
	add: { label: 'Add', title: 'Add stock', icon: 'plus', verb: 'Added to', perm: 'change' },
	remove: { label: 'Remove', title: 'Remove stock', icon: 'minus', verb: 'Removed from', perm: 'change' },
	transfer: { label: 'Transfer', title: 'Transfer stock', icon: 'move', verb: 'Moved', perm: 'change' },
	status: { label: 'Status', title: 'Change status', icon: 'flag', verb: 'Updated', perm: 'change' },
};

export function StatusBadge({ item }) {
	return html`<${Badge} tone=${statusTone(item.status)}>${statusLabel(item.status, item.status_text)}</${Badge}>`;
}

export function itemPartName(it) {
	return it.part_detail?.name || it.part_detail?.full_name || `Part #${it.part}`;
}

export function itemIdent(it) {
	if (it.serial) return `#${it.serial}`;
	if (it.batch) return `batch ${it.batch}`;
	return '';
}

/* The bar of actions shown when items are selected (or for one item). */
export function ActionBar({ items, onAction, label }) {
	if (!can('stock', 'change')) return null;
	return html`<div class="actionbar" id="stock-actions" role="toolbar" aria-label=${label || 'Stock actions'}>
		${label && html`<span class="actionbar-label">${label}</span>`}
		${Object.entries(ACTIONS).map(([k, a]) => html`<${Button} key=${k} small icon=${a.icon}
			disabled=${!items.length} onClick=${() => onAction(k)}>${a.label}</${Button}>`)}
		<${Button} small icon="printer" disabled=${!items.length}
			onClick=${() => navigate('/labels?model=stockitem&items=' + items.map(it => it.pk).join(','))}>Labels</${Button}>
	</div>`;
}

/* Enter on an item's checkbox goes to the first action of the bar (Count),
   instead of a Tab past every row below; Space still ticks. */
export function enterToActions(e) {
	if (e.key !== 'Enter') return;
	const b = document.querySelector('#stock-actions button:not([disabled])');
	if (b) { e.preventDefault(); b.focus(); }
}

/* After a refusal, focus goes to the first field the server refused (else
   stays where it was, e.g. on the submit button under a banner). */
function useFocusInvalid(error) {
	useEffect(() => {
		if (!error) return undefined;
		// After the dialog's own re-render (its submit button enabled again).
		const t = setTimeout(() => document.querySelector('dialog[open] [aria-invalid=true]')?.focus({ preventScroll: true }), 0);
		return () => clearTimeout(t);
	}, [error]);
}

function itemRowErrors(err, i) {
	const list = err?.body?.items;
	if (!Array.isArray(list)) return [];
	const e = list[i];
	if (!e || typeof e !== 'object') return typeof e === 'string' ? [e] : [];
	return Object.values(e).flat().map(tidyNumbers);
}

const startQty = (action, it) => (action === 'count' || action === 'transfer' ? String(Number(it.quantity)) : '');

export function StockActionDialog({ action, items: items0, onClose, onDone }) {
	const a = ACTIONS[action];
	const locs = useTree('location');
	const statuses = useStatuses();
	// The items: those the dialog was opened with, and those scanned since.
	const [items, setItems] = useState(items0);
	const [qty, setQty] = useState(() => Object.fromEntries(items0.map(it => [it.pk, startQty(action, it)])));
	const [notes, setNotes] = useState('');
	const [location, setLocation] = useState(null);
	const [filter, setFilter] = useState('');
	const [status, setStatus] = useState(String(items[0]?.status ?? 10));
	const [error, setError] = useState(null);
	const [busy, setBusy] = useState(false);
	const nid = useId('notes');
	const sid = useId('status');
	const fid = useId('locfilter');
	const scanOpen = useStore(scanState).open;
	const [focusPk, setFocusPk] = useState(null);
	const have = useRef(new Set(items0.map(it => it.pk)));

	// A scanned code (the scanner opened from here, or a scanner that types
	// while the dialog is open): a stock item joins the list; one already
	// in it gets its quantity field (when counting, the scanner closes so
	// the count can be typed).  Anything else is said to be no stock item.
	const onScan = async text => {
		let m;
		try { m = await lookup(text); } catch (e) { return { tone: 'error', text: e.message || String(e) }; }
		if (!m) return { tone: 'error', text: noMatch(text) };
		if (m.model !== 'stockitem') {
			const what = { part: 'a part', stocklocation: 'a location', supplierpart: 'a supplier part', manufacturerpart: 'a manufacturer part',
				purchaseorder: 'a purchase order', build: 'a build order' }[m.model] || 'not a stock item';
			return { tone: 'error', text: `That is ${what}${m.instance?.name || m.instance?.pathstring ? ` (${m.instance.pathstring || m.instance.full_name || m.instance.name})` : ''}: only stock items can be added here.` };
		}
		if (have.current.has(m.pk)) {
			const it = items.find(x => x.pk === m.pk);
			const name = it ? `${itemPartName(it)} ${itemIdent(it) || 'item ' + it.pk}`.trim() : `stock item #${m.pk}`;
			if (action === 'status') return { tone: 'info', text: `${name} is already in the list.` };
			setFocusPk(m.pk);
			if (action === 'count') return { close: true };
			return { tone: 'info', text: `${name} is already in the list.` };
		}
		have.current.add(m.pk);
		let it;
		try {
			it = await api.get(`stock/${m.pk}/`, { part_detail: true, location_detail: true });
		} catch (e) {
			have.current.delete(m.pk);
			return { tone: 'error', text: e instanceof ApiError ? e.general().join(' ') : String(e.message || e) };
		}
		setItems(l => [...l, it]);
		setQty(q => ({ ...q, [it.pk]: startQty(action, it) }));
		return { tone: 'ok', text: `Added ${itemPartName(it)} ${itemIdent(it) || 'item ' + it.pk} (${fmtQty(it.quantity, it.part_detail?.units)} in stock).` };
	};
	const scanRef = useRef(onScan);
	scanRef.current = onScan;
	// A typed scan while this dialog is on top: the same, said in a toast.
	useScanHandler(async t => {
		const r = await scanRef.current(t);
		if (r && !r.close && r.tone !== 'info') toast(r.text, r.tone === 'error' ? 'error' : undefined);
	});
	const scan = () => openScanner({ custom: {
		title: `Scan to ${a.label.toLowerCase()}`,
		hint: action === 'count' ? 'Each stock item scanned joins the count; scanning one already listed closes the scanner at its quantity.'
			: 'Each stock item scanned joins the list.',
		onScan: t => scanRef.current(t),
	} });
	// The quantity field of a scanned item already listed, once the scanner
	// (if open) has closed and given the focus back.
	useEffect(() => {
		if (focusPk == null || scanOpen) return;
		const el = document.getElementById(`q-${focusPk}`);
		if (el) { el.focus(); el.select?.(); }
		setFocusPk(null);
	}, [focusPk, scanOpen]);

	const submit = async () => {
		setBusy(true); setError(null);
		try {
			if (action === 'transfer' && location == null)
				throw new ApiError(400, { location: ['Pick the location to move the stock to.'] });
			if (action === 'status') {
				// No bulk endpoint in the API: one PATCH per item (each is
				// recorded in the item's history).
				for (const it of items) await api.patch(`stock/${it.pk}/`, { status: Number(status) });
			} else {
				const body = { items: items.map(it => ({ pk: it.pk, quantity: qtyIn(qty[it.pk]) })), notes };
				if (action === 'transfer') body.location = location;
				try {
					await api.post(`stock/${action}/`, body);
				} catch (e) {
					if (!unreachable(e)) throw e;
					// Out of reach: kept, with what each item showed, and
					// sent when the connection is back (queue.js).
					const what = items.length === 1 ? `${itemPartName(items[0])} ${itemIdent(items[0])}`.trim() : `${items.length} items`;
					await enqueue(action, body, items, action === 'transfer' ? `${what} to ${pathOf(locs.tree, location)}` : what);
					toast('Offline: kept, and sent when the connection is back');
					onClose();	/* the page keeps what it shows: nothing changed yet */
					return;
				}
			}
			invalidate('location');
			const n = items.length;
			toast(action === 'transfer'
				? `Moved ${n === 1 ? 'stock' : n + ' items'} to ${pathOf(locs.tree, location)}`
				: `${a.title}: ${n === 1 ? '1 item' : n + ' items'} updated`);
			onDone();
		} catch (e) {
			setError(e instanceof ApiError ? e : new ApiError(0, { detail: String(e.message || e) }));
			setBusy(false);
		}
	};

	useFocusInvalid(error);
	const showQty = action !== 'status';
	const qtyLabel = { count: 'Counted quantity', add: 'Quantity to add', remove: 'Quantity to remove', transfer: 'Quantity to move' }[action];
	const general = error ? error.general(['items', 'location', 'status', 'notes']) : [];
	const locErr = error ? error.field('location') : [];
	return html`<${Dialog} title=${a.title} onClose=${onClose} onSubmit=${submit} wide=${action === 'transfer' || items.length > 1}
		footer=${html`<${Button} onClick=${onClose}>Cancel</${Button}>
			<${Button} kind="primary" type="submit" busy=${busy} icon=${a.icon}>${a.title}</${Button}>`}>
		${general.length > 0 && html`<div class="note note-error" role="alert"><${Icon} name="alert" /><div>${general.map(m => html`<div>${m}</div>`)}</div></div>`}
		<div class="action-scan"><${Button} icon="scan" onClick=${scan} aria-haspopup="dialog">Scan</${Button}>
			<span class="hint">${items.length === 1 ? '1 item' : items.length + ' items'}: scan a label to add another</span></div>
		<table class="table table-compact action-items">
			<caption class="sr-only">Items</caption>
			<thead><tr><th scope="col">Item</th><th scope="col">Location</th><th scope="col" class="num">In stock</th>
				${showQty && html`<th scope="col" class="num">${qtyLabel}</th>`}</tr></thead>
			<tbody>${items.map((it, i) => {
				const errs = itemRowErrors(error, i);
				const id = `q-${it.pk}`;
				return html`<tr key=${it.pk}>
					<td><div class="cell-main">${itemPartName(it)}</div><div class="cell-sub">${itemIdent(it) || `Item ${it.pk}`}</div></td>
					<td class="cell-sub">${pathOf(locs.tree, it.location) || it.location_detail?.pathstring || '—'}</td>
					<td class="num" data-label="In stock">${fmtQty(it.quantity)}</td>
					${showQty && html`<td class="num">
						<label class="sr-only" for=${id}>${qtyLabel} for ${itemPartName(it)} ${itemIdent(it)}</label>
						<input id=${id} class=${'qty-input' + (errs.length ? ' is-invalid' : '')} inputmode="decimal"
							value=${qty[it.pk]} aria-invalid=${errs.length ? 'true' : undefined} aria-describedby=${errs.length ? id + '-err' : undefined}
							onInput=${e => setQty({ ...qty, [it.pk]: e.currentTarget.value })} />
						${errs.length > 0 && html`<div class="field-error" id=${id + '-err'}>${errs.join(' ')}</div>`}
					</td>`}
				</tr>`;
			})}</tbody>
		</table>
		${action === 'transfer' && html`<div class=${'field' + (locErr.length ? ' field-invalid' : '')}>
			<label for=${fid}>Move to location</label>
			<input id=${fid} type="search" placeholder="Filter locations" value=${filter}
				onInput=${e => setFilter(e.currentTarget.value)} />
			<div class="picker">
				<${Tree} nodes=${locs.nodes} selected=${location} onSelect=${pk => setLocation(pk)}
					label="Locations" filter=${filter} rootIcon="location" />
			</div>
			<div class="hint">${location != null ? html`Destination: <strong>${pathOf(locs.tree, location)}</strong>` : 'Pick a location from the tree.'}
				${' '}Moving less than an item's quantity splits it: the rest stays where it is.</div>
			${locErr.length > 0 && html`<div class="field-error">${locErr.join(' ')}</div>`}
		</div>`}
		${action === 'status' && html`<div class="field">
			<label for=${sid}>New status</label>
			<select id=${sid} onChange=${e => setStatus(e.currentTarget.value)}>
				${statuses.map(s => html`<option value=${s.key} selected=${String(s.key) === status}>${s.label}</option>`)}
			</select></div>`}
		${action !== 'status' && html`<div class="field">
			<label for=${nid}>Notes</label>
			<textarea id=${nid} rows="2" value=${notes} placeholder="Why? (kept in the history)"
				onInput=${e => setNotes(e.currentTarget.value)}></textarea>
		</div>`}
	</${Dialog}>`;
}

/* Create a stock item: part (fixed or picked), location, quantity, batch. */
export function NewStockDialog({ part, location, onClose, onDone }) {
	const locs = useTree('location');
	const [vals, setVals] = useState({ part: part?.pk ?? '', quantity: '', location: location ?? part?.default_location ?? null, batch: '', serial: '', notes: '' });
	const [partQuery, setPartQuery] = useState('');
	const [partHits, setPartHits] = useState([]);
	const [partName, setPartName] = useState(part?.name || '');
	const [filter, setFilter] = useState('');
	const [error, setError] = useState(null);
	const [busy, setBusy] = useState(false);
	const ids = { part: useId('np'), q: useId('nq'), b: useId('nb'), s: useId('ns'), f: useId('nf'), n: useId('nn') };
	const errs = k => (error ? error.field(k).map(tidyNumbers) : []);
	const set = (k, v) => setVals(s => ({ ...s, [k]: v }));
	const search = async q => {
		setPartQuery(q);
		if (q.trim().length < 1) { setPartHits([]); return; }
		try { setPartHits((await api.page('part/', { search: q, limit: 8, active: true })).results); } catch { setPartHits([]); }
	};
	const submit = async () => {
		setBusy(true); setError(null);
		try {
			const body = { part: vals.part === '' ? null : Number(vals.part), quantity: qtyIn(vals.quantity), notes: vals.notes };
			if (vals.location != null) body.location = vals.location;
			if (vals.batch.trim()) body.batch = vals.batch.trim();
			if (vals.serial.trim()) body.serial = vals.serial.trim();
			const r = await api.post('stock/', body);
			invalidate('location');
			toast(`Added ${fmtQty(qtyIn(vals.quantity))} × ${partName || 'part'}${vals.location != null ? ' to ' + pathOf(locs.tree, vals.location) : ''}`);
			onDone(r);
		} catch (e) {
			setError(e instanceof ApiError ? e : new ApiError(0, { detail: String(e.message || e) }));
			setBusy(false);
		}
	};
	useFocusInvalid(error);
	const general = error ? error.general(['part', 'quantity', 'location', 'batch', 'serial', 'notes']) : [];
	const field = (k, id, label, input) => html`<div class=${'field' + (errs(k).length ? ' field-invalid' : '')}>
		<label for=${id}>${label}</label>${input}
		${errs(k).length > 0 && html`<div class="field-error" id=${id + '-err'}>${errs(k).join(' ')}</div>`}</div>`;
	return html`<${Dialog} title="New stock item" onClose=${onClose} onSubmit=${submit} wide
		footer=${html`<${Button} onClick=${onClose}>Cancel</${Button}><${Button} kind="primary" type="submit" busy=${busy} icon="plus">Add stock</${Button}>`}>
		${general.length > 0 && html`<div class="note note-error" role="alert"><${Icon} name="alert" /><div>${general.map(m => html`<div>${m}</div>`)}</div></div>`}
		<div class="form-grid">
			${part ? html`<div class="field"><span class="label">Part</span><div class="static">${part.name}</div></div>`
				: field('part', ids.part, 'Part', html`<div class="combo">
					<input id=${ids.part} type="search" autocomplete="off" placeholder="Search parts" value=${partName || partQuery}
						aria-invalid=${errs('part').length ? 'true' : undefined}
						onInput=${e => { setPartName(''); set('part', ''); search(e.currentTarget.value); }} />
					${partHits.length > 0 && !vals.part && html`<ul class="combo-list" role="listbox" aria-label="Matching parts">
						${partHits.map(p => html`<li key=${p.pk} role="option" aria-selected="false" tabindex="0"
							onClick=${() => { set('part', p.pk); setPartName(p.name); setPartHits([]); }}
							onKeyDown=${e => { if (e.key === 'Enter') { e.preventDefault(); set('part', p.pk); setPartName(p.name); setPartHits([]); } }}>
							<strong>${p.name}</strong>${p.IPN && html` <span class="cell-sub">${p.IPN}</span>`}</li>`)}
					</ul>`}</div>`)}
			${field('quantity', ids.q, 'Quantity', html`<input id=${ids.q} inputmode="decimal" value=${vals.quantity}
				aria-invalid=${errs('quantity').length ? 'true' : undefined} onInput=${e => set('quantity', e.currentTarget.value)} />`)}
			${field('batch', ids.b, 'Batch code', html`<input id=${ids.b} value=${vals.batch} onInput=${e => set('batch', e.currentTarget.value)} />`)}
			${field('serial', ids.s, 'Serial number', html`<input id=${ids.s} value=${vals.serial} onInput=${e => set('serial', e.currentTarget.value)} />`)}
		</div>
		<div class=${'field' + (errs('location').length ? ' field-invalid' : '')}>
			<label for=${ids.f}>Location</label>
			<input id=${ids.f} type="search" placeholder="Filter locations" value=${filter} onInput=${e => setFilter(e.currentTarget.value)} />
			<div class="picker"><${Tree} nodes=${locs.nodes} selected=${vals.location} onSelect=${pk => set('location', pk)}
				label="Locations" filter=${filter} rootIcon="location" /></div>
			<div class="hint">${vals.location != null ? html`Into <strong>${pathOf(locs.tree, vals.location)}</strong>` : 'No location picked (the part’s default location is used).'}</div>
			${errs('location').length > 0 && html`<div class="field-error">${errs('location').join(' ')}</div>`}
		</div>
		${field('notes', ids.n, 'Notes', html`<textarea id=${ids.n} rows="2" value=${vals.notes} onInput=${e => set('notes', e.currentTarget.value)}></textarea>`)}
	</${Dialog}>`;
}

/* One line describing a tracking entry's deltas. */
export function deltaText(e, units, locTree) {
	const d = typeof e.deltas === 'string' ? safeJson(e.deltas) : (e.deltas || {});
	const bits = [];
	if (d.added != null) bits.push(`+${fmtQty(d.added, units)}`);
	if (d.removed != null) bits.push(`−${fmtQty(d.removed, units)}`);
	if (d.quantity != null) bits.push(`qty ${fmtQty(d.quantity, units)}`);
	if (d.location_detail?.pathstring || d.location_path) bits.push(`→ ${d.location_detail?.pathstring || d.location_path}`);
	else if (d.location != null) bits.push(`→ ${(locTree && pathOf(locTree, d.location)) || 'location ' + d.location}`);
	if (d.status != null) bits.push(`status ${statusLabel(d.status)}`);
	return bits.join(' · ');
}

function safeJson(s) { try { return JSON.parse(s) || {}; } catch { return {}; } }
