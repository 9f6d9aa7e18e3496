// Stockroom's service worker.  web/build.mjs writes it to the root of the
// install (htdocs/sw.js) with the list of the app shell's files; nothing
// here names a prefix, so it works at / and under /~alice/stockroom/.
//
//   - the page (any navigation in the scope): from the network, keeping
//     the newest index.html; without a connection, the kept one;
//   - assets/: content-hashed, so kept for good and served from the cache
//     (the shell's from install, others -- the scanner's decoder -- once
//     fetched);
//   - the API, /media/ and anything else: never touched.
const VERSION = '@VERSION@';
const SHELL = @SHELL@;
const CACHE = 'stockroom-' + VERSION;
const scope = () => new URL(self.registration.scope);
const pageKey = () => scope().href;	// the shell, under the scope's URL

self.addEventListener('install', e => {
	e.waitUntil(caches.open(CACHE)
		.then(c => c.addAll([pageKey(), ...SHELL.map(f => new URL(f, scope()).href)]))
		.then(() => self.skipWaiting()));
});

self.addEventListener('activate', e => {
	e.waitUntil(caches.keys()
		.then(keys => Promise.all(keys.filter(k => k.startsWith('stockroom-') && k !== CACHE).map(k => caches.delete(k))))
		.then(() => self.clients.claim()));
});

self.addEventListener('fetch', e => {
	const req = e.request;
	if (req.method !== 'GET') return;
	const url = new URL(req.url);
	const s = scope();
	if (url.origin !== s.origin || !url.pathname.startsWith(s.pathname)) return;
	const rel = url.pathname.slice(s.pathname.length);
	if (req.mode === 'navigate') {
		if (/^(api|media|cgi-bin)(\/|$)/.test(rel)) return;
		e.respondWith(fetch(req).then(res => {
			const type = res.headers.get('Content-Type') || '';
			if (res.ok && type.startsWith('text/html')) {
				const copy = res.clone();
				caches.open(CACHE).then(c => c.put(pageKey(), copy));
			}
			return res;
		}, () => caches.match(pageKey()).then(r => r || Response.error())));
		return;
	}
	if (rel.startsWith('assets/')) {
		e.respondWith(caches.match(req.url).then(hit => hit || fetch(req).then(res => {
			if (res.ok && /-[A-Z0-9]{8}\.(js|css|wasm)$/.test(rel)) {
				const copy = res.clone();
				caches.open(CACHE).then(c => c.put(req.url, copy));
			}
			return res;
		})));
	}
});
