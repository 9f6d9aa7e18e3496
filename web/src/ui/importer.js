// The import dialog (docs/import.md): upload a CSV, TSV or XLSX file, check the
// column mapping the server suggests against a preview of the first rows,
// let the server check every row with the model's own validation, review
// the rows it refused, and import the rest -- all of them in one
// transaction, or none.
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../api.js';
import { Button, Dialog, Badge, useId } from './kit.js';

const PREVIEW = 3;
const REVIEW = 200;

function Problem({ error }) {
	if (!error) return null;
	const msgs = error instanceof ApiError ? error.general([]) : [String(error.message || error)];
	return html`<div class="note note-error" role="alert"><div>${msgs.map(m => html`<div>${m}</div>`)}</div></div>`;
}

function errorText(errors) {
	return Object.entries(errors || {}).map(([k, v]) =>
		(k === 'non_field_errors' ? '' : k + ': ') + (Array.isArray(v) ? v.join(' ') : String(v))).join(' · ');
}

// What a model's rows may name by a path that the import can make
// (create_paths): a category's or location's parent too.
const PATHS = { part: 'categories', stockitem: 'locations', partcategory: 'parent categories', stocklocation: 'parent locations' };

function Upload({ model, defaults, onSession }) {
	const id = useId('importfile');
	const pathsId = useId('importpaths');
	const [file, setFile] = useState(null);
	const [paths, setPaths] = useState(false);
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState(null);
	const go = async () => {
		if (!file) { setError(new Error('Choose a file first.')); return; }
		setBusy(true); setError(null);
		try {
			const fd = new FormData();
			fd.append('model_type', model);
			fd.append('data_file', file);
			if (PATHS[model] && paths) fd.append('create_paths', 'true');
			if (defaults) fd.append('field_defaults', JSON.stringify(defaults));
			onSession(await api.post('importer/session/', undefined, { form: fd }));
		} catch (e) { setError(e); } finally { setBusy(false); }
	};
	return html`<div class="import-step">
		<p class="page-sub">A CSV or TSV file with a header row: UTF-8 (with or without a byte-order mark) or Windows-1252, comma, semicolon or tab separated; or an Excel workbook (XLSX: the sheet it opens at, values only, no formulas; dates as YYYY-MM-DD). At most 10 MB and 100,000 rows.</p>
		<${Problem} error=${error} />
		<div class="field"><label for=${id}>File</label>
			<input id=${id} type="file" accept=".csv,.tsv,.txt,.xlsx,text/csv,text/tab-separated-values,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
				onChange=${e => setFile(e.currentTarget.files?.[0] || null)} /></div>
		${PATHS[model] && html`<div class="check">
			<input type="checkbox" id=${pathsId} checked=${paths} onChange=${e => setPaths(e.currentTarget.checked)} />
			<label for=${pathsId}>Create missing ${PATHS[model]}<span class="hint"> — a path such as “Electronics/Passives/Capacitors” that does not exist yet is made</span></label>
		</div>`}
		<div class="import-actions"><${Button} kind="primary" icon="check" busy=${busy} onClick=${go}>Upload</${Button}></div>
	</div>`;
}

function Mapping({ session, onSession, onChecked }) {
	const [maps, setMaps] = useState(session.column_mappings || []);
	const [preview, setPreview] = useState(null);
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState(null);
	const avail = session.available_fields || {};
	useEffect(() => {
		api.list('importer/row/', { session: session.pk, limit: PREVIEW, ordering: 'row_index' })
			.then(setPreview, setError);
	}, [session.pk]);
	// Changes are saved one after another; "Check rows" waits for them.
	const saving = useRef(Promise.resolve());
	const change = (m, column) => {
		setError(null);
		setMaps(ms => ms.map(x => (x.pk === m.pk ? { ...x, column } : x)));
		saving.current = saving.current.then(() => api.patch(`importer/column-mapping/${m.pk}/`, { column }))
			.catch(e => setError(e));
	};
	const check = async () => {
		setBusy(true); setError(null);
		try { await saving.current; onSession(await api.post(`importer/session/${session.pk}/accept_fields/`, {})); onChecked(); }
		catch (e) { setError(e); } finally { setBusy(false); }
	};
	const cell = (m, r) => (m.column ? r.row_data?.[m.column] ?? '' : '');
	const shown = maps.filter(m => m.column || avail[m.field]?.required);
	return html`<div class="import-step">
		<p class="page-sub">${session.data_file}: ${session.row_count} ${session.row_count === 1 ? 'row' : 'rows'}, ${session.columns.length} ${session.columns.length === 1 ? 'column' : 'columns'} (${session.delimiter === '' ? (session.sheet ? html`XLSX, sheet “${session.sheet}”` : 'XLSX') : html`${session.encoding}, “${session.delimiter === '\t' ? 'tab' : session.delimiter}” separated`}). Choose the column of each field; fields left without a column keep their defaults.</p>
		<${Problem} error=${error} />
		<div class="table-wrap"><table class="table import-map">
			<caption class="sr-only">Column mapping</caption>
			<thead><tr><th scope="col">Field</th><th scope="col">Column</th>${(preview || []).map((r, i) => html`<th scope="col" class="hide-sm">Row ${i + 1}</th>`)}</tr></thead>
			<tbody>${maps.map(m => html`<tr key=${m.pk} class=${shown.includes(m) ? '' : 'import-unmapped'}>
				<th scope="row">${m.label}${avail[m.field]?.required && html`<span class="req" aria-hidden="true"> *</span>`}</th>
				<td><select aria-label=${'Column for ' + m.label} onChange=${e => change(m, e.currentTarget.value)}>
					<option value="" selected=${!m.column}>— none —</option>
					${session.columns.map(c => html`<option value=${c} selected=${m.column === c}>${c}</option>`)}
				</select></td>
				${(preview || []).map(r => html`<td class="hide-sm cell-sub clamp">${cell(m, r)}</td>`)}
			</tr>`)}</tbody>
		</table></div>
		<div class="import-actions"><${Button} kind="primary" icon="check" busy=${busy} onClick=${check}>Check rows</${Button}></div>
	</div>`;
}

