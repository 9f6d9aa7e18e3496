// Plugins (superusers; docs/plugins.md): the programs installed in
// PLUGINS_DIR, switched on and off and set here, with the last failure of
// each -- so a plugin that misbehaves is seen and stopped without a shell.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api, ApiError } from '../api.js';
import { DataTable } from '../ui/table.js';
import { Button, Card, Dialog, useApi, Spinner, ErrorNote, Empty, Badge, fmtDate, toast, useForm, FormErrors, TextField, CheckField, SelectField } from '../ui/kit.js';

const KIND_LABEL = { validation: 'Validation', url: 'URLs', event: 'Events', barcode: 'Barcode', schedule: 'Schedule' };

function state(p) {
	if (p.problem) return html`<${Badge} tone="bad">Cannot run</${Badge}>`;
	if (p.last_failure) return html`<${Badge} tone="warn">${p.active ? 'Active, failed' : 'Failed'}</${Badge}>`;
	return p.active ? html`<${Badge} tone="ok">Active</${Badge}>` : html`<${Badge} tone="neutral">Inactive</${Badge}>`;
}

/* One field a setting of the manifest: its type decides the input. */
function SettingField({ form, s }) {
	const hint = s.description || undefined;
	if (s.type === 'boolean') return html`<${CheckField} form=${form} name=${s.key} label=${s.name || s.key} hint=${hint} />`;
	if (s.choices?.length)
		return html`<${SelectField} form=${form} name=${s.key} label=${s.name || s.key} hint=${hint}
			options=${s.choices.map(c => (typeof c === 'object' ? { value: c.value, label: c.display_name ?? c.value } : { value: c, label: c }))} />`;
	return html`<${TextField} form=${form} name=${s.key} label=${s.name || s.key} hint=${hint}
		type=${s.type === 'integer' ? 'number' : 'text'} required=${!!s.required} />`;
}

const asForm = s => (s.type === 'boolean' ? /^true$/i.test(String(s.value)) : s.value ?? '');

/* settings: the plugin's, as GET .../settings/ answered them. */
function SettingsDialog({ plugin, settings, onClose }) {
	const form = useForm(Object.fromEntries(settings.map(s => [s.key, asForm(s)])));
	const keys = settings.map(s => s.key);
	// Each changed setting is its own PATCH, in order; the first refused
	// stops there with the server's words on its field.
	const save = () => form.submit(async v => {
		for (const s of settings) {
			if (v[s.key] === asForm(s)) continue;
			try {
				await api.patch(`plugins/${plugin.key}/settings/${s.key}/`, { value: v[s.key] });
			} catch (e) {
				if (e instanceof ApiError && e.data?.value) throw new ApiError(e.status, { [s.key]: e.data.value });
				throw e;
			}
		}
		toast('Settings saved');
		onClose();
	}, keys);
	if (!settings.length)
		return html`<${Dialog} title=${`Settings of ${plugin.name}`} onClose=${onClose}
			footer=${html`<${Button} kind="primary" onClick=${onClose}>Done</${Button}>`}>
			<p class="muted">This plugin takes no settings.</p></${Dialog}>`;
	return html`<${Dialog} title=${`Settings of ${plugin.name}`} onClose=${onClose} onSubmit=${save} wide
		footer=${html`<${Button} onClick=${onClose}>Cancel</${Button}><${Button} kind="primary" type="submit" busy=${form.busy}>Save settings</${Button}>`}>
		<${FormErrors} form=${form} fields=${keys} />
		${settings.map(s => html`<${SettingField} key=${s.key} form=${form} s=${s} />`)}
	</${Dialog}>`;
}

