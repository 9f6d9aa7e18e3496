// Purchase orders: the list (status, open, overdue and supplier filters,
// search, sorting, paging), an order's page (its lines and extra lines,
// adding a line by searching the supplier's parts, receiving some or all
// of it into locations, the status actions, printing), and "what to
// order" (parts below their minimum after what is on order, made into
// draft orders one per supplier).
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { can } from '../session.js';
import { WHAT, lookup, openScanner, useScanHandler } from '../scan.js';
import { useRoute, setQuery, navigate, Link } from '../router.js';
import { useTree, treeOptions } from '../data.js';
import { DataTable, PagedTable, useListQuery } from '../ui/table.js';
import { Icon } from '../ui/icons.js';
import {
	Button, Card, Dialog, useApi, useDebounced, ErrorNote, Spinner, Badge, Empty, fmtQty, fmtDate, toast,
	useForm, FormErrors, TextField, TextArea, SelectField, Confirm,
} from '../ui/kit.js';

export const PO_STATUS = [
	[10, 'Pending', 'neutral'], [20, 'Placed', 'info'], [25, 'On hold', 'warn'], [30, 'Complete', 'ok'],
	[40, 'Cancelled', 'bad'], [50, 'Lost', 'bad'], [60, 'Returned', 'warn'],
];
const OPEN = [10, 20, 25];

export function OrderStatus({ status }) {
	const s = PO_STATUS.find(x => x[0] === Number(status)) || [status, String(status), 'neutral'];
	return html`<${Badge} tone=${s[2]}>${s[1]}</${Badge}>`;
}

const money = (v, cur) => (v === null || v === undefined || v === '' ? '—'
	: `${Number(v).toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 5 })}${cur ? ' ' + cur : ''}`);

/* A new order: its supplier and the fields a buyer sets first. */
function OrderDialog({ order, onClose, onDone }) {
	const suppliers = useApi(() => api.list('company/', { is_supplier: true, active: true, limit: 500, ordering: 'name' }), []);
	const locs = useTree('location');
	const form = useForm({
		supplier: order?.supplier ?? '', description: order?.description ?? '', supplier_reference: order?.supplier_reference ?? '',
		target_date: order?.target_date ?? '', destination: order?.destination ?? '', notes: order?.notes ?? '',
	});
	const go = () => form.submit(async v => {
		const body = {
			supplier: v.supplier ? Number(v.supplier) : null, description: v.description.trim(),
			supplier_reference: v.supplier_reference.trim(), target_date: v.target_date || null,
			destination: v.destination ? Number(v.destination) : null, notes: v.notes,
		};
		const r = order ? await api.patch(`order/po/${order.pk}/`, body) : await api.post('order/po/', body);
		toast(order ? 'Order saved' : `Order ${r.reference} created`);
		onDone(r);
	});
	return html`<${Dialog} title=${order ? `Edit ${order.reference}` : 'New purchase order'} onClose=${onClose} onSubmit=${go} wide
		footer=${html`<${Button} onClick=${onClose}>Cancel</${Button}><${Button} kind="primary" type="submit" busy=${form.busy}>${order ? 'Save order' : 'Create order'}</${Button}>`}>
		<${FormErrors} form=${form} fields=${['supplier', 'description', 'supplier_reference', 'target_date', 'destination', 'notes', 'reference']} />
		<div class="form-grid">
			<${SelectField} form=${form} name="supplier" label="Supplier" class="span-2"
				options=${[{ value: '', label: suppliers.loading ? 'Loading…' : '— choose —' }, ...(suppliers.data || []).map(c => ({ value: c.pk, label: c.name }))]} />
			<${TextField} form=${form} name="description" label="Description" class="span-2" />
			<${TextField} form=${form} name="supplier_reference" label="Supplier reference" />
			<${TextField} form=${form} name="target_date" label="Target date" type="date" />
			<${SelectField} form=${form} name="destination" label="Destination" class="span-2"
				options=${treeOptions(locs.tree)} hint="Where received items go unless a line says otherwise" />
		</div>
		<${TextArea} form=${form} name="notes" label="Notes" />
	</${Dialog}>`;
}

