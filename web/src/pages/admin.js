// Administration (superusers): users, groups with their rule sets as a
// grid of checkboxes, the audit log, the webhooks, the plugins, the
// parameter templates and category defaults, the custom units and the
// KiCad library's categories.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../api.js';
import { isSuperuser, session } from '../session.js';
import { Link, useRoute, setQuery } from '../router.js';
import { DataTable, Pager } from '../ui/table.js';
import { Webhooks } from './webhooks.js';
import { Plugins } from './plugins.js';
import { Units } from './units.js';
import { ParameterAdmin } from './paramadmin.js';
import { KiCad } from './kicad.js';
import { Button, Card, Dialog, useApi, Spinner, ErrorNote, Empty, Badge, fmtDate, toast, useForm, FormErrors, TextField, CheckField, Confirm } from '../ui/kit.js';

export const RULESETS = [
	['admin', 'Administration'], ['part_category', 'Part categories'], ['part', 'Parts'],
	['stock_location', 'Stock locations'], ['stock', 'Stock items'], ['build', 'Build orders'],
	['purchase_order', 'Purchase orders'], ['sales_order', 'Sales orders'], ['return_order', 'Return orders'],
];
const PERMS = ['view', 'add', 'change', 'delete'];

/*
 * Groups carry their rule sets as either {name: ["view", ...]} or a list
 * of {name, can_view, can_add, ...} (InvenTree's role_detail).  Read both
 * into {name: Set}; write back in the shape the server used.
 */
function readRules(g) {
	const src = g?.roles ?? g?.rule_sets ?? g?.rulesets ?? g?.permissions ?? {};
	const out = {};
	for (const [k] of RULESETS) out[k] = new Set();
	if (Array.isArray(src)) {
		for (const r of src) {
			const n = r.name || r.ruleset;
			if (!n) continue;
			out[n] = new Set(PERMS.filter(p => r['can_' + p] || (Array.isArray(r.permissions) && r.permissions.includes(p))));
		}
	} else if (src && typeof src === 'object') {
		for (const [n, v] of Object.entries(src)) out[n] = new Set(Array.isArray(v) ? v : Object.entries(v || {}).filter(([, b]) => b).map(([p]) => p.replace(/^can_/, '')));
	}
	return out;
}
function rulesKey(g) {
	for (const k of ['roles', 'rule_sets', 'rulesets']) if (g && k in g) return k;
	return 'roles';
}
function writeRules(g, rules) {
	const key = rulesKey(g);
	const src = g?.[key];
	if (Array.isArray(src)) {
		return { [key]: Object.entries(rules).map(([name, s]) => ({ name, ...Object.fromEntries(PERMS.map(p => ['can_' + p, s.has(p)])) })) };
	}
	return { [key]: Object.fromEntries(Object.entries(rules).map(([n, s]) => [n, PERMS.filter(p => s.has(p))])) };
}

function RuleGrid({ rules, onChange }) {
	// Granting add, change or delete implies view; add or delete imply change.
	const flip = (n, p, on) => {
		const s = new Set(rules[n]);
		if (on) { s.add(p); if (p !== 'view') s.add('view'); if (p === 'add' || p === 'delete') s.add('change'); }
		else { s.delete(p); if (p === 'view') s.clear(); if (p === 'change') { s.delete('add'); s.delete('delete'); } }
		onChange({ ...rules, [n]: s });
	};
	return html`<div class="table-wrap"><table class="table table-compact rule-grid">
		<caption class="sr-only">Permissions by rule set</caption>
		<thead><tr><th scope="col">Rule set</th>${PERMS.map(p => html`<th scope="col" class="center">${p[0].toUpperCase() + p.slice(1)}</th>`)}</tr></thead>
		<tbody>${RULESETS.map(([n, label]) => html`<tr key=${n}><th scope="row">${label}</th>
			${PERMS.map(p => html`<td class="center"><input type="checkbox" aria-label=${`${label}: ${p}`}
				checked=${rules[n]?.has(p)} onChange=${e => flip(n, p, e.currentTarget.checked)} /></td>`)}</tr>`)}</tbody>
	</table></div>`;
}

