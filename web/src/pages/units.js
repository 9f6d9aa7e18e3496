// Administration → Units (docs/parameters.md, "Custom units"): the custom
// units the parameter parser knows after udunits2's own, and a look-up
// of every unit it knows (/api/units/all/) to check a name before using
// it.  The server checks each unit (an identifier, not a unit already, a
// definition of a number and a known unit) and says why on the field.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { can } from '../session.js';
import { DataTable } from '../ui/table.js';
import { Button, Card, Dialog, useApi, Spinner, ErrorNote, Empty, Badge, toast, useForm, FormErrors, TextField, Confirm, useDebounced } from '../ui/kit.js';

const FIELDS = ['name', 'symbol', 'definition'];

function UnitDialog({ unit, onClose, onDone }) {
	const form = useForm({ name: unit?.name || '', symbol: unit?.symbol || '', definition: unit?.definition || '' });
	const go = () => form.submit(async v => {
		const body = { name: v.name.trim(), symbol: v.symbol.trim(), definition: v.definition.trim() };
		if (unit) await api.patch(`units/${unit.pk}/`, body); else await api.post('units/', body);
		toast(unit ? `Unit “${body.name}” saved` : `Unit “${body.name}” added`);
		onDone();
	}, FIELDS);
	return html`<${Dialog} title=${unit ? `Edit unit “${unit.name}”` : 'New unit'} onClose=${onClose} onSubmit=${go}
		footer=${html`<${Button} onClick=${onClose}>Cancel</${Button}><${Button} kind="primary" type="submit" busy=${form.busy}>${unit ? 'Save unit' : 'Add unit'}</${Button}>`}>
		<${FormErrors} form=${form} fields=${FIELDS} />
		<${TextField} form=${form} name="name" label="Name" required autofocus placeholder="smoot"
			hint="Letters, digits and _, not a unit already; takes the SI prefixes (ksmoot)." />
		<${TextField} form=${form} name="symbol" label="Symbol" placeholder="smt" hint="Optional, the same rules." />
		<${TextField} form=${form} name="definition" label="Definition" required placeholder="1.7018 m"
			hint="A number and a unit the server knows: 1.7018 m, 0.0254 m, 5000." />
		${unit && html`<p class="hint">Parameters already stored keep the numbers they were given.</p>`}
	</${Dialog}>`;
}

/* What the parser makes of a name: its kind's units, from /api/units/all/. */
function KnownUnits({ custom }) {
	const [q, setQ] = useState('');
	const dq = useDebounced(q.trim(), 200);
	// Read again when the custom units change.
	const all = useApi(() => api.get('units/all/'), [custom]);
	const units = all.data?.available_units || {};
	const names = Object.keys(units);
	const hit = dq && units[dq];
	const near = dq && !hit ? names.filter(n => n.toLowerCase().includes(dq.toLowerCase())).slice(0, 12) : [];
	return html`<${Card} title="Known units">
		<p class="muted card-intro">Every unit name a parameter template or value, or a part’s units, may use (udunits2’s, Ω’s spellings, InvenTree’s piece, each, dozen… and the custom units above), each with any SI prefix.</p>
		<div class="field"><label for="unit-lookup">Look up a unit</label>
			<input id="unit-lookup" type="search" value=${q} placeholder="ohm, F, inch, smoot" autocomplete="off" onInput=${e => setQ(e.currentTarget.value)} /></div>
		${all.error ? html`<${ErrorNote} error=${all.error} retry=${all.reload} />` : !all.data ? html`<${Spinner} />`
			: !dq ? html`<p class="hint">${names.length} names known.</p>`
			: hit ? html`<div class="unit-hit" data-testid="unit-hit"><p><strong>${hit.name}</strong> ${/* InvenTree's is_alias is true for a unit's own name */ hit.is_alias ? '' : html`<${Badge} tone="neutral">symbol or other name</${Badge}>`}
				${hit.isdimensionless ? html`<${Badge} tone="info">a plain number</${Badge}>` : ''}</p>
				<p class="cell-sub">Same kind: ${hit.compatible_units.join(', ')}</p></div>`
			: near.length ? html`<p class="hint">Not a unit name. Did you mean: ${near.join(', ')}?</p>`
			: html`<p class="hint">No unit is called “${dq}” (prefixed names such as kohm are read all the same).</p>`}
	</${Card}>`;
}

export function Units() {
	const list = useApi(() => api.list('units/'), []);
	const [dialog, setDialog] = useState(null);
	const mayAdd = can('part', 'add'), mayChange = can('part', 'change'), mayDelete = can('part', 'delete');
	const done = () => { setDialog(null); list.reload(); };
	const columns = [
		{ key: 'name', label: 'Name', render: u => mayChange ? html`<button type="button" class="link cell-main" onClick=${() => setDialog({ kind: 'edit', unit: u })}>${u.name}</button>` : html`<span class="cell-main">${u.name}</span>` },
		{ key: 'symbol', label: 'Symbol', render: u => u.symbol || html`<span class="muted">—</span>` },
		{ key: 'definition', label: 'Definition', render: u => html`<code>${u.definition}</code>` },
		{ key: 'act', label: 'Actions', align: 'right', render: u => html`${mayChange && html`<${Button} small kind="ghost" icon="edit" onClick=${() => setDialog({ kind: 'edit', unit: u })} aria-label=${'Edit ' + u.name} />`}
			${mayDelete && html`<${Button} small kind="ghost" icon="trash" onClick=${() => setDialog({ kind: 'delete', unit: u })} aria-label=${'Delete ' + u.name} />`}` },
	];
	return html`<${Card} title="Custom units" actions=${mayAdd && html`<${Button} small kind="primary" icon="plus" onClick=${() => setDialog({ kind: 'new' })}>New unit</${Button}>`}>
		<p class="muted card-intro">Units of your own for parameter templates and values, defined by a unit the server knows: a reel of 5000, a smoot of 1.7018 m.</p>
		${list.error ? html`<${ErrorNote} error=${list.error} retry=${list.reload} />` : !list.data ? html`<${Spinner} />`
			: !list.data.length ? html`<${Empty} icon="flag" title="No custom units">udunits2’s units (ohm, F, V, inch, %…) need none.</${Empty}>`
			: html`<${DataTable} columns=${columns} rows=${list.data} caption="Custom units" />`}
		${(dialog?.kind === 'new' || dialog?.kind === 'edit') && html`<${UnitDialog} unit=${dialog.unit} onClose=${() => setDialog(null)} onDone=${done} />`}
		${dialog?.kind === 'delete' && html`<${Confirm} title=${`Delete unit “${dialog.unit.name}”?`} onClose=${ok => { setDialog(null); if (ok) list.reload(); }}
			onConfirm=${async () => { await api.del(`units/${dialog.unit.pk}/`); toast('Unit deleted'); }}>
			<p>Templates in this unit are refused on their next change; stored parameter numbers stay.</p></${Confirm}>`}
	</${Card}>
	<${KnownUnits} custom=${list.data} />`;
}
