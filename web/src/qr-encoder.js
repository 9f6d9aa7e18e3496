// The labels page's QR encoder: the npm package qrcode's core (CommonJS),
// in a chunk of its own so that its module wrappers stay out of the
// chunks every page shares.
import { create } from 'qrcode/lib/core/qrcode.js';

/* The modules of text's QR code (error correction M): {size, get(r, c)}. */
export function qrModules(text) {
	return create(text, { errorCorrectionLevel: 'M' }).modules;
}