export function PurchaseOrders() {
	const { search, text, setText, limit, offset, ordering, f } = useListQuery({ ordering: '-reference' });
	const [dialog, setDialog] = useState(false);
	const suppliers = useApi(() => api.list('company/', { is_supplier: true, limit: 500, ordering: 'name' }), []);

	const params = {
		limit, offset, ordering, search: search || undefined, status: f('status') || undefined,
		outstanding: f('outstanding') || undefined, overdue: f('overdue') || undefined, supplier: f('supplier') || undefined,
	};
	const key = JSON.stringify(params);
	const list = useApi(() => api.page('order/po/', params), [key]);

	const columns = [
		{ key: 'reference', label: 'Reference', sort: 'reference', class: 'nowrap', render: o => html`<${Link} to=${'/order/' + o.pk} class="cell-main mono">${o.reference}</${Link}>` },
		{ key: 'supplier', label: 'Supplier', sort: 'supplier__name', class: 'nowrap', render: o => html`${o.supplier_name}${o.supplier_reference && html`<div class="cell-sub mono">${o.supplier_reference}</div>`}` },
		{ key: 'description', label: 'Description', class: 'fill hide-sm', render: o => html`<div class="cell-sub clamp">${o.description}</div>` },
		{ key: 'status', label: 'Status', sort: 'status', class: 'nowrap', render: o => html`<${OrderStatus} status=${o.status} />${o.overdue && html` <${Badge} tone="bad">Overdue</${Badge}>`}` },
		{ key: 'lines', label: 'Lines', sort: 'line_items', align: 'right', class: 'hide-sm', render: o => `${o.completed_lines} / ${o.line_items}` },
		{ key: 'target_date', label: 'Target', sort: 'target_date', class: 'nowrap hide-sm', render: o => (o.target_date ? fmtDate(o.target_date, false) : '—') },
		{ key: 'total_price', label: 'Total', sort: 'total_price', align: 'right', render: o => money(o.total_price, o.order_currency) },
	];
	return html`<div class="page">
		<div class="page-head">
			<div><h1>Purchase orders</h1><p class="page-sub">What you buy from suppliers, from draft to received stock</p></div>
			<div class="page-actions">
				<${Link} to="/order/suggest" class="btn btn-secondary"><${Icon} name="flag" /><span>What to order</span></${Link}>
				${can('purchase_order', 'add') && html`<${Button} kind="primary" icon="plus" onClick=${() => setDialog(true)}>New order</${Button}>`}
			</div>
		</div>
		<div class="toolbar">
			<div class="searchbox"><${Icon} name="search" />
				<label class="sr-only" for="posearch">Search orders</label>
				<input id="posearch" type="search" placeholder="Search orders" title="Searches reference, supplier reference, description and supplier"
					value=${text} onInput=${e => setText(e.currentTarget.value)} /></div>
			<label class="sr-only" for="postatus">Status</label>
			<select id="postatus" class="chip" value=${f('status')} onChange=${e => setQuery({ status: e.currentTarget.value, offset: '' })}>
				<option value="">Any status</option>
				${PO_STATUS.map(([k, l]) => html`<option value=${k} selected=${f('status') === String(k)}>${l}</option>`)}
			</select>
			<label class="sr-only" for="posupplier">Supplier</label>
			<select id="posupplier" class="chip" onChange=${e => setQuery({ supplier: e.currentTarget.value, offset: '' })}>
				<option value="">Any supplier</option>
				${(suppliers.data || []).map(c => html`<option value=${c.pk} selected=${f('supplier') === String(c.pk)}>${c.name}</option>`)}
			</select>
			<label class="chip"><input type="checkbox" checked=${f('outstanding') === 'true'}
				onChange=${e => setQuery({ outstanding: e.currentTarget.checked ? 'true' : '', offset: '' })} /> Open</label>
			<label class="chip"><input type="checkbox" checked=${f('overdue') === 'true'}
				onChange=${e => setQuery({ overdue: e.currentTarget.checked ? 'true' : '', offset: '' })} /> Overdue</label>
		</div>
		<${ErrorNote} error=${list.error} retry=${list.reload} />
		<${PagedTable} list=${list} offset=${offset} limit=${limit} ordering=${ordering} defaultOrdering="-reference" exportFrom=${{ path: 'order/po/', params }}
			columns=${columns} caption="Purchase orders" onRowClick=${o => navigate('/order/' + o.pk)}
			empty=${list.loading ? 'Loading…' : search ? 'No orders match.' : 'No purchase orders yet.'} />
		${dialog && html`<${OrderDialog} onClose=${() => setDialog(false)}
			onDone=${r => { setDialog(false); if (r?.pk) navigate('/order/' + r.pk); else list.reload(); }} />`}
	</div>`;
}

