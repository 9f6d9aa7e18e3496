// A part's bill of materials (issue 16): the lines of an assembly with
// their quantities, substitutes and stock, how many can be built, whether
// the BOM is validated; adding, editing and deleting lines by searching
// components; and, for a component, the assemblies that use it.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { can } from '../session.js';
import { Link } from '../router.js';
import { lineAvailable } from '../data.js';
import { DataTable } from '../ui/table.js';
import { ImportDialog } from '../ui/importer.js';
import { Button, Card, useApi, useDebounced, Spinner, ErrorNote, Badge, fmtQty, fmtDate, Confirm, toast, Dialog, useForm,
	FormErrors, TextField, CheckField, useId } from '../ui/kit.js';

const partName = p => p?.full_name || p?.name || '';

/* A component chosen by searching; `exclude` are pks not offered. */
function ComponentPicker({ label, value, onChange, error, exclude = [], required = true }) {
	const [text, setText] = useState('');
	const id = useId('bompick');
	const q = useDebounced(text, 250);
	const found = useApi(() => (q.length > 0 ? api.list('part/', { search: q, limit: 8, component: true, active: true }) : Promise.resolve([])), [q]);
	const hits = (found.data || []).filter(p => !exclude.includes(p.pk));
	return html`<div class=${'field span-2' + (error?.length ? ' field-invalid' : '')}>
		<label for=${id}>${label}${required && html`<span class="req" aria-hidden="true"> *</span>`}</label>
		${value ? html`<div class="picked"><strong>${partName(value)}</strong>
			<button type="button" class="link" onClick=${() => onChange(null)}>Change</button></div>`
		: html`<input id=${id} type="search" placeholder="Search components by name, IPN or description" value=${text} autofocus=${required} autocomplete="off"
			onInput=${e => setText(e.currentTarget.value)} />
			${q && found.data && !hits.length && html`<div class="hint">No component matches.</div>`}
			<ul class="pick-list" role="listbox" aria-label="Components found">${hits.map(p => html`<li key=${p.pk}>
				<button type="button" class="link" onClick=${() => { onChange(p); setText(''); }}>${partName(p)}</button>
				${p.description && html` <span class="cell-sub">${p.description}</span>`}</li>`)}</ul>`}
		${error?.length > 0 && html`<div class="field-error">${error.join(' ')}</div>`}
	</div>`;
}

const LINE_FIELDS = ['sub_part', 'quantity', 'reference', 'note', 'setup_quantity', 'attrition', 'optional', 'consumable', 'allow_variants'];

/* Add a line (line null) or change one, with its substitutes. */
function BomLineDialog({ part, line, onClose, onDone, onRemove }) {
	const [sub, setSub] = useState(line ? line.sub_part_detail : null);
	const [subs, setSubs] = useState(line ? line.substitutes : []);
	const [subPick, setSubPick] = useState(null);
	const [subErr, setSubErr] = useState(null);
	const form = useForm({
		quantity: line ? String(line.quantity) : '1', reference: line?.reference || '', note: line?.note || '',
		setup_quantity: line ? String(line.setup_quantity) : '0', attrition: line ? String(line.attrition) : '0',
		optional: !!line?.optional, consumable: !!line?.consumable, allow_variants: !!line?.allow_variants,
	});
	const go = () => form.submit(async v => {
		const body = { part: part.pk, sub_part: sub?.pk ?? null, quantity: v.quantity.trim(), reference: v.reference.trim(), note: v.note.trim(),
			setup_quantity: v.setup_quantity.trim() || '0', attrition: v.attrition.trim() || '0', optional: v.optional, consumable: v.consumable,
			allow_variants: v.allow_variants };
		const r = line ? await api.patch(`bom/${line.pk}/`, body) : await api.post('bom/', body);
		toast(line ? 'BOM line saved' : `${partName(sub)} added to the BOM`);
		onDone(r);
	});
	const addSub = async p => {
		setSubErr(null);
		try {
			const s = await api.post('bom/substitute/', { bom_item: line.pk, part: p.pk });
			setSubs([...subs, s]); setSubPick(null);
		} catch (e) { setSubErr(e.message); setSubPick(null); }
	};
	const dropSub = async s => {
		try { await api.del(`bom/substitute/${s.pk}/`); setSubs(subs.filter(x => x.pk !== s.pk)); } catch (e) { setSubErr(e.message); }
	};
	return html`<${Dialog} title=${line ? `BOM line: ${partName(line.sub_part_detail)}` : `Add to the BOM of ${part.name}`} onClose=${() => onClose(line && subs !== line.substitutes)} onSubmit=${go} wide
		footer=${html`${line && onRemove && can('part', 'delete') && html`<${Button} kind="ghost" icon="trash" onClick=${() => onRemove(line)}>Remove</${Button}>`}
			<${Button} onClick=${() => onClose(line && subs !== line.substitutes)}>Cancel</${Button}><${Button} kind="primary" type="submit" busy=${form.busy}>${line ? 'Save' : 'Add line'}</${Button}>`}>
		<${FormErrors} form=${form} fields=${LINE_FIELDS} />
		<div class="form-grid">
			<${ComponentPicker} label="Component" value=${sub} onChange=${setSub} error=${form.fieldErrors('sub_part')} exclude=${[part.pk]} />
			<${TextField} form=${form} name="quantity" label="Quantity" required inputmode="decimal" hint=${'Per assembly' + (sub?.units ? ', in ' + sub.units : '')} />
			<${TextField} form=${form} name="reference" label="Reference" hint="Designators, e.g. R1, R2" />
			<${TextField} form=${form} name="setup_quantity" label="Setup quantity" inputmode="decimal" hint="Extra per build" />
			<${TextField} form=${form} name="attrition" label="Attrition %" inputmode="decimal" hint="Expected loss, 0–100" />
			<${TextField} form=${form} name="note" label="Note" class="span-2" />
			<div class="span-2"><${CheckField} form=${form} name="optional" label="Optional" />
				<${CheckField} form=${form} name="consumable" label="Consumable" hint="not tracked in builds" />
				<${CheckField} form=${form} name="allow_variants" label="Allow variants" hint="stock of the component's variants may be used" /></div>
		</div>
		${line && html`<div class="bom-subs"><h3>Substitutes</h3>
			${subErr && html`<div class="field-error" role="alert">${subErr}</div>`}
			${subs.length ? html`<ul class="plain-list">${subs.map(s => html`<li key=${s.pk}>${partName(s.part_detail)}
				${can('part', 'delete') && html` <${Button} small kind="ghost" icon="trash" aria-label=${'Remove substitute ' + partName(s.part_detail)} onClick=${() => dropSub(s)} />`}</li>`)}</ul>`
			: html`<p class="muted">No substitutes.</p>`}
			${can('part', 'add') && html`<${ComponentPicker} label="Add a substitute" required=${false} value=${subPick} onChange=${p => p && addSub(p)}
				exclude=${[part.pk, line.sub_part, ...subs.map(s => s.part)]} />`}
		</div>`}
	</${Dialog}>`;
}

