// Administration → KiCad (docs/kicad.md): which part categories KiCad's
// symbol chooser shows and how their parts become symbols (the rows of
// /api/kicad/category/), and the .kicad_httplib file to write, with this
// server's address filled in.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api, BASE } from '../api.js';
import { can } from '../session.js';
import { Link } from '../router.js';
import { useTree, pathOf, treeOptions } from '../data.js';
import { DataTable } from '../ui/table.js';
import { Button, Card, Dialog, useApi, Spinner, ErrorNote, Empty, Badge, toast, useForm, FormErrors, TextField, SelectField, CheckField, Confirm } from '../ui/kit.js';

const FIELDS = ['category', 'symbol', 'footprint', 'reference', 'symbol_template', 'footprint_template', 'value_template', 'exclude_from_sim'];
const TPL_FIELDS = [['symbol_template', 'Symbol from parameter'], ['footprint_template', 'Footprint from parameter'], ['value_template', 'Value from parameter']];

function MappingDialog({ row, templates, onClose, onDone }) {
	const cats = useTree('category');
	const init = {};
	for (const f of FIELDS) init[f] = row ? (row[f] ?? '') : '';
	init.exclude_from_sim = row ? !!row.exclude_from_sim : true;
	const form = useForm(init);
	const id = v => (v === '' || v == null ? null : Number(v));
	const go = () => form.submit(async v => {
		const body = { category: id(v.category), symbol: v.symbol.trim(), footprint: v.footprint.trim(), reference: v.reference.trim(), exclude_from_sim: v.exclude_from_sim };
		for (const [f] of TPL_FIELDS) body[f] = id(v[f]);
		if (row) await api.patch(`kicad/category/${row.pk}/`, body); else await api.post('kicad/category/', body);
		toast(row ? 'KiCad category saved' : 'Category shown in KiCad');
		onDone();
	}, FIELDS);
	const tplOptions = [{ value: '', label: '— none —' }, ...templates.map(t => ({ value: t.pk, label: t.units ? `${t.name} (${t.units})` : t.name }))];
	return html`<${Dialog} title=${row ? 'Edit KiCad category' : 'Show a category in KiCad'} onClose=${onClose} onSubmit=${go} wide
		footer=${html`<${Button} onClick=${onClose}>Cancel</${Button}><${Button} kind="primary" type="submit" busy=${form.busy}>${row ? 'Save' : 'Add'}</${Button}>`}>
		<${FormErrors} form=${form} fields=${FIELDS} />
		<div class="form-grid">
			<${SelectField} form=${form} name="category" label="Category" class="span-2" options=${treeOptions(cats.tree, '— choose —')} />
			<${TextField} form=${form} name="symbol" label="Symbol" placeholder="Device:R" hint="KiCad library:name of its parts’ symbol." />
			<${TextField} form=${form} name="footprint" label="Footprint" placeholder="Resistor_SMD:R_0603_1608Metric" />
			<${TextField} form=${form} name="reference" label="Reference" placeholder="R" hint="Designator prefix: R, C, U." />
			${TPL_FIELDS.map(([f, l]) => html`<${SelectField} key=${f} form=${form} name=${f} label=${l} options=${tplOptions} />`)}
		</div>
		<p class="hint">A part’s value of a chosen parameter wins over the default above; the value field is the part’s name without one.</p>
		<${CheckField} form=${form} name="exclude_from_sim" label="Exclude from simulation" />
	</${Dialog}>`;
}

/* The library file, with this server's address. */
export function httplibFile(root) {
	return JSON.stringify({
		meta: { version: 1.0 },
		name: 'Stockroom',
		description: 'Parts from the Stockroom inventory',
		source: {
			type: 'REST_API', api_version: 'v1', root_url: root, token: '<an API token>',
			timeout_parts_seconds: 60, timeout_categories_seconds: 600,
		},
	}, null, 4).replace('"version": 1', '"version": 1.0');
}

