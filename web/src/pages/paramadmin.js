// Administration → Parameters (docs/parameters.md): the parameter
// templates (name, units, description, checkbox, choices, enabled) and
// each category's default templates, which a part created in it gets.
// The server checks units, choices and default values and says why on
// the field.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { can } from '../session.js';
import { useTree, treeOptions, pathOf } from '../data.js';
import { DataTable } from '../ui/table.js';
import { Button, Card, Dialog, useApi, Spinner, ErrorNote, Empty, Badge, toast, useForm, FormErrors, TextField, CheckField, SelectField, Confirm } from '../ui/kit.js';

const TPL_FIELDS = ['name', 'units', 'description', 'checkbox', 'choices', 'enabled'];

function TemplateDialog({ tpl, onClose, onDone }) {
	const form = useForm({
		name: tpl?.name || '', units: tpl?.units || '', description: tpl?.description || '',
		checkbox: !!tpl?.checkbox, choices: tpl?.choices || '', enabled: tpl ? tpl.enabled !== false : true,
	});
	const go = () => form.submit(async v => {
		const body = { name: v.name.trim(), units: v.checkbox ? '' : v.units.trim(), description: v.description,
			checkbox: v.checkbox, choices: v.checkbox ? '' : v.choices.trim(), enabled: v.enabled };
		if (tpl) await api.patch(`parameter/template/${tpl.pk}/`, body); else await api.post('parameter/template/', body);
		toast(tpl ? `Template “${body.name}” saved` : `Template “${body.name}” added`);
		onDone();
	}, TPL_FIELDS);
	return html`<${Dialog} title=${tpl ? `Edit template “${tpl.name}”` : 'New parameter template'} onClose=${onClose} onSubmit=${go}
		footer=${html`<${Button} onClick=${onClose}>Cancel</${Button}><${Button} kind="primary" type="submit" busy=${form.busy}>${tpl ? 'Save template' : 'Add template'}</${Button}>`}>
		<${FormErrors} form=${form} fields=${TPL_FIELDS} />
		<${TextField} form=${form} name="name" label="Name" required autofocus placeholder="Capacitance" />
		<${CheckField} form=${form} name="checkbox" label="Checkbox" hint="a yes/no value, without units or choices" />
		${!form.values.checkbox && html`<${TextField} form=${form} name="units" label="Units" placeholder="F"
			hint="A unit the server knows (F, ohm, V, mm, a custom unit); values are read in it. Empty: plain text or numbers." />
		<${TextField} form=${form} name="choices" label="Choices" placeholder="X7R, X5R, C0G" hint="Comma-separated; empty: any value." />`}
		<${TextField} form=${form} name="description" label="Description" />
		<${CheckField} form=${form} name="enabled" label="Enabled" hint="a disabled template is offered for no new parameter" />
	</${Dialog}>`;
}

