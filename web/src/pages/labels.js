// Labels: QR labels of parts, stock items or locations, laid out as one of
// the server's label templates (an A4 sheet of labels, or one label a page
// for a 62 mm roll), printed from the browser with a print stylesheet, or
// made into a PDF by the server (POST label/print/, InvenTree's API).
//
//   /labels?model=part&items=12,14
//
// This module is loaded only when the page opens, and the QR encoder
// (qr-encoder.js) with it;
// the DataMatrix writer (dm-writer.js, WebAssembly) when DataMatrix is
// chosen.
import { html } from 'htm/preact';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { Link, useRoute } from '../router.js';
import { Button, ErrorNote, Spinner, Empty, useApi, useId, fmtQty, toast } from '../ui/kit.js';

export const LABEL_MAX = 200;	/* objects the page lays out */

const MODELS = {
	part: { noun: 'part', plural: 'parts', back: pk => '/part/' + pk },
	stockitem: { noun: 'stock item', plural: 'stock items', back: pk => '/stock/' + pk },
	stocklocation: { noun: 'location', plural: 'locations', back: pk => '/locations/' + pk },
};

const FIELDS = [['name', 'Name'], ['ipn', 'IPN'], ['location', 'Location path'], ['quantity', 'Quantity']];

// The page's styles and print stylesheet, added while it is open: only the label
// pages print, at their own size, without the app around them.
const CSS = `
.label-stage { overflow: auto; padding: 8px 0; }
.label-scaler { transform-origin: 0 0; }
.label-page { position: relative; background: #fff; color: #000; box-shadow: 0 1px 4px rgba(0,0,0,.25);
	margin: 0 0 12px; overflow: hidden; font-family: Helvetica, Arial, sans-serif; }
.label { position: absolute; display: flex; align-items: center; gap: 1.5mm; box-sizing: border-box;
	padding: 1.5mm 2mm; outline: 1px dashed #c8ccd2; overflow: hidden; }
.label svg { flex: none; display: block; }
.label-options > div > label { display: block; font-weight: 600; margin-bottom: 4px; }
.label-text { min-width: 0; display: flex; flex-direction: column; justify-content: center; line-height: 1.15; }
.label-text span { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; font-weight: 400; }
.label-text span.l-name { font-weight: 700; }
.label-empty { outline: 1px dashed #e3e6ea; }
.label-options { display: grid; gap: 12px; grid-template-columns: repeat(auto-fit, minmax(220px, 1fr)); align-items: end; margin-bottom: 12px; }
.label-options fieldset { border: 0; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 4px 12px; }
.label-options legend { font-weight: 600; margin-bottom: 4px; padding: 0; }
.label-options label.chk { display: inline-flex; align-items: center; gap: 6px; min-height: 40px; }
.label-options select, .label-options input[type=number] { width: 100%; min-height: 40px; }
@media print {
	.topbar, .sidebar, .scrim, .skip, .crumbs, .page-head, .label-options, .label-note, .toasts, .scan-fab { display: none !important; }
	html, body, .shell, .main, .page { margin: 0 !important; padding: 0 !important; display: block !important; background: #fff !important; }
	.label-stage { overflow: visible; padding: 0; }
	.shell ~ * { display: none !important; }
	.label-fit { width: auto !important; height: auto !important; }
	.label-scaler { transform: none !important; }
	/* A hair short of the paper, so that rounding makes no empty page. */
	.label-page { height: calc(var(--page-h) - 0.5mm) !important; }
	.label-page { box-shadow: none; margin: 0; break-after: page; page-break-after: always; }
	.label-page:last-child { break-after: auto; page-break-after: auto; }
	.label, .label-empty { outline: none; }
}`;

/* A stylesheet while the page is open: a constructed one (CSSOM), which
   the pages' Content-Security-Policy allows where a <style> is refused. */
function useStyle(text) {
	useEffect(() => {
		const sheet = new CSSStyleSheet();
		sheet.replaceSync(text);
		document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
		return () => { document.adoptedStyleSheets = document.adoptedStyleSheets.filter(x => x !== sheet); };
	}, [text]);
}

