// Outgoing webhooks (superusers; docs/webhooks.md): the endpoints with the
// events they want, a test delivery, and each endpoint's delivery log.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { DataTable, Pager } from '../ui/table.js';
import { Button, Card, Dialog, useApi, Spinner, ErrorNote, Empty, Badge, fmtDate, toast, useForm, FormErrors, TextField, CheckField, Confirm } from '../ui/kit.js';

// The events the server emits (domain/tasks/event.c), grouped as the
// docs list them.
export const EVENTS = [
	['part.deleted', 'Part deleted'],
	['stock.changed', 'Stock changed'],
	['stock.deleted', 'Stock item deleted'],
	['attachment.deleted', 'Attachment deleted'],
	['purchaseorder.placed', 'Purchase order placed'],
	['purchaseorder.received', 'Purchase order received'],
	['purchaseorder.completed', 'Purchase order completed'],
	['build.issued', 'Build order issued'],
	['build.hold', 'Build order on hold'],
	['build.cancelled', 'Build order cancelled'],
	['build.output_completed', 'Build output completed'],
	['build.completed', 'Build order completed'],
];

const STATUS_TONE = { delivered: 'ok', pending: 'warn', dead: 'bad' };

function eventsText(events) {
	return events?.length ? events.join(', ') : 'every event';
}

function WebhookDialog({ hook, onClose, onDone }) {
	const form = useForm({
		url: hook?.url || '', description: hook?.description || '', secret: '',
		active: hook ? !!hook.active : true,
	});
	const [events, setEvents] = useState(() => new Set(hook?.events || []));
	const [made, setMade] = useState(null);
	const go = () => form.submit(async v => {
		const body = { url: v.url.trim(), description: v.description, active: v.active, events: [...events] };
		if (v.secret) body.secret = v.secret;
		if (hook) {
			await api.patch(`admin/webhook/${hook.pk}/`, body);
			toast('Webhook saved');
			onDone();
			return;
		}
		const r = await api.post('admin/webhook/', body);
		toast('Webhook created');
		if (r.secret) setMade(r); else onDone();
	}, ['url', 'description', 'secret', 'active', 'events']);
	if (made)
		return html`<${Dialog} title="Webhook created" onClose=${onDone}
			footer=${html`<${Button} kind="primary" onClick=${onDone}>Done</${Button}>`}>
			<p>Deliveries to <strong>${made.url}</strong> are signed with this secret. Copy it now: it is not shown again.</p>
			<p><code class="secret" data-testid="webhook-secret">${made.secret}</code></p>
			<p class="hint">The receiver checks <code>X-Stockroom-Signature</code>: HMAC-SHA256 of the timestamp header, a dot and the body.</p>
		</${Dialog}>`;
	const flip = (e, on) => { const s = new Set(events); on ? s.add(e) : s.delete(e); setEvents(s); };
	return html`<${Dialog} title=${hook ? 'Edit webhook' : 'New webhook'} onClose=${onClose} onSubmit=${go} wide
		footer=${html`<${Button} onClick=${onClose}>Cancel</${Button}><${Button} kind="primary" type="submit" busy=${form.busy}>${hook ? 'Save webhook' : 'Create webhook'}</${Button}>`}>
		<${FormErrors} form=${form} fields=${['url', 'description', 'secret', 'active', 'events']} />
		<${TextField} form=${form} name="url" label="URL" type="url" required autofocus placeholder="https://example.org/hooks/stock"
			hint="http:// or https://; redirects are not followed." />
		<${TextField} form=${form} name="description" label="Description" />
		<${TextField} form=${form} name="secret" label=${hook ? 'New secret' : 'Secret'} type="password" autocomplete="new-password"
			hint=${hook ? 'Leave empty to keep the current one.' : 'Leave empty to have one made (shown once).'} />
		<${CheckField} form=${form} name="active" label="Active" hint="an inactive webhook queues nothing" />
		<fieldset class="flags"><legend>Events</legend>
			<p class="hint">None ticked: every event.</p>
			${EVENTS.map(([e, label]) => html`<label key=${e} class="check"><input type="checkbox" checked=${events.has(e)}
				onChange=${ev => flip(e, ev.currentTarget.checked)} /> ${label} <code class="muted">${e}</code></label>`)}
			${form.fieldErrors('events').length > 0 && html`<div class="field-error">${form.fieldErrors('events').join(' ')}</div>`}
		</fieldset>
	</${Dialog}>`;
}

