// DataMatrix codes for the labels page: zxing-wasm's writer (zxing-cpp
// compiled to WebAssembly).  Its own chunk, imported by pages/labels.js
// when DataMatrix is chosen; the .wasm file (about 0.55 MB) is fetched from
// our own assets/ then, never from another host.
import { prepareZXingModule, writeBarcode } from 'zxing-wasm/writer';
import wasmFile from 'zxing-wasm/writer/zxing_writer.wasm';

let ready = null;

function load() {
	if (!ready) {
		ready = (async () => {
			const r = await fetch(new URL(wasmFile, import.meta.url), { credentials: 'same-origin' });
			if (!r.ok) throw new Error(`the server answered ${r.status}`);
			const wasmBinary = await r.arrayBuffer();
			await prepareZXingModule({ overrides: { wasmBinary }, fireImmediately: true });
		})();
		ready.catch(() => { ready = null; });	// try again next time
	}
	return ready;
}

/* The modules of text's DataMatrix: {rows, cols, dark(r, c)}. */
export async function dataMatrix(text) {
	await load();
	const w = await writeBarcode(text, { format: 'DataMatrix', withQuietZones: false });
	if (w.error) throw new Error(w.error);
	const { data, width, height } = w.symbol;
	return { rows: height, cols: width, dark: (r, c) => data[r * width + c] < 128 };
}
