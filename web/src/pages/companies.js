// Companies: suppliers, manufacturers and customers in a searchable,
// filterable, paged table; a company's page with its details, its primary
// address and contacts, and the parts it supplies and manufactures.
// Every filter lives in the address, as on the parts page.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { can } from '../session.js';
import { useRoute, setQuery, navigate, Link } from '../router.js';
import { DataTable, Pager, PagedTable, useListQuery } from '../ui/table.js';
import { Icon } from '../ui/icons.js';
import { ImportDialog } from '../ui/importer.js';
import {
	Button, Card, Dialog, useApi, useDebounced, ErrorNote, Spinner, Badge, Empty, fmtQty, fmtDate, toast,
	useForm, FormErrors, TextField, TextArea, SelectField, CheckField, Confirm,
} from '../ui/kit.js';

const KINDS = [['is_supplier', 'Suppliers'], ['is_manufacturer', 'Manufacturers'], ['is_customer', 'Customers']];
const CURRENCIES = ['AUD', 'CAD', 'CNY', 'EUR', 'GBP', 'JPY', 'NZD', 'USD'];
const COMPANY_FIELDS = ['name', 'description', 'website', 'email', 'phone', 'currency', 'contact', 'link',
	'notes', 'active', 'is_supplier', 'is_manufacturer', 'is_customer'];

function kindBadges(c) {
	return html`${c.is_supplier && html`<${Badge} tone="info">Supplier</${Badge}> `}
		${c.is_manufacturer && html`<${Badge} tone="info">Manufacturer</${Badge}> `}
		${c.is_customer && html`<${Badge} tone="info">Customer</${Badge}> `}
		${c.active === false && html`<${Badge} tone="neutral">Inactive</${Badge}>`}`;
}

export function CompanyDialog({ company, onClose, onDone }) {
	const init = {};
	for (const f of COMPANY_FIELDS) init[f] = company ? (company[f] ?? '') : '';
	for (const f of ['active', 'is_supplier', 'is_manufacturer', 'is_customer']) init[f] = company ? !!company[f] : false;
	if (!company) { init.active = true; init.is_supplier = true; init.currency = 'USD'; }
	const form = useForm(init);
	const go = () => form.submit(async v => {
		const body = {};
		for (const f of COMPANY_FIELDS) body[f] = typeof v[f] === 'string' ? v[f].trim() : v[f];
		const r = company ? await api.patch(`company/${company.pk}/`, body) : await api.post('company/', body);
		toast(company ? 'Company saved' : `Company “${r?.name || body.name}” created`);
		onDone(r);
	});
	return html`<${Dialog} title=${company ? `Edit ${company.name}` : 'New company'} onClose=${onClose} onSubmit=${go} wide
		footer=${html`<${Button} onClick=${onClose}>Cancel</${Button}><${Button} kind="primary" type="submit" busy=${form.busy}>${company ? 'Save company' : 'Create company'}</${Button}>`}>
		<${FormErrors} form=${form} fields=${COMPANY_FIELDS} />
		<div class="form-grid">
			<${TextField} form=${form} name="name" label="Name" required autofocus class="span-2" />
			<${TextField} form=${form} name="description" label="Description" class="span-2" />
			<${TextField} form=${form} name="website" label="Website" type="url" />
			<${TextField} form=${form} name="email" label="E-mail" type="email" />
			<${TextField} form=${form} name="phone" label="Phone" type="tel" />
			<${SelectField} form=${form} name="currency" label="Currency"
				options=${[{ value: '', label: '— default —' }, ...CURRENCIES.map(c => ({ value: c, label: c }))]} />
			<${TextField} form=${form} name="contact" label="Point of contact" />
			<${TextField} form=${form} name="link" label="Link" type="url" />
		</div>
		<fieldset class="flags"><legend>Kind</legend>
			<${CheckField} form=${form} name="is_supplier" label="Supplier" hint="you buy from it" />
			<${CheckField} form=${form} name="is_manufacturer" label="Manufacturer" hint="it makes parts" />
			<${CheckField} form=${form} name="is_customer" label="Customer" hint="you sell to it" />
			<${CheckField} form=${form} name="active" label="Active" />
		</fieldset>
		<${TextArea} form=${form} name="notes" label="Notes" />
	</${Dialog}>`;
}

