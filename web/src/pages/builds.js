// Build orders: the list (status and open filters, search, sorting,
// paging, a new order), and an order's page: its lines with what is
// allocated and available, auto-allocation, allocating one stock item to
// a line, its outputs (create, complete, scrap) and the actions that move
// it (issue, hold, finish, cancel).
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { can } from '../session.js';
import { setQuery, navigate, Link } from '../router.js';
import { useTree, treeOptions, lineAvailable } from '../data.js';
import { DataTable, PagedTable, useListQuery } from '../ui/table.js';
import { Icon } from '../ui/icons.js';
import {
	Button, Card, Dialog, useApi, useDebounced, ErrorNote, Spinner, Badge, fmtQty, fmtDate, toast,
	useForm, FormErrors, TextField, SelectField, Confirm,
} from '../ui/kit.js';

export const BUILD_STATUS = [
	[10, 'Pending', 'neutral'], [20, 'Production', 'info'], [25, 'On hold', 'warn'], [30, 'Cancelled', 'bad'], [40, 'Complete', 'ok'],
];
const OPEN = [10, 20, 25];

export function BuildStatus({ status }) {
	const s = BUILD_STATUS.find(x => x[0] === Number(status)) || [status, String(status), 'neutral'];
	return html`<${Badge} tone=${s[2]}>${s[1]}</${Badge}>`;
}

/* Every message of an error body, nested lists of objects included. */
function errText(e) {
	const out = [];
	const walk = (v, k) => {
		if (Array.isArray(v)) v.forEach(x => walk(x, k));
		else if (v && typeof v === 'object') Object.entries(v).forEach(([kk, x]) => walk(x, kk));
		else if (v !== undefined && v !== null && v !== '') out.push(k && k !== 'non_field_errors' && k !== 'detail' ? `${k}: ${v}` : String(v));
	};
	walk(e?.body && Object.keys(e.body).length ? e.body : null);
	return out.length ? out.join(' ') : (e?.message || String(e));
}

/* A new build: an assembly found by searching, its quantity. */
function BuildDialog({ onClose, onDone }) {
	const [text, setText] = useState('');
	const [part, setPart] = useState(null);
	const q = useDebounced(text, 250);
	const found = useApi(() => api.list('part/', { assembly: true, active: true, search: q || undefined, limit: 10 }), [q]);
	const last = useApi(() => api.list('build/', { ordering: '-reference', limit: 1 }), []);
	const locs = useTree('location');
	const next = () => {
		const m = /^BO-(\d+)$/.exec(last.data?.[0]?.reference || '');
		return 'BO-' + String((m ? Number(m[1]) : 0) + 1).padStart(4, '0');
	};
	const form = useForm({ reference: '', quantity: '1', title: '', destination: '', take_from: '' });
	const go = () => form.submit(async v => {
		const r = await api.post('build/', {
			part: part?.pk ?? null, reference: v.reference.trim() || next(), quantity: v.quantity, title: v.title.trim(),
			destination: v.destination ? Number(v.destination) : null, take_from: v.take_from ? Number(v.take_from) : null,
		});
		toast(`Build order ${r.reference} created`);
		onDone(r);
	});
	const locOptions = treeOptions(locs.tree, '— any —');
	return html`<${Dialog} title="New build order" onClose=${onClose} onSubmit=${go} wide
		footer=${html`<${Button} onClick=${onClose}>Cancel</${Button}><${Button} kind="primary" type="submit" busy=${form.busy}>Create build order</${Button}>`}>
		<${FormErrors} form=${form} fields=${['part', 'reference', 'quantity', 'title', 'destination', 'take_from']} />
		<div class="form-grid">
			<div class=${'field span-2' + (form.fieldErrors('part').length ? ' field-invalid' : '')}>
				<label for="build-part">Assembly<span class="req" aria-hidden="true"> *</span></label>
				${part ? html`<div class="picked"><strong>${part.full_name || part.name}</strong>
					<button type="button" class="link" onClick=${() => setPart(null)}>Change</button></div>`
				: html`<input id="build-part" type="search" placeholder="Search assemblies" value=${text} autofocus
					onInput=${e => setText(e.currentTarget.value)} />
					<ul class="pick-list" role="listbox" aria-label="Assemblies found">${(found.data || []).map(p => html`<li key=${p.pk}>
						<button type="button" class="link" onClick=${() => setPart(p)}>${p.full_name || p.name}</button></li>`)}</ul>`}
				${form.fieldErrors('part').length > 0 && html`<div class="field-error">${form.fieldErrors('part').join(' ')}</div>`}
			</div>
			<${TextField} form=${form} name="quantity" label="Quantity" inputmode="decimal" required />
			<${TextField} form=${form} name="reference" label="Reference" placeholder=${next()} hint="Empty: the next number" />
			<${TextField} form=${form} name="title" label="Description" class="span-2" />
			<${SelectField} form=${form} name="take_from" label="Take stock from" options=${locOptions} />
			<${SelectField} form=${form} name="destination" label="Destination" options=${treeOptions(locs.tree, '— choose at completion —')} />
		</div>
	</${Dialog}>`;
}