function GroupDialog({ group, onClose, onDone }) {
	const form = useForm({ name: group?.name || '' });
	const [rules, setRules] = useState(() => readRules(group));
	const go = () => form.submit(async v => {
		const body = { name: v.name.trim(), ...writeRules(group, rules) };
		if (group) await api.patch(`user/group/${group.pk}/`, body); else await api.post('user/group/', body);
		toast(group ? 'Group saved' : 'Group created');
		onDone();
	}, ['name', rulesKey(group)]);
	return html`<${Dialog} title=${group ? `Group “${group.name}”` : 'New group'} onClose=${onClose} onSubmit=${go} wide
		footer=${html`<${Button} onClick=${onClose}>Cancel</${Button}><${Button} kind="primary" type="submit" busy=${form.busy}>${group ? 'Save group' : 'Create group'}</${Button}>`}>
		<${FormErrors} form=${form} fields=${['name']} />
		<${TextField} form=${form} name="name" label="Name" required autofocus />
		<p class="hint">Add, change or delete include view; add and delete include change.</p>
		<${RuleGrid} rules=${rules} onChange=${setRules} />
	</${Dialog}>`;
}

function userGroups(u) {
	return (u.groups || []).map(g => (typeof g === 'object' ? g.pk : g));
}

function UserDialog({ user, groups, onClose, onDone }) {
	const form = useForm({
		username: user?.username || '', first_name: user?.first_name || '', last_name: user?.last_name || '',
		email: user?.email || '', password: '', is_active: user ? !!user.is_active : true,
		is_staff: !!user?.is_staff, is_superuser: !!user?.is_superuser,
	});
	const [gs, setGs] = useState(() => new Set(user ? userGroups(user) : []));
	const go = () => form.submit(async v => {
		const body = { username: v.username.trim(), first_name: v.first_name, last_name: v.last_name, email: v.email.trim(),
			is_active: v.is_active, is_staff: v.is_staff, is_superuser: v.is_superuser, groups: [...gs] };
		if (v.password) body.password = v.password;
		if (!user && !v.password) throw new ApiError(400, { password: ['Give the new user a password.'] });
		if (user) await api.patch(`user/${user.pk}/`, body); else await api.post('user/', body);
		toast(user ? 'User saved' : `User ${body.username} created`);
		onDone();
	});
	return html`<${Dialog} title=${user ? `Edit ${user.username}` : 'New user'} onClose=${onClose} onSubmit=${go} wide
		footer=${html`<${Button} onClick=${onClose}>Cancel</${Button}><${Button} kind="primary" type="submit" busy=${form.busy}>${user ? 'Save user' : 'Create user'}</${Button}>`}>
		<${FormErrors} form=${form} fields=${['username', 'first_name', 'last_name', 'email', 'password', 'is_active', 'is_staff', 'is_superuser', 'groups']} />
		<div class="form-grid">
			<${TextField} form=${form} name="username" label="Username" required autofocus autocomplete="off" />
			<${TextField} form=${form} name="email" label="Email" type="email" />
			<${TextField} form=${form} name="first_name" label="First name" />
			<${TextField} form=${form} name="last_name" label="Last name" />
			<${TextField} form=${form} name="password" label=${user ? 'New password' : 'Password'} type="password" autocomplete="new-password"
				hint=${user ? 'Leave empty to keep the current one.' : ''} class="span-2" />
		</div>
		<fieldset class="flags"><legend>Account</legend>
			<${CheckField} form=${form} name="is_active" label="Active" hint="may sign in" />
			<${CheckField} form=${form} name="is_staff" label="Staff" />
			<${CheckField} form=${form} name="is_superuser" label="Administrator" hint="every permission" />
		</fieldset>
		<fieldset class="flags"><legend>Groups</legend>
			${!groups.length && html`<span class="muted">No groups yet.</span>`}
			${groups.map(g => html`<label key=${g.pk} class="check"><input type="checkbox" checked=${gs.has(g.pk)}
				onChange=${e => { const s = new Set(gs); e.currentTarget.checked ? s.add(g.pk) : s.delete(g.pk); setGs(s); }} /> ${g.name}</label>`)}
			${form.fieldErrors('groups').length > 0 && html`<div class="field-error">${form.fieldErrors('groups').join(' ')}</div>`}
		</fieldset>
	</${Dialog}>`;
}