export function Companies() {
	const { search, text, setText, limit, offset, ordering, f } = useListQuery({ ordering: 'name' });
	const [dialog, setDialog] = useState(false);

	const params = { limit, offset, ordering, search: search || undefined, active: f('active') || undefined };
	for (const [k] of KINDS) if (f(k)) params[k] = true;
	const key = JSON.stringify(params);
	const list = useApi(() => api.page('company/', params), [key]);

	const columns = [
		{ key: 'name', label: 'Company', sort: 'name', class: 'nowrap', render: c => html`<${Link} to=${'/company/' + c.pk} class="cell-main">${c.name}</${Link}>` },
		{ key: 'kind', label: 'Kind', class: 'nowrap hide-sm', render: kindBadges },
		{ key: 'description', label: 'Description', class: 'fill hide-sm', render: c => html`<div class="cell-sub clamp">${c.description}</div>` },
		{ key: 'parts_supplied', label: 'Supplied', sort: 'parts_supplied', align: 'right', render: c => fmtQty(c.parts_supplied) },
		{ key: 'parts_manufactured', label: 'Made', sort: 'parts_manufactured', align: 'right', class: 'hide-sm', render: c => fmtQty(c.parts_manufactured) },
	];
	return html`<div class="page">
		<div class="page-head">
			<div><h1>Companies</h1><p class="page-sub">Suppliers, manufacturers and customers</p></div>
			<div class="page-actions">${can('purchase_order', 'add') && html`<${Button} icon="copy" onClick=${() => setDialog('import')}>Import</${Button}>
				<${Button} kind="primary" icon="plus" onClick=${() => setDialog(true)}>New company</${Button}>`}</div>
		</div>
		<div class="toolbar">
			<div class="searchbox"><${Icon} name="search" />
				<label class="sr-only" for="companysearch">Search companies</label>
				<input id="companysearch" type="search" placeholder="Search companies" title="Searches name, description and website"
					value=${text} onInput=${e => setText(e.currentTarget.value)} /></div>
			${KINDS.map(([k, l]) => html`<label class="chip" key=${k}><input type="checkbox" checked=${!!f(k)}
				onChange=${e => setQuery({ [k]: e.currentTarget.checked ? 1 : '', offset: '' })} /> ${l}</label>`)}
			<label class="chip"><input type="checkbox" checked=${f('active') === 'false'}
				onChange=${e => setQuery({ active: e.currentTarget.checked ? 'false' : '', offset: '' })} /> Inactive only</label>
		</div>
		<${ErrorNote} error=${list.error} retry=${list.reload} />
		<${PagedTable} list=${list} offset=${offset} limit=${limit} ordering=${ordering} defaultOrdering="name" exportFrom=${{ path: 'company/', params }}
			columns=${columns} caption="Companies" onRowClick=${c => navigate('/company/' + c.pk)}
			empty=${list.loading ? 'Loading…' : search ? 'No companies match.' : 'No companies yet.'} />
		${dialog === 'import' && html`<${ImportDialog} model="company" noun="companies" onClose=${() => setDialog(false)}
			onDone=${n => { setDialog(false); if (n) { toast(`${n} companies imported`); list.reload(); } }} />`}
		${dialog === true && html`<${CompanyDialog} onClose=${() => setDialog(false)}
			onDone=${r => { setDialog(false); if (r?.pk) navigate('/company/' + r.pk); else list.reload(); }} />`}
	</div>`;
}

/* A part chosen by searching (name, IPN, description). */
function PartPicker({ value, onChange, error }) {
	const [text, setText] = useState('');
	const q = useDebounced(text, 250);
	const found = useApi(() => (q.length > 0 ? api.list('part/', { search: q, limit: 8, purchaseable: true }) : Promise.resolve([])), [q]);
	return html`<div class=${'field span-2' + (error?.length ? ' field-invalid' : '')}>
		<label for="sp-part">Part<span class="req" aria-hidden="true"> *</span></label>
		${value ? html`<div class="picked"><strong>${value.full_name || value.name}</strong>
			<button type="button" class="link" onClick=${() => onChange(null)}>Change</button></div>`
		: html`<input id="sp-part" type="search" placeholder="Search parts" value=${text} autofocus
			onInput=${e => setText(e.currentTarget.value)} />
			<ul class="pick-list" role="listbox" aria-label="Parts found">${(found.data || []).map(p => html`<li key=${p.pk}>
				<button type="button" class="link" onClick=${() => onChange(p)}>${p.full_name || p.name}</button></li>`)}</ul>`}
		${error?.length > 0 && html`<div class="field-error">${error.join(' ')}</div>`}
	</div>`;
}

