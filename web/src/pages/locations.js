// Locations: the location tree beside the stock in the selected location,
// with create, edit, move and delete (the API's options for what happens
// to sub-locations and stock).
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { can, useStore } from '../session.js';
import { openScanner, stockMoved } from '../scan.js';
import { Link, navigate, useRoute, setQuery } from '../router.js';
import { useTree, pathOf, invalidate, useStatuses } from '../data.js';
import { Tree, ancestors, descendants } from '../ui/tree.js';
import { DataTable, Pager } from '../ui/table.js';
import { ImportDialog } from '../ui/importer.js';
import { Icon } from '../ui/icons.js';
import {
	Button, Dialog, useApi, ErrorNote, Empty, fmtQty, fmtDate, toast, useForm, FormErrors,
	TextField, CheckField, Confirm, useId, useDebounced, LoadFailed,
} from '../ui/kit.js';
import { ActionBar, StockActionDialog, NewStockDialog, StatusBadge, itemPartName, itemIdent, enterToActions } from './stock.js';

function LocationDialog({ location, parent, move, onClose, onDone }) {
	const locs = useTree('location');
	const form = useForm(location ? {
		name: location.name, description: location.description || '', parent: location.parent ?? null,
		structural: !!location.structural, external: !!location.external,
	} : { name: '', description: '', parent: parent ?? null, structural: false, external: false });
	const [filter, setFilter] = useState('');
	const fid = useId('pf');
	const blocked = location ? descendants(locs.tree, location.pk) : null;
	const go = () => form.submit(async v => {
		const body = move ? { parent: v.parent } : { name: v.name.trim(), description: v.description, parent: v.parent, structural: v.structural, external: v.external };
		const r = location ? await api.patch(`stock/location/${location.pk}/`, body) : await api.post('stock/location/', body);
		invalidate('location');
		toast(move ? `Moved to ${v.parent != null ? pathOf(locs.tree, v.parent) : 'the top level'}` : location ? 'Location saved' : `Location “${r?.name || body.name}” created`);
		onDone(r);
	});
	const perr = form.fieldErrors('parent');
	return html`<${Dialog} title=${move ? `Move “${location.name}”` : location ? 'Edit location' : 'New location'} onClose=${onClose} onSubmit=${go}
		footer=${html`<${Button} onClick=${onClose}>Cancel</${Button}><${Button} kind="primary" type="submit" busy=${form.busy}>${move ? 'Move here' : location ? 'Save' : 'Create location'}</${Button}>`}>
		<${FormErrors} form=${form} fields=${['name', 'description', 'parent', 'structural', 'external']} />
		${!move && html`<${TextField} form=${form} name="name" label="Name" required autofocus />
			<${TextField} form=${form} name="description" label="Description" />`}
		<div class=${'field' + (perr.length ? ' field-invalid' : '')}>
			<label for=${fid}>${move ? 'New parent location' : 'Inside'}</label>
			<input id=${fid} type="search" placeholder="Filter locations" value=${filter} onInput=${e => setFilter(e.currentTarget.value)} />
			<div class="picker"><${Tree} nodes=${locs.nodes} selected=${form.values.parent} onSelect=${pk => form.set('parent', pk)}
				rootLabel="Top level" label="Parent location" filter=${filter} disabled=${blocked} rootIcon="location" /></div>
			${perr.length > 0 && html`<div class="field-error">${perr.join(' ')}</div>`}
		</div>
		${!move && html`<${CheckField} form=${form} name="structural" label="Structural" hint="holds other locations only, no stock" />
			<${CheckField} form=${form} name="external" label="External" hint="stock here is not on site" />`}
	</${Dialog}>`;
}

function DeleteLocation({ location, onClose, onDone }) {
	const [stockMode, setStockMode] = useState('move');
	const [subMode, setSubMode] = useState('move');
	const n1 = useId('ds'), n2 = useId('dl');
	const up = location.parent != null ? 'the parent location' : 'no location (top level)';
	return html`<${Confirm} title=${`Delete “${location.name}”?`} onClose=${ok => (ok ? onDone() : onClose())}
		onConfirm=${async () => {
			const q = { delete_stock_items: stockMode === 'delete', delete_sub_locations: subMode === 'delete' };
			await api.del(`stock/location/${location.pk}/`, q, { query: q });
			invalidate('location');
			toast('Location deleted');
		}}>
		<fieldset class="radios"><legend>Stock items in it (${location.items ?? '?'})</legend>
			<label><input type="radio" name=${n1} checked=${stockMode === 'move'} onChange=${() => setStockMode('move')} /> Move them to ${up}</label>
			<label><input type="radio" name=${n1} checked=${stockMode === 'delete'} onChange=${() => setStockMode('delete')} /> Delete them</label>
		</fieldset>
		<fieldset class="radios"><legend>Locations inside it (${location.sublocations ?? '?'})</legend>
			<label><input type="radio" name=${n2} checked=${subMode === 'move'} onChange=${() => setSubMode('move')} /> Move them up to ${up}</label>
			<label><input type="radio" name=${n2} checked=${subMode === 'delete'} onChange=${() => setSubMode('delete')} /> Delete them too</label>
		</fieldset>
	</${Confirm}>`;
}