function Users() {
	const users = useApi(() => api.list('user/'), []);
	const groups = useApi(() => api.list('user/group/').catch(() => []), []);
	const [dialog, setDialog] = useState(null);
	const me = session.get().user?.pk;
	const gname = pk => (groups.data || []).find(g => g.pk === pk)?.name || '#' + pk;
	const columns = [
		{ key: 'username', label: 'User', render: u => html`<button type="button" class="link cell-main" onClick=${() => setDialog({ kind: 'edit', user: u })}>${u.username}</button>
			<div class="cell-sub">${[u.first_name, u.last_name].filter(Boolean).join(' ')}${u.email ? ' · ' + u.email : ''}</div>` },
		{ key: 'role', label: 'Role', render: u => html`${u.is_superuser ? html`<${Badge} tone="info">Administrator</${Badge}>` : u.is_staff ? html`<${Badge} tone="neutral">Staff</${Badge}>` : ''}
			${!u.is_active && html` <${Badge} tone="bad">Inactive</${Badge}>`}` },
		{ key: 'groups', label: 'Groups', class: 'hide-sm', render: u => userGroups(u).map(gname).join(', ') || html`<span class="muted">—</span>` },
		{ key: 'last', label: 'Last sign-in', class: 'hide-sm', render: u => html`<span class="cell-sub">${u.last_login ? fmtDate(u.last_login) : 'never'}</span>` },
		{ key: 'act', label: 'Actions', align: 'right', render: u => html`<${Button} small kind="ghost" icon="edit" onClick=${() => setDialog({ kind: 'edit', user: u })} aria-label=${'Edit ' + u.username} />
			${u.pk !== me && html`<${Button} small kind="ghost" icon="trash" onClick=${() => setDialog({ kind: 'delete', user: u })} aria-label=${'Delete ' + u.username} />`}` },
	];
	return html`<${Card} title="Users" actions=${html`<${Button} small kind="primary" icon="plus" onClick=${() => setDialog({ kind: 'new' })}>New user</${Button}>`}>
		${users.error ? html`<${ErrorNote} error=${users.error} retry=${users.reload} />` : !users.data ? html`<${Spinner} />`
			: html`<${DataTable} columns=${columns} rows=${users.data} caption="Users" exportFrom=${{ path: 'user/' }} />`}
		${(dialog?.kind === 'new' || dialog?.kind === 'edit') && html`<${UserDialog} user=${dialog.user} groups=${groups.data || []}
			onClose=${() => setDialog(null)} onDone=${() => { setDialog(null); users.reload(); }} />`}
		${dialog?.kind === 'delete' && html`<${Confirm} title=${`Delete ${dialog.user.username}?`} onClose=${ok => { setDialog(null); if (ok) users.reload(); }}
			onConfirm=${async () => { await api.del(`user/${dialog.user.pk}/`); toast('User deleted'); }}>
			<p>The account is removed and its sessions and tokens end. History entries keep their records. To keep the account but stop sign-ins, make it inactive instead.</p></${Confirm}>`}
	</${Card}>`;
}

function Groups() {
	const groups = useApi(() => api.list('user/group/', { role_detail: true }), []);
	const [dialog, setDialog] = useState(null);
	const open = async g => {
		try { setDialog({ kind: 'edit', group: await api.get(`user/group/${g.pk}/`, { role_detail: true }) }); }
		catch (e) { toast(e.message, 'error'); }
	};
	const summary = g => {
		const r = readRules(g);
		const on = RULESETS.filter(([n]) => r[n]?.size).map(([n, l]) => `${l} (${[...r[n]].filter(p => p !== 'view').join(', ') || 'view'})`);
		return on.join(' · ') || 'no permissions';
	};
	const columns = [
		{ key: 'name', label: 'Group', render: g => html`<button type="button" class="link cell-main" onClick=${() => open(g)}>${g.name}</button>` },
		{ key: 'rules', label: 'Permissions', render: g => html`<span class="cell-sub">${summary(g)}</span>` },
		{ key: 'act', label: 'Actions', align: 'right', render: g => html`<${Button} small kind="ghost" icon="edit" onClick=${() => open(g)} aria-label=${'Edit ' + g.name} />
			<${Button} small kind="ghost" icon="trash" onClick=${() => setDialog({ kind: 'delete', group: g })} aria-label=${'Delete ' + g.name} />` },
	];
	return html`<${Card} title="Groups" actions=${html`<${Button} small kind="primary" icon="plus" onClick=${() => setDialog({ kind: 'new', group: groups.data?.[0] ? { [rulesKey(groups.data[0])]: Array.isArray(groups.data[0][rulesKey(groups.data[0])]) ? [] : {} } : null })}>New group</${Button}>`}>
		<p class="muted card-intro">A user may do what any of their groups allows. Administrators may do everything.</p>
		${groups.error ? html`<${ErrorNote} error=${groups.error} retry=${groups.reload} />` : !groups.data ? html`<${Spinner} />`
			: html`<${DataTable} columns=${columns} rows=${groups.data} caption="Groups" empty="No groups yet." exportFrom=${{ path: 'user/group/' }} />`}
		${dialog?.kind === 'new' && html`<${GroupDialog} group=${null} onClose=${() => setDialog(null)} onDone=${() => { setDialog(null); groups.reload(); }} />`}
		${dialog?.kind === 'edit' && html`<${GroupDialog} group=${dialog.group} onClose=${() => setDialog(null)} onDone=${() => { setDialog(null); groups.reload(); }} />`}
		${dialog?.kind === 'delete' && html`<${Confirm} title=${`Delete group ${dialog.group.name}?`} onClose=${ok => { setDialog(null); if (ok) groups.reload(); }}
			onConfirm=${async () => { await api.del(`user/group/${dialog.group.pk}/`); toast('Group deleted'); }}>
			<p>Its members lose the permissions it gave them.</p></${Confirm}>`}
	</${Card}>`;
}