const SP_FIELDS = ['part', 'SKU', 'description', 'link', 'packaging', 'pack_quantity', 'note', 'available'];

function SupplierPartDialog({ company, onClose, onDone }) {
	const [part, setPart] = useState(null);
	const form = useForm({ SKU: '', description: '', link: '', packaging: '', pack_quantity: '', note: '', available: '' });
	const go = () => form.submit(async v => {
		const body = { supplier: company.pk, part: part?.pk ?? null };
		for (const f of SP_FIELDS.slice(1)) if (v[f] !== '') body[f] = v[f].trim();
		const r = await api.post('company/part/', body);
		toast(`Supplier part ${r.SKU} added`);
		onDone(r);
	});
	return html`<${Dialog} title=${`New part from ${company.name}`} onClose=${onClose} onSubmit=${go} wide
		footer=${html`<${Button} onClick=${onClose}>Cancel</${Button}><${Button} kind="primary" type="submit" busy=${form.busy}>Add supplier part</${Button}>`}>
		<${FormErrors} form=${form} fields=${SP_FIELDS} />
		<div class="form-grid">
			<${PartPicker} value=${part} onChange=${setPart} error=${form.fieldErrors('part')} />
			<${TextField} form=${form} name="SKU" label="SKU" required hint="The supplier's part number" />
			<${TextField} form=${form} name="packaging" label="Packaging" hint="e.g. Reel, Cut tape" />
			<${TextField} form=${form} name="pack_quantity" label="Pack quantity" hint="Empty for single items" />
			<${TextField} form=${form} name="available" label="Available" inputmode="decimal" />
			<${TextField} form=${form} name="description" label="Description" class="span-2" />
			<${TextField} form=${form} name="link" label="Link" type="url" class="span-2" />
			<${TextField} form=${form} name="note" label="Note" class="span-2" />
		</div>
	</${Dialog}>`;
}

