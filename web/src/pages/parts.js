// Parts: the category tree beside a searchable, filterable, sortable,
// paged table.  Every filter lives in the address, so Back and shared
// links restore the view.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { can } from '../session.js';
import { useRoute, setQuery, navigate, Link } from '../router.js';
import { useTree, pathOf, treeOptions, invalidate } from '../data.js';
import { Tree, ancestors } from '../ui/tree.js';
import { PagedTable } from '../ui/table.js';
import { ImportDialog } from '../ui/importer.js';
import { Icon } from '../ui/icons.js';
import {
	Button, Dialog, useApi, useDebounced, ErrorNote, Badge, fmtQty, toast, useForm, FormErrors,
	TextField, TextArea, SelectField, CheckField, Confirm, useId, StarButton, qtyIn,
} from '../ui/kit.js';

const FLAGS = [
	['assembly', 'Assembly'], ['component', 'Component'], ['purchaseable', 'Purchaseable'],
	['salable', 'Salable'], ['trackable', 'Trackable'], ['virtual', 'Virtual'], ['is_template', 'Template'],
];

export function CategoryDialog({ category, parent, onClose, onDone }) {
	const cats = useTree('category');
	const form = useForm(category ? {
		name: category.name, description: category.description || '', parent: category.parent ?? '',
		structural: !!category.structural, default_keywords: category.default_keywords || '',
	} : { name: '', description: '', parent: parent ?? '', structural: false, default_keywords: '' });
	const go = () => form.submit(async v => {
		const body = { name: v.name.trim(), description: v.description, parent: v.parent === '' ? null : Number(v.parent), structural: v.structural };
		const r = category ? await api.patch(`part/category/${category.pk}/`, body) : await api.post('part/category/', body);
		invalidate('category');
		toast(category ? 'Category saved' : `Category “${r?.name || body.name}” created`);
		onDone(r);
	});
	return html`<${Dialog} title=${category ? 'Edit category' : 'New category'} onClose=${onClose} onSubmit=${go}
		footer=${html`<${Button} onClick=${onClose}>Cancel</${Button}><${Button} kind="primary" type="submit" busy=${form.busy}>${category ? 'Save' : 'Create category'}</${Button}>`}>
		<${FormErrors} form=${form} fields=${['name', 'description', 'parent', 'structural']} />
		<${TextField} form=${form} name="name" label="Name" required autofocus />
		<${TextField} form=${form} name="description" label="Description" />
		<${SelectField} form=${form} name="parent" label="Parent category" options=${treeOptions(cats.tree, '— top level —')} />
		<${CheckField} form=${form} name="structural" label="Structural" hint="holds sub-categories only, no parts" />
	</${Dialog}>`;
}

function DeleteCategory({ category, onClose, onDone }) {
	const [mode, setMode] = useState('move');
	const name = useId('delmode');
	return html`<${Confirm} title=${`Delete “${category.name}”?`} onClose=${ok => (ok ? onDone() : onClose())}
		onConfirm=${async () => {
			const q = mode === 'delete' ? { delete_parts: true, delete_child_categories: true } : { delete_parts: false, delete_child_categories: false };
			await api.del(`part/category/${category.pk}/`, q, { query: q });
			invalidate('category');
			toast('Category deleted');
		}}>
		<fieldset class="radios"><legend>Its parts and sub-categories</legend>
			<label><input type="radio" name=${name} checked=${mode === 'move'} onChange=${() => setMode('move')} />
				Move them up to ${category.parent != null ? 'the parent category' : 'the top level'}</label>
			<label><input type="radio" name=${name} checked=${mode === 'delete'} onChange=${() => setMode('delete')} />
				Delete them too</label>
		</fieldset>
	</${Confirm}>`;
}

const PART_FIELDS = ['name', 'IPN', 'description', 'category', 'keywords', 'units', 'revision', 'link',
	'default_location', 'minimum_stock', 'active', 'notes', ...FLAGS.map(f => f[0])];

/*
 * A new part, an existing one (part), or a new variant of a template
 * (variantOf): as InvenTree's "Add variant", the template's fields
 * copied with variant_of set and is_template cleared, and a name of its
 * own suggested (name, IPN and revision together are unique).
 */