export function BuildOrders() {
	const { search, text, setText, limit, offset, ordering, f } = useListQuery({ ordering: '-reference' });
	const [dialog, setDialog] = useState(false);
	const params = {
		limit, offset, ordering, search: search || undefined, status: f('status') || undefined,
		outstanding: f('outstanding') || undefined, overdue: f('overdue') || undefined,
	};
	const key = JSON.stringify(params);
	const list = useApi(() => api.page('build/', params), [key]);
	const columns = [
		{ key: 'reference', label: 'Reference', sort: 'reference', class: 'nowrap', render: b => html`<${Link} to=${'/build/' + b.pk} class="cell-main mono">${b.reference}</${Link}>` },
		{ key: 'part', label: 'Assembly', sort: 'part__name', render: b => b.part_name },
		{ key: 'title', label: 'Description', class: 'fill', render: b => html`<div class="cell-sub clamp">${b.title}</div>` },
		{ key: 'status', label: 'Status', sort: 'status', class: 'nowrap', render: b => html`<${BuildStatus} status=${b.status} />${b.overdue && html` <${Badge} tone="bad">Overdue</${Badge}>`}<div class="cell-sub show-sm">${fmtQty(b.completed)} of ${fmtQty(b.quantity)} built</div>` },
		{ key: 'progress', label: 'Built', align: 'right', class: 'nowrap hide-sm', render: b => `${fmtQty(b.completed)} / ${fmtQty(b.quantity)}` },
		{ key: 'target_date', label: 'Target', sort: 'target_date', class: 'nowrap hide-sm', render: b => (b.target_date ? fmtDate(b.target_date, false) : '—') },
	];
	return html`<div class="page">
		<div class="page-head">
			<div><h1>Build orders</h1><p class="page-sub">Assemblies made from their bill of materials</p></div>
			<div class="page-actions">${can('build', 'add') && html`<${Button} kind="primary" icon="plus" onClick=${() => setDialog(true)}>New build order</${Button}>`}</div>
		</div>
		<div class="toolbar">
			<div class="searchbox"><${Icon} name="search" />
				<label class="sr-only" for="bosearch">Search build orders</label>
				<input id="bosearch" type="search" placeholder="Search build orders" value=${text} onInput=${e => setText(e.currentTarget.value)} /></div>
			<label class="sr-only" for="bostatus">Status</label>
			<select id="bostatus" class="chip" onChange=${e => setQuery({ status: e.currentTarget.value, offset: '' })}>
				<option value="">Any status</option>
				${BUILD_STATUS.map(([k, l]) => html`<option value=${k} selected=${f('status') === String(k)}>${l}</option>`)}
			</select>
			<label class="chip"><input type="checkbox" checked=${f('outstanding') === 'true'}
				onChange=${e => setQuery({ outstanding: e.currentTarget.checked ? 'true' : '', offset: '' })} /> Open</label>
			<label class="chip"><input type="checkbox" checked=${f('overdue') === 'true'}
				onChange=${e => setQuery({ overdue: e.currentTarget.checked ? 'true' : '', offset: '' })} /> Overdue</label>
		</div>
		<${ErrorNote} error=${list.error} retry=${list.reload} />
		<${PagedTable} list=${list} offset=${offset} limit=${limit} ordering=${ordering} defaultOrdering="-reference"
			columns=${columns} caption="Build orders" onRowClick=${b => navigate('/build/' + b.pk)}
			empty=${list.loading ? 'Loading…' : search ? 'No build orders match.' : 'No build orders yet.'} />
		${dialog && html`<${BuildDialog} onClose=${() => setDialog(false)} onDone=${r => { setDialog(false); navigate('/build/' + r.pk); }} />`}
	</div>`;
}