/* InvenTree's barcode data, as /api/barcode/ matches it. */
export function barcodeData(model, pk) {
	return JSON.stringify({ [model]: pk }).replace(':', ': ');
}

/* The SVG path of a code's dark modules, runs of a row joined, inside a
   quiet zone of q modules: {d, w, h} (the viewBox). */
function modulePath(rows, cols, dark, q) {
	let d = '';
	for (let r = 0; r < rows; r++)
		for (let c = 0; c < cols; c++) {
			if (!dark(r, c)) continue;
			let e = c;
			while (e + 1 < cols && dark(r, e + 1)) e++;
			d += `M${c + q} ${r + q}h${e - c + 1}v1h${-(e - c + 1)}z`;
			c = e;
		}
	return { d, w: cols + 2 * q, h: rows + 2 * q };
}

function qrPath(qr, data) {
	const m = qr.qrModules(data);
	return modulePath(m.size, m.size, (r, c) => m.get(r, c), 2);
}

/* A code as an SVG: a DataMatrix's path made by dm-writer.js, or a QR
   code by qr-encoder.js (loaded with the page's data). */
function Code({ data, size, dm, qr }) {
	const path = useMemo(() => dm || qrPath(qr, data), [data, dm, qr]);
	const k = size / Math.max(path.w, path.h);
	return html`<svg width=${path.w * k + 'mm'} height=${path.h * k + 'mm'} viewBox=${`0 0 ${path.w} ${path.h}`}
		shape-rendering="crispEdges" role="img" aria-label=${(dm ? 'DataMatrix ' : 'QR code ') + data}><path d=${path.d} fill="#000" /></svg>`;
}

/* What one object's label says: {code, name, ipn, location, quantity}. */
async function loadObject(model, pk) {
	if (model === 'part') {
		const p = await api.get(`part/${pk}/`);
		return { pk, code: barcodeData(model, pk), name: p.name, ipn: p.IPN || '', location: '', quantity: '' };
	}
	if (model === 'stocklocation') {
		const l = await api.get(`stock/location/${pk}/`);
		return { pk, code: barcodeData(model, pk), name: l.name, ipn: '', location: l.pathstring || l.name, quantity: '' };
	}
	const it = await api.get(`stock/${pk}/`, { part_detail: true, location_detail: true });
	return {
		pk, code: barcodeData(model, pk), name: it.part_detail?.name || `Part ${it.part}`,
		ipn: it.part_detail?.IPN || '', location: it.location_detail?.pathstring || '',
		quantity: it.serial ? `Serial # ${it.serial}` : 'Qty ' + fmtQty(it.quantity, it.part_detail?.units),
	};
}

function Label({ t, o, fields, dm, qr }) {
	const pad = t.height < 25 ? 1.2 : 1.5;
	const side = Math.min(t.height - 2 * pad, fields.length ? t.width * 0.4 : t.height);
	const lines = [];
	if (fields.includes('name') && o.name) lines.push(['l-name', o.name]);
	if (fields.includes('ipn') && o.ipn) lines.push(['l-ipn', o.ipn]);
	if (fields.includes('quantity') && o.quantity) lines.push(['l-qty', o.quantity]);
	if (fields.includes('location') && o.location) lines.push(['l-loc', o.location]);
	const font = Math.min(3.6, (t.height - 2 * pad) / Math.max(lines.length, 3) * 0.78);
	return html`<${Code} data=${o.code} size=${side} dm=${dm && dm.get(o.code)} qr=${qr} />
		${lines.length > 0 && html`<div class="label-text" style=${{ fontSize: font + 'mm' }}>
			${lines.map(([c, s]) => html`<span class=${c} key=${c}>${s}</span>`)}</div>`}`;
}

