// My account: who I am, change my password, my API tokens (the key is
// shown once, with a copy button).
import { html } from 'htm/preact';
import { useRef, useState } from 'preact/hooks';
import { api, ApiError, setCsrfToken } from '../api.js';
import { session, useStore, tokenFrom } from '../session.js';
import { Icon } from '../ui/icons.js';
import { Button, Card, useApi, Spinner, ErrorNote, Empty, Badge, fmtDate, toast, useForm, FormErrors, TextField, Confirm, Dialog } from '../ui/kit.js';

function PasswordCard() {
	const form = useForm({ old_password: '', new_password: '', new_password2: '' });
	const fe = form.fieldErrors;
	const view = { ...form, fieldErrors: k => (k === 'new_password' ? [...fe('new_password'), ...fe('new_password1'), ...fe('password')]
		: k === 'old_password' ? [...fe('old_password'), ...fe('current_password')] : fe(k)) };
	const go = () => form.submit(async v => {
		if (v.new_password !== v.new_password2) throw new ApiError(400, { new_password2: ['The two new passwords differ.'] });
		const r = await api.post('auth/password/', {
			old_password: v.old_password, new_password: v.new_password,
		});
		const t = tokenFrom(r);
		if (t) setCsrfToken(t);
		form.setValues({ old_password: '', new_password: '', new_password2: '' });
		toast('Password changed. Other sessions and API tokens may have been signed out.');
	}, ['old_password', 'current_password', 'new_password', 'new_password1', 'password', 'new_password2']);
	return html`<${Card} title="Password">
		<form class="form-narrow" onSubmit=${e => { e.preventDefault(); go(); }} novalidate>
			<${FormErrors} form=${form} fields=${['old_password', 'current_password', 'new_password', 'new_password1', 'password', 'new_password2']} />
			<${TextField} form=${view} name="old_password" label="Current password" type="password" autocomplete="current-password" />
			<${TextField} form=${view} name="new_password" label="New password" type="password" autocomplete="new-password" />
			<${TextField} form=${view} name="new_password2" label="New password again" type="password" autocomplete="new-password" />
			<${Button} kind="primary" type="submit" busy=${form.busy}>Change password</${Button}>
		</form>
	</${Card}>`;
}

function NewTokenDialog({ onClose, onDone }) {
	const form = useForm({ name: '' });
	const [created, setCreated] = useState(null);
	const keyRef = useRef(null);
	const go = () => form.submit(async v => {
		const name = v.name.trim();
		if (!name) throw new ApiError(400, { name: ['Give the token a name, e.g. the program that will use it.'] });
		const r = await api.get('user/token/', { name });
		setCreated(r);
		onDone();
	});
	const copy = async () => {
		try { await navigator.clipboard.writeText(created.token); toast('Key copied'); }
		catch { keyRef.current?.select(); toast('Press Ctrl+C to copy the selected key', 'warn'); }
	};
	if (created) {
		return html`<${Dialog} title="Your new API token" onClose=${onClose}
			footer=${html`<${Button} kind="primary" onClick=${onClose}>Done</${Button}>`}>
			<div class="note note-warn"><${Icon} name="key" /><span>Copy the key now: it is shown this once and never again.</span></div>
			<label class="label" for="newkey">Key for “${created.name}”</label>
			<div class="copyrow"><input id="newkey" ref=${keyRef} class="mono" readonly value=${created.token} onFocus=${e => e.currentTarget.select()} />
				<${Button} icon="copy" onClick=${copy}>Copy</${Button}></div>
			<p class="hint">Programs send it as <code>Authorization: Token …</code>. It expires ${fmtDate(created.expiry, false)}.</p>
		</${Dialog}>`;
	}
	return html`<${Dialog} title="New API token" onClose=${onClose} onSubmit=${go}
		footer=${html`<${Button} onClick=${onClose}>Cancel</${Button}><${Button} kind="primary" type="submit" busy=${form.busy}>Create token</${Button}>`}>
		<${FormErrors} form=${form} fields=${['name']} />
		<${TextField} form=${form} name="name" label="Name" hint="What will use it, e.g. “barcode scanner”. Asking again for an existing name may return the same token." required autofocus />
	</${Dialog}>`;
}