/*
 * The part filter of a stock table: type a part's name, pick it from the
 * matches (a datalist); once chosen it is a chip with a button to clear it.
 */
function PartFilter({ part, onChange }) {
	const [text, setText] = useState('');
	const q = useDebounced(text.trim(), 250);
	const id = useId('pf');
	const matches = useApi(() => (q.length >= 2 ? api.list('part/', { search: q, limit: 10 }) : []), [q]);
	const chosen = useApi(() => (part != null ? api.get(`part/${part}/`) : null), [part]);
	if (part != null) {
		return html`<span class="chip chip-set">Part: ${chosen.data?.full_name || chosen.data?.name || '#' + part}
			<button type="button" class="chip-x" aria-label="Clear the part filter" onClick=${() => { setText(''); onChange(null); }}><${Icon} name="close" size=${14} /></button></span>`;
	}
	const pick = v => {
		setText(v);
		const m = (matches.data || []).find(p => (p.full_name || p.name) === v);
		if (m) { setText(''); onChange(m.pk); }
	};
	return html`<label class="filter filter-part" for=${id}><span>Part</span>
		<input id=${id} type="search" list=${id + '-list'} placeholder="Type a part’s name" value=${text} autocomplete="off"
			onInput=${e => pick(e.currentTarget.value)} />
		<datalist id=${id + '-list'}>${(matches.data || []).map(p => html`<option key=${p.pk} value=${p.full_name || p.name} />`)}</datalist></label>`;
}

