// Small building blocks shared by every page: data loading, dialogs,
// labelled form fields that show the API's messages, buttons, toasts.
import { html } from 'htm/preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../api.js';
import { Icon } from './icons.js';

let uid = 0;
export const useId = (p = 'f') => { const r = useRef(null); if (!r.current) r.current = `${p}${++uid}`; return r.current; };

/*
 * useApi(fn, deps) → {data, error, loading, reload}.  fn returns a promise;
 * an answer that arrives after deps changed again is dropped.  A NaN in
 * deps counts as unchanged (hooks compare with !==, and NaN !== NaN would
 * ask again at every render, without end).
 */
export function useApi(fn, deps) {
	const [state, set] = useState({ data: null, error: null, loading: true });
	const seq = useRef(0);
	const run = useCallback(() => {
		const n = ++seq.current;
		set(s => ({ ...s, loading: true }));
		Promise.resolve().then(fn).then(
			data => { if (n === seq.current) set({ data, error: null, loading: false }); },
			error => { if (n === seq.current) set({ data: null, error, loading: false }); });
	}, deps.map(d => (Number.isNaN(d) ? 'NaN' : d)));
	useEffect(run, [run]);
	return { ...state, reload: run };
}

export function useDebounced(value, ms = 250) {
	const [v, set] = useState(value);
	useEffect(() => { const t = setTimeout(() => set(value), ms); return () => clearTimeout(t); }, [value, ms]);
	return v;
}

/* ---- toasts ---------------------------------------------------------- */
const toastSubs = new Set();
let toasts = [];
export function toast(message, kind = 'ok') {
	const t = { id: ++uid, message, kind };
	toasts = [...toasts, t].slice(-3);
	toastSubs.forEach(f => f(toasts));
	setTimeout(() => { toasts = toasts.filter(x => x !== t); toastSubs.forEach(f => f(toasts)); }, kind === 'error' ? 7000 : 3500);
}
export function Toasts() {
	const [list, set] = useState(toasts);
	useEffect(() => { toastSubs.add(set); return () => toastSubs.delete(set); }, []);
	return html`<div class="toasts" role="status" aria-live="polite">
		${list.map(t => html`<div key=${t.id} class=${'toast toast-' + t.kind}>
			<${Icon} name=${t.kind === 'error' ? 'alert' : 'check'} />${t.message}</div>`)}
	</div>`;
}

/* ---- buttons, badges, states ---------------------------------------- */
export function Button({ kind = 'secondary', icon, children, busy, small, class: cls, ...rest }) {
	return html`<button type="button" class=${`btn btn-${kind}${small ? ' btn-sm' : ''}${cls ? ' ' + cls : ''}`}
		disabled=${busy || rest.disabled} aria-busy=${busy ? 'true' : undefined} ...${rest}>
		${icon && html`<${Icon} name=${icon} size=${small ? 15 : 17} />`}${children && html`<span>${children}</span>`}
	</button>`;
}

export function IconButton({ icon, label, ...rest }) {
	return html`<button type="button" class="btn btn-icon" aria-label=${label} title=${label} ...${rest}>
		<${Icon} name=${icon} /></button>`;
}

/*
 * StarButton: the signed-in user's star on a part or category (InvenTree's
 * "starred": a subscription, whose notifications tell when a part runs
 * low).  save(want) stores it; the button shows the state it was given.
 */
export function StarButton({ starred, noun, save }) {
	const [busy, setBusy] = useState(false);
	const go = async () => {
		setBusy(true);
		try {
			await save(!starred);
			toast(starred ? `No longer subscribed to this ${noun}` : `Subscribed: you will be told when this ${noun} runs low`);
		} catch (e) {
			toast(e instanceof ApiError ? e.general().join(' ') : String(e.message || e), 'error');
		} finally { setBusy(false); }
	};
	return html`<button type="button" class=${'btn btn-secondary star-btn' + (starred ? ' is-starred' : '')} aria-pressed=${starred ? 'true' : 'false'}
		disabled=${busy} aria-busy=${busy ? 'true' : undefined} onClick=${go}
		title=${starred ? `Starred: you are told when this ${noun} runs low` : `Star this ${noun} to be told when it runs low`}>
		<${Icon} name="star" size=${17} fill=${starred ? 'currentColor' : undefined} /><span>${starred ? 'Starred' : 'Star'}</span></button>`;
}

