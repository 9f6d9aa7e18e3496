// Builds the page: bundles web/src into htdocs/assets/ (content-hashed
// names, so they may be cached) and renders templates/index.html into
// htdocs/index.html.  `make install BASE_PATH=...` later rewrites the one
// <base href> line for a URL prefix.
//
//   node build.mjs            production build (minified)
//   node build.mjs --watch    rebuild on change (development)
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const outdir = path.join(root, 'htdocs', 'assets');
const watch = process.argv.includes('--watch');
// What the first page (the parts page) may weigh on the wire: its JS and
// CSS gzipped (issue 19: under 60 KB).  Other pages are loaded on demand.
const BUDGET_KB = 60;

function apiVersion() {
	try {
		const h = fs.readFileSync(path.join(root, 'lib', 'stockroom.h'), 'utf8');
		const m = h.match(/#define\s+STOCKROOM_API_VERSION\s+(\d+)/);
		return m ? m[1] : '';
	} catch { return ''; }
}

function render(outputs) {
	const pick = ext => {
		const f = Object.keys(outputs).find(o => o.endsWith(ext) && path.basename(o).startsWith('app-'));
		return 'assets/' + path.basename(f);
	};
	// The first page: the entry's JS and CSS and the chunks it imports
	// statically (with splitting, code shared with an on-demand chunk).
	const chunks = [];
	for (const [o, meta] of Object.entries(outputs))
		if (path.basename(o).startsWith('app-') && o.endsWith('.js'))
			for (const i of meta.imports || [])
				if (i.kind === 'import-statement') chunks.push('assets/' + path.basename(i.path));
	const vals = {
		BASE_PATH: '/',
		INSTANCE_NAME: 'Stockroom',
		API_VERSION: apiVersion(),
		APP_JS: pick('.js'),
		APP_CSS: pick('.css'),
		FAVICON: 'assets/favicon.svg',
		// Fetched at once with the entry rather than after it has arrived.
		PRELOAD: chunks.map(c => `<link rel="modulepreload" href="${c}">`).join('\n'),
	};
	const tpl = fs.readFileSync(path.join(root, 'templates', 'index.html'), 'utf8');
	const html = tpl.replace(/@([A-Z_]+)@/g, (m, k) => (k in vals ? vals[k] : m));
	fs.writeFileSync(path.join(root, 'htdocs', 'index.html'), html);
	const first = new Set([vals.APP_JS, vals.APP_CSS, ...chunks]);
	let total = 0;
	for (const f of first) {
		const buf = fs.readFileSync(path.join(root, 'htdocs', f));
		const gz = zlib.gzipSync(buf, { level: 9 }).length;
		total += gz;
		console.log(`  ${f}  ${(buf.length / 1024).toFixed(1)} KB, ${(gz / 1024).toFixed(1)} KB gzipped`);
	}
	console.log(`  first page: ${(total / 1024).toFixed(1)} KB gzipped (budget ${BUDGET_KB} KB)`);
	// Loaded on demand (the scanner's decoder): not part of the first page.
	for (const o of Object.keys(outputs)) {
		const b = path.basename(o);
		if (first.has('assets/' + b) || o.endsWith('.map')) continue;
		const buf = fs.readFileSync(o);
		console.log(`  assets/${b}  ${(buf.length / 1024).toFixed(1)} KB, ${(zlib.gzipSync(buf, { level: 9 }).length / 1024).toFixed(1)} KB gzipped, on demand`);
	}
	if (total > BUDGET_KB * 1024) {
		console.error(`web: the first page is over its ${BUDGET_KB} KB budget`);
		process.exitCode = 1;
	}
	writeOffline(outputs, [...first]);
	if (!watch) precompress();
}

/*
 * The installable, offline page: a web app manifest and a service worker
 * (sw.js, at the root of the install so that its scope is the whole
 * page, under any prefix: every URL in both is relative).  The worker
 * keeps the app shell -- index.html and the assets of every page, not the
 * scanner's 0.9 MB decoder, which it keeps once fetched -- so the page
 * opens with no connection; the API is never cached.  Its name for the
 * cache changes with the assets, so an upgrade replaces the shell.
 */
function writeOffline(outputs, first) {
	const shell = [...new Set([...first, ...Object.keys(outputs)
		.filter(o => /\.(js|css)$/.test(o) && !/scan-decoder/.test(o))
		.map(o => 'assets/' + path.basename(o)), 'assets/favicon.svg'])].sort();
	const version = createHash('sha256').update(shell.join('\n')).digest('hex').slice(0, 12);
	const manifest = {
		name: 'Stockroom', short_name: 'Stockroom',
		description: 'Parts, stock and locations at the shelf',
		start_url: './', scope: './', display: 'standalone',
		background_color: '#f4f6f6', theme_color: '#15302e',
		icons: [{ src: 'assets/favicon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' }],
	};
	fs.writeFileSync(path.join(root, 'htdocs', 'manifest.webmanifest'), JSON.stringify(manifest, null, '\t') + '\n');
	const sw = fs.readFileSync(path.join(here, 'src', 'sw.js'), 'utf8')
		.replace('@VERSION@', version).replace('@SHELL@', JSON.stringify(shell));
	fs.writeFileSync(path.join(root, 'htdocs', 'sw.js'), sw);
}

/*
 * Every asset also as .gz and .br beside it, made once here: Apache
 * (apache.conf, .htaccess) sends these to a browser that accepts them,
 * with no compression module and no work per request.  lighttpd
 * compresses by itself (mod_deflate, lighttpd.conf).
 */
function precompress() {
	for (const f of fs.readdirSync(outdir)) {
		if (!/\.(js|css|wasm|svg)$/.test(f)) continue;
		const p = path.join(outdir, f);
		const buf = fs.readFileSync(p);
		fs.writeFileSync(p + '.gz', zlib.gzipSync(buf, { level: 9 }));
		fs.writeFileSync(p + '.br', zlib.brotliCompressSync(buf, {
			params: {
				[zlib.constants.BROTLI_PARAM_QUALITY]: 11,
				[zlib.constants.BROTLI_PARAM_SIZE_HINT]: buf.length,
			},
		}));
	}
}

fs.rmSync(outdir, { recursive: true, force: true });
fs.mkdirSync(outdir, { recursive: true });
fs.copyFileSync(path.join(here, 'src', 'favicon.svg'), path.join(outdir, 'favicon.svg'));

const options = {
	entryPoints: { app: path.join(here, 'src', 'main.js') },
	bundle: true,
	format: 'esm',
	// The scanner's decoder (zxing-wasm and its .wasm file) is imported
	// dynamically: its own chunk, fetched when the scanner first opens.
	splitting: true,
	loader: { '.wasm': 'file' },
	target: ['es2020'],
	minify: !watch,
	sourcemap: watch ? 'inline' : false,
	entryNames: '[name]-[hash]',
	outdir,
	metafile: true,
	legalComments: 'none',
	logLevel: 'warning',
	plugins: [{
		name: 'render-index',
		setup(b) {
			b.onEnd(r => {
				if (r.errors.length === 0) render(r.metafile.outputs);
			});
		},
	}],
};

if (watch) {
	const ctx = await esbuild.context(options);
	await ctx.watch();
	console.log('watching web/src ...');
} else {
	await esbuild.build(options);
}