/* The pages of labels, at their real size in mm (scaled to fit on screen). */
function Sheets({ t, objs, fields, skip, dm, qr }) {
	const per = t.columns * t.rows;
	const slots = [...Array(skip).fill(null), ...objs];
	const pages = [];
	for (let i = 0; i < slots.length; i += per) pages.push(slots.slice(i, i + per));
	const stage = useRef(null);
	const [scale, setScale] = useState(1);
	useLayoutEffect(() => {
		const el = stage.current;
		if (!el) return undefined;
		const fit = () => {
			const mm = 96 / 25.4;
			setScale(Math.min(1, el.clientWidth / (t.page_width * mm)));
		};
		fit();
		const ro = new ResizeObserver(fit);
		ro.observe(el);
		return () => ro.disconnect();
	}, [t.page_width]);
	const pageH = t.page_height * 96 / 25.4, pageW = t.page_width * 96 / 25.4;
	const height = pages.length * (pageH + 12) * scale;
	return html`<div class="label-stage" ref=${stage}>
		<div class="label-fit" style=${{ width: pageW * scale + 'px', height: height + 'px' }}>
		<div class="label-scaler" style=${{ transform: `scale(${scale})` }}>
		${pages.map((slotsOfPage, n) => html`<div class="label-page" key=${n} aria-label=${`Page ${n + 1} of ${pages.length}`}
			style=${{ width: t.page_width + 'mm', height: t.page_height + 'mm', '--page-h': t.page_height + 'mm' }}>
			${slotsOfPage.map((o, k) => {
				const style = { left: (t.margin_left + (k % t.columns) * t.pitch_x) + 'mm', top: (t.margin_top + Math.floor(k / t.columns) * t.pitch_y) + 'mm',
					width: t.width + 'mm', height: t.height + 'mm' };
				return o ? html`<div class="label" key=${k} style=${style}><${Label} t=${t} o=${o} fields=${fields} dm=${dm} qr=${qr} /></div>`
					: html`<div class="label label-empty" key=${k} style=${style}></div>`;
			})}</div>`)}
		</div></div></div>`;
}