export function Badge({ tone = 'neutral', children }) {
	return html`<span class=${'badge badge-' + tone}>${children}</span>`;
}

export function Spinner({ label = 'Loading' }) {
	return html`<div class="spinner-wrap" role="status"><span class="spinner" aria-hidden="true"></span><span class="sr-only">${label}</span></div>`;
}

export function Empty({ icon = 'box', title, children }) {
	return html`<div class="empty"><${Icon} name=${icon} size=${28} /><p class="empty-title">${title}</p>${children && html`<p>${children}</p>`}</div>`;
}

export function ErrorNote({ error, retry }) {
	if (!error) return null;
	const msg = error instanceof ApiError ? error.general().join(' ') : String(error.message || error);
	return html`<div class="note note-error" role="alert"><${Icon} name="alert" /><span>${msg}</span>
		${retry && html`<button type="button" class="link" onClick=${retry}>Try again</button>`}</div>`;
}

export function Card({ title, actions, children, class: cls, id }) {
	const hid = useId('card');
	return html`<section class=${'card ' + (cls || '')} aria-labelledby=${title ? hid : undefined} id=${id}>
		${(title || actions) && html`<header class="card-head"><h2 id=${hid}>${title}</h2><div class="card-actions">${actions}</div></header>`}
		${children}
	</section>`;
}

/* Focus to the page's heading (made focusable), else its main region:
   where a screen reader or a keyboard user carries on. */
export function focusPage() {
	if (document.querySelector('dialog[open]')) return false;
	const h = document.querySelector('#main h1');
	const t = h || document.getElementById('main');
	if (!t) return false;
	if (h && !h.hasAttribute('tabindex')) h.setAttribute('tabindex', '-1');
	t.focus({ preventScroll: true });
	return !!h;
}

/* ---- dialogs (native <dialog>: focus trap, Escape and backdrop) ------- */
export function Dialog({ title, onClose, children, footer, wide, onSubmit, class: cls }) {
	const ref = useRef(null);
	const hid = useId('dlg');
	useEffect(() => {
		const d = ref.current;
		const before = document.activeElement;
		if (d && !d.open) d.showModal();
		const first = d?.querySelector('[autofocus], input:not([type=hidden]):not([disabled]), select, textarea, button.btn-primary');
		first && first.focus();
		// Back to the control that opened the dialog, if it is still there
		// (and shown); else to the page's heading, not the top of the page.
		return () => {
			// Closed first: while it is open and modal, the rest of the
			// page is inert and cannot take focus.
			if (d && d.open) d.close();
			if (before && before.isConnected && before.offsetParent !== null && typeof before.focus === 'function') before.focus();
			else setTimeout(() => focusPage(), 0);
		};
	}, []);
	const submit = e => { e.preventDefault(); onSubmit && onSubmit(); };
	return html`<dialog ref=${ref} class=${'dialog' + (wide ? ' dialog-wide' : '') + (cls ? ' ' + cls : '')} aria-labelledby=${hid}
		onCancel=${e => { e.preventDefault(); onClose(); }}
		onClick=${e => { if (e.target === ref.current) onClose(); }}>
		<form class="dialog-form" onSubmit=${submit} novalidate>
			<header class="dialog-head"><h2 id=${hid}>${title}</h2>
				<${IconButton} icon="close" label="Close" onClick=${onClose} /></header>
			<div class="dialog-body">${children}</div>
			${footer && html`<footer class="dialog-foot">${footer}</footer>`}
		</form>
	</dialog>`;
}

/*
 * useForm(initial) → {values, set, bind, errors, setError, submit, busy}.
 * submit(fn) runs fn(values); an ApiError's field messages land on the
 * fields, the rest in errors.general.
 */
