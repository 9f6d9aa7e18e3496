// The scanner's decoder where the browser has no BarcodeDetector: zxing-wasm
// (zxing-cpp compiled to WebAssembly), reading QR, DataMatrix and Code 128.
// This module is its own chunk, imported by scan.js when the scanner first
// needs it; the .wasm file (about 0.9 MB) is fetched from our own assets/
// then, never from another host.  The page's Content-Security-Policy
// allows compiling it ('wasm-unsafe-eval'; no eval of scripts).
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';
import wasmFile from 'zxing-wasm/reader/zxing_reader.wasm';

const OPTIONS = {
	formats: ['QRCode', 'DataMatrix', 'Code128'],
	tryHarder: true,
	maxNumberOfSymbols: 1,
};

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

/* {name, detect(ImageData) → [text]} once the decoder is loaded. */
export async function createDecoder() {
	await load();
	return {
		name: 'zxing-wasm',
		async detect(img) {
			const found = await readBarcodes(img, OPTIONS);
			return found.filter(b => b.isValid && b.text).map(b => b.text);
		},
	};
}