export function Locations({ id }) {
	const pk = id != null ? Number(id) : null;
	const { query } = useRoute();
	const locs = useTree('location');
	const [treeFilter, setTreeFilter] = useState('');
	const [dialog, setDialog] = useState(null);
	const [sideOpen, setSideOpen] = useState(false);
	const [sel, setSel] = useState(() => new Set());
	const limit = Number(query.get('limit')) || 50;
	const offset = Number(query.get('offset')) || 0;
	const ordering = query.get('ordering') || '';
	const cascade = query.get('cascade') !== '0';
	// The stock table's search and filters, in the address as well.
	const search = query.get('search') || '';
	const status = query.get('status') || '';
	const batch = query.get('batch') || '';
	const part = query.get('part') ? Number(query.get('part')) : null;
	const [text, setText] = useState(search);
	const [batchText, setBatchText] = useState(batch);
	const debounced = useDebounced(text, 250);
	const debouncedBatch = useDebounced(batchText, 400);
	useEffect(() => { if (debounced !== search) setQuery({ search: debounced, offset: '' }); }, [debounced]);
	useEffect(() => { if (debouncedBatch.trim() !== batch) setQuery({ batch: debouncedBatch.trim(), offset: '' }); }, [debouncedBatch]);
	// Another location starts with no search.
	useEffect(() => { setText(search); setBatchText(batch); }, [pk]);
	const statuses = useStatuses();
	const filtered = !!(search || status || batch || part != null);
	const loc = useApi(() => (pk != null ? api.get(`stock/location/${pk}/`) : null), [pk]);
	const params = { location: pk ?? undefined, cascade: pk != null ? cascade : undefined, in_stock: true,
		part_detail: true, location_detail: true, limit, offset, ordering: ordering || undefined,
		search: search || undefined, status: status || undefined, batch: batch || undefined, part: part ?? undefined };
	const key = JSON.stringify(params);
	const moved = useStore(stockMoved).n;	// the scanner moved stock
	const stock = useApi(() => (can('stock', 'view') ? api.page('stock/', params) : null), [key, moved]);
	const reload = () => { loc.reload(); stock.reload(); setSel(new Set()); };

	if (loc.error?.status === 404) return html`<${LoadFailed} error=${loc.error} noun="location" id=${pk} back="/locations" backLabel="Back to all locations" />`;
	const node = pk != null ? locs.tree.byPk.get(pk) : null;
	const l = loc.data || node;
	const crumbs = pk != null ? ancestors(locs.tree, pk) : [];
	const rows = stock.data?.results || [];
	const selItems = rows.filter(r => sel.has(r.pk));

	const columns = [
		{ key: 'part', label: 'Part', sort: 'part__name', render: it => html`<${Link} to=${'/part/' + it.part} class="cell-main">${itemPartName(it)}</${Link}>
			<div class="cell-sub">${it.part_detail?.IPN || ''}</div>` },
		{ key: 'item', label: 'Item', render: it => html`<${Link} to=${'/stock/' + it.pk}>#${it.pk}</${Link}> <span class="cell-sub">${itemIdent(it)}</span>` },
		...(pk == null || cascade ? [{ key: 'location', label: 'Location', sort: 'location', class: 'hide-sm', render: it => html`<${Link} class="muted-link" to=${'/locations/' + it.location}>${pathOf(locs.tree, it.location) || it.location_detail?.pathstring || '—'}</${Link}>` }] : []),
		{ key: 'status', label: 'Status', sort: 'status', class: 'hide-sm', render: it => html`<${StatusBadge} item=${it} />` },
		{ key: 'quantity', label: 'Quantity', sort: 'quantity', align: 'right', render: it => fmtQty(it.quantity, it.part_detail?.units) },
		{ key: 'updated', label: 'Updated', sort: 'updated', class: 'hide-sm', render: it => html`<span class="cell-sub">${fmtDate(it.updated, false)}</span>` },
	];

	return html`<div class="page page-split">
		<aside class=${'side-panel' + (sideOpen ? ' is-open' : '')} aria-label="Locations">
			<div class="side-head"><h2><button type="button" class="side-toggle" aria-expanded=${sideOpen} onClick=${() => setSideOpen(!sideOpen)}>Locations<${Icon} name=${sideOpen ? 'chevronDown' : 'chevronRight'} size=${14} /></button><span class="side-title">Locations</span></h2>
				${can('stock_location', 'add') && html`<div class="side-actions"><${Button} small icon="copy" onClick=${() => setDialog({ kind: 'importloc' })} aria-label="Import locations">Import</${Button}>
					<${Button} small icon="plus" onClick=${() => setDialog({ kind: 'new' })}>New</${Button}></div>`}</div>
			<label class="sr-only" for="locfilter">Filter locations</label>
			<input id="locfilter" class="side-filter" type="search" placeholder="Filter locations" value=${treeFilter} onInput=${e => setTreeFilter(e.currentTarget.value)} />
			${locs.error ? html`<${ErrorNote} error=${locs.error} />` : html`<${Tree} nodes=${locs.nodes} selected=${pk} label="Stock locations"
				rootLabel="All locations" filter=${treeFilter} rootIcon="location" count=${n => (n.items ? n.items : '')}
				onSelect=${p => { setSel(new Set()); navigate(p == null ? '/locations' : '/locations/' + p); }} />`}
		</aside>
		<section class="content-panel">
			<div class="page-head">
				<div>
					<nav aria-label="Location path" class="crumbs"><${Link} to="/locations">Locations</${Link}>${crumbs.map(c => html` <span aria-hidden="true">/</span> <${Link} to=${'/locations/' + c.pk}>${c.name}</${Link}>`)}</nav>
					<h1>${pk == null ? 'All stock' : l?.name || '…'}</h1>
					${l?.description && html`<p class="page-sub">${l.description}</p>`}
				</div>
				<div class="page-actions">
					${pk != null && can('stock_location', 'change') && loc.data && html`
						<${Button} icon="edit" onClick=${() => setDialog({ kind: 'edit' })}>Edit</${Button}>
						<${Button} icon="move" onClick=${() => setDialog({ kind: 'move' })}>Move</${Button}>`}
					${pk != null && can('stock_location', 'delete') && loc.data && html`<${Button} icon="trash" kind="ghost" onClick=${() => setDialog({ kind: 'delete' })}>Delete</${Button}>`}
					${pk != null && can('stock_location', 'add') && html`<${Button} icon="plus" onClick=${() => setDialog({ kind: 'new', parent: pk })}>Sub-location</${Button}>`}
					${pk != null && loc.data && html`<${Button} icon="printer" onClick=${() => navigate('/labels?model=stocklocation&items=' + pk)}>Print label</${Button}>`}
					${pk != null && can('stock', 'change') && l && !l.structural && html`<${Button} icon="scan"
						onClick=${() => openScanner({ move: true, target: { pk, name: pathOf(locs.tree, pk) || l.name } })}>Scan items here</${Button}>`}
					${can('stock', 'add') && html`<${Button} icon="copy" onClick=${() => setDialog({ kind: 'import' })}>Import</${Button}>`}
					${can('stock', 'add') && html`<${Button} kind="primary" icon="plus" onClick=${() => setDialog({ kind: 'newstock' })}>Add stock</${Button}>`}
				</div>
			</div>
			<${ErrorNote} error=${loc.error} retry=${loc.reload} />
			${can('stock', 'view') && html`<div class="toolbar stock-filters">
				<div class="searchbox"><${Icon} name="search" />
					<label class="sr-only" for="stocksearch">Search stock</label>
					<input id="stocksearch" type="search" placeholder="Search stock" title="Searches the part, batch, serial number, notes and location name" value=${text}
						onInput=${e => setText(e.currentTarget.value)} /></div>
				<label class="filter" for="stockstatus"><span>Status</span>
					<select id="stockstatus" onChange=${e => setQuery({ status: e.currentTarget.value, offset: '' })}>
						<option value="" selected=${!status}>Any</option>
						${statuses.map(st => html`<option key=${st.key} value=${st.key} selected=${String(st.key) === status}>${st.label}</option>`)}
					</select></label>
				<label class="filter" for="stockbatch"><span>Batch</span>
					<input id="stockbatch" type="search" value=${batchText} placeholder="Batch code" onInput=${e => setBatchText(e.currentTarget.value)} /></label>
				<${PartFilter} part=${part} onChange=${v => setQuery({ part: v ?? '', offset: '' })} />
				${filtered && html`<button type="button" class="link" onClick=${() => { setText(''); setBatchText(''); setQuery({ search: '', status: '', batch: '', part: '', offset: '' }); }}>Clear filters</button>`}
			</div>`}
			<div class="toolbar">
				${pk != null && html`<label class="chip"><input type="checkbox" checked=${cascade} onChange=${e => setQuery({ cascade: e.currentTarget.checked ? '' : '0', offset: '' })} /> Include sub-locations</label>`}
				${selItems.length > 0 ? html`<${ActionBar} items=${selItems} label=${`${selItems.length} selected`} onAction=${a => setDialog({ kind: 'action', action: a, items: selItems })} />`
					: can('stock', 'change') && rows.length > 0 && html`<span class="muted">Select items to count, add, remove, transfer or change status (Space ticks, Enter goes to the actions).</span>`}
			</div>
			${!can('stock', 'view') ? html`<${Empty} title="You may not see stock" />` : html`
			<${ErrorNote} error=${stock.error} retry=${stock.reload} />
			<div class=${'table-card' + (stock.loading ? ' is-loading' : '')} aria-busy=${stock.loading}>
				<${DataTable} columns=${columns} rows=${rows} ordering=${ordering} caption="Stock items" exportFrom=${{ path: 'stock/', params }}
					selected=${can('stock', 'change') ? sel : null} onSelect=${setSel} onCheckKey=${enterToActions}
					rowLabel=${it => `${itemPartName(it)} item ${it.pk}`}
					onOrder=${o => setQuery({ ordering: o, offset: '' })}
					empty=${stock.loading ? 'Loading…' : stock.error ? 'The stock could not be loaded.' : filtered ? 'No stock matches. Try fewer filters or another search.' : 'No stock here.'} />
				<${Pager} count=${stock.data?.count || 0} offset=${offset} limit=${limit}
					onChange=${o => { setSel(new Set()); setQuery({ offset: o || '' }); }} onLimit=${n => setQuery({ limit: n === 50 ? '' : n, offset: '' })} />
			</div>`}
		</section>
		${dialog?.kind === 'new' && html`<${LocationDialog} parent=${dialog.parent ?? pk} onClose=${() => setDialog(null)}
			onDone=${r => { setDialog(null); if (r?.pk) navigate('/locations/' + r.pk); }} />`}
		${(dialog?.kind === 'edit' || dialog?.kind === 'move') && loc.data && html`<${LocationDialog} location=${loc.data} move=${dialog.kind === 'move'}
			onClose=${() => setDialog(null)} onDone=${() => { setDialog(null); reload(); }} />`}
		${dialog?.kind === 'delete' && loc.data && html`<${DeleteLocation} location=${loc.data} onClose=${() => setDialog(null)}
			onDone=${() => { setDialog(null); navigate(loc.data.parent != null ? '/locations/' + loc.data.parent : '/locations'); }} />`}
		${dialog?.kind === 'import' && html`<${ImportDialog} model="stockitem" noun="stock items" defaults=${pk != null ? { location: pk } : undefined}
			onClose=${() => setDialog(null)} onDone=${n => { setDialog(null); if (n) { toast(`${n} stock items imported`); invalidate('location'); reload(); } }} />`}
		${dialog?.kind === 'importloc' && html`<${ImportDialog} model="stocklocation" noun="locations" defaults=${pk != null ? { parent: pk } : undefined}
			onClose=${() => setDialog(null)} onDone=${n => { setDialog(null); if (n) { toast(`${n} locations imported`); invalidate('location'); } }} />`}
		${dialog?.kind === 'newstock' && html`<${NewStockDialog} location=${pk} onClose=${() => setDialog(null)} onDone=${() => { setDialog(null); reload(); }} />`}
		${dialog?.kind === 'action' && html`<${StockActionDialog} action=${dialog.action} items=${dialog.items}
			onClose=${() => setDialog(null)} onDone=${() => { setDialog(null); reload(); }} />`}
	</div>`;
}