function Review({ session, onBack, onDone }) {
	const [state, setState] = useState(null);	// {total, bad: {count, results}}
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState(null);
	const load = () => Promise.all([
		api.page('importer/row/', { session: session.pk, complete: false, limit: 1 }),
		api.page('importer/row/', { session: session.pk, complete: false, valid: false, limit: REVIEW, ordering: 'row_index' }),
	]).then(([all, bad]) => setState({ total: all.count, bad }), setError);
	useEffect(() => { load(); }, [session.pk]);
	const bad = state?.bad.results || [];
	const nbad = state?.bad.count || 0;
	const ready = state ? state.total - nbad : 0;
	const go = async () => {
		setBusy(true); setError(null);
		try {
			// Every valid row, in one transaction.
			const r = await api.post(`importer/session/${session.pk}/accept_rows/`, { all: true });
			onDone(r.created.length + (r.updated?.length || 0));
		} catch (e) { setError(e); load(); } finally { setBusy(false); }
	};
	return html`<div class="import-step">
		<p class="page-sub" role="status">${state === null ? 'Checking…' : html`<${Badge} tone="ok">${ready} ready</${Badge}> ${nbad > 0 && html`<${Badge} tone="bad">${nbad} with errors</${Badge}>`} ${nbad > bad.length ? `(the first ${bad.length} shown)` : ''}`}</p>
		<${Problem} error=${error} />
		${bad.length > 0 && html`<p class="page-sub">Rows with errors are skipped. Fix them in the file and import it again, or change the mapping.</p>
		<div class="table-wrap"><table class="table import-errors">
			<caption class="sr-only">Rows with errors</caption>
			<thead><tr><th scope="col">Line</th><th scope="col">Errors</th></tr></thead>
			<tbody>${bad.map(r => html`<tr key=${r.pk}><td class="mono">${r.row_index + 2}</td><td class="qty-bad">${errorText(r.errors)}</td></tr>`)}</tbody>
		</table></div>`}
		<div class="import-actions">
			<${Button} onClick=${onBack}>Back to mapping</${Button}>
			<${Button} kind="primary" icon="check" busy=${busy} disabled=${!ready} onClick=${go}>Import ${ready} ${ready === 1 ? 'row' : 'rows'}</${Button}>
		</div>
	</div>`;
}

/* model: InvenTree's model name ("part"); noun: what the rows become;
   defaults: values of fields the rows leave empty (a BOM's assembly). */
export function ImportDialog({ model, noun = 'rows', defaults, onClose, onDone }) {
	const [session, setSession] = useState(null);
	const [step, setStep] = useState('upload');
	const [done, setDone] = useState(null);
	const title = done !== null ? 'Import finished' : step === 'upload' ? `Import ${noun}` : step === 'map' ? 'Match the columns' : 'Check the rows';
	return html`<${Dialog} title=${title} wide onClose=${() => (done !== null ? onDone(done) : onClose())}>
		<ol class="import-steps" aria-label="Steps">
			${[['upload', 'Upload'], ['map', 'Columns'], ['review', 'Rows']].map(([k, l]) => html`<li aria-current=${step === k ? 'step' : undefined} class=${step === k ? 'is-current' : ''}>${l}</li>`)}
		</ol>
		${done !== null ? html`<div class="import-step"><p role="status">${done} ${noun} imported.</p>
			<div class="import-actions"><${Button} kind="primary" onClick=${() => onDone(done)}>Close</${Button}></div></div>`
		: step === 'upload' ? html`<${Upload} model=${model} defaults=${defaults} onSession=${s => { setSession(s); setStep('map'); }} />`
		: step === 'map' ? html`<${Mapping} session=${session} onSession=${setSession} onChecked=${() => setStep('review')} />`
		: html`<${Review} session=${session} onBack=${() => setStep('map')} onDone=${setDone} />`}
	</${Dialog}>`;
}