function Deliveries({ hook, onClose }) {
	const [offset, setOffset] = useState(0);
	const limit = 25;
	const list = useApi(() => api.page(`admin/webhook/${hook.pk}/deliveries/`, { limit, offset }), [hook.pk, offset]);
	const rows = list.data?.results || [];
	const columns = [
		{ key: 'event', label: 'Event', render: d => html`<span class="cell-main">${d.event}</span>
			<div class="cell-sub">${fmtDate(d.created)}${d.object_id != null ? ` · #${d.object_id}` : ''}</div>` },
		{ key: 'status', label: 'Status', render: d => html`<${Badge} tone=${STATUS_TONE[d.status] || 'neutral'}>${d.status}</${Badge}>
			<div class="cell-sub">${d.attempts} attempt${d.attempts === 1 ? '' : 's'}</div>` },
		{ key: 'http', label: 'Answer', render: d => html`${d.http_status ? 'HTTP ' + d.http_status : html`<span class="muted">—</span>`}
			${d.latency_ms != null && html`<div class="cell-sub">${d.latency_ms} ms</div>`}` },
		{ key: 'error', label: 'Last error', class: 'hide-sm', render: d => d.last_error || html`<span class="muted">—</span>` },
		{ key: 'next', label: 'Next attempt', class: 'hide-sm', render: d => d.status === 'pending' && d.next_attempt ? fmtDate(d.next_attempt) : html`<span class="muted">—</span>` },
	];
	return html`<${Dialog} title=${`Deliveries to ${hook.url}`} onClose=${onClose} wide
		footer=${html`<${Button} onClick=${list.reload}>Refresh</${Button}><${Button} kind="primary" onClick=${onClose}>Done</${Button}>`}>
		${list.error ? html`<${ErrorNote} error=${list.error} retry=${list.reload} />` : !list.data ? html`<${Spinner} />`
			: !rows.length ? html`<${Empty} icon="history" title="Nothing sent yet">Events and test deliveries show here, newest first.</${Empty}>`
			: html`<${DataTable} columns=${columns} rows=${rows} caption="Deliveries" />
				<${Pager} count=${list.data.count} offset=${offset} limit=${limit} onChange=${setOffset} />`}
	</${Dialog}>`;
}

export function Webhooks() {
	const hooks = useApi(() => api.list('admin/webhook/'), []);
	const [dialog, setDialog] = useState(null);
	const test = async h => {
		try {
			await api.post(`admin/webhook/${h.pk}/test/`, {});
			toast('Test delivery queued: the worker sends it');
		} catch (e) { toast(e.message, 'error'); }
	};
	const columns = [
		{ key: 'url', label: 'URL', render: h => html`<button type="button" class="link cell-main" onClick=${() => setDialog({ kind: 'edit', hook: h })}>${h.url}</button>
			<div class="cell-sub">${h.description || ''}</div>` },
		{ key: 'events', label: 'Events', class: 'hide-sm', render: h => html`<span class="cell-sub">${eventsText(h.events)}</span>` },
		{ key: 'active', label: 'State', render: h => h.active ? html`<${Badge} tone="ok">Active</${Badge}>` : html`<${Badge} tone="neutral">Inactive</${Badge}>` },
		{ key: 'act', label: 'Actions', align: 'right', render: h => html`<${Button} small kind="ghost" icon="history" onClick=${() => setDialog({ kind: 'log', hook: h })} aria-label=${'Deliveries to ' + h.url}>Log</${Button}>
			<${Button} small kind="ghost" icon="check" onClick=${() => test(h)} aria-label=${'Send a test to ' + h.url}>Test</${Button}>
			<${Button} small kind="ghost" icon="trash" onClick=${() => setDialog({ kind: 'delete', hook: h })} aria-label=${'Delete ' + h.url} />` },
	];
	const done = () => { setDialog(null); hooks.reload(); };
	return html`<${Card} title="Webhooks" actions=${html`<${Button} small kind="primary" icon="plus" onClick=${() => setDialog({ kind: 'new' })}>New webhook</${Button}>`}>
		<p class="muted card-intro">Signed HTTP POSTs to other systems when stock, parts, purchase orders or build orders change, sent by the worker and retried when they fail.</p>
		${hooks.error ? html`<${ErrorNote} error=${hooks.error} retry=${hooks.reload} />` : !hooks.data ? html`<${Spinner} />`
			: !hooks.data.length ? html`<${Empty} icon="history" title="No webhooks yet">Add one to tell a chat, a shop or a script what happens here.</${Empty}>`
			: html`<${DataTable} columns=${columns} rows=${hooks.data} caption="Webhooks" />`}
		${(dialog?.kind === 'new' || dialog?.kind === 'edit') && html`<${WebhookDialog} hook=${dialog.hook} onClose=${() => setDialog(null)} onDone=${done} />`}
		${dialog?.kind === 'log' && html`<${Deliveries} hook=${dialog.hook} onClose=${() => setDialog(null)} />`}
		${dialog?.kind === 'delete' && html`<${Confirm} title="Delete this webhook?" onClose=${ok => { setDialog(null); if (ok) hooks.reload(); }}
			onConfirm=${async () => { await api.del(`admin/webhook/${dialog.hook.pk}/`); toast('Webhook deleted'); }}>
			<p>Nothing more is sent to ${dialog.hook.url}; its delivery log goes with it.</p></${Confirm}>`}
	</${Card}>`;
}
