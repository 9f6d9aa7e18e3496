// The notifications menu of the shell: the signed-in user's notifications
// (/api/notifications/, InvenTree's NotificationMessage) -- a bell with
// the unread count in the header (on a desktop, at the top of the
// sidebar), a dialog listing the newest, each marked read on its own or
// all at once.  A part a user has starred (or its category) tells them
// here when it runs low.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api, request } from './api.js';
import { createStore, useStore } from './session.js';
import { navigate } from './router.js';
import { Icon } from './ui/icons.js';
import { Dialog, Button, Spinner, ErrorNote, Empty, toast } from './ui/kit.js';

const state = createStore({ unread: 0, open: false });
const POLL_MS = 60000;
const SHOWN = 20;

/* Asks the server how many are unread (quietly: a failed poll only waits
   for the next one). */
export async function refreshUnread() {
	try {
		const d = await request('GET', 'notifications/', { query: { read: false, limit: 1 }, quiet: true });
		state.set({ unread: Array.isArray(d) ? d.length : (d?.count ?? 0) });
	} catch { /* offline or signed out: the next poll */ }
}

/* The count kept fresh while the page is open: now, every minute while
   the tab is visible, and when it becomes visible again. */
export function useUnreadPoll(active) {
	useEffect(() => {
		if (!active) return undefined;
		refreshUnread();
		const t = setInterval(() => { if (document.visibilityState === 'visible') refreshUnread(); }, POLL_MS);
		const vis = () => { if (document.visibilityState === 'visible') refreshUnread(); };
		document.addEventListener('visibilitychange', vis);
		return () => { clearInterval(t); document.removeEventListener('visibilitychange', vis); };
	}, [active]);
}

export function NotificationsButton({ class: cls, label }) {
	const s = useStore(state);
	const name = s.unread ? `Notifications, ${s.unread} unread` : 'Notifications';
	return html`<button type="button" class=${'btn notif-btn ' + (cls || '')} aria-haspopup="dialog" aria-label=${name}
		title=${name} onClick=${() => state.set({ open: true })}>
		<${Icon} name="bell" size=${20} />${label && html`<span>${label}</span>`}
		${s.unread > 0 && html`<span class="notif-count" aria-hidden="true">${s.unread > 99 ? '99+' : s.unread}</span>`}
	</button>`;
}

/* The dialog, when open (rendered once, by the shell). */
export function Notifications() {
	const s = useStore(state);
	return s.open ? html`<${NotificationsDialog} onClose=${() => state.set({ open: false })} />` : null;
}

/* Where a notification's object is in the page, or null. */
function targetPath(n) {
	const t = n.target;
	if (!t || t.model_id == null) return null;
	if (t.model_type === 'part') return '/part/' + t.model_id;
	if (t.model_type === 'stockitem') return '/stock/' + t.model_id;
	if (t.model_type === 'stocklocation') return '/locations/' + t.model_id;
	return null;
}

function NotificationsDialog({ onClose }) {
	const [data, setData] = useState(null);
	const [error, setError] = useState(null);
	const [busy, setBusy] = useState(false);
	const load = async () => {
		setError(null);
		try {
			const d = await api.page('notifications/', { limit: SHOWN, ordering: '-creation' });
			setData(d);
			refreshUnread();
		} catch (e) { setError(e); }
	};
	useEffect(() => { load(); }, []);
	const markRead = async (n, read = true) => {
		try {
			await api.patch(`notifications/${n.pk}/`, { read });
			setData(d => ({ ...d, results: d.results.map(x => (x.pk === n.pk ? { ...x, read } : x)) }));
			refreshUnread();
		} catch (e) { setError(e); }
	};
	const readAll = async () => {
		setBusy(true);
		try {
			await api.post('notifications/readall/', {});
			setData(d => ({ ...d, results: d.results.map(x => ({ ...x, read: true })) }));
			state.set({ unread: 0 });
			toast('All notifications marked read');
		} catch (e) { setError(e); } finally { setBusy(false); }
	};
	const open = n => {
		const to = targetPath(n);
		if (!n.read) markRead(n);
		onClose();
		if (to) navigate(to);
	};
	const list = data?.results || [];
	const unread = list.filter(n => !n.read).length;
	return html`<${Dialog} title="Notifications" onClose=${onClose} class="notif-dialog"
		footer=${html`<${Button} onClick=${onClose}>Close</${Button}>
			<${Button} kind="primary" icon="check" busy=${busy} disabled=${!unread} onClick=${readAll}>Mark all read</${Button}>`}>
		<${ErrorNote} error=${error} retry=${load} />
		${!data && !error ? html`<${Spinner} />`
		: data && !list.length ? html`<${Empty} icon="bell" title="No notifications">Star a part or a category to be told here when it runs low.</${Empty}>`
		: html`<ul class="notif-list" aria-label="Notifications, newest first">
			${list.map(n => html`<li key=${n.pk} class=${'notif' + (n.read ? '' : ' is-unread')}>
				<div class="notif-text">
					<p class="notif-name">${!n.read && html`<span class="sr-only">Unread: </span>`}${targetPath(n)
						? html`<button type="button" class="link notif-link" onClick=${() => open(n)}>${n.name}</button>` : n.name}</p>
					${n.target?.name && html`<p class="notif-sub">${n.target.name}</p>`}
					<p class="notif-sub">${n.age_human || ''}</p>
				</div>
				${n.read ? html`<button type="button" class="btn btn-ghost btn-sm notif-act" onClick=${() => markRead(n, false)}
						aria-label=${'Mark unread: ' + n.name}>Mark unread</button>`
					: html`<button type="button" class="btn btn-secondary btn-sm notif-act" onClick=${() => markRead(n)}
						aria-label=${'Mark read: ' + n.name}>Mark read</button>`}
			</li>`)}
		</ul>`}
	</${Dialog}>`;
}