function SupplierParts({ company, onChange }) {
	const [offset, setOffset] = useState(0);
	const [dialog, setDialog] = useState(false);
	const [sel, setSel] = useState(new Set());
	const [confirm, setConfirm] = useState(false);
	const limit = 25;
	const list = useApi(() => api.page('company/part/', { supplier: company.pk, part_detail: true, supplier_detail: false, limit, offset }), [company.pk, offset]);
	const columns = [
		{ key: 'SKU', label: 'SKU', class: 'mono nowrap', render: s => s.SKU },
		{ key: 'part', label: 'Part', render: s => html`<${Link} to=${'/part/' + s.part}>${s.part_detail?.full_name || s.part_detail?.name || '#' + s.part}</${Link}>` },
		{ key: 'MPN', label: 'MPN', class: 'mono nowrap hide-sm', render: s => (s.MPN ? html`${s.MPN}<div class="cell-sub">${s.manufacturer}</div>` : html`<span class="muted">—</span>`) },
		{ key: 'pack', label: 'Pack', class: 'hide-sm', render: s => html`${s.pack_quantity}${s.packaging && html`<div class="cell-sub">${s.packaging}</div>`}` },
		{ key: 'available', label: 'Available', align: 'right', render: s => html`${fmtQty(s.available)}${s.availability_updated && html`<div class="cell-sub">${fmtDate(s.availability_updated, false)}</div>`}` },
		{ key: 'in_stock', label: 'In stock', align: 'right', render: s => fmtQty(s.in_stock, s.part_detail?.units) },
	];
	const reload = () => { setSel(new Set()); list.reload(); onChange && onChange(); };
	return html`<${Card} title="Supplied parts" actions=${html`
		${can('purchase_order', 'delete') && sel.size > 0 && html`<${Button} small kind="ghost" icon="trash" onClick=${() => setConfirm(true)}>Delete ${sel.size}</${Button}>`}
		${can('purchase_order', 'add') && html`<${Button} small icon="copy" onClick=${() => setDialog('import')} aria-label="Import supplier parts">Import</${Button}>
			<${Button} small icon="plus" onClick=${() => setDialog(true)}>Add</${Button}>`}`}>
		<${ErrorNote} error=${list.error} retry=${list.reload} />
		${list.loading && !list.data ? html`<${Spinner} />` : html`
			<${DataTable} columns=${columns} rows=${list.data?.results || []} caption="Supplied parts" exportFrom=${{ path: 'company/part/', params: { supplier: company.pk } }} rowLabel=${s => s.SKU}
				selected=${can('purchase_order', 'delete') ? sel : undefined} onSelect=${setSel}
				empty="This company supplies no parts yet." />
			<${Pager} count=${list.data?.count || 0} offset=${offset} limit=${limit} onChange=${setOffset} />`}
		${dialog === 'import' && html`<${ImportDialog} model="supplierpart" noun="supplier parts" defaults=${{ supplier: company.pk }}
			onClose=${() => setDialog(false)} onDone=${n => { setDialog(false); if (n) { toast(`${n} supplier parts imported`); reload(); } }} />`}
		${dialog === true && html`<${SupplierPartDialog} company=${company} onClose=${() => setDialog(false)} onDone=${() => { setDialog(false); reload(); }} />`}
		${confirm && html`<${Confirm} title=${`Delete ${sel.size} supplier part${sel.size === 1 ? '' : 's'}?`}
			onClose=${ok => { setConfirm(false); if (ok) reload(); }}
			onConfirm=${async () => { await api.del('company/part/', { items: [...sel] }); toast('Supplier parts deleted'); }}>
			<p>Their price breaks go with them; stock items keep their part.</p></${Confirm}>`}
	</${Card}>`;
}

function ManufacturedParts({ company, onChange }) {
	const [dialog, setDialog] = useState(false);
	const list = useApi(() => api.page('company/part/manufacturer/', { manufacturer: company.pk, part_detail: true, manufacturer_detail: false, limit: 25 }), [company.pk]);
	const body = list.error ? html`<${ErrorNote} error=${list.error} retry=${list.reload} />`
		: !list.data ? html`<${Spinner} />`
		: !list.data.results.length ? html`<${Empty} icon="parts" title="No manufacturer parts yet" />`
		: html`<ul class="plain-list">${list.data.results.map(m => html`<li key=${m.pk}>
		<span class="mono">${m.MPN}</span> · <${Link} to=${'/part/' + m.part}>${m.part_detail?.full_name || m.part_detail?.name}</${Link}></li>`)}</ul>
		${list.data.count > list.data.results.length && html`<p class="cell-sub">and ${list.data.count - list.data.results.length} more</p>`}`;
	return html`<${Card} title="Manufactured parts" actions=${can('purchase_order', 'add') && html`<${Button} small icon="copy" onClick=${() => setDialog(true)} aria-label="Import manufacturer parts">Import</${Button}>`}>
		${body}
		${dialog && html`<${ImportDialog} model="manufacturerpart" noun="manufacturer parts" defaults=${{ manufacturer: company.pk }}
			onClose=${() => setDialog(false)} onDone=${n => { setDialog(false); if (n) { toast(`${n} manufacturer parts imported`); list.reload(); onChange && onChange(); } }} />`}
	</${Card}>`;
}