/* A line: a supplier part of the order's supplier, found by searching. */
function LineDialog({ order, onClose, onDone }) {
	const [text, setText] = useState('');
	const [sp, setSp] = useState(null);
	const q = useDebounced(text, 250);
	const found = useApi(() => api.list('company/part/', { supplier: order.supplier, search: q || undefined, part_detail: true, supplier_detail: false, limit: 10 }), [q]);
	const form = useForm({ quantity: '1', purchase_price: '', reference: '' });
	const go = () => form.submit(async v => {
		const body = { order: order.pk, part: sp?.pk ?? null, quantity: v.quantity, reference: v.reference.trim() };
		if (v.purchase_price !== '') body.purchase_price = v.purchase_price;
		const r = await api.post('order/po-line/', body);
		toast(`Line ${r.sku} added`);
		onDone(r);
	});
	return html`<${Dialog} title=${`Add a line to ${order.reference}`} onClose=${onClose} onSubmit=${go} wide
		footer=${html`<${Button} onClick=${onClose}>Cancel</${Button}><${Button} kind="primary" type="submit" busy=${form.busy}>Add line</${Button}>`}>
		<${FormErrors} form=${form} fields=${['part', 'quantity', 'purchase_price', 'reference', 'order']} />
		<div class="form-grid">
			<div class=${'field span-2' + (form.fieldErrors('part').length ? ' field-invalid' : '')}>
				<label for="line-sp">Supplier part<span class="req" aria-hidden="true"> *</span></label>
				${sp ? html`<div class="picked"><strong class="mono">${sp.SKU}</strong> · ${sp.part_detail?.full_name || sp.part_detail?.name}
					<button type="button" class="link" onClick=${() => setSp(null)}>Change</button></div>`
				: html`<input id="line-sp" type="search" placeholder=${`Search ${order.supplier_name}'s parts (SKU, part, MPN)`} value=${text} autofocus
					onInput=${e => setText(e.currentTarget.value)} />
					<ul class="pick-list" role="listbox" aria-label="Supplier parts found">${(found.data || []).map(s => html`<li key=${s.pk}>
						<button type="button" class="link" onClick=${() => setSp(s)}><span class="mono">${s.SKU}</span> · ${s.part_detail?.full_name || s.part_detail?.name}${s.pack_quantity && s.pack_quantity !== '1' ? ` (pack of ${s.pack_quantity})` : ''}</button></li>`)}</ul>
					${found.data && !found.data.length && html`<p class="muted">No supplier part of ${order.supplier_name} matches.</p>`}`}
				${form.fieldErrors('part').length > 0 && html`<div class="field-error">${form.fieldErrors('part').join(' ')}</div>`}
			</div>
			<${TextField} form=${form} name="quantity" label="Quantity (packs)" inputmode="decimal" required />
			<${TextField} form=${form} name="purchase_price" label="Unit price" inputmode="decimal" hint="Empty: the price break's" />
			<${TextField} form=${form} name="reference" label="Reference" class="span-2" />
		</div>
	</${Dialog}>`;
}

