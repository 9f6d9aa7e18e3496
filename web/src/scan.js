// Scanning (issue 19): the scanner dialog (camera and typed codes), what a
// scan does, and scanners that type like a keyboard.
//
// A scanned text goes to the server's POST /api/barcode/ (InvenTree's
// barcode scan: its short form INV-SI12, its JSON {"stockitem": 12}, or a
// barcode linked to an object), which answers the part, stock item or
// location it names.  In the ordinary mode the scan opens that page; in
// the move mode a scanned location becomes the destination and every
// stock item scanned after it is transferred there (POST
// /api/stock/transfer/, the whole item).  A dialog may take the scans
// itself (useScanHandler, and openScanner's custom mode): the count / add /
// remove / transfer dialogs add each scanned stock item to their list, the
// purchase order's receive dialog ticks the line a scanned part names.
//
// The camera is read with the browser's BarcodeDetector where it has one
// for QR, DataMatrix and Code 128, else with zxing-wasm (scan-decoder.js),
// which is its own chunk: fetched when the scanner first needs it, never
// with the first page.
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError } from './api.js';
import { navigate, href } from './router.js';
import { createStore, useStore, can } from './session.js';
import { invalidate } from './data.js';
import { Dialog, Button, toast, useId, fmtQty } from './ui/kit.js';
import { Icon } from './ui/icons.js';

export const scanState = createStore({ open: false, move: false, target: null, custom: null });
/* Bumped after the scanner moved stock, for pages that show it. */
export const stockMoved = createStore({ n: 0 });

/* Opens the scanner; move: scanned items go to target {pk, name};
   custom: a dialog's own use of scans, {title, hint, onScan(text)}, where
   onScan answers {tone, text, to?, close?} (said in the scanner's list;
   close: the scanner closes, e.g. to let the user type a quantity). */
export function openScanner({ move = false, target = null, custom = null } = {}) {
	scanState.set({ open: true, move, target, custom });
}

const PAGE = { part: '/part/', stockitem: '/stock/', stocklocation: '/locations/', purchaseorder: '/order/', build: '/build/' };
export const WHAT = { part: 'part', stockitem: 'stock item', stocklocation: 'location', supplierpart: 'supplier part',
	manufacturerpart: 'manufacturer part', purchaseorder: 'purchase order', build: 'build order' };
/* The page of a scanned object: a supplier's or manufacturer's part opens
   its part's page. */
const pageOf = m => (m.model === 'supplierpart' || m.model === 'manufacturerpart'
	? PAGE.part + m.instance.part : PAGE[m.model] + m.pk);
const short = s => (s.length > 60 ? s.slice(0, 57) + '…' : s);
export const noMatch = text => `Nothing matches “${short(text)}”: no part, stock item, location or order here has that code.`;

/* The object a scanned text names: {model, pk, instance}, or null. */
export async function lookup(text) {
	try {
		const r = await api.post('barcode/', { barcode: text });
		for (const model of Object.keys(WHAT))
			if (r && r[model]) return { model, pk: r[model].pk, instance: r[model].instance || {} };
		return null;
	} catch (e) {
		if (e instanceof ApiError && e.status === 400 && e.body.error) return null;
		throw e;
	}
}

const label = m => {
	const i = m.instance;
	if (m.model === 'part') return i.full_name || i.name || `part ${m.pk}`;
	if (m.model === 'stocklocation') return i.pathstring || i.name || `location ${m.pk}`;
	if (m.model === 'stockitem') return `stock item #${m.pk}`;
	return i.SKU || i.MPN || i.reference || `#${m.pk}`;
};

/* The handlers of the open dialogs, the newest last: the newest receives
   the scans (typed scanners, the scanner's field and camera); with none, a
   scan opens what it names. */
const handlers = [];

/* While a component is mounted, scans go to fn(text) (a dialog that takes
   scans itself, e.g. counting; the scanner opened over it comes after). */
export function useScanHandler(fn) {
	const ref = useRef(fn);
	ref.current = fn;
	useEffect(() => {
		const h = t => ref.current(t);
		handlers.push(h);
		return () => { const i = handlers.lastIndexOf(h); if (i >= 0) handlers.splice(i, 1); };
	}, []);
}