function DetailDialog({ plugin, onClose }) {
	const m = plugin.meta || {};
	return html`<${Dialog} title=${plugin.name} onClose=${onClose}
		footer=${html`<${Button} kind="primary" onClick=${onClose}>Done</${Button}>`}>
		<p>${m.description}</p>
		<dl class="dl">
			<dt>Slug</dt><dd><code>${plugin.key}</code></dd>
			<dt>Version</dt><dd>${m.version || '—'}</dd>
			<dt>Author</dt><dd>${m.author || '—'}</dd>
			<dt>Kinds</dt><dd>${(plugin.kinds || []).map(k => KIND_LABEL[k] || k).join(', ') || '—'}</dd>
		</dl>
		${plugin.problem && html`<div class="note note-error" role="alert"><div><strong>It cannot run:</strong> ${plugin.problem}</div></div>`}
		${plugin.last_failure && html`<div class="note note-warn"><div><strong>Last failure</strong>, ${fmtDate(plugin.last_failure.time)}:
			<div><code>${plugin.last_failure.error}</code></div><div class="hint">Activating or deactivating it clears this.</div></div></div>`}
	</${Dialog}>`;
}

export function Plugins() {
	const list = useApi(() => api.list('plugins/'), []);
	const [dialog, setDialog] = useState(null);
	const [busy, setBusy] = useState(null);
	const flip = async p => {
		setBusy(p.key);
		try {
			await api.patch(`plugins/${p.key}/activate/`, { active: !p.active });
			toast(p.active ? `${p.name} deactivated` : `${p.name} activated`);
			list.reload();
		} catch (e) { toast(e.message, 'error'); } finally { setBusy(null); }
	};
	const settings = async p => {
		setBusy(p.key + ':settings');
		try {
			setDialog({ kind: 'settings', plugin: p, settings: await api.get(`plugins/${p.key}/settings/`) });
		} catch (e) { toast(e.message, 'error'); } finally { setBusy(null); }
	};
	const columns = [
		{ key: 'name', label: 'Plugin', render: p => html`<button type="button" class="link cell-main" onClick=${() => setDialog({ kind: 'detail', plugin: p })}>${p.name}</button>
			<div class="cell-sub hide-sm">${p.meta?.description || ''}</div><div class="show-sm">${state(p)}</div>` },
		{ key: 'kinds', label: 'Kinds', class: 'hide-sm', render: p => html`<span class="cell-sub">${(p.kinds || []).map(k => KIND_LABEL[k] || k).join(', ')}</span>` },
		{ key: 'version', label: 'Version', class: 'hide-sm', render: p => p.meta?.version || '' },
		{ key: 'state', label: 'State', class: 'hide-sm', render: p => html`${state(p)}${p.last_failure && html`<div class="cell-sub">${fmtDate(p.last_failure.time)}</div>`}` },
		{ key: 'act', label: 'Actions', align: 'right', render: p => html`
			<${Button} small kind=${p.active ? 'ghost' : 'primary'} busy=${busy === p.key} disabled=${!!p.problem && !p.active}
				onClick=${() => flip(p)} aria-label=${(p.active ? 'Deactivate ' : 'Activate ') + p.name}>${p.active ? 'Deactivate' : 'Activate'}</${Button}>
			<${Button} small kind="ghost" icon="edit" busy=${busy === p.key + ':settings'} onClick=${() => settings(p)} aria-label=${'Settings of ' + p.name} title="Settings" />` },
	];
	return html`<${Card} title="Plugins">
		<p class="muted card-intro">Programs installed in the server's plugins folder. Only an active plugin runs. One that fails is marked here until it is activated or deactivated again.</p>
		${list.error ? html`<${ErrorNote} error=${list.error} retry=${list.reload} />` : !list.data ? html`<${Spinner} />`
			: !list.data.length ? html`<${Empty} icon="box" title="No plugins installed">Put a plugin's folder in the server's plugins folder (see docs/plugins.md) and it shows here.</${Empty}>`
			: html`<${DataTable} columns=${columns} rows=${list.data} caption="Plugins" />`}
		${dialog?.kind === 'settings' && html`<${SettingsDialog} plugin=${dialog.plugin} settings=${dialog.settings} onClose=${() => setDialog(null)} />`}
		${dialog?.kind === 'detail' && html`<${DetailDialog} plugin=${dialog.plugin} onClose=${() => setDialog(null)} />`}
	</${Card}>`;
}
