// A keyboard-navigable tree (WAI-ARIA tree pattern) over the API's flat
// tree lists (pk, name, parent).  Only expanded branches are in the DOM.
import { html } from 'htm/preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Icon } from './icons.js';

export function buildTree(nodes) {
	const byPk = new Map();
	const kids = new Map();
	for (const n of nodes || []) byPk.set(n.pk, n);
	for (const n of nodes || []) {
		const p = n.parent != null && byPk.has(n.parent) ? n.parent : null;
		if (!kids.has(p)) kids.set(p, []);
		kids.get(p).push(n);
	}
	for (const list of kids.values()) list.sort((a, b) => String(a.name).localeCompare(String(b.name)));
	return { byPk, kids };
}

export function ancestors(tree, pk) {
	const out = [];
	let n = tree.byPk.get(Number(pk));
	const seen = new Set();
	while (n && n.parent != null && !seen.has(n.pk)) {
		seen.add(n.pk);
		n = tree.byPk.get(n.parent);
		if (n) out.unshift(n);
	}
	return out;
}

/* All pks in the subtree under pk (pk included). */
export function descendants(tree, pk) {
	const out = new Set();
	const walk = p => { out.add(p); for (const c of tree.kids.get(p) || []) walk(c.pk); };
	walk(pk);
	return out;
}

/*
 * <Tree nodes selected onSelect rootLabel label filter count disabled/>
 * selected: pk or null (the root row).  count(node) → text shown at the
 * right.  disabled: a Set of pks that cannot be picked.
 */
export function Tree({ nodes, selected, onSelect, rootLabel, label, filter = '', count, disabled, rootIcon = 'folder' }) {
	const tree = useMemo(() => buildTree(nodes), [nodes]);
	const [open, setOpen] = useState(() => new Set());
	const [focusKey, setFocusKey] = useState(selected ?? 'root');
	const ref = useRef(null);

	// Open the way to the selected node.
	useEffect(() => {
		if (selected == null) return;
		const a = ancestors(tree, selected);
		if (a.some(n => !open.has(n.pk))) setOpen(s => { const t = new Set(s); a.forEach(n => t.add(n.pk)); return t; });
		setFocusKey(selected);
	}, [selected, tree]);

	const f = filter.trim().toLowerCase();
	const matches = useMemo(() => {
		if (!f) return null;
		const keep = new Set();
		for (const n of tree.byPk.values()) {
			if (String(n.name).toLowerCase().includes(f)) {
				keep.add(n.pk);
				ancestors(tree, n.pk).forEach(a => keep.add(a.pk));
			}
		}
		return keep;
	}, [f, tree]);

	const rows = [];
	if (rootLabel) rows.push({ key: 'root', node: null, depth: 0, hasKids: false, expanded: true });
	const walk = (parent, depth) => {
		for (const n of tree.kids.get(parent) || []) {
			if (matches && !matches.has(n.pk)) continue;
			const hasKids = (tree.kids.get(n.pk) || []).length > 0;
			const expanded = matches ? true : open.has(n.pk);
			rows.push({ key: n.pk, node: n, depth: depth + (rootLabel ? 1 : 0), hasKids, expanded });
			if (hasKids && expanded) walk(n.pk, depth + 1);
		}
	};
	walk(null, 0);

	const toggle = pk => setOpen(s => { const t = new Set(s); t.has(pk) ? t.delete(pk) : t.add(pk); return t; });
	const pick = r => {
		if (r.node && disabled?.has(r.node.pk)) return;
		if (r.hasKids && !r.expanded) toggle(r.node.pk);
		onSelect(r.node ? r.node.pk : null, r.node);
	};
	const focusRow = key => {
		setFocusKey(key);
		const el = ref.current?.querySelector(`[data-key="${key}"]`);
		if (el) el.focus();	// at once, so a quick Enter acts on the new row
		else requestAnimationFrame(() => ref.current?.querySelector(`[data-key="${key}"]`)?.focus());
	};
	const onKey = (e, i) => {
		const r = rows[i];
		switch (e.key) {
		case 'ArrowDown': if (i + 1 < rows.length) focusRow(rows[i + 1].key); break;
		case 'ArrowUp': if (i > 0) focusRow(rows[i - 1].key); break;
		case 'Home': focusRow(rows[0].key); break;
		case 'End': focusRow(rows[rows.length - 1].key); break;
		case 'ArrowRight':
			if (r.hasKids && !r.expanded) toggle(r.node.pk);
			else if (r.hasKids && i + 1 < rows.length) focusRow(rows[i + 1].key);
			break;
		case 'ArrowLeft':
			if (r.hasKids && r.expanded && !matches) toggle(r.node.pk);
			else if (r.node) focusRow(r.node.parent != null && tree.byPk.has(r.node.parent) ? r.node.parent : 'root');
			break;
		case 'Enter': case ' ': pick(r); break;
		default: return;
		}
		e.preventDefault();
	};
	const tabKey = rows.some(r => r.key === focusKey) ? focusKey : rows[0]?.key;

	return html`<ul class="tree" role="tree" aria-label=${label} ref=${ref}>
		${rows.map((r, i) => {
			const isSel = r.node ? r.node.pk === selected : selected == null;
			const dis = r.node && disabled?.has(r.node.pk);
			return html`<li key=${r.key} role="treeitem" data-key=${r.key} tabindex=${r.key === tabKey ? 0 : -1}
				aria-selected=${isSel ? 'true' : 'false'} aria-expanded=${r.hasKids ? String(r.expanded) : undefined}
				aria-level=${r.depth + 1} aria-disabled=${dis ? 'true' : undefined}
				class=${'tree-row' + (isSel ? ' is-selected' : '') + (dis ? ' is-disabled' : '')}
				style=${{ paddingLeft: `${0.4 + r.depth * 1.0}rem` }}
				onKeyDown=${e => onKey(e, i)} onFocus=${() => setFocusKey(r.key)}
				onClick=${() => pick(r)}>
				<span class="tree-twisty" aria-hidden="true" onClick=${e => { if (r.hasKids) { e.stopPropagation(); toggle(r.node.pk); } }}>
					${r.hasKids && html`<${Icon} name=${r.expanded ? 'chevronDown' : 'chevronRight'} size=${14} />`}
				</span>
				<${Icon} name=${r.node ? (r.node.structural ? 'folder' : rootIcon) : rootIcon} size=${15} />
				<span class="tree-name">${r.node ? r.node.name : rootLabel}</span>
				${count && r.node && html`<span class="tree-count">${count(r.node)}</span>`}
			</li>`;
		})}
	</ul>`;
}
