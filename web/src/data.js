// Shared, cached look-ups: the category and location trees, stock status
// codes.  Pages invalidate a tree after they change it.
import { useEffect, useState } from 'preact/hooks';
import { api } from './api.js';
import { buildTree, ancestors } from './ui/tree.js';

const TREES = {
	category: ['part/category/tree/', 'part/category/'],
	location: ['stock/location/tree/', 'stock/location/'],
};
const cache = new Map();
const subs = new Map();

async function fetchTree(kind) {
	const [treeUrl, listUrl] = TREES[kind];
	try {
		return await api.list(treeUrl);
	} catch (e) {
		if (e.status === 404 || e.status === 405) return api.list(listUrl);
		throw e;
	}
}

export function loadTree(kind) {
	if (!cache.has(kind)) {
		const p = fetchTree(kind).then(nodes => ({ nodes, tree: buildTree(nodes) }));
		p.catch(() => cache.delete(kind));
		cache.set(kind, p);
	}
	return cache.get(kind);
}

export function invalidate(kind) {
	cache.delete(kind);
	for (const f of subs.get(kind) || []) f();
}

/* useTree('location') → {nodes, tree, error, loading} */
export function useTree(kind) {
	const [state, set] = useState({ nodes: [], tree: buildTree([]), error: null, loading: true });
	const [gen, setGen] = useState(0);
	useEffect(() => {
		const f = () => setGen(g => g + 1);
		if (!subs.has(kind)) subs.set(kind, new Set());
		subs.get(kind).add(f);
		return () => subs.get(kind).delete(f);
	}, [kind]);
	useEffect(() => {
		let live = true;
		loadTree(kind).then(r => live && set({ ...r, error: null, loading: false }),
			error => live && set(s => ({ ...s, error, loading: false })));
		return () => { live = false; };
	}, [kind, gen]);
	return state;
}

export function pathOf(tree, pk, sep = ' / ') {
	if (pk == null) return '';
	const n = tree.byPk.get(Number(pk));
	if (!n) return n === undefined ? '' : '';
	return [...ancestors(tree, n.pk), n].map(x => x.name).join(sep);
}

/* Tree nodes as <option>s, indented by depth, for compact pickers. */
export function treeOptions(tree, none = '— none —') {
	const out = [{ value: '', label: none }];
	const walk = (p, d) => {
		for (const n of tree.kids.get(p) || []) {
			out.push({ value: n.pk, label: '\u2002'.repeat(d * 2) + n.name });
			walk(n.pk, d + 1);
		}
	};
	walk(null, 0);
	return out;
}

const DEFAULT_STATUS = [
	{ key: 10, label: 'OK', color: 'success' },
	{ key: 50, label: 'Attention needed', color: 'warning' },
	{ key: 55, label: 'Damaged', color: 'danger' },
	{ key: 60, label: 'Destroyed', color: 'danger' },
	{ key: 65, label: 'Rejected', color: 'danger' },
	{ key: 70, label: 'Lost', color: 'dark' },
	{ key: 75, label: 'Quarantined', color: 'info' },
	{ key: 85, label: 'Returned', color: 'warning' },
];
let statuses = DEFAULT_STATUS;
let statusLoad = null;

function normStatuses(d) {
	let vals = d?.values ?? d;
	if (vals && !Array.isArray(vals) && typeof vals === 'object') vals = Object.entries(vals).map(([k, v]) => (typeof v === 'object' ? { name: k, ...v } : { key: Number(k), label: String(v) }));
	if (!Array.isArray(vals) || !vals.length) return DEFAULT_STATUS;
	return vals.map(v => ({ key: Number(v.key ?? v.value ?? v.pk), label: v.label || v.name || String(v.key), color: v.color || '' }))
		.filter(v => Number.isFinite(v.key)).sort((a, b) => a.key - b.key);
}

export function useStatuses() {
	const [s, set] = useState(statuses);
	useEffect(() => {
		if (!statusLoad) statusLoad = api.get('stock/status/').then(normStatuses).catch(() => DEFAULT_STATUS);
		statusLoad.then(v => { statuses = v; set(v); });
	}, []);
	return s;
}

export function statusTone(code) {
	const c = Number(code);
	if (c === 10) return 'ok';
	if (c === 50 || c === 85) return 'warn';
	if (c === 75) return 'info';
	return 'bad';
}
export function statusLabel(code, text) {
	if (text) return text;
	return (statuses.find(s => s.key === Number(code)) || {}).label || String(code ?? '');
}

export const TRACKING = {
	1: 'Created', 5: 'Edited', 10: 'Counted', 11: 'Added', 12: 'Removed', 15: 'Returned to stock',
	20: 'Moved', 25: 'Updated', 40: 'Split from parent', 42: 'Split off', 45: 'Merged', 48: 'Converted to variant', 70: 'Received',
};

/* ---- names for history rows ------------------------------------------ */
// The tracking list carries item and user ids only; these fill in the
// part name of each item and each user's name, cached for the session.
const itemCache = new Map();
export function itemsInfo(pks) {
	return Promise.all([...new Set(pks)].map(pk => {
		if (!itemCache.has(pk)) {
			const p = api.get(`stock/${pk}/`, { part_detail: true }, { quiet: true }).catch(() => null);
			itemCache.set(pk, p);
		}
		return itemCache.get(pk).then(v => [pk, v]);
	})).then(list => new Map(list));
}

let usersLoad = null;
export function usersInfo() {
	if (!usersLoad) usersLoad = api.list('user/').then(l => new Map(l.map(u => [u.pk, u]))).catch(() => new Map());
	return usersLoad;
}

/* A page of tracking entries with .item_info and .user_info filled in. */
export async function trackPage(query) {
	const page = await api.page('stock/track/', query);
	await decorateTrack(page.results);
	return page;
}

export async function decorateTrack(entries) {
	const [items, users] = await Promise.all([itemsInfo(entries.map(e => e.item)), usersInfo()]);
	for (const e of entries) {
		e.item_info = items.get(e.item) || null;
		e.user_info = users.get(e.user) || null;
	}
	return entries;
}

/*
 * The history of a part: the tracking entries of all its stock items,
 * newest first (the API filters tracking by item, not by part).
 */
export async function trackForPart(part, max = 200) {
	const items = await api.list('stock/', { part, limit: 100, part_detail: true });
	const lists = await Promise.all(items.map(it => api.list('stock/track/', { item: it.pk, limit: max })));
	const all = lists.flat().sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : b.pk - a.pk)).slice(0, max);
	for (const it of items) if (!itemCache.has(it.pk)) itemCache.set(it.pk, Promise.resolve(it));
	return decorateTrack(all);
}

export function trackPartName(e) {
	const i = e.item_info;
	return i?.part_detail?.name || i?.part_detail?.full_name || (i ? `Part ${i.part}` : `Item ${e.item}`);
}
export function trackUserName(e) {
	return e.user_info?.username || (e.user != null ? `user ${e.user}` : '');
}
