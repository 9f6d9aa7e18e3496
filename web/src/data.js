// Shared, cached look-ups: the category and location trees, stock status
// codes; what a BOM or build line may take from.  Pages invalidate a tree after they change it.
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
	20: 'Moved', 25: 'Updated', 40: 'Split from parent', 42: 'Split off', 45: 'Merged', 48: 'Converted to variant',
	55: 'Built', 56: 'Build output rejected', 57: 'Used by a build', 70: 'Received',
};

/* ---- names for history rows ------------------------------------------ */
// The tracking list names each entry's item (its part's full name and
// units) and user itself when asked (item_detail, user_detail): a page of
// history is one request, whatever its rows.
export function trackPage(query) {
	return api.page('stock/track/', { ...query, item_detail: true, user_detail: true });
}

/* The history of a part: the newest entries of all its stock items. */
export async function trackForPart(part, max = 200) {
	return (await trackPage({ part, limit: max })).results;
}

export function trackPartName(e) {
	const i = e.item_detail;
	return i?.part_name || (i ? `Part ${i.part}` : `Item ${e.item}`);
}
export const trackUnits = e => e.item_detail?.part_units;
export function trackUserName(e) {
	return e.user_detail?.username || (e.user != null ? `user ${e.user}` : '');
}

/* What a BOM or build line may take from, as InvenTree's BOM table adds it
 * up: the component's available stock, its substitutes', and its
 * variants' when the line allows variants (docs/bom.md, "Variants"). */
export const lineAvailable = b => Number(b.available_stock) + Number(b.available_substitute_stock)
	+ (b.allow_variants ? Number(b.available_variant_stock) : 0);