function Templates({ onChange }) {
	const list = useApi(() => api.list('parameter/template/', { ordering: 'name' }), []);
	const [dialog, setDialog] = useState(null);
	const mayAdd = can('part', 'add'), mayChange = can('part', 'change'), mayDelete = can('part', 'delete');
	const done = () => { setDialog(null); list.reload(); onChange(); };
	const kind = t => (t.checkbox ? 'checkbox' : t.choices ? `one of ${t.choices}` : t.units ? `in ${t.units}` : 'text');
	const columns = [
		{ key: 'name', label: 'Template', render: t => html`${mayChange ? html`<button type="button" class="link cell-main" onClick=${() => setDialog({ kind: 'edit', tpl: t })}>${t.name}</button>` : html`<span class="cell-main">${t.name}</span>`}
			<div class="cell-sub">${kind(t)}${t.description ? ' · ' + t.description : ''}</div>` },
		{ key: 'enabled', label: 'State', class: 'hide-sm', render: t => (t.enabled === false ? html`<${Badge} tone="neutral">Disabled</${Badge}>` : html`<${Badge} tone="ok">Enabled</${Badge}>`) },
		{ key: 'act', label: 'Actions', align: 'right', render: t => html`${mayChange && html`<${Button} small kind="ghost" icon="edit" onClick=${() => setDialog({ kind: 'edit', tpl: t })} aria-label=${'Edit ' + t.name} />`}
			${mayDelete && html`<${Button} small kind="ghost" icon="trash" onClick=${() => setDialog({ kind: 'delete', tpl: t })} aria-label=${'Delete ' + t.name} />`}` },
	];
	return html`<${Card} title="Parameter templates" actions=${mayAdd && html`<${Button} small kind="primary" icon="plus" onClick=${() => setDialog({ kind: 'new' })}>New template</${Button}>`}>
		<p class="muted card-intro">What a part's parameters may be: a value in units (read with SI prefixes, “4k7”, “100nF”), one of some choices, a checkbox or text.</p>
		${list.error ? html`<${ErrorNote} error=${list.error} retry=${list.reload} />` : !list.data ? html`<${Spinner} />`
			: !list.data.length ? html`<${Empty} icon="flag" title="No parameter templates">Add one, or add a parameter on a part's page.</${Empty}>`
			: html`<${DataTable} columns=${columns} rows=${list.data} caption="Parameter templates" />`}
		${(dialog?.kind === 'new' || dialog?.kind === 'edit') && html`<${TemplateDialog} tpl=${dialog.tpl} onClose=${() => setDialog(null)} onDone=${done} />`}
		${dialog?.kind === 'delete' && html`<${Confirm} title=${`Delete template “${dialog.tpl.name}”?`} onClose=${ok => { setDialog(null); if (ok) { list.reload(); onChange(); } }}
			onConfirm=${async () => { await api.del(`parameter/template/${dialog.tpl.pk}/`); toast('Template deleted'); }}>
			<p>Every part's value of it goes with it, and every category's default.</p></${Confirm}>`}
	</${Card}>`;
}

function DefaultDialog({ category, row, templates, onClose, onDone }) {
	const form = useForm({ template: row ? String(row.template) : '', default_value: row?.default_value || '' });
	const fields = ['template', 'default_value', 'category'];
	const go = () => form.submit(async v => {
		const body = { category, template: Number(v.template) || null, default_value: v.default_value };
		if (row) await api.patch(`part/category/parameters/${row.pk}/`, body); else await api.post('part/category/parameters/', body);
		toast('Category default saved');
		onDone();
	}, fields);
	const options = [{ value: '', label: '— pick a template —' },
		...templates.map(t => ({ value: t.pk, label: t.units ? `${t.name} (${t.units})` : t.name }))];
	return html`<${Dialog} title=${row ? 'Edit category default' : 'New category default'} onClose=${onClose} onSubmit=${go}
		footer=${html`<${Button} onClick=${onClose}>Cancel</${Button}><${Button} kind="primary" type="submit" busy=${form.busy}>Save</${Button}>`}>
		<${FormErrors} form=${form} fields=${fields} />
		<${SelectField} form=${form} name="template" label="Template" options=${options} />
		<${TextField} form=${form} name="default_value" label="Default value" placeholder="10k"
			hint="What a new part in this category starts with; empty: the template is listed, no value is made." />
	</${Dialog}>`;
}

function CategoryDefaults({ gen }) {
	const cats = useTree('category');
	const [category, setCategory] = useState('');
	const [dialog, setDialog] = useState(null);
	const templates = useApi(() => api.list('parameter/template/', { enabled: true, ordering: 'name' }), [gen]);
	const list = useApi(() => (category ? api.list('part/category/parameters/', { category, fetch_parent: false }) : Promise.resolve(null)), [category, gen]);
	const mayChange = can('part_category', 'change');
	const done = () => { setDialog(null); list.reload(); };
	const columns = [
		{ key: 'template', label: 'Template', render: r => html`<span class="cell-main">${r.template_detail?.name || 'Template ' + r.template}</span>
			${r.template_detail?.units && html`<div class="cell-sub">in ${r.template_detail.units}</div>`}` },
		{ key: 'default_value', label: 'Default', render: r => r.default_value || html`<span class="muted">—</span>` },
		{ key: 'act', label: 'Actions', align: 'right', render: r => mayChange && html`<${Button} small kind="ghost" icon="edit" onClick=${() => setDialog({ kind: 'edit', row: r })} aria-label=${'Edit the default ' + (r.template_detail?.name || '')} />
			<${Button} small kind="ghost" icon="trash" onClick=${() => setDialog({ kind: 'delete', row: r })} aria-label=${'Remove the default ' + (r.template_detail?.name || '')} />` },
	];
	return html`<${Card} title="Category defaults" actions=${mayChange && category && html`<${Button} small kind="primary" icon="plus" onClick=${() => setDialog({ kind: 'new' })}>Add default</${Button}>`}>
		<p class="muted card-intro">The parameters a part created in the category starts with: each template here with a default value (a sub-category's parts get its own defaults only).</p>
		<div class="field"><label for="pd-category">Category</label>
			<select id="pd-category" onChange=${e => setCategory(e.currentTarget.value)}>
				${treeOptions(cats.tree, '— pick a category —').map(o => html`<option value=${o.value} selected=${String(o.value) === category}>${o.label}</option>`)}
			</select></div>
		${!category ? null : list.error ? html`<${ErrorNote} error=${list.error} retry=${list.reload} />` : !list.data ? html`<${Spinner} />`
			: !list.data.length ? html`<${Empty} icon="flag" title="No defaults here">New parts in ${pathOf(cats.tree, category)} start without parameters.</${Empty}>`
			: html`<${DataTable} columns=${columns} rows=${list.data} caption="Category defaults" />`}
		${(dialog?.kind === 'new' || dialog?.kind === 'edit') && html`<${DefaultDialog} category=${Number(category)} row=${dialog.row}
			templates=${templates.data || []} onClose=${() => setDialog(null)} onDone=${done} />`}
		${dialog?.kind === 'delete' && html`<${Confirm} title="Remove this default?" confirmLabel="Remove" onClose=${ok => { setDialog(null); if (ok) list.reload(); }}
			onConfirm=${async () => { await api.del(`part/category/parameters/${dialog.row.pk}/`); toast('Default removed'); }}>
			<p>Parts already made keep their values; new parts in the category start without it.</p></${Confirm}>`}
	</${Card}>`;
}

export function ParameterAdmin() {
	const [gen, setGen] = useState(0);
	return html`<${Templates} onChange=${() => setGen(g => g + 1)} /><${CategoryDefaults} gen=${gen} />`;
}