/* The open line a scanned code names by its text alone (a line's SKU or
   MPN as printed on the bag; InvenTree's codes, {"supplierpart": N} or
   INV-SP7, and linked barcodes are the server's lookup): its index in
   rows, or -1. */
function lineByText(rows, text) {
	const t = text.trim().toLowerCase();
	return rows.findIndex(r => (r.line.sku && r.line.sku.toLowerCase() === t) || (r.line.mpn && r.line.mpn.toLowerCase() === t));
}

/* Receiving: each open line, how much of it, where, which batch. */
function ReceiveDialog({ order, lines, onClose, onDone }) {
	const locs = useTree('location');
	const open = lines.filter(l => Number(l.received) < Number(l.quantity));
	const [rows, setRows] = useState(() => open.map(l => ({
		line: l, on: true, quantity: String(Number(l.quantity) - Number(l.received)),
		location: l.destination ?? order.destination ?? '', batch: '',
	})));
	const [error, setError] = useState(null);
	const [busy, setBusy] = useState(false);
	const set = (i, k, v) => setRows(rs => rs.map((r, j) => (j === i ? { ...r, [k]: v } : r)));
	const chosen = rows.filter(r => r.on);

	// Receiving by scanning: a code naming a line's supplier part (or SKU,
	// MPN, or its part) ticks the line and adds one pack to it.  The first
	// scan unticks the lines not scanned: what is received is what was
	// scanned.
	const scans = useRef(new Map());	// line pk -> packs scanned
	const rowsRef = useRef(rows);
	rowsRef.current = rows;
	const onScan = async text => {
		const rs = rowsRef.current;
		let i = lineByText(rs, text);
		if (i < 0) {
			let m = null;
			try { m = await lookup(text); } catch (e) { return { tone: 'error', text: e.message || String(e) }; }
			if (m?.model === 'supplierpart') i = rs.findIndex(r => Number(r.line.part) === m.pk);
			else if (m?.model === 'part') {
				const same = rs.map((r, j) => j).filter(j => Number(rs[j].line.internal_part) === m.pk);
				// Several lines of the part: the first still short of what is ordered.
				i = same.find(j => (scans.current.get(rs[j].line.pk) || 0) < Number(rs[j].line.quantity) - Number(rs[j].line.received)) ?? same[0] ?? -1;
			}
			if (i < 0) {
				const short = text.length > 60 ? text.slice(0, 57) + '…' : text;
				return { tone: 'error', text: m && m.model !== 'part' && m.model !== 'supplierpart'
					? `“${short}” is a ${WHAT[m.model] || m.model}: scan a part or supplier part of this order.`
					: `No open line of ${order.reference} matches “${short}”.` };
			}
		}
		const l = rs[i].line;
		const first = scans.current.size === 0;
		const n = (scans.current.get(l.pk) || 0) + 1;
		scans.current.set(l.pk, n);
		setRows(list => list.map((r, j) => (j === i ? { ...r, on: true, quantity: String(n) }
			: first ? { ...r, on: scans.current.has(r.line.pk) } : r)));
		const left = Number(l.quantity) - Number(l.received);
		return { tone: n > left ? 'error' : 'ok',
			text: `${l.sku} · ${l.internal_part_name}: ${fmtQty(n)} to receive${n > left ? `, more than the ${fmtQty(left)} outstanding` : ` of ${fmtQty(left)} outstanding`}.` };
	};
	const scanRef = useRef(onScan);
	scanRef.current = onScan;
	useScanHandler(async t => {
		const r = await scanRef.current(t);
		if (r) toast(r.text, r.tone === 'error' ? 'error' : undefined);
	});
	const scan = () => openScanner({ custom: {
		title: `Scan to receive`, hint: `Each scan of a part of ${order.reference} adds one pack to its line; lines not scanned are not received.`,
		onScan: t => scanRef.current(t),
	} });
	const go = async () => {
		setBusy(true); setError(null);
		try {
			const items = chosen.map(r => ({
				line_item: r.line.pk, quantity: r.quantity, location: r.location ? Number(r.location) : null, batch_code: r.batch.trim(),
			}));
			const made = await api.post(`order/po/${order.pk}/receive/`, { items });
			toast(`${made?.length ?? items.length} stock item${(made?.length ?? items.length) === 1 ? '' : 's'} received`);
			onDone();
		} catch (e) { setError(e); setBusy(false); }
	};
	const itemErr = (i, k) => {
		const list = error?.body?.items;
		const idx = chosen.indexOf(rows[i]);
		const e = Array.isArray(list) && idx >= 0 ? list[idx]?.[k] : null;
		return e ? html`<div class="field-error">${[].concat(e).join(' ')}</div>` : null;
	};
	const locOptions = treeOptions(locs.tree, '— order destination —');
	return html`<${Dialog} title=${`Receive against ${order.reference}`} onClose=${onClose} onSubmit=${go} wide
		footer=${html`<${Button} onClick=${onClose}>Cancel</${Button}><${Button} kind="primary" type="submit" busy=${busy} disabled=${!chosen.length}>Receive ${chosen.length} line${chosen.length === 1 ? '' : 's'}</${Button}>`}>
		${!open.length ? html`<p>Every line is received.</p>` : html`<div class="action-scan"><${Button} icon="scan" onClick=${scan} aria-haspopup="dialog">Scan</${Button}>
			<span class="hint">Scan each pack received: its line is ticked and counted</span></div>
			<div class="receive-rows">${rows.map((r, i) => html`<fieldset class="receive-row" key=${r.line.pk}>
			<legend><label><input type="checkbox" checked=${r.on} onChange=${e => set(i, 'on', e.currentTarget.checked)} />
				<span class="mono">${r.line.sku}</span> · ${r.line.internal_part_name}
				<span class="muted"> (${fmtQty(r.line.received)} of ${fmtQty(r.line.quantity)} received)</span></label></legend>
			<div class="form-grid">
				<div class="field"><label for=${'rq' + i}>Quantity</label>
					<input id=${'rq' + i} inputmode="decimal" value=${r.quantity} disabled=${!r.on} onInput=${e => set(i, 'quantity', e.currentTarget.value)} />${itemErr(i, 'quantity')}</div>
				<div class="field"><label for=${'rl' + i}>Location</label>
					<select id=${'rl' + i} disabled=${!r.on} onChange=${e => set(i, 'location', e.currentTarget.value)}>
						${locOptions.map(o => html`<option value=${o.value} selected=${String(r.location) === String(o.value)}>${o.label}</option>`)}
					</select>${itemErr(i, 'location')}</div>
				<div class="field"><label for=${'rb' + i}>Batch</label>
					<input id=${'rb' + i} value=${r.batch} disabled=${!r.on} onInput=${e => set(i, 'batch', e.currentTarget.value)} />${itemErr(i, 'batch_code')}</div>
			</div></fieldset>`)}</div>`}
		<${ErrorNote} error=${error && !error?.body?.items ? error : null} />
		${error?.body?.items && html`<div class="note note-error" role="alert"><${Icon} name="alert" /><div>Nothing was received: correct the lines marked.</div></div>`}
	</${Dialog}>`;
}