export function CompanyPage({ id }) {
	const pk = Number(id);
	const [dialog, setDialog] = useState(null);
	const co = useApi(() => api.get(`company/${pk}/`), [pk]);
	const contacts = useApi(() => api.list('company/contact/', { company: pk }), [pk]);
	if (co.error) return html`<div class="page"><${ErrorNote} error=${co.error} retry=${co.reload} /></div>`;
	if (!co.data) return html`<div class="page"><${Spinner} /></div>`;
	const c = co.data;
	const none = html`<span class="muted">—</span>`;
	return html`<div class="page">
		<nav aria-label="Breadcrumb" class="crumbs"><${Link} to="/companies">Companies</${Link}></nav>
		<div class="page-head">
			<div><h1>${c.name}</h1><p class="page-sub">${kindBadges(c)} ${c.description}</p></div>
			<div class="page-actions">
				${can('purchase_order', 'change') && html`<${Button} icon="edit" onClick=${() => setDialog('edit')}>Edit</${Button}>`}
				${can('purchase_order', 'delete') && html`<${Button} icon="trash" kind="ghost" onClick=${() => setDialog('delete')}>Delete</${Button}>`}
			</div>
		</div>
		<div class="grid-main">
			<div>
				${c.is_supplier && html`<${SupplierParts} company=${c} onChange=${co.reload} />`}
				${c.is_manufacturer && html`<${ManufacturedParts} company=${c} onChange=${co.reload} />`}
			</div>
			<${Card} title="Details">
				<dl class="dl">
					<div class="dl-row"><dt>Website</dt><dd>${c.website ? html`<a href=${c.website} rel="noopener noreferrer" target="_blank">${c.website}</a>` : none}</dd></div>
					<div class="dl-row"><dt>E-mail</dt><dd>${c.email ? html`<a href=${'mailto:' + c.email}>${c.email}</a>` : none}</dd></div>
					<div class="dl-row"><dt>Phone</dt><dd>${c.phone || none}</dd></div>
					<div class="dl-row"><dt>Contact</dt><dd>${c.contact || none}</dd></div>
					<div class="dl-row"><dt>Currency</dt><dd>${c.currency || 'default'}</dd></div>
					<div class="dl-row"><dt>Address</dt><dd>${c.address || none}${c.address_count > 1 && html`<div class="cell-sub">${c.address_count} addresses</div>`}</dd></div>
					<div class="dl-row"><dt>Parts</dt><dd>${c.parts_supplied} supplied · ${c.parts_manufactured} made</dd></div>
				</dl>
				${c.notes && html`<div class="notes"><h3>Notes</h3><p>${c.notes}</p></div>`}
				<h3 class="sub-head">Contacts</h3>
				${contacts.data?.length ? html`<ul class="plain-list">${contacts.data.map(p => html`<li key=${p.pk}><strong>${p.name}</strong>
					${p.role && html` · ${p.role}`}${p.email && html` · <a href=${'mailto:' + p.email}>${p.email}</a>`}${p.phone && html` · ${p.phone}`}</li>`)}</ul>`
				: html`<p class="muted">No contacts.</p>`}
			</${Card}>
		</div>
		${dialog === 'edit' && html`<${CompanyDialog} company=${c} onClose=${() => setDialog(null)} onDone=${() => { setDialog(null); co.reload(); }} />`}
		${dialog === 'delete' && html`<${Confirm} title=${`Delete ${c.name}?`} onClose=${ok => { setDialog(null); if (ok) navigate('/companies'); }}
			onConfirm=${async () => { await api.del(`company/${pk}/`); toast('Company deleted'); }}>
			<p>Its contacts, addresses, manufacturer and supplier parts and their price breaks are deleted with it.</p></${Confirm}>`}
	</div>`;
}

/* The part page's suppliers: each supplier part of the part, with its
   supplier, SKU, manufacturer and MPN. */
export function PartSuppliers({ part }) {
	const list = useApi(() => api.page('company/part/', { part, supplier_detail: true, limit: 25 }), [part]);
	if (list.error) return html`<${ErrorNote} error=${list.error} retry=${list.reload} />`;
	if (!list.data) return html`<${Spinner} />`;
	if (!list.data.results.length) return html`<${Empty} icon="building" title="No suppliers yet" />`;
	return html`<ul class="plain-list">${list.data.results.map(s => html`<li key=${s.pk}>
		<${Link} to=${'/company/' + s.supplier}>${s.supplier_detail?.name || '#' + s.supplier}</${Link}>
		· <span class="mono">${s.SKU}</span>${s.MPN && html` · ${s.manufacturer} <span class="mono">${s.MPN}</span>`}
		${s.active === false && html` <${Badge} tone="neutral">Inactive</${Badge}>`}</li>`)}</ul>
		${list.data.count > list.data.results.length && html`<p class="cell-sub">and ${list.data.count - list.data.results.length} more</p>`}`;
}