export function KiCad() {
	const rows = useApi(() => api.list('kicad/category/'), []);
	const templates = useApi(() => api.list('parameter/template/', { ordering: 'name' }), []);
	const cats = useTree('category');
	const [dialog, setDialog] = useState(null);
	const may = { add: can('part_category', 'add'), change: can('part_category', 'change'), del: can('part_category', 'delete') };
	const tname = pk => (templates.data || []).find(t => t.pk === pk)?.name || (pk != null ? '#' + pk : null);
	const done = () => { setDialog(null); rows.reload(); };
	const root = new URL(BASE + 'api/kicad', location.href).href;
	const file = httplibFile(root);
	const copy = async () => {
		try { await navigator.clipboard.writeText(file); toast('Copied'); }
		catch { toast('Copying is not allowed here: select the text instead', 'error'); }
	};
	const columns = [
		{ key: 'category', label: 'Category', render: r => html`<${Link} to=${'/parts?category=' + r.category} class="cell-main">${pathOf(cats.tree, r.category) || '#' + r.category}</${Link}>` },
		{ key: 'symbol', label: 'Symbol', render: r => html`<span class="mono">${r.symbol || '—'}</span>${r.symbol_template != null && html`<div class="cell-sub">or its ${tname(r.symbol_template)}</div>`}` },
		{ key: 'footprint', label: 'Footprint', class: 'hide-sm', render: r => html`<span class="mono">${r.footprint || '—'}</span>${r.footprint_template != null && html`<div class="cell-sub">or its ${tname(r.footprint_template)}</div>`}` },
		{ key: 'value', label: 'Value', class: 'hide-sm', render: r => r.value_template != null ? tname(r.value_template) : html`<span class="muted">name</span>` },
		{ key: 'reference', label: 'Ref', render: r => r.reference || html`<span class="muted">—</span>` },
		{ key: 'sim', label: 'Simulation', class: 'hide-sm', render: r => r.exclude_from_sim ? html`<${Badge} tone="neutral">excluded</${Badge}>` : html`<${Badge} tone="ok">included</${Badge}>` },
		{ key: 'act', label: 'Actions', align: 'right', render: r => html`${may.change && html`<${Button} small kind="ghost" icon="edit" onClick=${() => setDialog({ kind: 'edit', row: r })} aria-label=${'Edit ' + (pathOf(cats.tree, r.category) || r.category)} />`}
			${may.del && html`<${Button} small kind="ghost" icon="trash" onClick=${() => setDialog({ kind: 'delete', row: r })} aria-label=${'Stop showing ' + (pathOf(cats.tree, r.category) || r.category)} />`}` },
	];
	return html`<${Card} title="Categories shown in KiCad" actions=${may.add && html`<${Button} small kind="primary" icon="plus" onClick=${() => setDialog({ kind: 'new' })}>Add category</${Button}>`}>
		<p class="muted card-intro">KiCad 8’s symbol chooser lists these categories and their active parts, placed with the symbol, footprint and value set here.</p>
		${rows.error ? html`<${ErrorNote} error=${rows.error} retry=${rows.reload} />` : !rows.data || !templates.data ? html`<${Spinner} />`
			: !rows.data.length ? html`<${Empty} icon="folder" title="KiCad sees no category yet">Add the categories whose parts go on schematics.</${Empty}>`
			: html`<${DataTable} columns=${columns} rows=${rows.data} caption="Categories shown in KiCad" />`}
		${(dialog?.kind === 'new' || dialog?.kind === 'edit') && html`<${MappingDialog} row=${dialog.row} templates=${templates.data || []} onClose=${() => setDialog(null)} onDone=${done} />`}
		${dialog?.kind === 'delete' && html`<${Confirm} title="Stop showing this category in KiCad?" onClose=${ok => { setDialog(null); if (ok) rows.reload(); }}
			onConfirm=${async () => { await api.del(`kicad/category/${dialog.row.pk}/`); toast('Category no longer shown in KiCad'); }}>
			<p>Its parts stay; symbols already placed keep their fields.</p></${Confirm}>`}
	</${Card}>
	<${Card} title="The library file" actions=${html`<${Button} small icon="copy" onClick=${copy}>Copy</${Button}>`}>
		<p class="muted card-intro">Save this as <code>stockroom.kicad_httplib</code>, put in an API token of a user who may view parts (your account page makes one), and add it in KiCad under Preferences › Manage Symbol Libraries.</p>
		<pre class="code-block" data-testid="kicad-httplib">${file}</pre>
	</${Card}>`;
}
