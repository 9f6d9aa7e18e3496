// Paged, sortable tables.  The server sorts and pages; the DOM holds one
// page.  Columns: {key, label, sort (API ordering field), render(row),
// align, class}.  Optional row selection with checkboxes.
import { html } from 'htm/preact';
import { Icon } from './icons.js';
import { useEffect, useRef, useState } from 'preact/hooks';
import { setQuery, useRoute } from '../router.js';
import { useDebounced } from './kit.js';
import { apiUrl, csrf } from '../api.js';

// The formats a list exports as (docs/export.md).
const EXPORT_FORMATS = [['csv', 'CSV'], ['xlsx', 'Excel (XLSX)'], ['json', 'JSON']];

// Exports what a table shows: the list at path with the table's filters,
// search and ordering (params; its limit and offset are left out, so every
// row is exported, not the page), as the format chosen, downloaded as a
// file.  The server answers ?export=<format> with the file itself.
export function ExportMenu({ path, params = {} }) {
	const [open, setOpen] = useState(false);
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState('');
	const ref = useRef(null);
	// A click anywhere else closes the menu.
	useEffect(() => {
		if (!open) return undefined;
		const away = e => { if (ref.current && !ref.current.contains(e.target)) setOpen(false); };
		document.addEventListener('pointerdown', away);
		return () => document.removeEventListener('pointerdown', away);
	}, [open]);
	const go = async fmt => {
		setOpen(false);
		setBusy(true);
		setError('');
		const q = { ...params, export: fmt };
		delete q.limit;
		delete q.offset;
		try {
			const headers = {};
			const t = csrf();
			if (t) headers['X-CSRFToken'] = t;
			const res = await fetch(apiUrl(path, q), { headers, credentials: 'same-origin', cache: 'no-store' });
			if (!res.ok) {
				let msg = `The server answered ${res.status}.`;
				try {
					const d = await res.json();
					const first = Object.values(d)[0];
					msg = d.detail || (Array.isArray(first) ? first[0] : String(first)) || msg;
				} catch { /* not JSON */ }
				throw new Error(msg);
			}
			const blob = await res.blob();
			const cd = res.headers.get('Content-Disposition') || '';
			const name = (cd.match(/filename="([^"]+)"/) || [])[1] || 'export.' + fmt;
			const a = document.createElement('a');
			a.href = URL.createObjectURL(blob);
			a.download = name;
			document.body.appendChild(a);
			a.click();
			a.remove();
			setTimeout(() => URL.revokeObjectURL(a.href), 10000);
		} catch (e) {
			setError(e.message || 'The export failed.');
		} finally {
			setBusy(false);
		}
	};
	return html`<div class="export-menu" ref=${ref} onKeyDown=${e => { if (e.key === 'Escape') setOpen(false); }}>
		<button type="button" class="btn btn-secondary btn-sm" aria-haspopup="menu" aria-expanded=${open}
			aria-busy=${busy} disabled=${busy} onClick=${() => setOpen(!open)}>
			<${Icon} name="download" size=${15} /><span>Export</span></button>
		${open && html`<div class="export-list" role="menu" aria-label="Export format">
			${EXPORT_FORMATS.map(([f, label]) => html`<button type="button" role="menuitem" key=${f}
				class="export-item" onClick=${() => go(f)}>${label}</button>`)}
		</div>`}
		${error && html`<span class="export-error" role="alert">${error}</span>`}
	</div>`;
}

// exportFrom: {path, params} of the list the rows come from; the table
// then has an Export button (ExportMenu) for what it shows.
// onCheckKey: keydown of the selection checkboxes (Enter to the actions).
export function DataTable({ columns, rows, ordering, onOrder, rowKey = r => r.pk, selected, onSelect,
	caption, empty, onRowClick, rowLabel = r => String(r.pk), exportFrom, onCheckKey }) {
	const sortState = c => {
		if (!c.sort || !ordering) return undefined;
		if (ordering === c.sort) return 'ascending';
		if (ordering === '-' + c.sort) return 'descending';
		return 'none';
	};
	const allSel = selected && rows.length > 0 && rows.every(r => selected.has(rowKey(r)));
	const toggleAll = () => {
		const s = new Set(selected);
		if (allSel) rows.forEach(r => s.delete(rowKey(r))); else rows.forEach(r => s.add(rowKey(r)));
		onSelect(s);
	};
	const toggle = r => {
		const s = new Set(selected);
		const k = rowKey(r);
		s.has(k) ? s.delete(k) : s.add(k);
		onSelect(s);
	};
	return html`${exportFrom && html`<div class="table-tools"><${ExportMenu} path=${exportFrom.path}
		params=${{ ordering, ...exportFrom.params }} /></div>`}<div class="table-wrap"><table class="table">
		${caption && html`<caption class="sr-only">${caption}</caption>`}
		<thead><tr>
			${selected && html`<th class="col-check"><input type="checkbox" aria-label="Select all on this page"
				checked=${allSel} onChange=${toggleAll} onKeyDown=${onCheckKey} aria-keyshortcuts=${onCheckKey ? 'Enter' : undefined} /></th>`}
			${columns.map(c => {
				const st = sortState(c);
				return html`<th key=${c.key} scope="col" class=${(c.align === 'right' ? 'num ' : '') + (c.class || '')} aria-sort=${st}>
					${c.sort && onOrder ? html`<button type="button" class="th-sort" onClick=${() => onOrder(st === 'ascending' ? '-' + c.sort : c.sort)}>
						${c.label}<${Icon} name=${st === 'ascending' ? 'chevronDown' : st === 'descending' ? 'chevronDown' : 'sort'} size=${13} />
					</button>` : c.label}
				</th>`;
			})}
		</tr></thead>
		<tbody>
			${rows.length === 0 && html`<tr><td class="table-empty" colspan=${columns.length + (selected ? 1 : 0)}>${empty || 'Nothing here yet.'}</td></tr>`}
			${rows.map(r => {
				const k = rowKey(r);
				const isSel = selected?.has(k);
				return html`<tr key=${k} class=${(isSel ? 'is-selected ' : '') + (onRowClick ? 'is-clickable' : '')}
					onClick=${onRowClick ? e => { if (!e.target.closest('a,button,input,label')) onRowClick(r); } : undefined}>
					${selected && html`<td class="col-check"><input type="checkbox" checked=${isSel}
						aria-label=${'Select ' + rowLabel(r)} onChange=${() => toggle(r)}
						onKeyDown=${onCheckKey} aria-keyshortcuts=${onCheckKey ? 'Enter' : undefined} /></td>`}
					${columns.map(c => html`<td key=${c.key} class=${(c.align === 'right' ? 'num ' : '') + (c.class || '')} data-label=${c.label}>
						${c.render ? c.render(r) : r[c.key]}</td>`)}
				</tr>`;
			})}
		</tbody>
	</table></div>`;
}