/* The BOM card of an assembly. */
export function BomCard({ part }) {
	const pk = part.pk;
	const lines = useApi(() => api.list('bom/', { part: pk, sub_part_detail: true, ordering: 'sub_part', limit: 1000 }), [pk]);
	const req = useApi(() => api.get(`part/${pk}/requirements/`), [pk]);
	const val = useApi(() => api.get(`part/${pk}/bom-validate/`), [pk]);
	const [dialog, setDialog] = useState(null);
	const [busy, setBusy] = useState(false);
	const reload = () => { lines.reload(); req.reload(); val.reload(); };
	const validate = async () => {
		setBusy(true);
		try { await api.put(`part/${pk}/bom-validate/`, { valid: true }); toast('BOM validated'); val.reload(); lines.reload(); } catch (e) { toast(e.message, 'error'); }
		setBusy(false);
	};
	const rows = lines.data || [];
	const v = val.data;
	const columns = [
		{ key: 'sub_part', label: 'Component', render: b => html`<${Link} to=${'/part/' + b.sub_part}>${partName(b.sub_part_detail) || '#' + b.sub_part}</${Link}>
			${b.substitutes.length > 0 && html`<div class="cell-sub">or ${b.substitutes.map(s => partName(s.part_detail)).join(', ')}</div>`}
			${(b.optional || b.consumable || b.allow_variants) && html`<div class="badges">${b.optional && html`<${Badge} tone="neutral">Optional</${Badge}>`}${b.consumable && html`<${Badge} tone="neutral">Consumable</${Badge}>`}${b.allow_variants && html`<${Badge} tone="neutral">Variants</${Badge}>`}</div>`}` },
		{ key: 'reference', label: 'Reference', class: 'hide-sm bom-ref', render: b => b.reference || html`<span class="muted">—</span>` },
		{ key: 'quantity', label: 'Qty', align: 'right', render: b => fmtQty(b.quantity, b.sub_part_detail?.units) },
		{ key: 'available', label: 'Available', align: 'right', render: b => {
			const n = lineAvailable(b);
			return html`<span class=${n < Number(b.quantity) ? 'qty-bad' : ''}>${fmtQty(n)}</span>
				${b.allow_variants && Number(b.available_variant_stock) > 0 && html`<div class="cell-sub">incl. ${fmtQty(b.available_variant_stock)} of variants</div>`}`;
		} },
		{ key: 'can_build', label: 'Can build', align: 'right', class: 'hide-sm', render: b => fmtQty(b.can_build) },
		{ key: 'validated', label: 'Checked', class: 'hide-sm', render: b => (b.validated ? html`<${Badge} tone="ok">Yes</${Badge}>` : html`<span class="muted">No</span>`) },
	];
	if (can('part', 'change') || can('part', 'delete')) columns.push({ key: 'act', label: 'Actions', class: 'nowrap', render: b => html`
		${can('part', 'change') && html`<${Button} small kind="ghost" icon="edit" aria-label=${'Edit line ' + partName(b.sub_part_detail)} onClick=${() => setDialog({ kind: 'line', line: b })} />`}
		${can('part', 'delete') && html`<${Button} small kind="ghost" icon="trash" class="hide-sm" aria-label=${'Delete line ' + partName(b.sub_part_detail)} onClick=${() => setDialog({ kind: 'delete', line: b })} />`}` });
	return html`<${Card} title="Bill of materials" id="bom" class="bom-card" actions=${html`
		${can('part', 'change') && rows.length > 0 && !v?.bom_validated && html`<${Button} small icon="check" busy=${busy} onClick=${validate}>Validate BOM</${Button}>`}
		${can('part', 'add') && html`<${Button} small icon="copy" onClick=${() => setDialog({ kind: 'import' })}>Import</${Button}>`}
		${can('part', 'add') && html`<${Button} small icon="plus" onClick=${() => setDialog({ kind: 'line', line: null })}>Add line</${Button}>`}`}>
		<div class="bom-summary">
			<div class="stat"><span class="stat-body"><span class="stat-value">${req.data ? fmtQty(req.data.can_build) : '…'}</span><span class="stat-label">Can build</span></span></div>
			<div class="stat"><span class="stat-body"><span class="stat-value">${rows.length}</span><span class="stat-label">${rows.length === 1 ? 'Line' : 'Lines'}</span></span></div>
			<div class="bom-valid">${v ? (v.bom_validated ? html`<${Badge} tone="ok">BOM validated</${Badge}>
				<span class="cell-sub">${v.bom_checked_by_detail ? 'by ' + v.bom_checked_by_detail.username + ' ' : ''}${v.bom_checked_date ? 'on ' + fmtDate(v.bom_checked_date, false) : ''}</span>`
				: html`<${Badge} tone="warn">Not validated</${Badge}>${v.bom_checked_date && html` <span class="cell-sub">changed since ${fmtDate(v.bom_checked_date, false)}</span>`}`) : ''}</div>
		</div>
		<${ErrorNote} error=${lines.error} retry=${lines.reload} />
		${lines.loading && !lines.data ? html`<${Spinner} />` : html`<${DataTable} columns=${columns} rows=${rows} caption=${'Bill of materials of ' + part.name} exportFrom=${{ path: 'bom/', params: { part: pk, ordering: 'sub_part' } }}
			rowLabel=${b => partName(b.sub_part_detail)} empty=${can('part', 'add') ? 'No lines yet: use “Add line” to list the components.' : 'No lines yet.'} />`}
		${dialog?.kind === 'line' && html`<${BomLineDialog} part=${part} line=${dialog.line} onClose=${changed => { setDialog(null); if (changed) reload(); }}
			onRemove=${l => setDialog({ kind: 'delete', line: l })}
			onDone=${() => { setDialog(null); reload(); }} />`}
		${dialog?.kind === 'import' && html`<${ImportDialog} model="bomitem" noun="BOM lines" defaults=${{ part: pk }}
			onClose=${() => setDialog(null)} onDone=${n => { setDialog(null); if (n) { toast(`${n} BOM lines imported`); reload(); } }} />`}
		${dialog?.kind === 'delete' && html`<${Confirm} title=${`Remove ${partName(dialog.line.sub_part_detail)} from the BOM?`}
			onClose=${ok => { setDialog(null); if (ok) reload(); }}
			onConfirm=${async () => { await api.del(`bom/${dialog.line.pk}/`); toast('BOM line removed'); }}>
			<p>The line and its substitutes are removed; the part itself stays.</p></${Confirm}>`}
	</${Card}>`;
}

/* The assemblies whose BOMs use a component (directly or as a substitute). */
export function UsedIn({ part }) {
	const list = useApi(() => api.page('bom/', { uses: part, part_detail: true, limit: 25 }), [part]);
	if (list.error) return html`<${ErrorNote} error=${list.error} retry=${list.reload} />`;
	if (!list.data) return html`<${Spinner} />`;
	if (!list.data.results.length) return html`<p class="muted">No assembly uses this part.</p>`;
	return html`<ul class="plain-list">${list.data.results.map(b => html`<li key=${b.pk}>
		<${Link} to=${'/part/' + b.part + '#bom'}>${partName(b.part_detail) || '#' + b.part}</${Link}>
		<span class="cell-sub"> · ${fmtQty(b.quantity)} each${b.sub_part !== part ? ' (as a substitute)' : ''}</span></li>`)}</ul>
		${list.data.count > list.data.results.length && html`<p class="cell-sub">and ${list.data.count - list.data.results.length} more</p>`}`;
}