function TokensCard() {
	const list = useApi(() => api.list('user/tokens/'), []);
	const [dialog, setDialog] = useState(null);
	const tokens = (list.data || []).filter(t => !t.revoked);
	return html`<${Card} title="API tokens" actions=${html`<${Button} small icon="plus" onClick=${() => setDialog({ kind: 'new' })}>New token</${Button}>`}>
		<p class="muted card-intro">Scripts and tools such as inventree-python sign in with a token instead of your password.</p>
		${list.loading && !list.data ? html`<${Spinner} />` : list.error ? html`<${ErrorNote} error=${list.error} retry=${list.reload} />`
		: !tokens.length ? html`<${Empty} icon="key" title="No API tokens" />`
		: html`<ul class="list">${tokens.map(t => html`<li key=${t.pk} class="list-row">
			<span class="list-main"><strong>${t.name || 'Token ' + t.pk}</strong>
				${t.in_use && html` <${Badge} tone="info">this session</${Badge}>`}
				${t.active === false && html` <${Badge} tone="neutral">expired</${Badge}>`}
				<div class="cell-sub">Created ${fmtDate(t.created, false)} · expires ${fmtDate(t.expiry, false)}${t.last_seen ? ' · last used ' + fmtDate(typeof t.last_seen === 'number' ? t.last_seen * 1000 : t.last_seen) : ''}</div></span>
			<${Button} small kind="ghost" icon="trash" onClick=${() => setDialog({ kind: 'revoke', token: t })} aria-label=${'Revoke token ' + t.name}>Revoke</${Button}>
		</li>`)}</ul>`}
		${dialog?.kind === 'new' && html`<${NewTokenDialog} onClose=${() => setDialog(null)} onDone=${list.reload} />`}
		${dialog?.kind === 'revoke' && html`<${Confirm} title=${`Revoke “${dialog.token.name}”?`} confirmLabel="Revoke"
			onClose=${ok => { setDialog(null); if (ok) list.reload(); }}
			onConfirm=${async () => { await api.del(`user/tokens/${dialog.token.pk}/`); toast('Token revoked'); }}>
			<p>Programs using this token stop working at once.</p></${Confirm}>`}
	</${Card}>`;
}

export function Account() {
	const s = useStore(session);
	const u = s.user || {};
	const roles = s.roles?.roles || {};
	return html`<div class="page">
		<div class="page-head"><div><h1>My account</h1><p class="page-sub">${u.username}${u.email ? ' · ' + u.email : ''}</p></div></div>
		<div class="grid-2">
			<${Card} title="Profile">
				<dl class="dl">
					<div class="dl-row"><dt>Username</dt><dd>${u.username}</dd></div>
					<div class="dl-row"><dt>Name</dt><dd>${[u.first_name, u.last_name].filter(Boolean).join(' ') || html`<span class="muted">—</span>`}</dd></div>
					<div class="dl-row"><dt>Email</dt><dd>${u.email || html`<span class="muted">—</span>`}</dd></div>
					<div class="dl-row"><dt>Role</dt><dd>${u.is_superuser ? 'Administrator (all permissions)' : u.is_staff ? 'Staff' : 'User'}</dd></div>
				</dl>
				${!u.is_superuser && html`<h3 class="sub-head">What you may do</h3>
					<ul class="perm-list">${Object.entries(roles).filter(([, p]) => p && p.length).map(([k, p]) => html`<li key=${k}><span>${k.replace(/_/g, ' ')}</span><span class="muted">${p.join(', ')}</span></li>`)}</ul>`}
			</${Card}>
			<${PasswordCard} />
		</div>
		<${TokensCard} />
	</div>`;
}