export function Pager({ count, offset, limit, onChange, onLimit }) {
	const [jump, setJump] = useState(null);	// the page number being typed
	if (!count) return null;
	const from = Math.min(count, offset + 1);
	const to = Math.min(count, offset + limit);
	const page = Math.floor(offset / limit) + 1;
	const pages = Math.max(1, Math.ceil(count / limit));
	const go = n => { setJump(null); onChange((Math.min(pages, Math.max(1, n)) - 1) * limit); };
	const typed = () => { const n = parseInt(jump, 10); if (Number.isFinite(n) && n !== page) go(n); else setJump(null); };
	return html`<nav class="pager" aria-label="Pages">
		<span class="pager-info">${from.toLocaleString()}–${to.toLocaleString()} of ${count.toLocaleString()}</span>
		${onLimit && html`<label class="pager-size"><span class="sr-only">Rows per page</span>
			<select value=${limit} onChange=${e => onLimit(Number(e.currentTarget.value))}>
				${[25, 50, 100].map(n => html`<option value=${n} selected=${n === limit}>${n} / page</option>`)}
			</select></label>`}
		<span class="pager-nav">
			<button type="button" class="btn btn-icon" aria-label="First page" title="First page" disabled=${offset <= 0}
				onClick=${() => go(1)}><${Icon} name="chevronsLeft" /></button>
			<button type="button" class="btn btn-icon" aria-label="Previous page" title="Previous page" disabled=${offset <= 0}
				onClick=${() => go(page - 1)}><${Icon} name="chevronLeft" /></button>
			<span class="pager-page" aria-current="page">${pages > 1
				? html`<label><span class="sr-only">Page number, </span>Page <input class="pager-jump" type="text" inputmode="numeric"
					pattern="[0-9]*" size=${String(pages).length} value=${jump ?? String(page)}
					onInput=${e => setJump(e.currentTarget.value)} onBlur=${typed}
					onKeyDown=${e => { if (e.key === 'Enter') { e.preventDefault(); typed(); } if (e.key === 'Escape') setJump(null); }} /></label>
					<span> of ${pages.toLocaleString()}</span>`
				: 'Page 1 of 1'}</span>
			<button type="button" class="btn btn-icon" aria-label="Next page" title="Next page" disabled=${to >= count}
				onClick=${() => go(page + 1)}><${Icon} name="chevronRight" /></button>
			<button type="button" class="btn btn-icon" aria-label="Last page" title="Last page" disabled=${to >= count}
				onClick=${() => go(pages)}><${Icon} name="chevronsRight" /></button>
		</span>
	</nav>`;
}

// A list page's table: one page of list (a useApi() of a paged list) with
// its pager, both kept in the URL's query (offset, limit, ordering; a
// value equal to its default is left out).  What else DataTable takes
// (columns, caption, empty, onRowClick, selection) passes through.
export function PagedTable({ list, offset, limit, defaultLimit = 25, ordering, defaultOrdering,
	onPage, ...table }) {
	const page = onPage || (o => setQuery({ offset: o || '' }));
	return html`<div class=${'table-card' + (list.loading ? ' is-loading' : '')} aria-busy=${list.loading}>
		<${DataTable} ...${table} rows=${list.data?.results || []} ordering=${ordering}
			empty=${list.error ? (list.error.status ? 'The list could not be loaded (see above).' : 'The server could not be reached: nothing is listed.') : table.empty}
			onOrder=${defaultOrdering === undefined ? undefined
				: o => setQuery({ ordering: o === defaultOrdering ? '' : o, offset: '' })} />
		<${Pager} count=${list.data?.count || 0} offset=${offset} limit=${limit} onChange=${page}
			onLimit=${n => setQuery({ limit: n === defaultLimit ? '' : n, offset: '' })} />
	</div>`;
}

// A list page's state in the URL's query: the search as typed (written
// to the URL 250 ms after the last key), limit, offset, ordering, and
// f(name) for a filter's value ('' when absent).
export function useListQuery({ ordering: defaultOrdering = '', limit: defaultLimit = 25 } = {}) {
	const { query } = useRoute();
	const search = query.get('search') || '';
	const [text, setText] = useState(search);
	const debounced = useDebounced(text, 250);
	useEffect(() => { if (debounced !== search) setQuery({ search: debounced, offset: '' }); }, [debounced]);
	return {
		query, search, text, setText,
		limit: Number(query.get('limit')) || defaultLimit,
		offset: Number(query.get('offset')) || 0,
		ordering: query.get('ordering') || defaultOrdering,
		f: k => query.get(k) || '',
	};
}