export function PurchaseOrderPage({ id }) {
	const pk = Number(id);
	const [dialog, setDialog] = useState(null);
	const [busy, setBusy] = useState('');
	const po = useApi(() => api.get(`order/po/${pk}/`, { supplier_detail: true }), [pk]);
	const lines = useApi(() => api.list('order/po-line/', { order: pk, limit: 1000 }), [pk]);
	const extra = useApi(() => api.list('order/po-extra-line/', { order: pk, limit: 1000 }), [pk]);
	if (po.error) return html`<div class="page"><${ErrorNote} error=${po.error} retry=${po.reload} /></div>`;
	if (!po.data) return html`<div class="page"><${Spinner} /></div>`;
	const o = po.data;
	const reload = () => { po.reload(); lines.reload(); extra.reload(); };
	const st = Number(o.status);
	const act = async (what, body = {}) => {
		setBusy(what);
		try { await api.post(`order/po/${pk}/${what}/`, body); toast(`Order ${what === 'issue' ? 'issued' : what === 'hold' ? 'on hold' : what + 'd'}`); reload(); }
		catch (e) {
			if (what === 'complete' && e.field && e.field('accept_incomplete').length) setDialog('incomplete');
			else toast(e.message || String(e), 'error');
		} finally { setBusy(''); }
	};
	const mayChange = can('purchase_order', 'change');
	const none = html`<span class="muted">—</span>`;
	const lineCols = [
		{ key: 'sku', label: 'SKU', class: 'mono nowrap hide-sm', render: l => l.sku },
		{ key: 'part', label: 'Part', class: 'fill', render: l => html`<${Link} to=${'/part/' + l.internal_part}>${l.internal_part_name}</${Link}>${l.ipn && html`<div class="cell-sub mono">${l.ipn}</div>`}<div class="cell-sub show-sm">SKU <span class="mono">${l.sku}</span></div>` },
		{ key: 'quantity', label: 'Quantity', align: 'right', render: l => fmtQty(l.quantity) },
		{ key: 'received', label: 'Received', align: 'right', render: l => html`${fmtQty(l.received)}${Number(l.received) >= Number(l.quantity) && html` <${Badge} tone="ok">✓</${Badge}>`}` },
		{ key: 'price', label: 'Unit price', align: 'right', class: 'hide-sm', render: l => money(l.purchase_price, l.purchase_price_currency) },
		{ key: 'total', label: 'Total', align: 'right', class: 'hide-sm', render: l => money(l.total_price) },
	];
	return html`<div class="page po-page">
		<nav aria-label="Breadcrumb" class="crumbs no-print"><${Link} to="/orders">Purchase orders</${Link}></nav>
		<div class="page-head">
			<div><h1><span class="mono">${o.reference}</span> <${OrderStatus} status=${o.status} />${o.overdue && html` <${Badge} tone="bad">Overdue</${Badge}>`}</h1>
				<p class="page-sub">${o.supplier_name}${o.description && html` · ${o.description}`}</p></div>
			<div class="page-actions no-print">
				${mayChange && (st === 10 || st === 25) && html`<${Button} kind="primary" icon="check" busy=${busy === 'issue'} onClick=${() => act('issue')}>Issue</${Button}>`}
				${mayChange && st === 20 && html`<${Button} kind="primary" icon="box" onClick=${() => setDialog('receive')}>Receive</${Button}>`}
				${mayChange && st === 20 && html`<${Button} icon="check" busy=${busy === 'complete'} onClick=${() => act('complete')}>Complete</${Button}>`}
				${mayChange && (st === 10 || st === 20) && html`<${Button} kind="ghost" busy=${busy === 'hold'} onClick=${() => act('hold')}>Hold</${Button}>`}
				${mayChange && OPEN.includes(st) && html`<${Button} kind="ghost" busy=${busy === 'cancel'} onClick=${() => setDialog('cancel')}>Cancel order</${Button}>`}
				${mayChange && html`<${Button} icon="edit" kind="ghost" onClick=${() => setDialog('edit')}>Edit</${Button}>`}
				<${Button} kind="ghost" onClick=${() => window.print()}>Print</${Button}>
			</div>
		</div>
		<div class="grid-main">
			<div>
				<${Card} title="Lines" actions=${mayChange && OPEN.includes(st) && html`<${Button} small icon="plus" class="no-print" onClick=${() => setDialog('line')}>Add line</${Button}>`}>
					<${ErrorNote} error=${lines.error} retry=${lines.reload} />
					${lines.loading && !lines.data ? html`<${Spinner} />` : html`<${DataTable} columns=${lineCols} rows=${lines.data || []} caption="Lines" exportFrom=${{ path: 'order/po-line/', params: { order: pk } }}
						empty="No lines yet: add the supplier's parts you are ordering." />`}
				</${Card}>
				${(extra.data || []).length > 0 && html`<${Card} title="Extra lines"><ul class="plain-list">${extra.data.map(x => html`<li key=${x.pk}>
					${x.description || x.reference || 'Extra'} · ${fmtQty(x.quantity)} × ${money(x.price, x.price_currency)}</li>`)}</ul></${Card}>`}
			</div>
			<${Card} title="Details">
				<dl class="dl">
					<div class="dl-row"><dt>Supplier</dt><dd><${Link} to=${'/company/' + o.supplier}>${o.supplier_name}</${Link}></dd></div>
					<div class="dl-row"><dt>Supplier reference</dt><dd>${o.supplier_reference || none}</dd></div>
					<div class="dl-row"><dt>Created</dt><dd>${o.creation_date ? fmtDate(o.creation_date, false) : none}</dd></div>
					<div class="dl-row"><dt>Issued</dt><dd>${o.issue_date ? fmtDate(o.issue_date, false) : none}</dd></div>
					<div class="dl-row"><dt>Target</dt><dd>${o.target_date ? fmtDate(o.target_date, false) : none}</dd></div>
					<div class="dl-row"><dt>Completed</dt><dd>${o.complete_date ? fmtDate(o.complete_date, false) : none}</dd></div>
					<div class="dl-row"><dt>Lines</dt><dd>${o.completed_lines} of ${o.line_items} received</dd></div>
					<div class="dl-row"><dt>Total</dt><dd>${money(o.total_price, o.order_currency)}</dd></div>
				</dl>
				${o.notes && html`<div class="notes"><h3>Notes</h3><p>${o.notes}</p></div>`}
			</${Card}>
		</div>
		${dialog === 'edit' && html`<${OrderDialog} order=${o} onClose=${() => setDialog(null)} onDone=${() => { setDialog(null); reload(); }} />`}
		${dialog === 'line' && html`<${LineDialog} order=${o} onClose=${() => setDialog(null)} onDone=${() => { setDialog(null); reload(); }} />`}
		${dialog === 'receive' && html`<${ReceiveDialog} order=${o} lines=${lines.data || []} onClose=${() => setDialog(null)} onDone=${() => { setDialog(null); reload(); }} />`}
		${dialog === 'cancel' && html`<${Confirm} title=${`Cancel ${o.reference}?`} confirmLabel="Cancel order" onClose=${ok => { setDialog(null); if (ok) reload(); }}
			onConfirm=${async () => { await api.post(`order/po/${pk}/cancel/`, {}); toast('Order cancelled'); }}>
			<p>What it has not received is no longer on order.</p></${Confirm}>`}
		${dialog === 'incomplete' && html`<${Confirm} title="Complete with lines open?" confirmLabel="Complete anyway" danger=${false}
			onClose=${ok => { setDialog(null); if (ok) reload(); }}
			onConfirm=${async () => { await api.post(`order/po/${pk}/complete/`, { accept_incomplete: true }); toast('Order completed'); }}>
			<p>Some lines are not fully received; what is missing will no longer be on order.</p></${Confirm}>`}
	</div>`;
}