export function useForm(initial) {
	const [values, setValues] = useState(initial);
	const [error, setError] = useState(null);
	const [busy, setBusy] = useState(false);
	const set = (k, v) => setValues(s => ({ ...s, [k]: v }));
	const submit = async (fn, fields = Object.keys(values)) => {
		setBusy(true);
		setError(null);
		try { return await fn(values); }
		catch (e) {
			setError(e instanceof ApiError ? e : new ApiError(0, { detail: String(e.message || e) }));
			if (!(e instanceof ApiError)) console.warn(e);
			return undefined;
		} finally { setBusy(false); }
	};
	const fieldErrors = k => (error ? error.field(k) : []);
	const general = fields => (error ? error.general(fields) : []);
	return { values, set, setValues, error, setError, busy, submit, fieldErrors, general };
}

export function FormErrors({ form, fields }) {
	const msgs = form.general(fields);
	if (!msgs.length) return null;
	return html`<div class="note note-error" role="alert"><${Icon} name="alert" /><div>${msgs.map(m => html`<div>${m}</div>`)}</div></div>`;
}

function FieldShell({ id, label, hint, errors, required, children, class: cls }) {
	return html`<div class=${'field' + (errors?.length ? ' field-invalid' : '') + (cls ? ' ' + cls : '')}>
		<label for=${id}>${label}${required && html`<span class="req" aria-hidden="true"> *</span>`}</label>
		${children}
		${hint && !errors?.length && html`<div class="hint" id=${id + '-hint'}>${hint}</div>`}
		${errors?.length > 0 && html`<div class="field-error" id=${id + '-err'}>${errors.join(' ')}</div>`}
	</div>`;
}

const describedBy = (id, hint, errors) => (errors?.length ? id + '-err' : hint ? id + '-hint' : undefined);

export function TextField({ form, name, label, hint, type = 'text', required, class: cls, ...rest }) {
	const id = useId(name);
	const errors = form.fieldErrors(name);
	return html`<${FieldShell} id=${id} label=${label} hint=${hint} errors=${errors} required=${required} class=${cls}>
		<input id=${id} name=${name} type=${type} value=${form.values[name] ?? ''} required=${required}
			aria-invalid=${errors.length ? 'true' : undefined} aria-describedby=${describedBy(id, hint, errors)}
			onInput=${e => form.set(name, e.currentTarget.value)} ...${rest} />
	</${FieldShell}>`;
}

export function TextArea({ form, name, label, hint, rows = 3, class: cls, ...rest }) {
	const id = useId(name);
	const errors = form.fieldErrors(name);
	return html`<${FieldShell} id=${id} label=${label} hint=${hint} errors=${errors} class=${cls}>
		<textarea id=${id} name=${name} rows=${rows} value=${form.values[name] ?? ''}
			aria-invalid=${errors.length ? 'true' : undefined} aria-describedby=${describedBy(id, hint, errors)}
			onInput=${e => form.set(name, e.currentTarget.value)} ...${rest}></textarea>
	</${FieldShell}>`;
}

/* options: [{value, label}] */
export function SelectField({ form, name, label, hint, options, class: cls, ...rest }) {
	const id = useId(name);
	const errors = form.fieldErrors(name);
	const v = form.values[name];
	return html`<${FieldShell} id=${id} label=${label} hint=${hint} errors=${errors} class=${cls}>
		<select id=${id} name=${name} aria-invalid=${errors.length ? 'true' : undefined}
			aria-describedby=${describedBy(id, hint, errors)}
			onChange=${e => form.set(name, e.currentTarget.value)} ...${rest}>
			${options.map(o => html`<option value=${o.value} selected=${String(v ?? '') === String(o.value)}>${o.label}</option>`)}
		</select>
	</${FieldShell}>`;
}

export function CheckField({ form, name, label, hint }) {
	const id = useId(name);
	const errors = form.fieldErrors(name);
	return html`<div class=${'check' + (errors.length ? ' field-invalid' : '')}>
		<input type="checkbox" id=${id} checked=${!!form.values[name]}
			onChange=${e => form.set(name, e.currentTarget.checked)} />
		<label for=${id}>${label}${hint && html`<span class="hint"> — ${hint}</span>`}</label>
		${errors.length > 0 && html`<div class="field-error">${errors.join(' ')}</div>`}
	</div>`;
}