function Audit() {
	const { query } = useRoute();
	const offset = Number(query.get('offset')) || 0;
	const limit = 50;
	const list = useApi(() => api.page('admin/audit/', { limit, offset }), [offset]);
	const rows = list.data?.results || [];
	const skip = new Set(['pk', 'id']);
	const keys = rows.length ? Object.keys(rows[0]).filter(k => !skip.has(k)).slice(0, 7) : [];
	const show = v => (v == null || v === '' ? html`<span class="muted">—</span>` : typeof v === 'object' ? JSON.stringify(v)
		: typeof v === 'boolean' ? (v ? 'yes' : 'no') : /^\d{4}-\d\d-\d\dT/.test(String(v)) ? fmtDate(v) : String(v));
	const columns = keys.map(k => ({ key: k, label: k.replace(/_/g, ' ').replace(/^./, c => c.toUpperCase()), render: r => show(r[k]) }));
	return html`<${Card} title="Audit log">
		<p class="muted card-intro">Sign-ins, permission changes and other security events, newest first.</p>
		${list.error ? html`<${ErrorNote} error=${list.error} retry=${list.reload} />` : !list.data ? html`<${Spinner} />`
			: !rows.length ? html`<${Empty} icon="shield" title="The audit log is empty" />`
			: html`<${DataTable} columns=${columns} rows=${rows} caption="Audit log" exportFrom=${{ path: 'admin/audit/' }} rowKey=${r => r.pk ?? r.id ?? JSON.stringify(r)} />
				<${Pager} count=${list.data.count} offset=${offset} limit=${limit} onChange=${o => setQuery({ offset: o || '' })} />`}
	</${Card}>`;
}

export function Admin({ tab = 'users' }) {
	// On a phone the tabs scroll sideways: keep the chosen one in sight.
	useEffect(() => { document.querySelector('.tabs .tab.is-active')?.scrollIntoView({ block: 'nearest', inline: 'nearest' }); }, [tab]);
	if (!isSuperuser()) return html`<div class="page"><h1>Administration</h1><p>Only administrators may see this page.</p></div>`;
	const tabs = [['users', 'Users'], ['groups', 'Groups'], ['audit', 'Audit log'], ['webhooks', 'Webhooks'], ['plugins', 'Plugins'], ['parameters', 'Parameters'], ['units', 'Units'], ['kicad', 'KiCad']];
	return html`<div class="page">
		<div class="page-head"><div><h1>Administration</h1><p class="page-sub">Who may sign in and what they may do; webhooks, plugins, parameters, units and the KiCad library.</p></div></div>
		<nav class="tabs" aria-label="Administration">${tabs.map(([k, l]) => html`<${Link} key=${k} to=${'/admin/' + k}
			class=${'tab' + (tab === k ? ' is-active' : '')} aria-current=${tab === k ? 'page' : undefined}>${l}</${Link}>`)}</nav>
		${tab === 'users' ? html`<${Users} />` : tab === 'groups' ? html`<${Groups} />` : tab === 'audit' ? html`<${Audit} />` : tab === 'webhooks' ? html`<${Webhooks} />` : tab === 'plugins' ? html`<${Plugins} />` : tab === 'parameters' ? html`<${ParameterAdmin} />` : tab === 'units' ? html`<${Units} />` : tab === 'kicad' ? html`<${KiCad} />` : html`<p>Unknown section.</p>`}
	</div>`;
}