export function PartDialog({ part, category, variantOf, onClose, onDone }) {
	const cats = useTree('category');
	const locs = useTree('location');
	const init = {};
	const from = part || variantOf;
	for (const f of PART_FIELDS) init[f] = from ? (from[f] ?? '') : '';
	if (!from) { init.category = category ?? ''; init.active = true; init.component = true; init.purchaseable = true; init.minimum_stock = '0'; }
	if (variantOf) { init.name = `${variantOf.name} variant`; init.is_template = false; }
	for (const [f] of FLAGS) init[f] = !!init[f];
	init.active = from ? !!from.active : true;
	const form = useForm(init);
	const go = () => form.submit(async v => {
		const body = {};
		for (const f of PART_FIELDS) body[f] = typeof v[f] === 'string' ? v[f].trim() : v[f];
		if (variantOf) body.variant_of = variantOf.pk;
		body.category = v.category === '' ? null : Number(v.category);
		body.default_location = v.default_location === '' ? null : Number(v.default_location);
		if (body.minimum_stock === '') body.minimum_stock = 0;
		else body.minimum_stock = qtyIn(body.minimum_stock);
		const r = part ? await api.patch(`part/${part.pk}/`, body) : await api.post('part/', body);
		toast(part ? 'Part saved' : `Part “${r?.name || body.name}” created`);
		onDone(r);
	});
	return html`<${Dialog} title=${part ? `Edit ${part.name}` : variantOf ? `New variant of ${variantOf.name}` : 'New part'} onClose=${onClose} onSubmit=${go} wide
		footer=${html`<${Button} onClick=${onClose}>Cancel</${Button}><${Button} kind="primary" type="submit" busy=${form.busy}>${part ? 'Save part' : variantOf ? 'Create variant' : 'Create part'}</${Button}>`}>
		${variantOf && html`<p class="hint">The template's fields, copied: give the variant its own name, IPN or revision.</p>`}
		<${FormErrors} form=${form} fields=${PART_FIELDS} />
		<div class="form-grid">
			<${TextField} form=${form} name="name" label="Name" required autofocus class="span-2" />
			<${TextField} form=${form} name="IPN" label="IPN" hint="Internal part number" />
			<${TextField} form=${form} name="revision" label="Revision" />
			<${TextField} form=${form} name="description" label="Description" class="span-2" />
			<${SelectField} form=${form} name="category" label="Category" options=${treeOptions(cats.tree, '— no category —')} />
			<${SelectField} form=${form} name="default_location" label="Default location" options=${treeOptions(locs.tree)} />
			<${TextField} form=${form} name="units" label="Units" hint="e.g. pcs, m, kg" />
			<${TextField} form=${form} name="minimum_stock" label="Minimum stock" inputmode="decimal" />
			<${TextField} form=${form} name="keywords" label="Keywords" class="span-2" />
			<${TextField} form=${form} name="link" label="Link" type="url" class="span-2" />
		</div>
		<fieldset class="flags"><legend>Attributes</legend>
			<${CheckField} form=${form} name="active" label="Active" />
			${FLAGS.map(([k, l]) => html`<${CheckField} key=${k} form=${form} name=${k} label=${l} />`)}
		</fieldset>
		<${TextArea} form=${form} name="notes" label="Notes" />
	</${Dialog}>`;
}

/* A bound of a parameter range: a value with units ("10n", "1 uF"), kept
 * in the address when it is committed (Enter, or leaving the field). */
function RangeInput({ label, value, onCommit }) {
	const id = useId('rng');
	const [v, setV] = useState(value);
	useEffect(() => setV(value), [value]);
	return html`<label class="filter" for=${id}><span>${label}</span>
		<input id=${id} type="text" inputmode="decimal" size="8" value=${v} placeholder="any"
			onInput=${e => setV(e.currentTarget.value)} onChange=${e => onCommit(e.currentTarget.value.trim())} /></label>`;
}

/* The parameter columns to show (the category's templates), as toggles. */
function ColumnPicker({ templates, chosen, onChange }) {
	return html`<fieldset class="filters colpick" id="colpick"><legend class="sr-only">Parameter columns</legend>
		<span class="filter-title">Parameter columns</span>
		${templates.length === 0 && html`<span class="muted">This category has no parameter templates.</span>`}
		${templates.map(t => html`<label class="chip" key=${t.pk}><input type="checkbox" checked=${chosen.includes(t.pk)}
			onChange=${e => onChange(e.currentTarget.checked ? [...chosen, t.pk] : chosen.filter(x => x !== t.pk))} />
			${t.name}${t.units ? html` <span class="muted">(${t.units})</span>` : ''}</label>`)}
	</fieldset>`;
}

function FilterSelect({ label, value, onChange, options }) {
	const id = useId('flt');
	return html`<label class="filter" for=${id}><span>${label}</span>
		<select id=${id} onChange=${e => onChange(e.currentTarget.value)}>
			${options.map(([v, l]) => html`<option value=${v} selected=${value === v}>${l}</option>`)}
		</select></label>`;
}

export function Parts() {
	const { query } = useRoute();
	const cats = useTree('category');
	const cat = query.get('category') ? Number(query.get('category')) : null;
	const search = query.get('search') || '';
	const [text, setText] = useState(search);
	const debounced = useDebounced(text, 250);
	const [treeFilter, setTreeFilter] = useState('');
	const [dialog, setDialog] = useState(null);
	const [sideOpen, setSideOpen] = useState(false);
	const [showFilters, setShowFilters] = useState(() => FLAGS.some(([k]) => query.get(k)) || !!query.get('active') ||
		[...query.keys()].some(k => k.startsWith('pmin_') || k.startsWith('pmax_')));
	const limit = Number(query.get('limit')) || 25;
	const offset = Number(query.get('offset')) || 0;
	const ordering = query.get('ordering') || 'name';
	const cascade = query.get('cascade') !== '0';
	const f = k => query.get(k) || '';
	// Parameter columns (?pcols=1,4) and their ranges (?pmin_1=10n).
	const pcols = (query.get('pcols') || '').split(',').map(Number).filter(n => n > 0);
	const [showCols, setShowCols] = useState(false);
	const templates = useApi(() => (cat != null ? api.list('parameter/template/', { category: cat, enabled: true }) : Promise.resolve([])), [cat]);
	const tplByPk = new Map((templates.data || []).map(t => [t.pk, t]));
	const shownCols = pcols.filter(pk => tplByPk.has(pk));
	// Ranges for the columns with units (numbers to compare).
	const rangeCols = shownCols.filter(pk => tplByPk.get(pk).units);
	const rangeKeys = rangeCols.flatMap(pk => ['pmin_' + pk, 'pmax_' + pk]);

	useEffect(() => { if (debounced !== search) setQuery({ search: debounced, offset: '' }); }, [debounced]);
	// "/" jumps to the search box, as in many list views.
	useEffect(() => {
		const onKey = e => {
			if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey) return;
			const t = e.target;
			if (t.closest && t.closest('input, textarea, select, [contenteditable], dialog')) return;
			e.preventDefault();
			document.getElementById('partsearch')?.focus();
		};
		document.addEventListener('keydown', onKey);
		return () => document.removeEventListener('keydown', onKey);
	}, []);

	const params = {
		limit, offset, ordering, search: search || undefined,
		category: cat ?? undefined, cascade: cat != null ? cascade : undefined,
		active: f('active') || undefined, low_stock: f('low_stock') ? true : undefined,
		has_stock: f('has_stock') ? true : undefined, starred: f('starred') ? true : undefined, category_detail: true,
	};
	for (const [k] of FLAGS) if (f(k)) params[k] = f(k);
	if (shownCols.length) params.parameters = true;
	for (const pk of rangeCols) {
		if (f('pmin_' + pk)) params[`parameter_${pk}_gte`] = f('pmin_' + pk);
		if (f('pmax_' + pk)) params[`parameter_${pk}_lte`] = f('pmax_' + pk);
	}
	const key = JSON.stringify(params);
	const list = useApi(() => api.page('part/', params), [key]);
	// The category's own record: whether the user has starred it.
	const catRec = useApi(() => (cat != null && can('part_category', 'change') ? api.get(`part/category/${cat}/`) : null), [cat]);

	const catNode = cat != null ? cats.tree.byPk.get(cat) : null;
	const crumbs = cat != null ? [...ancestors(cats.tree, cat), ...(catNode ? [catNode] : [])] : [];
	const canAdd = can('part', 'add');
	const filterKeys = ['active', 'low_stock', 'has_stock', 'starred', ...FLAGS.map(x => x[0]), ...rangeKeys];
	const activeFilters = filterKeys.filter(k => f(k)).length;
	const paramCols = shownCols.map(pk => {
		const t = tplByPk.get(pk);
		return { key: 'param' + pk, label: t.units ? `${t.name} (${t.units})` : t.name, sort: 'parameter_' + pk, class: 'nowrap',
			render: p => {
				const v = (p.parameters || []).find(x => x.template === pk);
				return v ? v.data : html`<span class="muted">—</span>`;
			} };
	});

	const columns = [
		{ key: 'name', label: 'Part', sort: 'name', class: 'nowrap', render: p => html`<${Link} to=${'/part/' + p.pk} class="cell-main">${p.name}</${Link}>
			${p.description && html`<div class="cell-sub desc-sub" aria-hidden="true">${p.description}</div>`}
			${p.starred && html`<span class="star-mark" title="Starred"><${Icon} name="star" size=${14} fill="currentColor" label="Starred" /></span>`}
			${p.active === false && html` <${Badge} tone="neutral">Inactive</${Badge}>`}` },
		{ key: 'description', label: 'Description', class: 'fill hide-sm', render: p => html`<div class="cell-sub clamp">${p.description}</div>` },
		{ key: 'IPN', label: 'IPN', sort: 'IPN', class: 'mono nowrap hide-sm', render: p => p.IPN || html`<span class="muted">—</span>` },
		{ key: 'category', label: 'Category', class: 'nowrap hide-sm', render: p => (p.category != null
			? html`<${Link} to=${'/parts?category=' + p.category} class="muted-link">${p.category_detail?.name || pathOf(cats.tree, p.category).split(' / ').pop() || '#' + p.category}</${Link}>`
			: html`<span class="muted">—</span>`) },
		{ key: 'stock', label: 'In stock', sort: 'total_in_stock', align: 'right', render: p => {
			const q = Number(p.total_in_stock ?? p.in_stock ?? 0);
			const low = Number(p.minimum_stock) > 0 && q < Number(p.minimum_stock);
			return html`${low && html`<span class="cell-sub" title="Minimum stock">min ${fmtQty(p.minimum_stock)} · </span>`}<span class=${low ? 'qty-bad' : q === 0 ? 'muted' : ''}>${fmtQty(q, p.units)}</span>${Number(p.ordering) > 0 && html`<div class="cell-sub" title="On order, not yet received">+${fmtQty(p.ordering)} on order</div>`}`;
		} },
	];
	// The chosen parameters after the part, in place of what they crowd out.
	if (paramCols.length) columns.splice(1, 0, ...paramCols);
	const setCols = list => setQuery({ pcols: list.join(','), offset: '' });

	return html`<div class="page page-split">
		<aside class=${'side-panel' + (sideOpen ? ' is-open' : '')} aria-label="Categories">
			<div class="side-head"><h2><button type="button" class="side-toggle" aria-expanded=${sideOpen} onClick=${() => setSideOpen(!sideOpen)}>Categories<${Icon} name=${sideOpen ? 'chevronDown' : 'chevronRight'} size=${14} /></button><span class="side-title">Categories</span></h2>
				${can('part_category', 'add') && html`<div class="side-actions"><${Button} small icon="copy" onClick=${() => setDialog({ kind: 'importcat' })} aria-label="Import categories">Import</${Button}>
					<${Button} small icon="plus" onClick=${() => setDialog({ kind: 'newcat' })} aria-label="New category">New</${Button}></div>`}</div>
			<label class="sr-only" for="catfilter">Filter categories</label>
			<input id="catfilter" class="side-filter" type="search" placeholder="Filter categories" value=${treeFilter} onInput=${e => setTreeFilter(e.currentTarget.value)} />
			${cats.error ? html`<${ErrorNote} error=${cats.error} />` : html`<${Tree} nodes=${cats.nodes} selected=${cat} label="Part categories"
				rootLabel="All parts" filter=${treeFilter} count=${n => n.part_count ?? ''}
				onSelect=${pk => setQuery({ category: pk ?? '', offset: '' }, { replace: false })} />`}
		</aside>
		<section class="content-panel">
			<div class="page-head">
				<div>
					<nav aria-label="Category path" class="crumbs"><${Link} to="/parts">Parts</${Link}>${crumbs.map(c => html` <span aria-hidden="true">/</span> <${Link} to=${'/parts?category=' + c.pk}>${c.name}</${Link}>`)}</nav>
					<h1>${catNode ? catNode.name : 'All parts'}</h1>
					${catNode?.description && html`<p class="page-sub">${catNode.description}</p>`}
				</div>
				<div class="page-actions">
					${catNode && catRec.data && html`<${StarButton} starred=${!!catRec.data.starred} noun="category"
						save=${async want => { await api.patch(`part/category/${cat}/`, { starred: want }); catRec.reload(); list.reload(); }} />`}
					${catNode && can('part_category', 'change') && html`<${Button} icon="edit" onClick=${() => setDialog({ kind: 'editcat' })}>Edit category</${Button}>`}
					${catNode && can('part_category', 'delete') && html`<${Button} icon="trash" kind="ghost" onClick=${() => setDialog({ kind: 'delcat' })}>Delete</${Button}>`}
					${canAdd && html`<${Button} icon="copy" onClick=${() => setDialog({ kind: 'import' })}>Import</${Button}>`}
					${canAdd && html`<${Button} kind="primary" icon="plus" onClick=${() => setDialog({ kind: 'newpart' })}>New part</${Button}>`}
				</div>
			</div>
			<div class="toolbar">
				<div class="searchbox"><${Icon} name="search" />
					<label class="sr-only" for="partsearch">Search parts</label>
					<input id="partsearch" type="search" placeholder="Search parts  ( / )" title="Searches name, IPN, description, keywords and category" value=${text}
						onInput=${e => setText(e.currentTarget.value)} /></div>
				<label class="chip"><input type="checkbox" checked=${!!f('low_stock')} onChange=${e => setQuery({ low_stock: e.currentTarget.checked ? 1 : '', offset: '' })} /> Low stock</label>
				<label class="chip"><input type="checkbox" checked=${!!f('has_stock')} onChange=${e => setQuery({ has_stock: e.currentTarget.checked ? 1 : '', offset: '' })} /> In stock</label>
				<label class="chip"><input type="checkbox" checked=${!!f('starred')} onChange=${e => setQuery({ starred: e.currentTarget.checked ? 1 : '', offset: '' })} /> Starred</label>
				${cat != null && html`<label class="chip"><input type="checkbox" checked=${cascade} onChange=${e => setQuery({ cascade: e.currentTarget.checked ? '' : '0', offset: '' })} /> Sub-categories</label>`}
				<button type="button" class=${'btn btn-ghost btn-sm' + (activeFilters ? ' has-dot' : '')} aria-expanded=${showFilters} aria-controls="morefilters"
					onClick=${() => setShowFilters(!showFilters)}><${Icon} name="filter" size=${15} /><span>Filters${activeFilters ? ` (${activeFilters})` : ''}</span></button>
				${cat != null && html`<button type="button" class=${'btn btn-ghost btn-sm' + (shownCols.length ? ' has-dot' : '')} aria-expanded=${showCols} aria-controls="colpick"
					onClick=${() => setShowCols(!showCols)}><${Icon} name="menu" size=${15} /><span>Columns${shownCols.length ? ` (${shownCols.length})` : ''}</span></button>`}
			</div>
			${showCols && cat != null && html`<${ColumnPicker} templates=${templates.data || []} chosen=${shownCols} onChange=${setCols} />`}
			${showFilters && html`<div class="filters" id="morefilters">
				<${FilterSelect} label="Active" value=${f('active')} onChange=${v => setQuery({ active: v, offset: '' })}
					options=${[['', 'Any'], ['true', 'Active'], ['false', 'Inactive']]} />
				${FLAGS.map(([k, l]) => html`<${FilterSelect} key=${k} label=${l} value=${f(k)} onChange=${v => setQuery({ [k]: v, offset: '' })}
					options=${[['', 'Any'], ['true', 'Yes'], ['false', 'No']]} />`)}
				${rangeCols.map(pk => html`<div class="range" key=${'r' + pk} role="group" aria-label=${tplByPk.get(pk).name + ' range'}>
					<${RangeInput} label=${tplByPk.get(pk).name + ' from'} value=${f('pmin_' + pk)} onCommit=${v => setQuery({ ['pmin_' + pk]: v, offset: '' })} />
					<${RangeInput} label="to" value=${f('pmax_' + pk)} onCommit=${v => setQuery({ ['pmax_' + pk]: v, offset: '' })} />
				</div>`)}
				${activeFilters > 0 && html`<button type="button" class="link" onClick=${() => setQuery(Object.fromEntries(filterKeys.map(k => [k, ''])))}>Clear filters</button>`}
			</div>`}
			<${ErrorNote} error=${list.error} retry=${list.reload} />
			<${PagedTable} list=${list} offset=${offset} limit=${limit} ordering=${ordering} defaultOrdering="name" exportFrom=${{ path: 'part/', params }}
				columns=${columns} caption="Parts" onRowClick=${p => navigate('/part/' + p.pk)}
				empty=${list.loading ? 'Loading…' : search || activeFilters ? 'No parts match. Try fewer filters or another search.' : 'No parts here yet.'} />
		</section>
		${dialog?.kind === 'newcat' && html`<${CategoryDialog} parent=${cat} onClose=${() => setDialog(null)}
			onDone=${r => { setDialog(null); if (r?.pk) setQuery({ category: r.pk, offset: '' }, { replace: false }); }} />`}
		${dialog?.kind === 'editcat' && catNode && html`<${CategoryDialogLoader} pk=${cat} onClose=${() => setDialog(null)} onDone=${() => setDialog(null)} />`}
		${dialog?.kind === 'delcat' && catNode && html`<${DeleteCategory} category=${catNode} onClose=${() => setDialog(null)}
			onDone=${() => { setDialog(null); setQuery({ category: catNode.parent ?? '', offset: '' }); list.reload(); }} />`}
		${dialog?.kind === 'import' && html`<${ImportDialog} model="part" noun="parts" onClose=${() => setDialog(null)}
			onDone=${n => { setDialog(null); if (n) { toast(`${n} parts imported`); invalidate('category'); list.reload(); } }} />`}
		${dialog?.kind === 'importcat' && html`<${ImportDialog} model="partcategory" noun="categories" defaults=${cat != null ? { parent: cat } : undefined}
			onClose=${() => setDialog(null)} onDone=${n => { setDialog(null); if (n) { toast(`${n} categories imported`); invalidate('category'); } }} />`}
		${dialog?.kind === 'newpart' && html`<${PartDialog} category=${cat} onClose=${() => setDialog(null)}
			onDone=${r => { setDialog(null); invalidate('category'); if (r?.pk) navigate('/part/' + r.pk); else list.reload(); }} />`}
	</div>`;
}

/* The tree has few fields; edit the full category record. */
function CategoryDialogLoader({ pk, onClose, onDone }) {
	const c = useApi(() => api.get(`part/category/${pk}/`), [pk]);
	if (c.error) return html`<${Dialog} title="Edit category" onClose=${onClose}><${ErrorNote} error=${c.error} /></${Dialog}>`;
	if (!c.data) return null;
	return html`<${CategoryDialog} category=${c.data} onClose=${onClose} onDone=${onDone} />`;
}
