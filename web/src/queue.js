// Stock counts and moves made while the server cannot be reached: kept in
// IndexedDB with the quantity each item showed (expected_quantity), sent
// in order once the connection is back.  The server refuses an item that
// changed meanwhile (a 400 on expected_quantity): that adjustment waits
// here as a conflict for the user to apply anyway or discard -- nothing is
// overwritten silently.  A button in the shell shows what waits.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from './api.js';
import { createStore, useStore } from './session.js';
import { Icon } from './ui/icons.js';
import { Dialog, Button, Badge, Empty, fmtDate, fmtQty, tidyNumbers, toast } from './ui/kit.js';

const DB = 'stockroom-queue';
const STORE = 'adjustments';
const state = createStore({ entries: [], open: false, sending: false });

function db() {
	return new Promise((resolve, reject) => {
		const r = indexedDB.open(DB, 1);
		r.onupgradeneeded = () => r.result.createObjectStore(STORE, { keyPath: 'id', autoIncrement: true });
		r.onsuccess = () => resolve(r.result);
		r.onerror = () => reject(r.error);
	});
}

async function tx(mode, fn) {
	const d = await db();
	return new Promise((resolve, reject) => {
		const t = d.transaction(STORE, mode);
		const out = fn(t.objectStore(STORE));
		t.oncomplete = () => { d.close(); resolve(out?.result ?? out); };
		t.onerror = () => { d.close(); reject(t.error); };
	});
}

async function load() {
	const all = await tx('readonly', s => s.getAll());
	state.set({ entries: all || [] });
	return all || [];
}

/* True when an error says the server could not be reached at all. */
export const unreachable = e => e instanceof ApiError && e.status === 0;

/*
 * Keeps an adjustment (POST stock/<action>/ with body) for later.  items
 * are the items as the page showed them: each one's quantity then goes
 * with it as expected_quantity.  label says what it is in the queue.
 */
export async function enqueue(action, body, items, label) {
	const seen = new Map(items.map(it => [it.pk, it.quantity]));
	const b = { ...body, items: body.items.map(i => ({ ...i, expected_quantity: String(seen.get(i.pk)) })) };
	await tx('readwrite', s => s.add({ action, body: b, label, created: new Date().toISOString(), state: 'queued', message: '' }));
	await load();
}

async function put(entry) { await tx('readwrite', s => s.put(entry)); }
async function drop(id) { await tx('readwrite', s => s.delete(id)); }

/* The first conflict message of a refused adjustment, if it is one. */
function conflictOf(e) {
	const list = e?.body?.items;
	if (!Array.isArray(list)) return null;
	for (const it of list)
		if (it && it.expected_quantity) return tidyNumbers([].concat(it.expected_quantity).join(' '));
	return null;
}

/* Sends one entry; false when the server is still out of reach. */
async function sendOne(entry, force = false) {
	const body = force ? { ...entry.body, items: entry.body.items.map(({ expected_quantity: _, ...i }) => i) } : entry.body;
	try {
		await api.post(`stock/${entry.action}/`, body);
		await drop(entry.id);
		return true;
	} catch (e) {
		if (unreachable(e)) return false;
		const c = conflictOf(e);
		await put({ ...entry, state: c ? 'conflict' : 'error', message: c || e.message });
		return true;
	}
}

/* Sends what is queued, in order, until the server is out of reach. */
export async function flush() {
	if (state.get().sending) return;
	state.set({ sending: true });
	let sent = 0, refused = 0;
	try {
		for (const e of await load()) {
			if (e.state !== 'queued') continue;
			if (!(await sendOne(e))) break;
			(await tx('readonly', s => s.get(e.id))) ? refused++ : sent++;
		}
	} finally {
		state.set({ sending: false });
		await load();
	}
	if (sent) toast(`${sent} adjustment${sent === 1 ? '' : 's'} made offline sent`);
	if (refused) toast(`${refused} adjustment${refused === 1 ? '' : 's'} made offline refused: see Waiting`, 'error');
}

/* Loads the queue and sends it whenever the browser is back online. */
export function useQueue(active) {
	useEffect(() => {
		if (!active) return undefined;
		load().then(flush).catch(() => {});
		const on = () => flush().catch(() => {});
		window.addEventListener('online', on);
		return () => window.removeEventListener('online', on);
	}, [active]);
}

export function QueueButton({ class: cls, label }) {
	const s = useStore(state);
	const n = s.entries.length;
	if (!n) return null;
	const bad = s.entries.filter(e => e.state !== 'queued').length;
	const name = bad ? `Waiting: ${n}, ${bad} refused` : `Waiting: ${n} to send`;
	return html`<button type="button" class=${'btn notif-btn queue-btn ' + (bad ? 'has-conflict ' : '') + (cls || '')} aria-haspopup="dialog"
		aria-label=${name} title=${name} onClick=${() => state.set({ open: true })}>
		<${Icon} name=${bad ? 'alert' : 'history'} size=${20} />${label && html`<span>${label}</span>`}
		<span class="notif-count" aria-hidden="true">${n}</span>
	</button>`;
}

const VERB = { count: 'Count', add: 'Add', remove: 'Remove', transfer: 'Move' };

function QueueDialog({ onClose }) {
	const s = useStore(state);
	const [busy, setBusy] = useState(false);
	const act = async fn => { setBusy(true); try { await fn(); } finally { setBusy(false); await load(); } };
	const retry = e => act(async () => {
		if (!(await sendOne(e, e.state === 'conflict'))) toast('The server still cannot be reached', 'error');
		else if (!(await tx('readonly', st => st.get(e.id)))) toast('Sent');
	});
	return html`<${Dialog} title="Waiting to be sent" onClose=${onClose} wide
		footer=${html`<${Button} onClick=${() => act(flush)} busy=${busy || s.sending}>Send now</${Button}><${Button} kind="primary" onClick=${onClose}>Done</${Button}>`}>
		${!s.entries.length ? html`<${Empty} icon="check" title="Nothing waits">Counts and moves made offline are sent when the connection is back.</${Empty}>`
			: html`<ul class="queue-list">${s.entries.map(e => html`<li key=${e.id} class=${'queue-entry queue-' + e.state}>
				<div class="queue-head"><strong>${VERB[e.action] || e.action}</strong> ${e.label}
					${e.state === 'conflict' ? html` <${Badge} tone="bad">Changed meanwhile</${Badge}>`
						: e.state === 'error' ? html` <${Badge} tone="bad">Refused</${Badge}>` : html` <${Badge} tone="neutral">Queued</${Badge}>`}</div>
				<div class="cell-sub">${fmtDate(e.created)} · ${e.body.items.map(i => `item ${i.pk}: ${fmtQty(i.quantity)} (saw ${fmtQty(i.expected_quantity)})`).join(', ')}</div>
				${e.message && html`<p class="field-error">${e.message}</p>`}
				<div class="queue-actions">
					${e.state === 'conflict' && html`<${Button} small onClick=${() => retry(e)} busy=${busy}>Apply anyway</${Button}>`}
					${e.state === 'queued' && html`<${Button} small onClick=${() => retry(e)} busy=${busy}>Send</${Button}>`}
					<${Button} small kind="ghost" icon="trash" onClick=${() => act(() => drop(e.id))}>Discard</${Button}>
				</div>
			</li>`)}</ul>`}
	</${Dialog}>`;
}

/* The dialog, when open (rendered once, by the shell). */
export function Queue() {
	const s = useStore(state);
	return s.open ? html`<${QueueDialog} onClose=${() => state.set({ open: false })} />` : null;
}