export async function scanned(text) {
	text = String(text || '').trim();
	if (!text) return;
	if (handlers.length) { handlers[handlers.length - 1](text); return; }
	try {
		const m = await lookup(text);
		if (m) navigate(pageOf(m));
		else toast(noMatch(text), 'error');
	} catch (e) {
		toast(e.message || String(e), 'error');
	}
}

/*
 * Scanners that type like a keyboard (USB or Bluetooth, "keyboard wedge"):
 * a burst of at least 4 characters, each within 60 ms of the one before,
 * ended by Enter, anywhere in the app but in a field the user types in
 * (there the characters go into the field, as typed).  People do not type
 * that fast; scanners do.
 */
const BURST_GAP = 60;
const BURST_MIN = 4;

export function listenForWedge() {
	let buf = '', last = 0;
	const onKey = e => {
		if (e.key === 'Shift' || e.key === 'CapsLock') return;
		const t = e.target;
		if (e.ctrlKey || e.altKey || e.metaKey || e.isComposing
			|| (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName)))) { buf = ''; return; }
		// When the key was pressed (for real keys the system's time, so a
		// busy page does not break a burst apart), not when we see it.
		const now = e.timeStamp || performance.now();
		if (now - last > BURST_GAP) buf = '';
		last = now;
		if (e.key === 'Enter') {
			const s = buf;
			buf = '';
			if (s.length >= BURST_MIN) {
				e.preventDefault();
				e.stopPropagation();
				scanned(s);
			}
		} else if (e.key.length === 1) buf += e.key;
		else buf = '';
	};
	window.addEventListener('keydown', onKey, true);
	return () => window.removeEventListener('keydown', onKey, true);
}

/* The Scan button of the shell (header on phones, sidebar on desktops). */
export function ScanButton({ class: cls }) {
	return html`<button type="button" class=${'btn scan-btn ' + (cls || '')} onClick=${() => openScanner()}
		aria-haspopup="dialog"><${Icon} name="scan" size=${20} /><span>Scan</span></button>`;
}

/* The scanner, when open (rendered once, by the shell). */
export function Scanner() {
	const s = useStore(scanState);
	return s.open ? html`<${ScannerDialog} key=${s.move + ':' + (s.target?.pk ?? '') + ':' + (s.custom ? 'c' : '')} move=${s.move} target=${s.target}
		custom=${s.custom} onClose=${() => scanState.set({ open: false })} />` : null;
}

/* A detector for ImageData: the browser's, else zxing-wasm's. */
async function makeDetector() {
	const want = ['qr_code', 'data_matrix', 'code_128'];
	if (typeof window.BarcodeDetector === 'function') {
		try {
			const have = await window.BarcodeDetector.getSupportedFormats();
			if (want.every(f => have.includes(f))) {
				const d = new window.BarcodeDetector({ formats: want });
				return { name: 'browser', detect: async img => (await d.detect(img)).map(b => b.rawValue) };
			}
		} catch { /* the decoder below */ }
	}
	const m = await import('./scan-decoder.js');
	return m.createDecoder();
}

function cameraMessage(e) {
	const n = e && e.name;
	if (n === 'NotAllowedError' || n === 'SecurityError') return 'The camera may not be used (refused in the browser). Type the code below instead.';
	if (n === 'NotFoundError' || n === 'OverconstrainedError') return 'No camera found. Type the code below, or use a scanner that types.';
	if (n === 'NotReadableError') return 'The camera is in use by another app. Type the code below instead.';
	return `The camera could not start (${(e && e.message) || e}). Type the code below instead.`;
}