/* Allocating one stock item of the line's part or a substitute, and --
 * when the line allows variants -- of their variants (the stock list's
 * include_variants). */
function AllocateDialog({ build, line, outputs, onClose, onDone }) {
	const parts = [line.part, ...(line.bom_item_detail?.substitutes || []).map(s => s.part)];
	const items = useApi(() => Promise.all(parts.map(p => api.list('stock/', { part: p, available: true, include_variants: !!line.allow_variants, limit: 50 })))
		.then(r => [...new Map(r.flat().map(it => [it.pk, it])).values()]), [line.pk]);
	const left = Math.max(Number(line.quantity) - Number(line.consumed) - Number(line.allocated), 0);
	const form = useForm({ stock_item: '', quantity: String(left || 1), output: '' });
	const go = () => form.submit(async v => {
		const item = { build_line: line.pk, stock_item: v.stock_item ? Number(v.stock_item) : null, quantity: v.quantity };
		if (line.trackable) item.output = v.output ? Number(v.output) : null;
		await api.post(`build/${build.pk}/allocate/`, { items: [item] });
		toast('Stock allocated');
		onDone();
	});
	const err = form.error ? errText(form.error) : null;
	return html`<${Dialog} title=${`Allocate ${line.part_detail?.name || 'stock'}`} onClose=${onClose} onSubmit=${go}
		footer=${html`<${Button} onClick=${onClose}>Cancel</${Button}><${Button} kind="primary" type="submit" busy=${form.busy}>Allocate</${Button}>`}>
		${err && html`<div class="note note-error" role="alert"><${Icon} name="alert" /><div>${err}</div></div>`}
		<p class="muted">${fmtQty(line.allocated)} of ${fmtQty(line.quantity)} allocated${Number(line.consumed) > 0 ? `, ${fmtQty(line.consumed)} consumed` : ''}.</p>
		<${SelectField} form=${form} name="stock_item" label="Stock item"
			options=${[{ value: '', label: items.loading ? 'Loading…' : (items.data || []).length ? '— choose —' : 'No available stock' },
				...(items.data || []).map(s => ({ value: s.pk, label: `#${s.pk} · ${fmtQty(Number(s.quantity) - Number(s.allocated))} available${s.serial ? ' · SN ' + s.serial : ''}${s.batch ? ' · ' + s.batch : ''}` }))]} />
		<${TextField} form=${form} name="quantity" label="Quantity" inputmode="decimal" />
		${line.trackable && html`<${SelectField} form=${form} name="output" label="Output"
			options=${[{ value: '', label: '— choose —' }, ...outputs.filter(o => o.is_building).map(o => ({ value: o.pk, label: o.serial ? 'SN ' + o.serial : `#${o.pk} · ${fmtQty(o.quantity)}` }))]} />`}
	</${Dialog}>`;
}

function OutputDialog({ build, onClose, onDone }) {
	const left = Math.max(Number(build.quantity) - Number(build.completed), 1);
	const form = useForm({ quantity: String(left), batch_code: build.batch || '', serial_numbers: '' });
	const go = () => form.submit(async v => {
		const made = await api.post(`build/${build.pk}/create-output/`, v);
		toast(`${made.length} output${made.length === 1 ? '' : 's'} created`);
		onDone();
	});
	return html`<${Dialog} title="New build output" onClose=${onClose} onSubmit=${go}
		footer=${html`<${Button} onClick=${onClose}>Cancel</${Button}><${Button} kind="primary" type="submit" busy=${form.busy}>Create output</${Button}>`}>
		<${FormErrors} form=${form} fields=${['quantity', 'batch_code', 'serial_numbers']} />
		<${TextField} form=${form} name="quantity" label="Quantity" inputmode="decimal" required />
		<${TextField} form=${form} name="batch_code" label="Batch" />
		${build.part_detail?.trackable && html`<${TextField} form=${form} name="serial_numbers" label="Serial numbers" hint="e.g. 1-5, 8: one output each" />`}
	</${Dialog}>`;
}

/* Completing or scrapping outputs: where they go. */
function CloseDialog({ build, outputs, scrap, onClose, onDone }) {
	const locs = useTree('location');
	const form = useForm({ location: build.destination ?? '', notes: '', accept: false });
	const go = () => form.submit(async v => {
		const body = { outputs: outputs.map(o => ({ output: o.pk })), location: v.location ? Number(v.location) : null, notes: v.notes };
		if (!scrap && v.accept) body.accept_incomplete_allocation = true;
		await api.post(`build/${build.pk}/${scrap ? 'scrap-outputs' : 'complete'}/`, body);
		toast(`${outputs.length} output${outputs.length === 1 ? '' : 's'} ${scrap ? 'scrapped' : 'completed'}`);
		onDone();
	});
	const err = form.error ? errText(form.error) : null;
	const short = /not fully allocated/.test(err || '');
	return html`<${Dialog} title=${scrap ? 'Scrap outputs' : 'Complete outputs'} onClose=${onClose} onSubmit=${go}
		footer=${html`<${Button} onClick=${onClose}>Cancel</${Button}><${Button} kind=${scrap ? 'danger' : 'primary'} type="submit" busy=${form.busy}>${scrap ? 'Scrap' : short && form.values.accept ? 'Complete anyway' : 'Complete'}</${Button}>`}>
		${err && html`<div class="note note-error" role="alert"><${Icon} name="alert" /><div>${err}</div></div>`}
		<p>${outputs.map(o => (o.serial ? 'SN ' + o.serial : fmtQty(o.quantity) + ' × ' + (build.part_detail?.name || ''))).join(', ')}</p>
		<${SelectField} form=${form} name="location" label="Location" options=${treeOptions(locs.tree, '— choose —')}
			hint=${scrap ? 'Where the rejected items go' : 'Where the new stock goes'} />
		<${TextField} form=${form} name="notes" label="Notes" />
		${!scrap && short && html`<label class="check"><input type="checkbox" checked=${form.values.accept}
			onChange=${e => form.set('accept', e.currentTarget.checked)} /> Complete without the missing tracked stock</label>`}
	</${Dialog}>`;
}

export function BuildOrderPage({ id }) {
	const pk = Number(id);
	const [dialog, setDialog] = useState(null);
	const [busy, setBusy] = useState('');
	const bo = useApi(() => api.get(`build/${pk}/`), [pk]);
	const lines = useApi(() => api.list('build/line/', { build: pk, bom_item_detail: true, limit: 1000 }), [pk]);
	const outputs = useApi(() => api.list('build/output/', { build: pk, limit: 1000 }), [pk]);
	if (bo.error) return html`<div class="page"><${ErrorNote} error=${bo.error} retry=${bo.reload} /></div>`;
	if (!bo.data) return html`<div class="page"><${Spinner} /></div>`;
	const b = bo.data;
	const st = Number(b.status);
	const reload = () => { bo.reload(); lines.reload(); outputs.reload(); };
	const act = async (what, body = {}, done) => {
		setBusy(what);
		try { await api.post(`build/${pk}/${what}/`, body); toast(done); reload(); }
		catch (e) {
			if (what === 'finish' && e.body && (e.body.accept_incomplete || e.body.accept_unallocated || e.body.accept_overallocated)) setDialog({ kind: 'finish', error: errText(e) });
			else toast(errText(e), 'error');
		} finally { setBusy(''); }
	};
	const mayChange = can('build', 'change');
	const open = OPEN.includes(st);
	const none = html`<span class="muted">—</span>`;
	const outs = outputs.data || [];
	const building = outs.filter(o => o.is_building);
	const lineCols = [
		{ key: 'part', label: 'Component', class: 'fill', render: l => html`<${Link} to=${'/part/' + l.part}>${l.part_detail?.name}</${Link}>
			${l.reference && html`<div class="cell-sub mono clamp">${l.reference}</div>`}
			${(l.optional || l.consumable || l.trackable) && html`<div class="cell-sub">${l.optional && html`<${Badge}>optional</${Badge}> `}${l.consumable && html`<${Badge}>consumable</${Badge}> `}${l.trackable && html`<${Badge} tone="info">tracked</${Badge}>`}</div>`}
			<div class="cell-sub show-sm">${fmtQty(lineAvailable(l))} available</div>` },
		{ key: 'allocated', label: 'Allocated', align: 'right', class: 'nowrap', render: l => {
			const have = Number(l.allocated) + Number(l.consumed);
			const full = have >= Number(l.quantity);
			return html`<span class=${full ? 'ok-text' : ''}>${Number(l.consumed) > 0 ? (Number(l.allocated) > 0 ? `${fmtQty(l.allocated)} + ` : '') + `${fmtQty(l.consumed)} used` : fmtQty(l.allocated)} / ${fmtQty(l.quantity)}</span>
				${full && html` <${Badge} tone="ok">✓</${Badge}>`}
				${(l.allocations || []).length > 0 && html`<div class="cell-sub">${l.allocations.map(a => `#${a.stock_item} × ${fmtQty(a.quantity)}`).join(', ')}</div>`}
				${mayChange && open && !l.consumable && html`<div class="cell-act"><${Button} small onClick=${e => { e.stopPropagation(); setDialog({ kind: 'allocate', line: l }); }}>Allocate</${Button}></div>`}`;
		} },
		{ key: 'available', label: 'Available', align: 'right', class: 'hide-sm', render: l => html`${fmtQty(lineAvailable(l))}
			${l.allow_variants && Number(l.available_variant_stock) > 0 && html`<div class="cell-sub">incl. ${fmtQty(l.available_variant_stock)} of variants</div>`}` },
	];
	const outCols = [
		{ key: 'what', label: 'Output', class: 'fill', render: o => html`${o.serial ? html`SN <span class="mono">${o.serial}</span>` : fmtQty(o.quantity)}${o.batch && html`<div class="cell-sub">Batch ${o.batch}</div>`}` },
		{ key: 'state', label: 'State', class: 'nowrap', render: o => html`<${Badge} tone=${o.state === 2 ? 'ok' : o.state === 3 ? 'bad' : 'info'}>${o.state_text}</${Badge}>
			${o.stock_item && html` <${Link} to=${'/stock/' + o.stock_item}>#${o.stock_item}</${Link}>`}` },
		{ key: 'act', label: '', class: 'nowrap', render: o => (mayChange && open && o.is_building ? html`<div class="btn-row">
			<${Button} small kind="primary" onClick=${() => setDialog({ kind: 'complete', outputs: [o] })}>Complete</${Button}>
			<${Button} small kind="ghost" onClick=${() => setDialog({ kind: 'scrap', outputs: [o] })}>Scrap</${Button}></div>` : '') },
	];
	const closeDialog = () => setDialog(null);
	const doneDialog = () => { setDialog(null); reload(); };
	return html`<div class="page build-page">
		<nav aria-label="Breadcrumb" class="crumbs"><${Link} to="/builds">Build orders</${Link}></nav>
		<div class="page-head">
			<div><h1><span class="mono">${b.reference}</span> <${BuildStatus} status=${b.status} />${b.overdue && html` <${Badge} tone="bad">Overdue</${Badge}>`}</h1>
				<p class="page-sub"><${Link} to=${'/part/' + b.part}>${b.part_name}</${Link}> · ${fmtQty(b.completed)} of ${fmtQty(b.quantity)} built${b.title && html` · ${b.title}`}</p></div>
			<div class="page-actions">
				${mayChange && (st === 10 || st === 25) && html`<${Button} kind="primary" icon="check" busy=${busy === 'issue'} onClick=${() => act('issue', {}, 'Build order issued')}>Issue</${Button}>`}
				${mayChange && open && html`<${Button} icon="box" busy=${busy === 'auto-allocate'} onClick=${() => act('auto-allocate', { interchangeable: true }, 'Stock allocated')}>Auto-allocate</${Button}>`}
				${mayChange && st === 20 && html`<${Button} icon="flag" busy=${busy === 'finish'} onClick=${() => act('finish', {}, 'Build order finished')}>Finish</${Button}>`}
				${mayChange && (st === 10 || st === 20) && html`<${Button} kind="ghost" busy=${busy === 'hold'} onClick=${() => act('hold', {}, 'Build order on hold')}>Hold</${Button}>`}
				${mayChange && open && html`<${Button} kind="ghost" onClick=${() => setDialog({ kind: 'cancel' })}>Cancel build</${Button}>`}
			</div>
		</div>
		<div class="grid-main">
			<div>
				<${Card} title="Lines">
					<${ErrorNote} error=${lines.error} retry=${lines.reload} />
					${lines.loading && !lines.data ? html`<${Spinner} />` : html`<${DataTable} columns=${lineCols} rows=${lines.data || []} caption="Build lines"
						empty="No lines: the assembly has no bill of materials." />`}
				</${Card}>
				<${Card} title="Outputs" actions=${mayChange && open && html`<div class="btn-row">
					${building.length > 1 && html`<${Button} small onClick=${() => setDialog({ kind: 'complete', outputs: building })}>Complete all</${Button}>`}
					<${Button} small icon="plus" onClick=${() => setDialog({ kind: 'output' })}>New output</${Button}></div>`}>
					<${ErrorNote} error=${outputs.error} retry=${outputs.reload} />
					${outputs.loading && !outputs.data ? html`<${Spinner} />` : html`<${DataTable} columns=${outCols} rows=${outs} caption="Build outputs"
						empty="No outputs yet: create one, allocate its stock, complete it." />`}
				</${Card}>
			</div>
			<${Card} title="Details">
				<dl class="dl">
					<div class="dl-row"><dt>Assembly</dt><dd><${Link} to=${'/part/' + b.part}>${b.part_name}</${Link}></dd></div>
					<div class="dl-row"><dt>Quantity</dt><dd>${fmtQty(b.quantity)}</dd></div>
					<div class="dl-row"><dt>Completed</dt><dd>${fmtQty(b.completed)}</dd></div>
					<div class="dl-row"><dt>Batch</dt><dd>${b.batch || none}</dd></div>
					<div class="dl-row"><dt>Created</dt><dd>${b.creation_date ? fmtDate(b.creation_date, false) : none}</dd></div>
					<div class="dl-row"><dt>Target</dt><dd>${b.target_date ? fmtDate(b.target_date, false) : none}</dd></div>
					<div class="dl-row"><dt>Finished</dt><dd>${b.completion_date ? fmtDate(b.completion_date, false) : none}</dd></div>
				</dl>
				${b.notes && html`<div class="notes"><h3>Notes</h3><p>${b.notes}</p></div>`}
			</${Card}>
		</div>
		${dialog?.kind === 'allocate' && html`<${AllocateDialog} build=${b} line=${dialog.line} outputs=${outs} onClose=${closeDialog} onDone=${doneDialog} />`}
		${dialog?.kind === 'output' && html`<${OutputDialog} build=${b} onClose=${closeDialog} onDone=${doneDialog} />`}
		${(dialog?.kind === 'complete' || dialog?.kind === 'scrap') && html`<${CloseDialog} build=${b} outputs=${dialog.outputs} scrap=${dialog.kind === 'scrap'}
			onClose=${closeDialog} onDone=${doneDialog} />`}
		${dialog?.kind === 'cancel' && html`<${Confirm} title=${`Cancel ${b.reference}?`} confirmLabel="Cancel build" onClose=${ok => { setDialog(null); if (ok) reload(); }}
			onConfirm=${async () => { await api.post(`build/${pk}/cancel/`, {}); toast('Build order cancelled'); }}>
			<p>Its allocated stock is released.</p></${Confirm}>`}
		${dialog?.kind === 'finish' && html`<${Confirm} title="Finish anyway?" confirmLabel="Finish" danger=${false} onClose=${ok => { setDialog(null); if (ok) reload(); }}
			onConfirm=${async () => { await api.post(`build/${pk}/finish/`, { accept_incomplete: true, accept_unallocated: true, accept_overallocated: 'trim' }); toast('Build order finished'); }}>
			<p>${dialog.error}</p><p>Finishing consumes what is allocated (no more than each line needs).</p></${Confirm}>`}
	</div>`;
}