/* What to order: the short parts, their best supplier part and price. */
export function WhatToOrder() {
	const list = useApi(() => api.get('order/po/suggest/'), []);
	const [sel, setSel] = useState(null);
	const [busy, setBusy] = useState(false);
	const rows = (list.data || []).map(r => ({ ...r, pk: r.part }));
	const orderable = rows.filter(r => r.supplier_part);
	const selected = sel || new Set(orderable.map(r => r.pk));
	const make = async () => {
		setBusy(true);
		try {
			const made = await api.post('order/po/suggest/', { parts: [...selected] });
			toast(`${made.length} draft order${made.length === 1 ? '' : 's'} created`);
			if (made.length === 1) navigate('/order/' + made[0].pk);
			else navigate('/orders?status=10');
		} catch (e) { toast(e.message || String(e), 'error'); setBusy(false); }
	};
	const columns = [
		{ key: 'name', label: 'Part', class: 'fill', render: r => html`<${Link} to=${'/part/' + r.part}>${r.name}</${Link}>${r.IPN && html`<div class="cell-sub mono">${r.IPN}</div>`}` },
		{ key: 'stock', label: 'In stock / min', align: 'right', class: 'nowrap', render: r => html`${fmtQty(r.in_stock)} / ${fmtQty(r.minimum_stock)}${Number(r.ordering) > 0 && html`<div class="cell-sub">${fmtQty(r.ordering)} on order</div>`}` },
		{ key: 'needed', label: 'Needed', align: 'right', render: r => fmtQty(r.needed) },
		{ key: 'supplier', label: 'Supplier', class: 'nowrap', render: r => (r.supplier_part ? html`${r.supplier_name}<div class="cell-sub mono">${r.SKU}</div>` : html`<span class="muted">no supplier part</span>`) },
		{ key: 'quantity', label: 'Packs', align: 'right', class: 'hide-sm', render: r => (r.supplier_part ? fmtQty(r.quantity) : '—') },
		{ key: 'total', label: 'Cost', align: 'right', render: r => (r.supplier_part ? money(r.total_price, r.price_currency) : '—') },
	];
	return html`<div class="page">
		<nav aria-label="Breadcrumb" class="crumbs"><${Link} to="/orders">Purchase orders</${Link}></nav>
		<div class="page-head">
			<div><h1>What to order</h1><p class="page-sub">Parts below their minimum stock after what is already on order</p></div>
			<div class="page-actions">${can('purchase_order', 'add') && orderable.length > 0 && html`<${Button} kind="primary" icon="plus" busy=${busy}
				disabled=${!selected.size} onClick=${make}>Create draft orders (${selected.size})</${Button}>`}</div>
		</div>
		<${ErrorNote} error=${list.error} retry=${list.reload} />
		${list.loading && !list.data ? html`<${Spinner} />` : !rows.length ? html`<${Empty} icon="check" title="Nothing to order">Every part is at or above its minimum stock, counting what is on order.</${Empty}>`
		: html`<div class="table-card"><${DataTable} columns=${columns} rows=${rows} caption="What to order" rowLabel=${r => r.name}
			selected=${can('purchase_order', 'add') ? selected : undefined} onSelect=${s => setSel(new Set([...s].filter(p => orderable.some(r => r.pk === p))))} /></div>`}
	</div>`;
}

/* The part page's orders: open lines of the part's supplier parts. */
export function PartOrders({ part }) {
	const list = useApi(() => api.list('order/po-line/', { base_part: part, pending: true, order_detail: true, limit: 25 }), [part]);
	if (list.error) return html`<${ErrorNote} error=${list.error} retry=${list.reload} />`;
	if (!list.data) return html`<${Spinner} />`;
	if (!list.data.length) return html`<p class="muted">Not on order.</p>`;
	return html`<ul class="plain-list">${list.data.map(l => html`<li key=${l.pk}>
		<${Link} to=${'/order/' + l.order} class="mono">${l.order_detail?.reference}</${Link}> · ${l.order_detail?.supplier_name}
		· ${fmtQty(l.received)} of ${fmtQty(l.quantity)} received</li>`)}</ul>`;
}
