// The stock tracking log, newest first, filterable by part, item and user.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { can } from '../session.js';
import { Link, useRoute, setQuery } from '../router.js';
import { useTree, TRACKING, trackPage, trackPartName, trackUnits, trackUserName } from '../data.js';
import { PagedTable } from '../ui/table.js';
import { Button, useApi, ErrorNote, fmtDate, Badge, useId } from '../ui/kit.js';
import { deltaText } from './stock.js';

export function History() {
	const { query } = useRoute();
	const locs = useTree('location');
	const limit = Number(query.get('limit')) || 50;
	const offset = Number(query.get('offset')) || 0;
	const part = query.get('part') || '';
	const item = query.get('item') || '';
	const user = query.get('user') || '';
	const [itemText, setItemText] = useState(item);
	const ids = { p: useId('hp'), i: useId('hi'), u: useId('hu') };
	const users = useApi(() => api.list('user/').catch(() => []), []);
	const partInfo = useApi(() => (part ? api.get(`part/${part}/`).catch(() => null) : null), [part]);
	const [partQuery, setPartQuery] = useState('');
	const partHits = useApi(() => (partQuery.trim() ? api.page('part/', { search: partQuery, limit: 8 }).then(r => r.results) : []), [partQuery]);
	const params = { limit, offset, part: part || undefined, item: item || undefined, user: user || undefined };
	// One request a page: the rows come with their part and user names.
	const list = useApi(() => trackPage(params), [JSON.stringify(params)]);

	const columns = [
		{ key: 'date', label: 'When', class: 'nowrap', render: e => html`<span title=${e.date}>${fmtDate(e.date)}</span>` },
		{ key: 'type', label: 'What', render: e => html`<${Badge} tone=${e.tracking_type === 12 ? 'warn' : e.tracking_type === 20 ? 'info' : 'neutral'}>${e.label || TRACKING[e.tracking_type] || e.tracking_type}</${Badge}>` },
		{ key: 'item', label: 'Item', render: e => html`<${Link} to=${'/stock/' + e.item}>${trackPartName(e)} <span class="cell-sub">#${e.item}</span></${Link}>` },
		{ key: 'change', label: 'Change', render: e => deltaText(e, trackUnits(e), locs.tree) },
		{ key: 'user', label: 'By', class: 'hide-sm', render: e => e.user != null ? trackUserName(e) : html`<span class="muted">—</span>` },
		{ key: 'notes', label: 'Notes', class: 'hide-sm clamp-cell', render: e => e.notes || '' },
	];
	const filtered = part || item || user;
	return html`<div class="page">
		<div class="page-head"><div><h1>Stock history</h1><p class="page-sub">Every count, addition, removal and move, newest first.</p></div></div>
		<div class="toolbar toolbar-wrap" role="search" aria-label="Filter history">
			<div class="filter combo">
				<label for=${ids.p}>Part</label>
				${part ? html`<div class="chip chip-set">${partInfo.data?.name || 'Part ' + part}
					<button type="button" class="link" aria-label="Clear part filter" onClick=${() => setQuery({ part: '', offset: '' })}>✕</button></div>`
				: html`<input id=${ids.p} type="search" placeholder="Search a part" autocomplete="off" value=${partQuery} onInput=${e => setPartQuery(e.currentTarget.value)} />
					${(partHits.data || []).length > 0 && html`<ul class="combo-list" role="listbox" aria-label="Matching parts">${partHits.data.map(p => html`<li key=${p.pk} role="option" aria-selected="false" tabindex="0"
						onClick=${() => { setPartQuery(''); setQuery({ part: p.pk, offset: '' }); }}
						onKeyDown=${e => { if (e.key === 'Enter') { setPartQuery(''); setQuery({ part: p.pk, offset: '' }); } }}>${p.name}</li>`)}</ul>`}`}
			</div>
			<form class="filter" onSubmit=${e => { e.preventDefault(); setQuery({ item: itemText.trim(), offset: '' }); }}>
				<label for=${ids.i}>Item #</label>
				<input id=${ids.i} inputmode="numeric" class="input-narrow" value=${itemText} onInput=${e => setItemText(e.currentTarget.value)}
					onBlur=${() => setQuery({ item: itemText.trim(), offset: '' })} />
			</form>
			<div class="filter"><label for=${ids.u}>User</label>
				<select id=${ids.u} onChange=${e => setQuery({ user: e.currentTarget.value, offset: '' })}>
					<option value="">Anyone</option>
					${(users.data || []).map(u => html`<option value=${u.pk} selected=${String(u.pk) === user}>${u.username}</option>`)}
				</select></div>
			${filtered && html`<${Button} kind="ghost" small onClick=${() => { setItemText(''); setQuery({ part: '', item: '', user: '', offset: '' }); }}>Clear filters</${Button}>`}
		</div>
		${!can('stock', 'view') && html`<p class="muted">You may not see stock history.</p>`}
		<${ErrorNote} error=${list.error} retry=${list.reload} />
		<${PagedTable} list=${list} offset=${offset} limit=${limit} defaultLimit=${50} exportFrom=${{ path: 'stock/track/', params }}
			columns=${columns} caption="Stock history"
			empty=${list.loading ? 'Loading…' : filtered ? 'No history matches these filters.' : 'No stock history yet.'} />
	</div>`;
}