export function LabelsPage() {
	const { query } = useRoute();
	const model = MODELS[query.get('model')] ? query.get('model') : null;
	const pks = [...new Set((query.get('items') || '').split(',').map(Number).filter(n => Number.isInteger(n) && n > 0))].slice(0, LABEL_MAX);
	const key = model + ':' + pks.join(',');
	const objs = useApi(async () => (model && pks.length ? (await Promise.all(pks.map(pk => loadObject(model, pk).catch(() => null)))).filter(Boolean) : []), [key]);
	const qr = useApi(() => import('../qr-encoder.js'), []);
	const tpls = useApi(() => (model ? api.list('label/template/', { model_type: model, enabled: true }) : []), [model]);
	const [tid, setTid] = useState(null);
	const [fields, setFields] = useState(null);
	const [skip, setSkip] = useState(0);
	const [kind, setKind] = useState(null);	/* null: the template's */
	const [dm, setDm] = useState(null);	/* code → DataMatrix path */
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState(null);
	const ids = { t: useId('tpl'), s: useId('skip'), c: useId('code') };
	useStyle(CSS);

	const list = tpls.data || [];
	const t = list.find(x => x.pk === tid) || list[0] || null;
	const shown = fields ?? (t ? t.fields.split(',') : ['name']);
	// The page's own @page size: the template's page, no margins.
	useStyle(t ? `@media print { @page { size: ${t.page_width}mm ${t.page_height}mm; margin: 0; } }` : '');
	const per = t ? t.columns * t.rows : 1;
	const code = kind ?? (t?.barcode || 'qr');
	// DataMatrix: the writer (WebAssembly) loads when first chosen.
	const codes = (objs.data || []).map(o => o.code).join('|');
	useEffect(() => {
		if (code !== 'datamatrix' || !codes) { setDm(null); return undefined; }
		let live = true;
		setDm(null);
		import('../dm-writer.js').then(w => Promise.all(codes.split('|').map(async c => {
			const m = await w.dataMatrix(c);
			return [c, modulePath(m.rows, m.cols, m.dark, 1)];
		}))).then(list => { if (live) setDm(new Map(list)); }, e => { if (live) setError(e); });
		return () => { live = false; };
	}, [code, codes]);
	const maxSkip = Math.max(0, per - 1);
	const m = MODELS[model];

	const pdf = async () => {
		setBusy(true); setError(null);
		try {
			const o = await api.post('label/print/', { template: t.pk, items: (objs.data || []).map(x => x.pk),
				fields: shown.join(','), barcode: code, skip: per > 1 ? skip : 0 });
			if (o?.output) window.open(o.output, '_blank', 'noopener');
			else toast('The PDF was not made.', 'error');
		} catch (e) { setError(e); } finally { setBusy(false); }
	};
	const toggle = f => setFields(shown.includes(f) ? shown.filter(x => x !== f) : FIELDS.map(([k]) => k).filter(k => k === f || shown.includes(k)));

	if (!model || !pks.length) return html`<div class="page"><div class="page-head"><h1>Print labels</h1></div>
		<${Empty} icon="box" title="Nothing to label">Choose “Print labels” on a part, a stock item, a location or selected stock.</${Empty}></div>`;
	const n = objs.data?.length ?? pks.length;
	return html`<div class="page labels-page">
		<nav aria-label="Breadcrumb" class="crumbs">${pks.length === 1 ? html`<${Link} to=${m.back(pks[0])}>Back to the ${m.noun}</${Link}>` : html`<a href="#" onClick=${e => { e.preventDefault(); history.back(); }}>Back</a>`}</nav>
		<div class="page-head"><div><h1>Print labels</h1>
			<p class="page-sub">${n} ${n === 1 ? m.noun : m.plural}${pks.length >= LABEL_MAX ? ` (at most ${LABEL_MAX})` : ''}</p></div>
			<div class="page-actions">
				<${Button} kind="primary" icon="printer" disabled=${!t || !objs.data?.length} onClick=${() => window.print()}>Print</${Button}>
				<${Button} icon="download" busy=${busy} disabled=${!t || !objs.data?.length} onClick=${pdf}>PDF</${Button}>
			</div></div>
		<${ErrorNote} error=${tpls.error || objs.error || qr.error || error} />
		<div class="label-options">
			<div><label for=${ids.t}>Label size</label>
				<select id=${ids.t} value=${t?.pk ?? ''} onChange=${e => { setTid(Number(e.currentTarget.value)); setFields(null); setSkip(0); setKind(null); }}>
					${list.map(x => html`<option key=${x.pk} value=${x.pk}>${x.name.replace(/^[^,]*, /, '')}</option>`)}
				</select></div>
			<div><label for=${ids.c}>Code</label>
				<select id=${ids.c} value=${code} onChange=${e => setKind(e.currentTarget.value)}>
					<option value="qr">QR code</option><option value="datamatrix">DataMatrix</option>
				</select></div>
			<fieldset><legend>Show</legend>
				${FIELDS.map(([k, l]) => html`<label class="chk" key=${k}><input type="checkbox" checked=${shown.includes(k)} onChange=${() => toggle(k)} /> ${l}</label>`)}
			</fieldset>
			${per > 1 && html`<div><label for=${ids.s}>Start at label</label>
				<input id=${ids.s} type="number" min="1" max=${maxSkip + 1} value=${skip + 1}
					onInput=${e => setSkip(Math.max(0, Math.min(maxSkip, (parseInt(e.currentTarget.value, 10) || 1) - 1)))} /></div>`}
		</div>
		<p class="label-note muted">${t ? `${t.width} × ${t.height} mm${per > 1 ? `, ${t.columns} × ${t.rows} on an A4 sheet` : ', one label a page'}. Print at 100 % (no scaling, no margins); the PDF button makes the same labels as a PDF on the server.` : ''}</p>
		${objs.loading || tpls.loading || !qr.data || (code === 'datamatrix' && !dm && !error) ? html`<${Spinner} />` : t && objs.data?.length
			? html`<${Sheets} t=${t} objs=${objs.data} fields=${shown} skip=${per > 1 ? skip : 0} dm=${code === 'datamatrix' ? dm : null} qr=${qr.data} />`
			: html`<${Empty} title="Nothing to print">None of these could be read.</${Empty}>`}
	</div>`;
}