/* ---- confirmation ---------------------------------------------------- */
export function Confirm({ title, children, confirmLabel = 'Delete', danger = true, onConfirm, onClose }) {
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState(null);
	const go = async () => {
		setBusy(true); setError(null);
		try { await onConfirm(); onClose(true); } catch (e) { setError(e); setBusy(false); }
	};
	return html`<${Dialog} title=${title} onClose=${() => onClose(false)} onSubmit=${go}
		footer=${html`<${Button} onClick=${() => onClose(false)}>Cancel</${Button}>
			<${Button} kind=${danger ? 'danger' : 'primary'} type="submit" busy=${busy}>${confirmLabel}</${Button}>`}>
		${children}<${ErrorNote} error=${error} />
	</${Dialog}>`;
}

/*
 * A quantity as typed, for the API: the digit grouping the page displays
 * (fmtQty: "1,790" in English, "1.790" in German, "1 790" in French) is
 * taken out and the locale's decimal mark made a point, when the text is
 * grouped as that locale groups; anything else is sent as typed, for the
 * server to accept or explain ("1,5" in English is not 15).
 */
const numParts = new Intl.NumberFormat().formatToParts(12345.5);
const GROUP = numParts.find(p => p.type === 'group')?.value || ',';
const DECIMAL = numParts.find(p => p.type === 'decimal')?.value || '.';
const esc = c => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const GROUP_RE = new RegExp(`^-?\\d{1,3}(?:${GROUP.trim() ? esc(GROUP) : '[\\s\u00a0\u202f]'}\\d{3})+(?:${esc(DECIMAL)}\\d+)?$`);
export function qtyIn(text) {
	const t = String(text ?? '').trim();
	if (GROUP_RE.test(t)) {
		const digits = t.replace(GROUP.trim() ? new RegExp(esc(GROUP), 'g') : /[\s\u00a0\u202f]/g, '');
		return DECIMAL === '.' ? digits : digits.replace(DECIMAL, '.');
	}
	if (DECIMAL !== '.' && new RegExp(`^-?\\d+${esc(DECIMAL)}\\d+$`).test(t)) return t.replace(DECIMAL, '.');
	return t;
}

/* A server message's numbers as the page shows them: "(1290.0)" → "(1,290)". */
export const tidyNumbers = m => String(m).replace(/-?\d+\.\d+|-?\d{4,}/g, n => fmtQty(n));

/*
 * The page of one record (a part, an item, a location...) that did not
 * load: "not found" with a way back when the server says it does not
 * exist (404), else why, with Try again.
 */
export function LoadFailed({ error, retry, noun, id, back, backLabel }) {
	const missing = error?.status === 404;
	const Cap = noun.charAt(0).toUpperCase() + noun.slice(1);
	return html`<div class="page page-missing"><div class="page-head"><div>
		<h1 tabindex="-1">${missing ? `${Cap} not found` : `The ${noun} did not load`}</h1>
		<p class="page-sub">${missing ? `There is no ${noun} ${id != null ? '#' + id + ' ' : ''}here: it may have been deleted, or the link is wrong.`
			: ''}</p></div></div>
		${!missing && html`<${ErrorNote} error=${error} retry=${retry} />`}
		<p><a href=${back.replace(/^\//, '')} onClick=${e => { e.preventDefault(); import('../router.js').then(r => r.navigate(back)); }}>${backLabel}</a></p>
	</div>`;
}

/* ---- formatting ------------------------------------------------------ */
export function fmtQty(q, units) {
	if (q === null || q === undefined || q === '') return '—';
	const n = Number(q);
	const s = Number.isFinite(n) ? n.toLocaleString(undefined, { maximumFractionDigits: 5 }) : String(q);
	return units ? `${s} ${units}` : s;
}
export function fmtDate(d, withTime = true) {
	if (!d) return '—';
	const t = new Date(d);
	if (Number.isNaN(t.getTime())) return String(d);
	return withTime
		? t.toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' })
		: t.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}
export function relTime(d) {
	const t = new Date(d).getTime();
	if (!Number.isFinite(t)) return '';
	const s = Math.round((Date.now() - t) / 1000);
	if (s < 60) return 'just now';
	if (s < 3600) return `${Math.round(s / 60)} min ago`;
	if (s < 86400) return `${Math.round(s / 3600)} h ago`;
	if (s < 86400 * 14) return `${Math.round(s / 86400)} d ago`;
	return fmtDate(d, false);
}
export const fmtInt = n => (Number(n) || 0).toLocaleString();

export { api };