function ScannerDialog({ move: move0, target: target0, custom, onClose }) {
	const [move, setMove] = useState(move0);
	const [target, setTarget] = useState(target0);
	const [code, setCode] = useState('');
	const [camera, setCamera] = useState('starting');	// starting | on | off
	const [camMsg, setCamMsg] = useState('');
	const [reader, setReader] = useState(false);	// the decoder is ready
	const [log, setLog] = useState([]);		// newest first: {id, tone, text, to}
	const [busy, setBusy] = useState(false);
	const videoRef = useRef(null);
	const inputRef = useRef(null);
	const state = useRef({ move: move0, target: target0, busy: false, last: '', lastAt: 0, seq: 0 });
	const cid = useId('code');
	const mayMove = can('stock', 'change');
	state.current.move = move;
	state.current.target = target;
	useEffect(() => () => { state.current.closed = true; }, []);	// queued scans are dropped

	// No camera: the typed field is what is left (unless the user moved on).
	const noCamera = msg => {
		setCamera('off');
		setCamMsg(msg);
		if (document.activeElement?.classList.contains('scan-view')) inputRef.current?.focus();
	};

	const say = (tone, text, to) => setLog(l => [{ id: ++state.current.seq, tone, text, to }, ...l].slice(0, 3));

	// Scans are handled one at a time, in the order they came: a scanner
	// that types may send the next code before the last one's answer.
	// The camera sees a code many times a second: once is enough, and
	// nothing while a scan is being handled (it sees the code again).
	const handle = (text, source) => {
		const st = state.current;
		const now = Date.now();
		if (source === 'camera' && (st.busy || (text === st.last && now - st.lastAt < 4000))) return;
		st.last = text; st.lastAt = now;
		st.queue = (st.queue || Promise.resolve()).then(() => (st.closed ? null : handleOne(text)));
	};
	const handleOne = async text => {
		const st = state.current;
		st.busy = true; setBusy(true);
		try {
			if (custom) {
				const r = await custom.onScan(text);
				if (r?.close) { onClose(); return; }
				if (r) say(r.tone || 'ok', r.text, r.to);
				return;
			}
			const m = await lookup(text);
			if (!m) { say('error', noMatch(text)); return; }
			if (!st.move) {
				onClose();
				navigate(pageOf(m));
				return;
			}
			if (m.model === 'stocklocation') {
				st.target = { pk: m.pk, name: label(m) };	// for a scan queued behind this one
				setTarget(st.target);
				say('ok', `Moving to ${label(m)}: now scan the items.`, PAGE.stocklocation + m.pk);
				return;
			}
			if (m.model !== 'stockitem') { say('error', `That is the ${WHAT[m.model]} ${label(m)}: scan a stock item or a location.`, pageOf(m)); return; }
			if (!st.target) { say('error', `Scan the location to move to first (that was stock item #${m.pk}).`); return; }
			const it = await api.get(`stock/${m.pk}/`, { part_detail: true });
			const name = `${it.part_detail?.full_name || it.part_detail?.name || 'Part ' + it.part} #${it.pk}`;
			if (it.location === st.target.pk) { say('info', `${name} is already in ${st.target.name}.`, PAGE.stockitem + it.pk); return; }
			await api.post('stock/transfer/', { items: [{ pk: it.pk, quantity: String(it.quantity) }],
				location: st.target.pk, notes: 'Moved by scanning' });
			invalidate('location');
			stockMoved.set({ n: stockMoved.get().n + 1 });
			say('ok', `Moved ${name} (${fmtQty(it.quantity, it.part_detail?.units)}) to ${st.target.name}.`, PAGE.stockitem + it.pk);
		} catch (e) {
			say('error', e instanceof ApiError ? e.general().join(' ') : String(e.message || e));
		} finally {
			st.busy = false; setBusy(false);
		}
	};

	// Typed scanners and the manual field come here while the dialog is open.
	useScanHandler(t => handle(t, 'keyboard'));

	// The camera: preview, and a frame to the detector five times a second.
	useEffect(() => {
		let stream = null, timer = 0, stopped = false;
		const stop = () => {
			stopped = true;
			clearTimeout(timer);
			if (stream) for (const t of stream.getTracks()) t.stop();
		};
		(async () => {
			if (!navigator.mediaDevices?.getUserMedia) {
				noCamera(window.isSecureContext ? 'This browser has no camera access. Type the code below instead.'
					: 'The camera needs the page over HTTPS. Type the code below instead.');
				return;
			}
			try {
				stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 } }, audio: false });
			} catch (e) {
				if (!stopped) noCamera(cameraMessage(e));
				return;
			}
			if (stopped) { stop(); return; }
			const v = videoRef.current;
			v.srcObject = stream;
			await v.play().catch(() => {});
			setCamera('on');
			let detector;
			try {
				detector = await makeDetector();
				if (!stopped) setReader(true);
			} catch (e) {
				if (!stopped) setCamMsg(`The barcode reader could not be loaded (${e.message || e}). Type the code below instead.`);
				return;
			}
			const canvas = document.createElement('canvas');
			const g = canvas.getContext('2d', { willReadFrequently: true });
			const tick = async () => {
				if (stopped) return;
				try {
					if (v.readyState >= 2 && v.videoWidth && !state.current.busy) {
						const w = Math.min(v.videoWidth, 960), h = Math.round(v.videoHeight * w / v.videoWidth);
						if (canvas.width !== w) { canvas.width = w; canvas.height = h; }
						g.drawImage(v, 0, 0, w, h);
						const found = await detector.detect(g.getImageData(0, 0, w, h));
						if (found.length && !stopped) await handle(found[0], 'camera');
					}
				} catch (e) { console.warn('scan:', e); }
				if (!stopped) timer = setTimeout(tick, 200);
			};
			tick();
		})();
		return stop;
	}, []);

	const submit = () => {
		const t = code.trim();
		if (!t) return;
		setCode('');
		handle(t, 'typed');
	};

	return html`<${Dialog} title=${custom ? custom.title : move ? 'Scan to move stock' : 'Scan'} class="scan-dialog" onClose=${onClose} onSubmit=${submit}
		footer=${html`<${Button} onClick=${onClose}>Done</${Button}>`}>
		<div class="scan">
			<div class=${'scan-view scan-' + camera} tabindex="-1" autofocus role="region" aria-label="Camera">
				<video ref=${videoRef} muted playsinline autoplay aria-hidden="true"></video>
				${camera === 'on' && html`<span class="scan-frame" aria-hidden="true"></span>`}
				${camera === 'starting' && html`<span class="scan-cam-note">Starting the camera…</span>`}
				${camera === 'off' && html`<span class="scan-cam-note"><${Icon} name="scan" size=${28} /></span>`}
			</div>
			${camMsg ? html`<p class="note note-warn scan-msg" role="status">${camMsg}</p>`
				: html`<p class="hint scan-hint">${camera === 'on' && !reader ? 'Loading the barcode reader… ' : ''}Hold a QR, DataMatrix or Code 128 label in the frame. A scanner that types works too.</p>`}
			${custom?.hint && html`<p class="scan-target">${custom.hint}</p>`}
			<ul class="scan-log" aria-live="polite" aria-label="Scan results">
				${log.map(r => html`<li key=${r.id} class=${'scan-' + r.tone} role=${r.tone === 'error' ? 'alert' : undefined}>
					<${Icon} name=${r.tone === 'error' ? 'alert' : 'check'} size=${16} />
					<span class="scan-log-text">${r.text}</span>
					${r.to && html`<a class="btn btn-secondary scan-open" href=${href(r.to)}
						onClick=${e => { e.preventDefault(); onClose(); navigate(r.to); }}>Open</a>`}</li>`)}
			</ul>
			${mayMove && !custom && html`<label class="scan-mode"><input type="checkbox" checked=${move}
				onChange=${e => { setMove(e.currentTarget.checked); setLog([]); }} />
				<span>Move scanned items to a location</span></label>`}
			${move && html`<p class="scan-target" aria-live="polite">${target
				? html`To <strong>${target.name}</strong> <button type="button" class="link" onClick=${() => setTarget(null)}>Change</button>`
				: 'Scan the location first, then the items to move there.'}</p>`}
			<div class="field scan-manual">
				<label for=${cid}>Type a code</label>
				<div class="scan-row">
					<input id=${cid} ref=${inputRef} type="text" inputmode="text" autocomplete="off" autocapitalize="off" spellcheck="false"
						placeholder="INV-SI12 or a label's text" value=${code} onInput=${e => setCode(e.currentTarget.value)} />
					<${Button} kind="primary" type="submit" busy=${busy}>Look up</${Button}>
				</div>
			</div>
		</div>
	</${Dialog}>`;
}
