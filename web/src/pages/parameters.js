// A part's parameters (issue 17, docs/parameters.md): each template's
// value as it was written and, for values with units, the number the
// server read from it ("4k7" → 4.7 kΩ), so a typing slip shows at once.
// Adding, editing and deleting need "change" on parts; a value the
// template's units cannot take comes back as the server's message on the
// field ("10 V is a voltage, ohm is a resistance").
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { can } from '../session.js';
import {
	Button, Dialog, useApi, ErrorNote, Spinner, Empty, toast, useForm, FormErrors, TextField, SelectField, CheckField, Confirm,
} from '../ui/kit.js';
import { ImportDialog } from '../ui/importer.js';

const PREFIXES = [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k'], [1, ''], [1e-3, 'm'], [1e-6, 'µ'], [1e-9, 'n'], [1e-12, 'p']];

/* A number in units with an engineering prefix: 4700 ohm → "4.7 kΩ". */
export function fmtUnits(n, units) {
	if (n == null || !units) return '';
	const u = units === 'ohm' || units === 'Ohm' || units === 'R' ? 'Ω' : units;
	// Prefixes go only in front of plain unit symbols, not %, degC, kΩ, m/s.
	const plain = /^(Ω|F|H|V|A|W|Hz|J|C|S|g|s|m)$/.test(u);
	if (!plain || n === 0) return `${+n.toPrecision(6)} ${u}`;
	const a = Math.abs(n);
	const [f, p] = PREFIXES.find(([f]) => a >= f * 0.9995) || PREFIXES[PREFIXES.length - 1];
	return `${+(n / f).toPrecision(4)} ${p}${u}`;
}

/* The hint under the value field: what the template takes. */
function valueHint(t) {
	if (!t) return '';
	if (t.checkbox) return 'Yes or no.';
	if (t.choices) return 'One of: ' + t.choices.split(',').map(s => s.trim()).join(', ');
	if (t.units) return `In ${t.units}, with any prefix or unit of the same kind: e.g. 4k7, 10 kΩ, 100n, 0.1 µF.`;
	return 'Text or a number.';
}

export function PartParameters({ part }) {
	const list = useApi(() => api.list('parameter/', { model_type: 'part', model_id: part, ordering: 'name' }), [part]);
	const [dialog, setDialog] = useState(null);
	const mayChange = can('part', 'change');
	if (list.error) return html`<${ErrorNote} error=${list.error} retry=${list.reload} />`;
	if (!list.data) return html`<${Spinner} />`;
	const rows = list.data;
	const done = msg => { setDialog(null); if (msg) toast(msg); list.reload(); };
	return html`<div class="parameters">
		${!rows.length ? html`<${Empty} icon="flag" title="No parameters">${mayChange ? 'Resistance, capacitance, voltage, package: values parts are found by.' : ''}</${Empty}>`
		: html`<div class="table-wrap"><table class="table params-table">
			<caption class="sr-only">Parameters of this part</caption>
			<thead><tr><th scope="col">Parameter</th><th scope="col">Value</th>${mayChange && html`<th scope="col"><span class="sr-only">Actions</span></th>`}</tr></thead>
			<tbody>${rows.map(r => {
				const t = r.template_detail || {};
				const norm = fmtUnits(r.data_numeric, t.units);
				return html`<tr key=${r.pk}>
					<th scope="row">${t.name || 'Template ' + r.template}${t.description && html`<div class="cell-sub">${t.description}</div>`}</th>
					<td><span class="param-value">${t.checkbox ? (r.data === 'True' ? 'Yes' : 'No') : r.data}</span>
						${norm && norm.replace(/\s/g, '') !== r.data.replace(/\s/g, '') && html` <span class="cell-sub param-norm" title="As the server reads it">= ${norm}</span>`}
						${r.note && html`<div class="cell-sub">${r.note}</div>`}</td>
					${mayChange && html`<td class="row-actions">
						<${Button} small kind="ghost" icon="edit" aria-label=${'Edit ' + (t.name || 'parameter')} onClick=${() => setDialog({ kind: 'edit', row: r })} />
						<${Button} small kind="ghost" icon="trash" aria-label=${'Delete ' + (t.name || 'parameter')} onClick=${() => setDialog({ kind: 'delete', row: r })} /></td>`}
				</tr>`;
			})}</tbody></table></div>`}
		${mayChange && html`<div class="card-foot"><${Button} small icon="plus" onClick=${() => setDialog({ kind: 'add' })}>Add parameter</${Button}>
			<${Button} small icon="copy" onClick=${() => setDialog({ kind: 'import' })} aria-label="Import parameters">Import</${Button}></div>`}
		${dialog?.kind === 'import' && html`<${ImportDialog} model="partparameter" noun="parameters" defaults=${{ part }}
			onClose=${() => setDialog(null)} onDone=${n => { setDialog(null); if (n) { toast(`${n} parameters imported`); list.reload(); } }} />`}
		${(dialog?.kind === 'add' || dialog?.kind === 'edit') && html`<${ParameterDialog} part=${part} row=${dialog.row}
			used=${rows.map(r => r.template)} onClose=${() => setDialog(null)} onDone=${done} />`}
		${dialog?.kind === 'delete' && html`<${Confirm} title=${`Delete ${dialog.row.template_detail?.name || 'this parameter'}?`}
			onClose=${ok => { setDialog(null); if (ok) list.reload(); }}
			onConfirm=${async () => { await api.del(`parameter/${dialog.row.pk}/`); toast('Parameter deleted'); }}>
			<p>The value “${dialog.row.data}” is removed from this part.</p></${Confirm}>`}
	</div>`;
}

function ParameterDialog({ part, row, used, onClose, onDone }) {
	const templates = useApi(() => api.list('parameter/template/', { enabled: true, ordering: 'name' }), []);
	const form = useForm({
		template: row ? String(row.template) : '', data: row ? row.data : '', note: row?.note || '',
		newName: '', newUnits: '', checked: row ? row.data === 'True' : false,
	});
	const [creating, setCreating] = useState(false);
	const all = templates.data || [];
	const t = creating ? { units: form.values.newUnits } : all.find(x => String(x.pk) === form.values.template) || row?.template_detail;
	const free = all.filter(x => !used.includes(x.pk) || (row && x.pk === row.template));
	const mayAddTemplate = can('part', 'add');
	const go = () => form.submit(async v => {
		let template = Number(v.template);
		if (creating) {
			// The template first: its own errors (units that are none)
			// come back on its fields.
			try {
				template = (await api.post('parameter/template/', { name: v.newName.trim(), units: v.newUnits.trim() })).pk;
			} catch (e) {
				if (e.body) e.body = { newName: e.body.name, newUnits: e.body.units, ...(e.body.detail ? { detail: e.body.detail } : {}) };
				throw e;
			}
			// Made: a retry after a refused value picks it, not makes it again.
			form.set('template', String(template));
			setCreating(false);
			templates.reload();
		}
		const data = t?.checkbox ? (v.checked ? 'true' : 'false') : v.data.trim();
		const body = { data, note: v.note.trim() };
		if (row) await api.patch(`parameter/${row.pk}/`, body);
		else await api.post('parameter/', { model_type: 'part', model_id: part, template, ...body });
		onDone(row ? 'Parameter saved' : 'Parameter added');
	});
	const choices = t?.choices ? t.choices.split(',').map(s => s.trim()).filter(Boolean) : null;
	return html`<${Dialog} title=${row ? `Edit ${row.template_detail?.name || 'parameter'}` : 'Add a parameter'} onClose=${onClose} onSubmit=${go}
		footer=${html`<${Button} onClick=${onClose}>Cancel</${Button}><${Button} kind="primary" type="submit" busy=${form.busy}>${row ? 'Save' : 'Add'}</${Button}>`}>
		<${FormErrors} form=${form} fields=${['template', 'note', 'newName', 'newUnits', 'model_id', ...(t?.checkbox ? [] : ['data'])]} />
		${templates.error && html`<${ErrorNote} error=${templates.error} retry=${templates.reload} />`}
		${!row && !creating && html`<${SelectField} form=${form} name="template" label="Parameter" required
			options=${[{ value: '', label: templates.data ? (free.length ? '— choose —' : '— no templates left —') : 'Loading…' },
				...free.map(x => ({ value: String(x.pk), label: x.units ? `${x.name} (${x.units})` : x.name }))]} />`}
		${!row && !creating && mayAddTemplate && html`<p class="cell-sub"><button type="button" class="link" onClick=${() => setCreating(true)}>New parameter template…</button></p>`}
		${creating && html`<div class="form-grid">
			<${TextField} form=${form} name="newName" label="Template name" required autofocus hint="e.g. Resistance" />
			<${TextField} form=${form} name="newUnits" label="Units" hint="e.g. ohm, F, V, %; empty for none" />
		</div>`}
		${t?.checkbox ? html`<${CheckField} form=${form} name="checked" label=${t.name || 'Value'} />`
		: choices ? html`<${SelectField} form=${form} name="data" label="Value" required
			options=${[{ value: '', label: '— choose —' }, ...choices.map(c => ({ value: c, label: c }))]} />`
		: html`<${TextField} form=${form} name="data" label=${t?.units ? `Value (${t.units})` : 'Value'} required
			autocomplete="off" spellcheck="false" hint=${valueHint(t)} />`}
		<${TextField} form=${form} name="note" label="Note" />
	</${Dialog}>`;
}
