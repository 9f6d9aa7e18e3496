// The browser scenarios.  Each gets {browser, server, admin, shots} and
// throws on failure.  Every page is watched: a console error, an uncaught
// exception, a failed request or an unexpected HTTP error fails the test.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { seedInPage } from './demo.mjs';
import { execFile, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import http from 'node:http';

const requireWeb = createRequire(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'web', 'package.json'));

const DESKTOP = { width: 1280, height: 860 };
const PHONE = { width: 375, height: 740 };

/* The API as the signed-in page calls it (its session cookie and CSRF
   token): call(method, path, body) resolves to the answer's JSON, and
   throws on an error status. */
function pageApi(page) {
	return (method, p, body) => page.evaluate(async ([method, p, body]) => {
		const r = await fetch('api/' + p, { method, credentials: 'same-origin',
			headers: { 'Content-Type': 'application/json', 'X-CSRFToken': localStorage.getItem('stockroom.csrf') || '' },
			body: body && JSON.stringify(body) });
		if (!r.ok) throw new Error(p + ': ' + r.status + ' ' + await r.text());
		return r.json();
	}, [method, p, body]);
}

/* A fresh browser context (its own cookies and storage) and page. */
async function open(ctx, { viewport = DESKTOP, allow = [] } = {}) {
	const bc = await ctx.browser.newContext({ viewport, deviceScaleFactor: 1, locale: 'en-GB', timezoneId: 'UTC' });
	ctx.contexts = [...(ctx.contexts || []), bc];
	bc.setDefaultTimeout(10000);
	const page = await bc.newPage();
	ctx.page = page;
	ctx.problems = ctx.problems || [];
	const allowed = url => allow.some(a => (a instanceof RegExp ? a.test(url) : url.includes(a)));
	// expectError(re): the next 4xx answer from a matching URL is intended
	// (e.g. a validation message the test provokes) and not a problem.
	const expected = [];
	const excused = new Set();
	ctx.expectError = re => expected.push(re);
	const base = new URL(ctx.server.base);
	page.on('console', m => {
		if (m.type() !== 'error') return;
		const loc = m.location()?.url || '';
		if (/Failed to load resource/.test(m.text()) && (allowed(loc) || excused.has(loc))) { excused.delete(loc); return; }
		ctx.problems.push(`console error: ${m.text()} ${loc}`);
	});
	page.on('pageerror', e => ctx.problems.push(`page error: ${e.message}`));
	page.on('requestfailed', r => {
		if (allowed(r.url())) return;
		// A GET the page gave up (it navigated, or the answer was no
		// longer wanted -- the notifications poll in flight at a page
		// change) is no failure of the server's.
		if (r.method() === 'GET' && r.failure()?.errorText === 'net::ERR_ABORTED') return;
		ctx.problems.push(`request failed: ${r.method()} ${r.url()} ${r.failure()?.errorText}`);
	});
	page.on('request', r => {
		const u = new URL(r.url());
		if (u.origin !== base.origin) ctx.problems.push(`request to another host: ${r.url()}`);
		else if (!u.pathname.startsWith(base.pathname)) ctx.problems.push(`request outside the prefix: ${r.url()}`);
	});
	page.on('response', r => {
		const i = r.status() >= 400 && r.status() < 500 ? expected.findIndex(re => re.test(r.url())) : -1;
		if (i >= 0) { expected.splice(i, 1); excused.add(r.url()); return; }
		if (r.status() >= 400 && !allowed(r.url())) ctx.problems.push(`HTTP ${r.status()}: ${r.request().method()} ${r.url()} (page ${page.url()}, ${new Date().toISOString()})`);
	});
	return page;
}

function clean(ctx) {
	if (ctx.problems?.length) throw new Error('the page had problems:\n    ' + ctx.problems.join('\n    '));
}

/* Waits until the page shows no spinner, busy table or "…" placeholder. */
async function settled(page) {
	await page.waitForFunction(() => !document.querySelector('[aria-busy=true], .spinner')
		&& ![...document.querySelectorAll('.stat-value')].some(e => e.textContent === '…'), null, { timeout: 8000 });
	await page.waitForTimeout(100);
}

async function shot(ctx, page, name, opts = {}) {
	await page.waitForLoadState('networkidle').catch(() => {});
	await settled(page).catch(() => {});
	await page.evaluate(() => { const t = document.querySelector('.toasts'); if (t) t.style.visibility = 'hidden'; });
	await page.waitForTimeout(250);	// let the menu and dialogs finish moving
	await page.screenshot({ path: path.join(ctx.shots, `${ctx.shotPrefix}${name}.png`), fullPage: opts.full !== false });
	await page.evaluate(() => { const t = document.querySelector('.toasts'); if (t) t.style.visibility = ''; });
}

/* Polls until the locator's text matches re (or fails after 8 s). */
async function expectText(locator, re, what) {
	const deadline = Date.now() + 8000;
	let last = '';
	while (Date.now() < deadline) {
		last = (await locator.innerText({ timeout: 1000 }).catch(() => '')) || '';
		if (re.test(last.replace(/\s+/g, ' '))) return last;
		await new Promise(r => setTimeout(r, 100));
	}
	throw new Error(`${what || 'text'}: expected ${re}, got ${JSON.stringify(last.replace(/\s+/g, ' ').slice(0, 300))}`);
}

async function expectNone(locator, what) {
	const n = await locator.count();
	if (n) throw new Error(`${what}: expected none, found ${n}`);
}

async function goto(ctx, page, p) {
	await page.goto(ctx.server.base + p.replace(/^\//, ''));
}

async function signIn(ctx, page, [user, pass]) {
	await goto(ctx, page, '/');
	await page.waitForURL(/\/login$/);
	await page.getByLabel('Username').fill(user);
	await page.getByLabel('Password').fill(pass);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.getByRole('navigation', { name: 'Main' }).waitFor();
}

async function nav(page, label) {
	const n = page.getByRole('navigation', { name: 'Main' });
	if (!(await n.isVisible())) await page.getByRole('button', { name: 'Menu' }).click();
	await n.getByRole('link', { name: label }).click();
}

async function dialog(page, title) {
	const d = page.getByRole('dialog', { name: title });
	await d.waitFor();
	return d;
}

async function closed(page) {
	await page.getByRole('dialog').waitFor({ state: 'detached' });
}

async function newLocation(page, name, parent) {
	await nav(page, 'Locations');
	if (parent) await page.getByRole('tree', { name: 'Stock locations' }).getByRole('treeitem', { name: parent }).click();
	await page.getByRole('complementary', { name: 'Locations' }).getByRole('button', { name: 'New' }).click();
	const d = await dialog(page, 'New location');
	await d.getByLabel('Name').fill(name);
	await d.getByLabel('Description').fill(`Shelf ${name.slice(-1)} in the main store`);
	await d.getByRole('button', { name: 'Create location' }).click();
	await closed(page);
	await page.getByRole('heading', { level: 1, name }).waitFor();
}

/* Sign in, category, part, stock in one place, partial transfer, totals,
   history, sign out; screenshots of every main page on the way. */
async function mainScenario(ctx) {
	const page = await open(ctx);
	await goto(ctx, page, '/');
	await page.waitForURL(/\/login$/);
	await page.getByRole('heading', { name: 'Sign in' }).waitFor();
	await shot(ctx, page, '01-sign-in');
	await signIn(ctx, page, ctx.admin);
	await page.getByRole('heading', { level: 1, name: /Good to see you/ }).waitFor();

	await newLocation(page, 'Store room');
	await newLocation(page, 'Shelf A', 'Store room');
	await newLocation(page, 'Shelf B', 'Store room');

	// A category and a part in it.
	await nav(page, 'Parts');
	await page.getByRole('complementary', { name: 'Categories' }).getByRole('button', { name: 'New category' }).click();
	let d = await dialog(page, 'New category');
	await d.getByLabel('Name').fill('Resistors');
	await d.getByLabel('Description').fill('Fixed resistors, through-hole and SMD');
	await d.getByRole('button', { name: 'Create category' }).click();
	await closed(page);
	await page.getByRole('heading', { level: 1, name: 'Resistors' }).waitFor();
	await page.getByRole('button', { name: 'New part' }).click();
	d = await dialog(page, 'New part');
	// The API's validation message lands at the field.
	ctx.expectError(/\/api\/part\/$/);
	await d.getByRole('button', { name: 'Create part' }).click();
	await expectText(d.locator('.field-invalid').first(), /\S/, 'name error');
	if ((await d.getByLabel('Name').getAttribute('aria-invalid')) !== 'true') throw new Error('Name not marked invalid');
	await d.getByLabel('Name').fill('Resistor 10k 0805');
	await d.getByLabel('IPN').fill('R-10K-0805');
	await d.getByLabel('Description', { exact: true }).fill('Thick film, 1%, 1/8 W');
	await d.getByLabel('Units', { exact: true }).fill('pcs');
	await d.getByLabel('Minimum stock').fill('5');
	await d.getByRole('button', { name: 'Create part' }).click();
	await closed(page);
	await page.getByRole('heading', { level: 1, name: /Resistor 10k 0805/ }).waitFor();
	const partUrl = page.url();

	// Ten in Shelf A.
	await page.getByRole('button', { name: 'Add stock' }).click();
	d = await dialog(page, 'New stock item');
	await d.getByLabel('Quantity').fill('10');
	await d.getByLabel('Batch code').fill('B-2026-11');
	await d.getByRole('treeitem', { name: /Store room/ }).first().press('ArrowRight');
	await d.getByRole('treeitem', { name: /Shelf A/ }).click();
	await d.getByRole('button', { name: 'Add stock' }).click();
	await closed(page);
	const stock = page.locator('#stock');
	await expectText(stock.locator('tfoot'), /Total 10 pcs/, 'total after adding');
	await expectText(stock.locator('.group-row'), /Shelf A.*10 pcs/, 'Shelf A group');

	// Move four of them to Shelf B: the rest stays.
	await stock.getByRole('checkbox').first().check();
	await stock.getByRole('toolbar').getByRole('button', { name: 'Transfer' }).click();
	d = await dialog(page, 'Transfer stock');
	await d.getByRole('textbox', { name: /Quantity to move/ }).fill('4');
	await d.getByLabel('Move to location').fill('Shelf B');
	await d.getByRole('treeitem', { name: /Shelf B/ }).click();
	await d.getByLabel('Notes').fill('Split for the kitting bench');
	await d.getByRole('button', { name: 'Transfer stock' }).click();
	await closed(page);
	await expectText(stock.locator('tfoot'), /Total 10 pcs/, 'total after transfer');
	await expectText(stock.locator('.group-row').filter({ hasText: 'Shelf A' }), /6 pcs/, 'Shelf A after transfer');
	await expectText(stock.locator('.group-row').filter({ hasText: 'Shelf B' }), /4 pcs/, 'Shelf B after transfer');
	// A picture and a datasheet for the part (media under the prefix, with the session).
	const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
	await page.getByLabel('Add an image').setInputFiles({ name: 'resistor.png', mimeType: 'image/png', buffer: png });
	const img = page.getByRole('img', { name: 'Image of Resistor 10k 0805' });
	await img.waitFor();
	await page.waitForFunction(() => document.querySelector('.part-image img')?.naturalWidth > 0);
	const att = page.locator('.card').filter({ has: page.getByRole('heading', { name: 'Attachments' }) });
	await att.getByLabel('Comment').fill('Datasheet, rev C');
	await att.getByLabel('Attach a file').setInputFiles({ name: 'datasheet.txt', mimeType: 'text/plain', buffer: Buffer.from('R-10K-0805 datasheet\n') });
	const fileLink = att.getByRole('link', { name: 'datasheet.txt' });
	await fileLink.waitFor();
	const href = await fileLink.getAttribute('href');
	if (!href.startsWith(new URL(ctx.server.base).pathname + 'media/')) throw new Error(`attachment URL outside the prefix: ${href}`);
	const got = await page.evaluate(async u => { const r = await fetch(u); return [r.status, await r.text()]; }, href);
	if (got[0] !== 200 || !got[1].includes('datasheet')) throw new Error(`attachment download: ${got}`);
	await shot(ctx, page, '04-part');

	// History: the part's page and the history page both show the moves,
	// each page of it one request (the rows name their parts and users).
	const asked = [];
	const note = r => { if (/\/api\/(stock|user)\//.test(r.url())) asked.push(new URL(r.url()).pathname.replace(/.*\/api\//, '')); };
	page.on('request', note);
	await nav(page, 'History');
	await page.getByRole('heading', { level: 1, name: 'Stock history' }).waitFor();
	const hist = page.getByRole('table', { name: 'Stock history' });
	await expectText(hist, /Resistor 10k 0805/, 'history rows');
	await page.waitForLoadState('networkidle');
	page.off('request', note);
	if (asked.filter(a => a === 'stock/track/').length !== 1 || asked.some(a => /^stock\/\d+\/$/.test(a)))
		throw new Error('the history page asked: ' + asked.join(', '));
	const rows = await hist.locator('tbody tr').allTextContents();
	if (rows.length < 2) throw new Error(`expected at least 2 history entries, got ${rows.length}: ${rows.join(' | ')}`);
	if (!rows.some(r => /Shelf B/.test(r))) throw new Error(`no history entry mentions the move to Shelf B: ${rows.join(' | ')}`);
	await shot(ctx, page, '06-history');

	// The other main pages, for the record.
	await nav(page, 'Dashboard');
	await page.getByRole('heading', { level: 1, name: /Good to see you/ }).waitFor();
	await expectText(page.locator('.stats'), /Stock items/, 'stats');
	await shot(ctx, page, '02-dashboard');
	await nav(page, 'Parts');
	await page.getByRole('table', { name: 'Parts' }).getByText('Resistor 10k 0805').waitFor();
	// Every word, in any order (InvenTree's search).
	await page.getByLabel('Search parts').fill('0805 10k');
	await page.waitForURL(/search=0805/);
	await expectText(page.getByRole('table', { name: 'Parts' }), /Resistor 10k 0805/, 'search result');
	await shot(ctx, page, '03-parts');
	await nav(page, 'Locations');
	await page.getByRole('tree', { name: 'Stock locations' }).getByRole('treeitem', { name: /Store room/ }).click();
	await expectText(page.getByRole('table', { name: 'Stock items' }), /Resistor 10k 0805.*Resistor 10k 0805/, 'stock in Store room and below');
	await shot(ctx, page, '05-locations');
	await page.getByRole('table', { name: 'Stock items' }).getByRole('link', { name: /^#/ }).first().click();
	await page.getByRole('heading', { level: 1, name: /item/ }).waitFor();
	await shot(ctx, page, '07-stock-item');
	await nav(page, 'My account');
	await page.getByRole('heading', { level: 1, name: 'My account' }).waitFor();
	await shot(ctx, page, '08-account');
	await nav(page, 'Administration');
	await page.getByRole('heading', { level: 1, name: 'Administration' }).waitFor();
	await shot(ctx, page, '09-admin-users');

	// The phone at the shelf: 375 px, no sideways scrolling.
	await page.setViewportSize(PHONE);
	await page.goto(partUrl);
	await page.getByRole('heading', { level: 1, name: /Resistor 10k 0805/ }).waitFor();
	const over = await page.evaluate(() => document.documentElement.scrollWidth);
	if (over > PHONE.width + 1) throw new Error(`the part page is ${over}px wide at 375px`);
	await shot(ctx, page, '10-phone-part');
	await nav(page, 'Parts');
	await page.getByRole('heading', { level: 1, name: 'All parts' }).waitFor();
	await shot(ctx, page, '11-phone-parts');
	await page.setViewportSize(DESKTOP);

	// Sign out: back at the sign-in page, and the API no longer knows us.
	await nav(page, 'Dashboard');
	await settled(page);	// requests cut off by signing out would answer 401
	await page.getByRole('button', { name: 'Sign out' }).click();
	await page.waitForURL(/\/login$/);
	await page.getByRole('heading', { name: 'Sign in' }).waitFor();
	clean(ctx);
}

/* A user who may only look: no edit controls, and the API refuses. */
async function viewOnlyScenario(ctx) {
	const admin = await open(ctx);
	await signIn(ctx, admin, ctx.admin);
	await nav(admin, 'Administration');
	await admin.getByRole('link', { name: 'Groups' }).click();
	await admin.getByRole('button', { name: 'New group' }).click();
	let d = await dialog(admin, 'New group');
	await d.getByLabel('Name').fill('Viewers');
	for (const rs of ['Part categories', 'Parts', 'Stock locations', 'Stock items'])
		await d.getByRole('checkbox', { name: `${rs}: view` }).check();
	await d.getByRole('button', { name: 'Create group' }).click();
	await closed(admin);
	await expectText(admin.getByRole('table', { name: 'Groups' }), /Viewers/, 'groups');
	await shot(ctx, admin, '12-admin-groups');
	await admin.getByRole('link', { name: 'Users' }).click();
	await admin.getByRole('button', { name: 'New user' }).click();
	d = await dialog(admin, 'New user');
	await d.getByLabel('Username').fill('viewer');
	await d.getByLabel('First name').fill('Val');
	await d.getByLabel('Last name').fill('Viewer');
	await d.getByLabel('Password', { exact: true }).fill('Look-But-Do-Not-Touch-7');
	await d.getByRole('checkbox', { name: 'Viewers' }).check();
	await d.getByRole('button', { name: 'Create user' }).click();
	await closed(admin);
	await expectText(admin.getByRole('table', { name: 'Users' }), /viewer/, 'users');
	await admin.getByRole('link', { name: 'Audit log' }).click();
	await expectText(admin.getByRole('table', { name: 'Audit log' }), /login|user/i, 'audit');
	await shot(ctx, admin, '13-admin-audit');

	const page = await open(ctx, { allow: [/\/api\/part\/?$/, /\/api\/part\/\d+\/?$/, /\/api\/stock\/transfer\/?$/, /\/api\/stock\/location\/?$/] });
	await signIn(ctx, page, ['viewer', 'Look-But-Do-Not-Touch-7']);
	await expectNone(page.getByRole('link', { name: 'Administration' }), 'admin link');
	await nav(page, 'Parts');
	await page.getByRole('heading', { level: 1, name: 'All parts' }).waitFor();
	await page.getByRole('table', { name: 'Parts' }).locator('tbody a').first().waitFor();
	await expectNone(page.getByRole('button', { name: /New part|New category|^New$/ }), 'create buttons on Parts');
	await page.getByRole('table', { name: 'Parts' }).locator('tbody a').first().click();
	await page.locator('#stock').waitFor();
	await page.waitForLoadState('networkidle');
	await expectNone(page.getByRole('button', { name: /Add stock|Edit|Delete|Transfer/ }), 'edit controls on the part page');
	await expectNone(page.locator('#stock').getByRole('checkbox'), 'stock selection');
	await shot(ctx, page, '14-view-only-part');
	await nav(page, 'Locations');
	await page.getByRole('heading', { level: 1, name: 'All stock' }).waitFor();
	await page.waitForLoadState('networkidle');
	await expectNone(page.getByRole('button', { name: /New|Add stock|Edit|Move|Delete/ }), 'edit controls on Locations');
	await expectNone(page.getByRole('table', { name: 'Stock items' }).getByRole('checkbox'), 'stock selection');

	// The page's own session, used directly: refused.
	const statuses = await page.evaluate(async () => {
		const h = { 'Content-Type': 'application/json', 'X-CSRFToken': localStorage.getItem('stockroom.csrf') || '' };
		const call = (m, u, b) => fetch(u, { method: m, headers: h, body: JSON.stringify(b), credentials: 'same-origin' }).then(r => r.status);
		return {
			createPart: await call('POST', 'api/part/', { name: 'Sneaky part' }),
			editPart: await call('PATCH', 'api/part/1/', { name: 'Renamed' }),
			transfer: await call('POST', 'api/stock/transfer/', { items: [{ pk: 1, quantity: 1 }], location: 1 }),
			newLocation: await call('POST', 'api/stock/location/', { name: 'Nope' }),
		};
	});
	for (const [k, v] of Object.entries(statuses)) if (v !== 403) throw new Error(`${k}: expected 403, got ${v}`);
	clean(ctx);
}

/* An expired session: the next call shows the sign-in page with a message,
   and signing in returns to where the user was. */
async function expiredScenario(ctx) {
	const page = await open(ctx, { allow: [/\/api\//] });
	await signIn(ctx, page, ctx.admin);
	await nav(page, 'History');
	await page.getByRole('heading', { level: 1, name: 'Stock history' }).waitFor();
	// The history page is still asking for its users and rows: one of those
	// answered 401 would raise the sign-in page before the click below.
	await page.waitForLoadState('networkidle');
	await settled(page);
	await page.context().clearCookies();
	await nav(page, 'Parts');
	await page.getByText('Your session has expired').waitFor();
	await shot(ctx, page, '15-session-expired');
	await page.getByLabel('Username').fill(ctx.admin[0]);
	await page.getByLabel('Password').fill(ctx.admin[1]);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.getByRole('heading', { level: 1, name: 'All parts' }).waitFor();
	ctx.problems = ctx.problems.filter(p => !/HTTP 401|status of 401/.test(p));
	clean(ctx);
}

/* First run: no account yet, so the page offers setup with the code. */
async function setupScenario(ctx) {
	const page = await open(ctx);
	await goto(ctx, page, '/parts');
	await page.waitForURL(/\/setup$/);
	await page.getByRole('heading', { name: 'First-run setup' }).waitFor();
	await shot(ctx, page, '00-first-run-setup');
	ctx.expectError(/\/api\/auth\/setup\/$/);
	await page.getByLabel('Setup code').fill('not-the-code');
	await page.getByLabel('Username').fill('keeper');
	await page.getByLabel(/^Password\s*\*?$/).fill('Brass-Hinges-And-Bolts-5');
	await page.getByLabel('Password again').fill('Brass-Hinges-And-Bolts-5');
	await page.getByRole('button', { name: 'Create administrator' }).click();
	await expectText(page.locator('.field-invalid').first(), /setup code/i, 'wrong code message');
	const code = fs.readFileSync(ctx.server.setup_code_file, 'utf8').trim();
	await page.getByLabel('Setup code').fill(code);
	await page.getByRole('button', { name: 'Create administrator' }).click();
	await page.getByRole('heading', { level: 1, name: /Good to see you, keeper/ }).waitFor();
	clean(ctx);
}

/* Count, add, remove and status on several selected items at once;
   location edit, move and delete with their options. */
async function stockActionsScenario(ctx) {
	const page = await open(ctx);
	await signIn(ctx, page, ctx.admin);
	await nav(page, 'Locations');
	await page.getByRole('tree', { name: 'Stock locations' }).getByRole('treeitem', { name: /Store room/ }).click();
	const table = page.getByRole('table', { name: 'Stock items' });
	await expectText(table, /6 pcs[\s\S]*4 pcs|4 pcs[\s\S]*6 pcs/, 'items before');
	await table.getByRole('checkbox', { name: 'Select all on this page' }).check();
	await page.getByRole('toolbar').getByRole('button', { name: 'Add' }).click();
	let d = await dialog(page, 'Add stock');
	for (const box of await d.getByRole('textbox', { name: /Quantity to add/ }).all()) await box.fill('2');
	await d.getByLabel('Notes').fill('Found two more of each');
	await shot(ctx, page, '16-stock-action-dialog', { full: false });
	await d.getByRole('button', { name: 'Add stock' }).click();
	await closed(page);
	await expectText(table, /8 pcs[\s\S]*6 pcs|6 pcs[\s\S]*8 pcs/, 'items after adding 2 each');

	// One bad quantity rejects the whole request, shown at its row.
	await table.getByRole('checkbox', { name: 'Select all on this page' }).check();
	await page.getByRole('toolbar').getByRole('button', { name: 'Remove' }).click();
	d = await dialog(page, 'Remove stock');
	const boxes = await d.getByRole('textbox', { name: /Quantity to remove/ }).all();
	await boxes[0].fill('1');
	await boxes[1].fill('1000');
	ctx.expectError(/\/api\/stock\/remove\/$/);
	await d.getByRole('button', { name: 'Remove stock' }).click();
	await expectText(d.locator('.field-error, .note-error').first(), /\S/, 'per-item error');
	await boxes[1].fill('1');
	await d.getByRole('button', { name: 'Remove stock' }).click();
	await closed(page);
	await expectText(table, /7 pcs[\s\S]*5 pcs|5 pcs[\s\S]*7 pcs/, 'items after removing 1 each');

	await table.getByRole('checkbox', { name: 'Select all on this page' }).check();
	await page.getByRole('toolbar').getByRole('button', { name: 'Status' }).click();
	d = await dialog(page, 'Change status');
	await d.getByLabel('New status').selectOption({ label: 'Attention needed' });
	await d.getByRole('button', { name: 'Change status' }).click();
	await closed(page);
	await expectText(table, /Attention needed[\s\S]*Attention needed/, 'status after change');

	// By keyboard: Space ticks an item, Enter goes to the actions (not a
	// Tab past every row), Enter on Count opens it.
	await table.getByRole('checkbox').nth(1).focus();
	await page.keyboard.press('Space');
	await page.keyboard.press('Enter');
	const focused = await page.evaluate(() => document.activeElement?.textContent.trim());
	if (focused !== 'Count') throw new Error('Enter on a ticked item went to ' + JSON.stringify(focused));
	await page.keyboard.press('Enter');
	d = await dialog(page, 'Count stock');
	await d.getByRole('textbox', { name: /Counted quantity/ }).fill('12');
	await d.getByRole('button', { name: 'Count stock' }).click();
	await closed(page);
	await expectText(table, /12 pcs/, 'count');

	// A location: edit, move under another, delete moving its stock up.
	await newLocation(page, 'Bin 7', 'Store room');
	await page.getByRole('button', { name: 'Edit' }).click();
	d = await dialog(page, 'Edit location');
	await d.getByLabel('Description').fill('Small parts bin');
	await d.getByRole('button', { name: 'Save' }).click();
	await closed(page);
	await page.getByText('Small parts bin').waitFor();
	await page.getByRole('button', { name: 'Move' }).click();
	d = await dialog(page, 'Move “Bin 7”');
	await d.getByRole('treeitem', { name: /Top level/ }).click();
	await d.getByRole('button', { name: 'Move here' }).click();
	await closed(page);
	await expectText(page.getByRole('navigation', { name: 'Location path' }), /^Locations$/, 'moved to top level');
	await page.getByRole('button', { name: 'Delete' }).click();
	d = await dialog(page, 'Delete “Bin 7”?');
	await d.getByRole('button', { name: 'Delete' }).click();
	await closed(page);
	await page.getByRole('heading', { level: 1, name: 'All stock' }).waitFor();
	await page.getByRole('tree', { name: 'Stock locations' }).getByRole('treeitem', { name: /Bin 7/ }).waitFor({ state: 'detached' });

	// A part: edit with a field error from the API, then fix it.
	await nav(page, 'Parts');
	await page.getByRole('table', { name: 'Parts' }).getByRole('link', { name: 'Resistor 10k 0805' }).click();
	await page.getByRole('button', { name: 'Edit' }).click();
	d = await dialog(page, 'Edit Resistor 10k 0805');
	await d.getByLabel('Minimum stock').fill('lots');
	ctx.expectError(/\/api\/part\/\d+\/$/);
	await d.getByRole('button', { name: 'Save part' }).click();
	await expectText(d.locator('.field-invalid').filter({ has: page.getByLabel('Minimum stock') }), /\S+/, 'minimum_stock error');
	await d.getByLabel('Minimum stock').fill('20');
	// Units that are not a unit (InvenTree's physical units): the server's
	// reason on the field, then a unit.
	await d.getByLabel('Units').fill('boxes');
	ctx.expectError(/\/api\/part\/\d+\/$/);
	await d.getByRole('button', { name: 'Save part' }).click();
	await expectText(d.locator('.field-invalid').filter({ has: page.getByLabel('Units') }), /Invalid physical unit: boxes/, 'units error');
	await shot(ctx, page, '16b-part-units-refused', { full: false });
	await d.getByLabel('Units').fill('pieces');
	await d.getByRole('button', { name: 'Save part' }).click();
	await closed(page);
	await page.getByText('Below minimum').first().waitFor();
	clean(ctx);
}

/* My account: an API token shown once with a copy button, revoked; the
   password changed and changed back. */
async function accountScenario(ctx) {
	const page = await open(ctx);
	await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(ctx.server.base).origin });
	await signIn(ctx, page, ctx.admin);
	await nav(page, 'My account');
	await page.getByRole('button', { name: 'New token' }).click();
	let d = await dialog(page, 'New API token');
	await d.getByLabel('Name').fill('barcode scanner');
	await d.getByRole('button', { name: 'Create token' }).click();
	d = await dialog(page, 'Your new API token');
	const key = await d.getByLabel(/Key for/).inputValue();
	if (!/^\S{20,}$/.test(key)) throw new Error(`no key shown: ${key}`);
	await d.getByRole('button', { name: 'Copy' }).click();
	await page.getByText(/Key copied|Ctrl\+C/).waitFor();
	await shot(ctx, page, '17-token-created', { full: false });
	// The key works as the API expects.
	const who = await page.evaluate(async k => (await fetch('api/user/me/', { headers: { Authorization: 'Token ' + k } })).json(), key);
	if (who.username !== ctx.admin[0]) throw new Error('the new token does not authenticate: ' + JSON.stringify(who));
	await d.getByRole('button', { name: 'Done' }).click();
	await closed(page);
	const tokens = page.locator('.card').filter({ hasText: 'API tokens' });
	await expectText(tokens, /barcode scanner/, 'token listed');
	if ((await tokens.innerText()).includes(key)) throw new Error('the key is listed again');
	await tokens.getByRole('button', { name: 'Revoke token barcode scanner' }).click();
	d = await dialog(page, 'Revoke “barcode scanner”?');
	await d.getByRole('button', { name: 'Revoke' }).click();
	await closed(page);
	await tokens.getByText('barcode scanner').waitFor({ state: 'detached' });

	const pw = page.locator('.card').filter({ hasText: 'Password' }).first();
	ctx.expectError(/\/api\/auth\/password\/$/);
	await pw.getByLabel('Current password').fill('wrong-password');
	await pw.getByLabel('New password', { exact: true }).fill('Another-Quiet-Aisle-12');
	await pw.getByLabel('New password again').fill('Another-Quiet-Aisle-12');
	await pw.getByRole('button', { name: 'Change password' }).click();
	await expectText(pw.locator('.field-invalid').first(), /incorrect/i, 'old password error');
	await pw.getByLabel('Current password').fill(ctx.admin[1]);
	await pw.getByRole('button', { name: 'Change password' }).click();
	await page.getByText(/Password changed/).waitFor();
	// Still signed in (a new session), and able to change it back.
	await pw.getByLabel('Current password').fill('Another-Quiet-Aisle-12');
	await pw.getByLabel('New password', { exact: true }).fill(ctx.admin[1]);
	await pw.getByLabel('New password again').fill(ctx.admin[1]);
	// Wait for this change's own answer (with the new session cookie): the
	// server ends the old session, so a page request sent before the answer
	// arrives is refused (a toast count could be reached before it did).
	const [changed] = await Promise.all([
		page.waitForResponse(r => r.url().endsWith('/api/auth/password/') &&
		    r.request().method() === 'POST'),
		pw.getByRole('button', { name: 'Change password' }).click(),
	]);
	if (changed.status() !== 200)
		throw new Error(`changing the password back: HTTP ${changed.status()}`);
	await page.waitForFunction(() => document.querySelectorAll('.toast').length >= 2);
	await nav(page, 'Dashboard');
	await page.getByRole('heading', { level: 1, name: /Good to see you/ }).waitFor();
	clean(ctx);
}

/* A stocked store room (demo.mjs): the screenshots for the README. */
async function demoScenario(ctx) {
	const page = await open(ctx);
	await signIn(ctx, page, ctx.admin);
	await seedInPage(page);
	await goto(ctx, page, '/');
	await page.getByRole('heading', { level: 1, name: /Good to see you/ }).waitFor();
	await expectText(page.locator('.card').filter({ hasText: 'Low stock' }), /Resistor 4.7k 0603/, 'low stock list');
	await shot(ctx, page, '20-demo-dashboard');
	await nav(page, 'Parts');
	await page.getByRole('tree', { name: 'Part categories' }).getByRole('treeitem', { name: /Electronics/ }).click();
	await expectText(page.getByRole('table', { name: 'Parts' }), /STM32G431KBT6/, 'parts in Electronics');
	await shot(ctx, page, '21-demo-parts');
	await page.getByRole('table', { name: 'Parts' }).getByRole('link', { name: 'STM32G431KBT6' }).click();
	await expectText(page.locator('#stock tfoot'), /Total\s*54 pcs/, 'STM32 total');
	await shot(ctx, page, '22-demo-part');
	await nav(page, 'Locations');
	await page.getByRole('tree', { name: 'Stock locations' }).getByRole('treeitem', { name: /Main store/ }).click();
	await page.getByRole('table', { name: 'Stock items' }).getByText('USB-C receptacle 16p').waitFor();
	await shot(ctx, page, '23-demo-locations');
	// Keyboard: the tree moves with the arrow keys and picks with Enter;
	// "/" jumps to the parts search.
	const tree = page.getByRole('tree', { name: 'Stock locations' });
	await tree.getByRole('treeitem', { name: /Main store/ }).focus();
	await page.keyboard.press('ArrowDown');
	await page.keyboard.press('Enter');
	await page.getByRole('heading', { level: 1, name: 'Rack 1' }).waitFor();
	await nav(page, 'Parts');
	await page.getByRole('heading', { level: 1, name: 'All parts' }).waitFor();
	await page.locator('main').click({ position: { x: 5, y: 5 } });
	await page.keyboard.press('/');
	await page.keyboard.type('usb');
	await expectText(page.getByRole('table', { name: 'Parts' }), /USB-C receptacle 16p/, 'keyboard search');

	// A phone at the shelf: every main page fits 375 px without sideways scrolling.
	await page.setViewportSize(PHONE);
	for (const [p, h] of [['/', /Good to see you/], ['/parts', 'All parts'], ['/part/7', /./], ['/locations', 'All stock'],
		['/history', 'Stock history'], ['/account', 'My account'], ['/admin/users', 'Administration'], ['/admin/groups', 'Administration']]) {
		await goto(ctx, page, p);
		await page.getByRole('heading', { level: 1, name: h }).first().waitFor();
		await settled(page);
		await page.waitForLoadState('networkidle');	// names still being looked up
		const w = await page.evaluate(() => document.documentElement.scrollWidth);
		if (w > PHONE.width + 1) throw new Error(`${p} is ${w}px wide at ${PHONE.width}px`);
	}
	await goto(ctx, page, '/');
	await page.getByRole('heading', { level: 1, name: /Good to see you/ }).waitFor();
	await shot(ctx, page, '24-demo-phone-dashboard');
	clean(ctx);
}

/* Companies: a supplier made in the page, a supplier part added to it
   by searching for the part, the part's supplied parts deleted again;
   the list and the company at a phone's width. */
async function companiesScenario(ctx) {
	const page = await open(ctx);
	await signIn(ctx, page, ctx.admin);
	await page.evaluate(async () => {
		const token = localStorage.getItem('stockroom.csrf') || '';
		const r = await fetch('api/part/', { method: 'POST', credentials: 'same-origin',
			headers: { 'Content-Type': 'application/json', 'X-CSRFToken': token },
			body: JSON.stringify({ name: 'Capacitor 100nF 0603', IPN: 'C-100N' }) });
		if (!r.ok) throw new Error('part: ' + r.status);
	});
	await nav(page, 'Companies');
	await page.getByRole('heading', { level: 1, name: 'Companies' }).waitFor();
	await page.getByRole('button', { name: 'New company' }).click();
	let d = await dialog(page, 'New company');
	await d.getByLabel('Name').fill('Mouser Electronics');
	await d.getByLabel('Website').fill('https://www.mouser.com');
	await d.getByRole('button', { name: 'Create company' }).click();
	await closed(page);
	await page.getByRole('heading', { level: 1, name: 'Mouser Electronics' }).waitFor();
	const supplied = page.locator('.card').filter({ has: page.getByRole('heading', { name: 'Supplied parts' }) });
	await supplied.getByRole('button', { name: 'Add' }).click();
	d = await dialog(page, 'New part from Mouser Electronics');
	await d.getByRole('searchbox', { name: 'Part' }).fill('100nF');
	await d.getByRole('button', { name: /Capacitor 100nF 0603/ }).click();
	await d.getByLabel('SKU').fill('81-GRM188R71H104KA3D');
	await d.getByLabel('Packaging').fill('Cut tape');
	await d.getByRole('button', { name: 'Add supplier part' }).click();
	await closed(page);
	await expectText(page.getByRole('table', { name: 'Supplied parts' }), /81-GRM188R71H104KA3D.*Capacitor 100nF 0603/, 'the supplier part');
	await settled(page);
	await shot(ctx, page, '20-company');
	const companyUrl = page.url();
	// The part's page lists it among its suppliers.
	await page.getByRole('table', { name: 'Supplied parts' }).getByRole('link', { name: /Capacitor 100nF 0603/ }).click();
	await page.getByRole('heading', { level: 1, name: /Capacitor 100nF 0603/ }).waitFor();
	const sup = page.locator('.card').filter({ has: page.getByRole('heading', { name: 'Suppliers' }) });
	await expectText(sup, /Mouser Electronics.*81-GRM188R71H104KA3D/, 'the part\'s supplier');
	await settled(page);
	await page.setViewportSize(PHONE);
	await page.goto(companyUrl);
	await page.getByRole('heading', { level: 1, name: 'Mouser Electronics' }).waitFor();
	await settled(page);
	let over = await page.evaluate(() => document.documentElement.scrollWidth);
	if (over > PHONE.width + 1) throw new Error(`the company page is ${over}px wide at 375px`);
	await shot(ctx, page, '21-phone-company');
	await nav(page, 'Companies');
	await page.getByRole('table', { name: 'Companies' }).getByText('Mouser Electronics').waitFor();
	over = await page.evaluate(() => document.documentElement.scrollWidth);
	if (over > PHONE.width + 1) throw new Error(`the companies page is ${over}px wide at 375px`);
	await page.setViewportSize(DESKTOP);
	await page.goto(companyUrl);
	const table = page.getByRole('table', { name: 'Supplied parts' });
	await table.getByRole('checkbox', { name: 'Select 81-GRM188R71H104KA3D' }).check();
	await page.getByRole('button', { name: 'Delete 1' }).click();
	d = await dialog(page, 'Delete 1 supplier part?');
	await d.getByRole('button', { name: 'Delete' }).click();
	await closed(page);
	await expectText(table, /supplies no parts yet/, 'an empty list after the delete');
	clean(ctx);
}

/* Bills of materials (issue 16): an assembly's BOM built in the page by
   searching components, a substitute, the can-build figure as stock
   allows, "Validate BOM" and an edit that clears it, a cycle refused with
   its path, "Used in" on a component; the page at a phone's width. */
async function bomScenario(ctx) {
	const page = await open(ctx);
	ctx.expectError(/\/api\/bom\/$/);		/* the cycle, provoked */
	await signIn(ctx, page, ctx.admin);
	const ids = await page.evaluate(async () => {
		const token = localStorage.getItem('stockroom.csrf') || '';
		const post = async (path, body) => {
			const r = await fetch('api/' + path, { method: 'POST', credentials: 'same-origin',
				headers: { 'Content-Type': 'application/json', 'X-CSRFToken': token }, body: JSON.stringify(body) });
			if (!r.ok) throw new Error(path + ': ' + r.status + ' ' + await r.text());
			return r.json();
		};
		const board = await post('part/', { name: 'Sensor board', IPN: 'SB-01', assembly: true, component: true });
		const unit = await post('part/', { name: 'Sensor unit', IPN: 'UNIT-01', assembly: true, component: true });
		const r = await post('part/', { name: 'Resistor 10k 0603', IPN: 'R-10K', initial_stock: { quantity: 40 } });
		const r2 = await post('part/', { name: 'Resistor 10k 0805', IPN: 'R-10K-B', initial_stock: { quantity: 8 } });
		const mcu = await post('part/', { name: 'STM32G431', IPN: 'U-STM32', initial_stock: { quantity: 3 } });
		await post('bom/', { part: unit.pk, sub_part: board.pk, quantity: 1 });
		return { board: board.pk, unit: unit.pk, r: r.pk, r2: r2.pk, mcu: mcu.pk };
	});
	await goto(ctx, page, '/part/' + ids.board);
	const bom = page.locator('#bom');
	await bom.getByRole('heading', { name: 'Bill of materials' }).waitFor();
	const add = async (search, name, qty, ref) => {
		await bom.getByRole('button', { name: 'Add line' }).click();
		const d = await dialog(page, 'Add to the BOM of Sensor board');
		await d.getByRole('searchbox', { name: 'Component' }).fill(search);
		await d.getByRole('button', { name }).click();
		await d.getByRole('textbox', { name: 'Quantity', exact: true }).fill(qty);
		await d.getByLabel('Reference').fill(ref);
		await d.getByRole('button', { name: 'Add line' }).click();
		await closed(page);
	};
	await add('10k 0603', 'R-10K | Resistor 10k 0603', '4', 'R1, R2, R3, R4');
	await add('STM32', 'U-STM32 | STM32G431', '1', 'U1');
	const table = page.getByRole('table', { name: 'Bill of materials of Sensor board' });
	await expectText(table, /Resistor 10k 0603 R1, R2, R3, R4 4 40 10/, 'the resistor line');
	// 40 / 4 = 10 boards of resistors, 3 of MCUs: 3.
	await expectText(bom.locator('.bom-summary'), /3 Can build 2 Lines Not validated/, 'can build 3');
	// A substitute adds its stock to the line: (40 + 8) / 4 = 12.
	await bom.getByRole('button', { name: 'Edit line R-10K | Resistor 10k 0603' }).click();
	let d = await dialog(page, 'BOM line: R-10K | Resistor 10k 0603');
	await d.getByRole('searchbox', { name: 'Add a substitute' }).fill('0805');
	await d.getByRole('button', { name: 'R-10K-B | Resistor 10k 0805' }).click();
	await d.getByRole('listitem').filter({ hasText: 'R-10K-B' }).waitFor();
	await d.getByRole('button', { name: 'Cancel' }).click();
	await closed(page);
	await expectText(table, /or R-10K-B \| Resistor 10k 0805 R1, R2, R3, R4 4 48 12/, 'the substitute\'s stock');
	// Validate, then an edit clears it.
	await bom.getByRole('button', { name: 'Validate BOM' }).click();
	await expectText(bom.locator('.bom-summary'), /BOM validated/, 'validated');
	await settled(page);
	await shot(ctx, page, '30-bom');
	await bom.getByRole('button', { name: 'Edit line U-STM32 | STM32G431' }).click();
	d = await dialog(page, 'BOM line: U-STM32 | STM32G431');
	await d.getByRole('textbox', { name: 'Quantity', exact: true }).fill('2');
	await d.getByRole('button', { name: 'Save' }).click();
	await closed(page);
	await expectText(bom.locator('.bom-summary'), /1 Can build 2 Lines Not validated/, 'an edit clears the validation');
	// The resistor becomes a template with a variant of 12 in stock: the
	// line counts it once it allows variants, (40 + 8 + 12) / 4 = 15.
	await page.evaluate(async ({ r }) => {
		const token = localStorage.getItem('stockroom.csrf') || '';
		const call = async (method, path, body) => {
			const x = await fetch('api/' + path, { method, credentials: 'same-origin',
				headers: { 'Content-Type': 'application/json', 'X-CSRFToken': token }, body: JSON.stringify(body) });
			const text = await x.text();
			if (!x.ok) throw new Error(path + ': ' + x.status + ' ' + text);
		};
		await call('PATCH', `part/${r}/`, { is_template: true });
		await call('POST', 'part/', { name: 'Resistor 10k 0603 AEC-Q', IPN: 'R-10K-Q', variant_of: r, initial_stock: { quantity: 12 } });
	}, ids);
	await page.reload();
	await expectText(table, /or R-10K-B \| Resistor 10k 0805 R1, R2, R3, R4 4 48 12/, 'variants not yet allowed');
	await bom.getByRole('button', { name: 'Edit line R-10K | Resistor 10k 0603' }).click();
	d = await dialog(page, 'BOM line: R-10K | Resistor 10k 0603');
	await d.getByRole('checkbox', { name: 'Allow variants' }).check();
	await d.getByRole('button', { name: 'Save' }).click();
	await closed(page);
	await expectText(table, /Variants R1, R2, R3, R4 4 60 incl\. 12 of variants 15/, 'the variant\'s stock');
	await settled(page);
	await shot(ctx, page, '30b-bom-variants');
	// The unit contains the board: the board cannot contain the unit.
	await bom.getByRole('button', { name: 'Add line' }).click();
	d = await dialog(page, 'Add to the BOM of Sensor board');
	await d.getByRole('searchbox', { name: 'Component' }).fill('Sensor unit');
	await d.getByRole('button', { name: 'UNIT-01 | Sensor unit' }).click();
	await d.getByRole('button', { name: 'Add line' }).click();
	await expectText(d, /Part 'SB-01 \| Sensor board' is used in BOM for 'UNIT-01 \| Sensor unit' \(recursive\): UNIT-01 \| Sensor unit > SB-01 \| Sensor board/, 'the cycle refused');
	await d.getByRole('button', { name: 'Cancel' }).click();
	await closed(page);
	// Where the resistor is used.
	await table.getByRole('link', { name: 'R-10K | Resistor 10k 0603' }).click();
	const used = page.locator('.card').filter({ has: page.getByRole('heading', { name: 'Used in' }) });
	await expectText(used, /SB-01 \| Sensor board · 4 each/, 'used in');
	// At a phone's width the board's page fits.
	await page.setViewportSize(PHONE);
	await goto(ctx, page, '/part/' + ids.board);
	await bom.getByRole('heading', { name: 'Bill of materials' }).waitFor();
	await settled(page);
	const over = await page.evaluate(() => document.documentElement.scrollWidth);
	if (over > PHONE.width + 1) throw new Error(`the assembly's page is ${over}px wide at 375px`);
	await shot(ctx, page, '31-phone-bom');
	clean(ctx);
}

/* Purchase orders: what to order → draft order → issue → receive part of
   it → receive the rest → complete, at a desktop's width; the list, an
   order and the receive dialog at a phone's. */
async function purchaseOrderScenario(ctx) {
	const page = await open(ctx);
	await signIn(ctx, page, ctx.admin);
	await page.evaluate(async () => {
		const token = localStorage.getItem('stockroom.csrf') || '';
		const post = async (path, body) => {
			const r = await fetch('api/' + path, { method: 'POST', credentials: 'same-origin',
				headers: { 'Content-Type': 'application/json', 'X-CSRFToken': token }, body: JSON.stringify(body) });
			if (!r.ok) throw new Error(path + ': ' + r.status + ' ' + await r.text());
			return r.json();
		};
		const part = await post('part/', { name: 'Resistor 4k7 0603', IPN: 'R-4K7', minimum_stock: 250 });
		const co = await post('company/', { name: 'Farnell' });
		const sp = await post('company/part/', { part: part.pk, supplier: co.pk, SKU: 'FN-4K7', pack_quantity: '100' });
		await post('company/price-break/', { part: sp.pk, quantity: 1, price: '1.20' });
		await post('stock/location/', { name: 'Goods in' });
	});
	await page.reload();	// the location tree the page had cached is older
	await page.getByRole('navigation', { name: 'Main' }).waitFor();
	await nav(page, 'Purchase orders');
	await page.getByRole('heading', { level: 1, name: 'Purchase orders' }).waitFor();
	await page.getByRole('link', { name: 'What to order' }).click();
	await page.getByRole('heading', { level: 1, name: 'What to order' }).waitFor();
	await expectText(page.getByRole('table', { name: 'What to order' }), /Resistor 4k7 0603.*250.*Farnell.*FN-4K7.*3/, 'the short part');
	await shot(ctx, page, '25-what-to-order');
	await page.getByRole('button', { name: /Create draft orders \(1\)/ }).click();
	await page.getByRole('heading', { level: 1, name: /PO-\d{4}/ }).waitFor();
	await expectText(page.getByRole('table', { name: 'Lines' }), /FN-4K7.*Resistor 4k7 0603.*3.*0/, 'the draft line');
	await page.getByRole('button', { name: 'Issue' }).click();
	await expectText(page.locator('h1'), /Placed/, 'the placed order');
	await page.getByRole('button', { name: 'Receive' }).click();
	let d = await dialog(page, /Receive against PO-/);
	await d.getByLabel('Quantity').fill('1');
	await d.getByLabel('Location').selectOption({ label: 'Goods in' });
	await d.getByLabel('Batch').fill('LOT-1');
	await shot(ctx, page, '26-receive');
	await d.getByRole('button', { name: 'Receive 1 line' }).click();
	await closed(page);
	await expectText(page.getByRole('table', { name: 'Lines' }), /FN-4K7.*Resistor 4k7 0603.*3.*1/, 'one pack received');
	const orderUrl = page.url();
	// The rest, then complete.
	await page.getByRole('button', { name: 'Receive' }).click();
	d = await dialog(page, /Receive against PO-/);
	await d.getByLabel('Location').selectOption({ label: 'Goods in' });
	await d.getByRole('button', { name: 'Receive 1 line' }).click();
	await closed(page);
	await expectText(page.getByRole('table', { name: 'Lines' }), /FN-4K7.*3.*3/, 'all received');
	await page.getByRole('button', { name: 'Complete' }).click();
	await expectText(page.locator('h1'), /Complete/, 'the completed order');
	await shot(ctx, page, '27-order-complete');
	// The part has 300 in stock and nothing on order.
	await page.getByRole('table', { name: 'Lines' }).getByRole('link', { name: 'Resistor 4k7 0603' }).click();
	await page.getByRole('heading', { level: 1, name: /Resistor 4k7 0603/ }).waitFor();
	await expectText(page.locator('.stats'), /300/, 'the stock received');
	await settled(page);	// its cards' requests done before the next page
	await page.setViewportSize(PHONE);
	let k = 0;
	for (const p of [orderUrl, ctx.server.base + 'orders', ctx.server.base + 'order/suggest']) {
		await page.goto(p);
		await page.getByRole('heading', { level: 1 }).first().waitFor();
		await settled(page);
		const w = await page.evaluate(() => document.documentElement.scrollWidth);
		if (w > PHONE.width + 1) throw new Error(`${p} is ${w}px wide at ${PHONE.width}px`);
		await shot(ctx, page, `28-phone-orders-${k++}`);
	}
	// Printed, the order is the document alone.
	await page.setViewportSize(DESKTOP);
	await page.goto(orderUrl);
	await page.getByRole('heading', { level: 1, name: /PO-/ }).waitFor();
	await page.emulateMedia({ media: 'print' });
	if (await page.getByRole('navigation', { name: 'Main' }).isVisible()) throw new Error('the menu is printed');
	if (await page.getByRole('button', { name: 'Print' }).isVisible()) throw new Error('the buttons are printed');
	await shot(ctx, page, '29-order-print');
	await page.emulateMedia({ media: 'screen' });
	clean(ctx);
}

/* Export (docs/export.md): the parts table as the file of what it shows. */
async function exportScenario(ctx) {
	const page = await open(ctx);
	await signIn(ctx, page, ctx.admin);
	await page.evaluate(async () => {
		const token = localStorage.getItem('stockroom.csrf') || '';
		const post = async body => {
			const r = await fetch('api/part/', { method: 'POST', credentials: 'same-origin',
				headers: { 'Content-Type': 'application/json', 'X-CSRFToken': token }, body: JSON.stringify(body) });
			if (!r.ok) throw new Error('part: ' + r.status);
			await r.text();
		};
		for (const n of ['Fuse 1A', 'Fuse 2A', 'Fuse 3A', 'Relay 5V'])
			await post({ name: n, IPN: n.replace(/\W/g, ''), description: n.startsWith('Relay') ? 'coil' : '=1+1' });
	});
	const csvOf = async fmt => {
		const [dl] = await Promise.all([page.waitForEvent('download'),
			(async () => {
				await page.getByRole('button', { name: 'Export' }).click();
				await page.getByRole('menu', { name: 'Export format' }).getByRole('menuitem', { name: fmt }).click();
			})()]);
		return { name: dl.suggestedFilename(), body: fs.readFileSync(await dl.path()) };
	};
	await goto(ctx, page, 'parts?search=Fuse&ordering=-name');
	await expectText(page.getByRole('table', { name: /Parts/ }), /Fuse 3A/, 'the searched parts');
	await settled(page);
	await page.getByRole('button', { name: 'Export' }).click();
	await page.getByRole('menu', { name: 'Export format' }).waitFor();
	await shot(ctx, page, '40-export-menu', { full: false });
	await page.keyboard.press('Escape');
	const csv = await csvOf('CSV');
	if (!/^Stockroom_Part_.*\.csv$/.test(csv.name)) throw new Error('csv file name ' + csv.name);
	const lines = csv.body.toString('utf8').trim().split('\r\n');
	const names = lines.slice(1).map(l => l.split(',')[1]);
	if (names.join('|') !== 'Fuse 3A|Fuse 2A|Fuse 1A') throw new Error('exported rows: ' + names.join('|'));
	if (!lines[1].includes(`"'=1+1"`)) throw new Error('formula not neutralised: ' + lines[1]);
	const xlsx = await csvOf('Excel (XLSX)');
	if (!xlsx.name.endsWith('.xlsx') || xlsx.body.subarray(0, 2).toString() !== 'PK') throw new Error('xlsx: ' + xlsx.name);
	const json = JSON.parse((await csvOf('JSON')).body.toString('utf8'));
	if (json.length !== 3 || json[0].name !== 'Fuse 3A') throw new Error('json rows');
	// The workbook back through the import dialog: the sheet it was read
	// from (the one it opens at) is named above the columns.
	await page.getByRole('button', { name: 'Import', exact: true }).click();
	let d = await dialog(page, 'Import parts');
	await d.getByLabel('File').setInputFiles({ name: xlsx.name, buffer: xlsx.body,
		mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
	await d.getByRole('button', { name: 'Upload' }).click();
	d = await dialog(page, 'Match the columns');
	await expectText(d, /3 rows, \d+ columns \(XLSX, sheet “[^”]+”\)/, 'the sheet read');
	await shot(ctx, page, '41-import-xlsx-sheet', { full: false });
	await d.getByRole('button', { name: 'Close', exact: true }).first().click();
	await closed(page);

	const phone = page;
	await phone.setViewportSize(PHONE);
	await goto(ctx, phone, 'parts?search=Fuse');
	await expectText(phone.getByRole('table', { name: /Parts/ }), /Fuse 1A/, 'the parts at phone width');
	await settled(phone);
	await phone.getByRole('button', { name: 'Export' }).click();
	const box = await phone.getByRole('menu', { name: 'Export format' }).boundingBox();
	if (!box || box.x < 0 || box.x + box.width > PHONE.width) throw new Error('the export menu leaves the screen: ' + JSON.stringify(box));
	await shot(ctx, phone, '41-export-menu-phone', { full: false });
	clean(ctx);
}

/* Build orders: an issued build of a BOM, auto-allocate, an output made
 * and completed, finish; the stock figures on the part pages after; the
 * list and the order at a phone's width. */
async function buildScenario(ctx) {
	const page = await open(ctx);
	await signIn(ctx, page, ctx.admin);
	const ids = await page.evaluate(async () => {
		const token = localStorage.getItem('stockroom.csrf') || '';
		const post = async (path, body) => {
			const r = await fetch('api/' + path, { method: 'POST', credentials: 'same-origin',
				headers: { 'Content-Type': 'application/json', 'X-CSRFToken': token }, body: JSON.stringify(body) });
			if (!r.ok) throw new Error(path + ': ' + r.status + ' ' + await r.text());
			return r.json();
		};
		const store = await post('stock/location/', { name: 'Assembly store' });
		const done = await post('stock/location/', { name: 'Finished goods' });
		const board = await post('part/', { name: 'Weather station', IPN: 'WS-01', assembly: true, component: true });
		const r = await post('part/', { name: 'Resistor 1k 0402', IPN: 'R-1K-0402' });
		const mcu = await post('part/', { name: 'ESP32-C3', IPN: 'U-ESP32' });
		await post('stock/', { part: r.pk, quantity: 40, location: store.pk });
		await post('stock/', { part: mcu.pk, quantity: 5, location: store.pk });
		await post('bom/', { part: board.pk, sub_part: r.pk, quantity: 4, reference: 'R1 R2 R3 R4' });
		await post('bom/', { part: board.pk, sub_part: mcu.pk, quantity: 1, reference: 'U1' });
		return { board: board.pk, r: r.pk, mcu: mcu.pk };
	});
	await page.reload();	// the location tree the page had cached is older
	await page.getByRole('navigation', { name: 'Main' }).waitFor();
	// BOM -> can build: 40 / 4 resistors, 5 MCUs: 5 boards.
	await goto(ctx, page, '/part/' + ids.board);
	const bom = page.locator('#bom');
	await bom.getByRole('heading', { name: 'Bill of materials' }).waitFor();
	await expectText(bom.locator('.bom-summary'), /5 Can build 2 Lines/, 'can build 5');
	await settled(page);
	// -> a build order of three, made in its dialog.
	await nav(page, 'Build orders');
	await page.getByRole('heading', { level: 1, name: 'Build orders' }).waitFor();
	await page.getByRole('button', { name: 'New build order' }).click();
	let d = await dialog(page, 'New build order');
	await d.getByRole('searchbox', { name: 'Assembly' }).fill('Weather');
	await d.getByRole('button', { name: /Weather station/ }).click();
	await d.getByLabel('Quantity').fill('3');
	await d.getByLabel('Description').fill('First batch');
	await d.getByLabel('Destination').selectOption({ label: 'Finished goods' });
	await d.getByRole('button', { name: 'Create build order' }).click();
	await closed(page);
	await page.getByRole('heading', { level: 1, name: /BO-0001/ }).waitFor();
	await nav(page, 'Build orders');
	await expectText(page.getByRole('table', { name: 'Build orders' }), /BO-0001.*Weather station.*Pending/, 'the build in the list');
	await page.getByRole('table', { name: 'Build orders' }).getByRole('link', { name: 'BO-0001' }).click();
	await page.getByRole('heading', { level: 1, name: /BO-0001/ }).waitFor();
	await expectText(page.getByRole('table', { name: 'Build lines' }), /Resistor 1k 0402.*0 \/ 12.*ESP32-C3.*0 \/ 3/, 'the lines');
	await page.getByRole('button', { name: 'Issue' }).click();
	await expectText(page.locator('h1'), /Production/, 'the issued build');
	await page.getByRole('button', { name: 'Auto-allocate' }).click();
	await expectText(page.getByRole('table', { name: 'Build lines' }), /Resistor 1k 0402.*12 \/ 12.*ESP32-C3.*3 \/ 3/, 'allocated');
	await shot(ctx, page, '30-build-allocated');
	// The resistor's page shows what the build holds of it.
	const here = page.url();
	await goto(ctx, page, '/part/' + ids.r);
	await expectText(page.locator('.stats'), /40 In stock.*12 Allocated to builds/, 'allocated on the part page');
	await settled(page);
	await page.goto(here);
	await page.getByRole('heading', { level: 1, name: /BO-0001/ }).waitFor();
	await settled(page);
	await page.locator('.card').filter({ has: page.getByRole('heading', { name: 'Outputs' }) }).getByRole('button', { name: 'New output' }).click();
	d = await dialog(page, 'New build output');
	await d.getByLabel('Quantity').fill('2');
	await d.getByRole('button', { name: 'Create output' }).click();
	await closed(page);
	await page.getByRole('table', { name: 'Build outputs' }).getByRole('button', { name: 'Complete' }).click();
	d = await dialog(page, 'Complete outputs');
	await d.getByLabel('Location').selectOption({ label: 'Finished goods' });
	await shot(ctx, page, '31-build-complete-output');
	await d.getByRole('button', { name: 'Complete' }).click();
	await closed(page);
	await expectText(page.getByRole('table', { name: 'Build outputs' }), /2.*Complete/, 'the completed output');
	await expectText(page.getByRole('table', { name: 'Build lines' }), /Resistor 1k 0402.*4 \+ 8 used \/ 12/, 'consumed');
	await expectText(page.locator('.page-sub'), /2 of 3 built/, 'two built');
	// In production, at a phone's width: nothing wider than the screen.
	await page.setViewportSize({ width: 390, height: 844 });
	await settled(page);
	if (await page.evaluate(() => document.documentElement.scrollWidth) > 391) throw new Error('the build is wider than 390px');
	await shot(ctx, page, '31-phone-build-in-production');
	await page.setViewportSize(DESKTOP);
	// Finish with one short: asked, then finished (what is left consumed).
	ctx.expectError(/\/finish\/$/);
	await page.getByRole('button', { name: 'Finish' }).click();
	d = await dialog(page, 'Finish anyway?');
	await d.getByRole('button', { name: 'Finish' }).click();
	await closed(page);
	await expectText(page.locator('h1'), /Complete/, 'the finished build');
	await shot(ctx, page, '32-build-finished');
	const buildUrl = page.url();
	// The part pages: 2 boards in stock; 40 - 12 resistors, 5 - 3 MCUs
	// (what the build consumed is kept as items consumed_by it, out of
	// stock); nothing is allocated any more.
	for (const [id, re] of [[ids.board, /\b2 In stock/], [ids.r, /\b28 In stock/], [ids.mcu, /\b2 In stock/]]) {
		await goto(ctx, page, '/part/' + id);
		await page.getByRole('heading', { level: 1 }).first().waitFor();
		await expectText(page.locator('.stats'), re, 'stock of part ' + id);
		const stats = await page.locator('.stats').innerText();
		if (/[1-9][0-9]* Allocated to builds/.test(stats.replace(/\n/g, ' '))) throw new Error('part ' + id + ' still shows stock allocated: ' + stats);
		await settled(page);
	}
	// ... and the BOM's can build after: min(28 / 4, 2 / 1) = 2.
	await goto(ctx, page, '/part/' + ids.board);
	await bom.getByRole('heading', { name: 'Bill of materials' }).waitFor();
	await expectText(bom.locator('.bom-summary'), /2 Can build 2 Lines/, 'can build 2 after');
	await settled(page);
	const consumed = await page.evaluate(async b => {
		const r = await fetch('api/stock/?consumed=true', { credentials: 'same-origin' });
		return (await r.json()).map(i => [i.part, i.quantity, i.in_stock]);
	}, ids.board);
	const want = JSON.stringify([[ids.r, 8, false], [ids.mcu, 2, false], [ids.r, 4, false], [ids.mcu, 1, false]].sort());
	if (JSON.stringify(consumed.sort()) !== want) throw new Error('consumed stock: ' + JSON.stringify(consumed));
	await page.setViewportSize({ width: 390, height: 844 });
	let k = 0;
	for (const p of [buildUrl, ctx.server.base + 'builds']) {
		await page.goto(p);
		await page.getByRole('heading', { level: 1 }).first().waitFor();
		await settled(page);
		const w = await page.evaluate(() => document.documentElement.scrollWidth);
		if (w > 391) throw new Error(`${p} is ${w}px wide at 390px`);
		await shot(ctx, page, `33-phone-build-${k++}`);
	}
	// An address that names no record is "page not found", asked once:
	// never a page that requests build NaN at every render.
	let asked = 0;
	const count = r => { if (r.url().includes('/api/build/') || r.url().includes('/api/part/')) asked++; };
	page.on('request', count);
	for (const p of ['build/undefined', 'part/abc', 'order/NaN']) {
		await page.goto(ctx.server.base + p);
		await expectText(page.getByRole('heading', { level: 1 }), /Page not found/, p);
	}
	await page.waitForTimeout(500);
	page.off('request', count);
	if (asked > 0) throw new Error(`${asked} requests for records at addresses that name none`);
	clean(ctx);
}

/* A part's parameters (issue 17): a template made from the add dialog,
   a value of the wrong kind refused on its field with the reason, values
   written as people write them read with their units, edit and delete;
   the part list filtered by a range across prefixes; phone width. */
async function parametersScenario(ctx) {
	const page = await open(ctx);
	await signIn(ctx, page, ctx.admin);
	const pk = await page.evaluate(async () => {
		const token = localStorage.getItem('stockroom.csrf') || '';
		const post = async (path, body) => {
			const r = await fetch('api/' + path, { method: 'POST', credentials: 'same-origin',
				headers: { 'Content-Type': 'application/json', 'X-CSRFToken': token }, body: JSON.stringify(body) });
			if (!r.ok) throw new Error(path + ': ' + r.status);
			return r.json();
		};
		const part = await post('part/', { name: 'Capacitor 100nF 0603 X7R', IPN: 'C-100N-P' });
		await post('part/', { name: 'Capacitor 10uF 1206', IPN: 'C-10U-P' });
		const v = await post('parameter/template/', { name: 'Voltage', units: 'V', description: 'Rated voltage' });
		await post('parameter/', { model_type: 'part', model_id: part.pk, template: v.pk, data: '50 V' });
		return part.pk;
	});
	await goto(ctx, page, '/part/' + pk);
	const card = page.locator('#parameters');
	await expectText(card, /Voltage.*50 V/, 'the value written before');
	// A new template from the dialog, and a value of another kind first.
	await card.getByRole('button', { name: 'Add parameter' }).click();
	let d = await dialog(page, 'Add a parameter');
	await d.getByRole('button', { name: 'New parameter template…' }).click();
	await d.getByLabel('Template name').fill('Capacitance');
	await d.getByLabel('Units', { exact: true }).fill('F');
	await d.getByLabel(/^Value/).fill('10 kΩ');
	ctx.expectError(/\/api\/parameter\/$/);
	await d.getByRole('button', { name: 'Add', exact: true }).click();
	await expectText(d.locator('.field-error'), /10 kΩ is a resistance, F is a capacitance/, 'the reason on the field');
	await shot(ctx, page, '40-parameter-error');
	// The template was made: the dialog now has it chosen.
	await expectText(d.getByLabel('Parameter'), /Capacitance \(F\)/, 'the new template');
	if (await d.getByLabel('Parameter').inputValue() === '') throw new Error('the new template is not chosen');
	await d.getByLabel(/^Value/).fill('100n');
	await d.getByRole('button', { name: 'Add', exact: true }).click();
	await closed(page);
	await expectText(card, /Capacitance.*100n = 100 nF/, 'the value and what it reads as');
	// Edit: another notation of the same value, then 0.1 µF.
	await card.getByRole('button', { name: 'Edit Capacitance' }).click();
	d = await dialog(page, 'Edit Capacitance');
	await d.getByLabel(/^Value/).fill('0.1 µF');
	await d.getByRole('button', { name: 'Save' }).click();
	await closed(page);
	await expectText(card, /0\.1 µF = 100 nF/, 'the edited value');
	await shot(ctx, page, '41-parameters');
	// The part list by a range across prefixes: 10 nF to 1 µF.
	const tpl = await page.evaluate(async () => (await (await fetch('api/parameter/template/?name=Capacitance', { credentials: 'same-origin' })).json())[0].pk);
	const found = await page.evaluate(async t => (await (await fetch(`api/part/?parameter_${t}_gte=10n&parameter_${t}_lte=1u`, { credentials: 'same-origin' })).json()).map(p => p.name), tpl);
	if (found.join() !== 'Capacitor 100nF 0603 X7R') throw new Error('range filter: ' + found.join());
	// Phone width: the card fits.
	await page.setViewportSize(PHONE);
	await page.reload();
	await expectText(card, /Capacitance.*0\.1 µF/, 'the card at phone width');
	await settled(page);
	const over = await page.evaluate(() => document.documentElement.scrollWidth);
	if (over > PHONE.width + 1) throw new Error(`the part page is ${over}px wide at 375px`);
	await card.scrollIntoViewIfNeeded();
	await shot(ctx, page, '42-phone-parameters', { full: false });
	await page.setViewportSize(DESKTOP);
	await card.getByRole('button', { name: 'Delete Voltage' }).click();
	d = await dialog(page, 'Delete Voltage?');
	await d.getByRole('button', { name: 'Delete' }).click();
	await closed(page);
	await card.getByText('Voltage').waitFor({ state: 'detached' });
	clean(ctx);
}


/* The parts of a category by their parameters (issue 17): parameter
   columns picked, then ranges across prefixes and units in Filters --
   "0603 and 0805 capacitors from 10 nF to 1 µF, at least 25 V". */
async function parameterColumnsScenario(ctx) {
	const page = await open(ctx);
	await signIn(ctx, page, ctx.admin);
	const cat = await page.evaluate(async () => {
		const token = localStorage.getItem('stockroom.csrf') || '';
		const post = async (path, body) => {
			const r = await fetch('api/' + path, { method: 'POST', credentials: 'same-origin',
				headers: { 'Content-Type': 'application/json', 'X-CSRFToken': token }, body: JSON.stringify(body) });
			if (!r.ok) throw new Error(path + ': ' + r.status);
			return r.json();
		};
		const cat = await post('part/category/', { name: 'Ceramic capacitors' });
		const t = {};
		// The templates of an earlier scenario on the same server, or new.
		const get = async path => (await fetch('api/' + path, { credentials: 'same-origin' })).json();
		for (const [name, units] of [['Capacitance', 'F'], ['Voltage', 'V'], ['Package', '']]) {
			const had = (await get('parameter/template/?name=' + name))[0];
			t[name] = had ? had.pk : (await post('parameter/template/', { name, units })).pk;
			await post('part/category/parameters/', { category: cat.pk, template: t[name] });
		}
		for (const [name, c, v, pkg] of [['MLCC 100n 50V 0603', '100n', '50 V', '0603'], ['MLCC 1u 25V 0805', '1 µF', '25V', '0805'],
			['MLCC 10u 16V 0603', '10u', '16 V', '0603'], ['MLCC 4n7 50V 0603', '4.7nF', '50 V', '0603'], ['MLCC 470n 10V 0603', '0.47u', '10 V', '0603']]) {
			const p = await post('part/', { name, category: cat.pk });
			for (const [tn, data] of [['Capacitance', c], ['Voltage', v], ['Package', pkg]])
				await post('parameter/', { model_type: 'part', model_id: p.pk, template: t[tn], data });
		}
		return cat.pk;
	});
	await goto(ctx, page, '/parts?category=' + cat);
	await page.getByRole('button', { name: /^Columns/ }).click();
	for (const name of [/Capacitance/, /Voltage/, /Package/]) {
		await page.locator('#colpick').getByLabel(name).check();
		await settled(page);
	}
	const table = page.locator('table');
	await expectText(table.locator('thead'), /Capacitance \(F\)[\s\S]*Voltage \(V\)/i, 'the parameter columns');
	await page.getByRole('button', { name: /^Filters/ }).click();
	const fill = async (group, label, v) => {
		const i = page.getByRole('group', { name: group + ' range' }).getByLabel(label, { exact: true });
		await i.fill(v);
		await i.press('Enter');
		await settled(page);
	};
	await fill('Capacitance', 'Capacitance from', '10n');
	await fill('Capacitance', 'to', '1u');
	await fill('Voltage', 'Voltage from', '25 V');
	const names = async () => (await table.locator('tbody tr td:first-child').allInnerTexts()).map(t => t.trim());
	let got = await names();
	if (got.join() !== 'MLCC 100n 50V 0603,MLCC 1u 25V 0805') throw new Error('the range: ' + got.join());
	// Sorted by the capacitance, largest first.
	await table.getByRole('button', { name: /Capacitance/ }).click();
	await settled(page);
	await table.getByRole('button', { name: /Capacitance/ }).click();
	await settled(page);
	got = await names();
	if (got.join() !== 'MLCC 1u 25V 0805,MLCC 100n 50V 0603') throw new Error('sorted by capacitance: ' + got.join());
	if (!/pcols=/.test(page.url()) || !/pmin_/.test(page.url())) throw new Error('the columns and ranges are not in the address: ' + page.url());
	await shot(ctx, page, '43-parameter-columns');
	await page.setViewportSize(PHONE);
	await page.reload();
	await table.locator('tbody tr').first().waitFor();
	await settled(page);
	got = await names();
	if (got.length !== 2) throw new Error('at phone width: ' + got.join());
	const over = await page.evaluate(() => document.documentElement.scrollWidth);
	if (over > PHONE.width + 1) throw new Error(`the parts page is ${over}px wide at 375px`);
	await shot(ctx, page, '44-phone-parameter-columns', { full: false });
	clean(ctx);
}

/* A video for Chromium's fake camera (--use-file-for-fake-video-capture):
   a QR label of text on a white card, as YUV4MPEG2 (4:2:0), a few frames
   that Chromium plays in a loop.  The QR is made by the `qrcode` package. */
function qrVideo(file, text, { width = 640, height = 480, frames = 4 } = {}) {
	const qr = requireWeb('qrcode').create(text, { errorCorrectionLevel: 'M' });
	const n = qr.modules.size, quiet = 4;
	const scale = Math.floor(Math.min(width, height) * 0.8 / (n + 2 * quiet));
	const side = (n + 2 * quiet) * scale;
	const x0 = Math.floor((width - side) / 2), y0 = Math.floor((height - side) / 2);
	const y = Buffer.alloc(width * height, 70);	// a grey desk ...
	for (let r = 0; r < side; r++)			// ... and the white label on it
		for (let c = 0; c < side; c++) {
			const mr = Math.floor(r / scale) - quiet, mc = Math.floor(c / scale) - quiet;
			const dark = mr >= 0 && mc >= 0 && mr < n && mc < n && qr.modules.get(mr, mc);
			y[(y0 + r) * width + x0 + c] = dark ? 16 : 235;
		}
	const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
	const parts = [Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`)];
	for (let i = 0; i < frames; i++) parts.push(Buffer.from('FRAME\n'), y, chroma);
	fs.writeFileSync(file, Buffer.concat(parts));
}

/* SVG images of texts as barcodes of a format (zxing-wasm's writer, in Node). */
async function barcodeSvgs(format, texts) {
	const mod = await import(pathToFileURL(requireWeb.resolve('zxing-wasm/writer')).href);
	const w = mod.writeBarcode ? mod : mod.default;
	await w.prepareZXingModule({ overrides: { wasmBinary: fs.readFileSync(requireWeb.resolve('zxing-wasm/writer/zxing_writer.wasm')) }, fireImmediately: true });
	const out = [];
	for (const t of texts) {
		const r = await w.writeBarcode(t, { format, scale: 4 });
		if (r.error) throw new Error(`${format} of ${t}: ${r.error}`);
		out.push(r.svg);
	}
	return out;
}

/* A keyboard-wedge scanner: each text's keys and Enter as one burst (the
   texts back to back, as two labels scanned in quick succession),
   dispatched in the page where the focus is (a busy machine would space
   Playwright's keys out to look typed by a person). */
async function wedge(page, ...texts) {
	await page.evaluate(texts => {
		const t = document.activeElement || document.body;
		for (const text of texts)
			for (const key of [...text, 'Enter'])
				t.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, composed: true }));
	}, texts);
}

/* Through the API from the signed-in page: two locations, a part, an item. */
async function scanData(page) {
	return page.evaluate(async () => {
		const token = localStorage.getItem('stockroom.csrf') || '';
		const call = async (method, path, body) => {
			const r = await fetch('api/' + path, { method, credentials: 'same-origin',
				headers: { 'Content-Type': 'application/json', 'X-CSRFToken': token }, body: body && JSON.stringify(body) });
			if (!r.ok) throw new Error(path + ': ' + r.status + ' ' + await r.text());
			return r.json();
		};
		const tag = Math.random().toString(36).slice(2, 7);
		const a = await call('POST', 'stock/location/', { name: 'Scan shelf A ' + tag });
		const b = await call('POST', 'stock/location/', { name: 'Scan shelf B ' + tag });
		const part = await call('POST', 'part/', { name: 'Scanned relay ' + tag, IPN: 'K-SCAN-' + tag });
		const item = await call('POST', 'stock/', { part: part.pk, location: a.pk, quantity: '25' });
		const item2 = await call('POST', 'stock/', { part: part.pk, location: a.pk, quantity: '7' });
		const vendor = await call('POST', 'company/', { name: 'Scan vendor ' + tag, is_supplier: true });
		const po = await call('POST', 'order/po/', { supplier: vendor.pk, reference: 'PO-' + (100000 + Math.floor(Math.random() * 800000)) });
		return { a: a.pk, b: b.pk, aName: a.name, bName: b.name, part: part.pk, partName: part.name, item: item.pk, item2: item2.pk,
			po: po.pk, poRef: po.reference };
	});
}

async function itemLocation(page, pk) {
	return page.evaluate(async pk => (await (await fetch(`api/stock/${pk}/`, { credentials: 'same-origin' })).json()).location, pk);
}

/* The scanner dialog fits the width and its controls are large enough. */
/* A dialog at a phone's width: inside the screen, nothing in it scrolling
   sideways, the page not wider than the screen, every control a tap
   target of at least 40 px each way (checkboxes: their row). */
async function checkPhoneDialog(page, d, width, what) {
	const box = await d.boundingBox();
	if (!box || box.x < 0 || box.x + box.width > width + 0.5) throw new Error(`${what} leaves a ${width}px screen: ${JSON.stringify(box)}`);
	const over = await d.evaluate(el => [...el.querySelectorAll('*')].filter(e => !e.matches('.sr-only, .sr-only *') && e.clientWidth > 1
		&& e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible').map(e => e.className || e.tagName));
	if (over.length) throw new Error(`${what} scrolls sideways: ` + over.join(', '));
	const doc = await page.evaluate(() => document.documentElement.scrollWidth);
	if (doc > width + 1) throw new Error(`the page is ${doc}px wide at ${width}px with ${what} open`);
	const small = await d.evaluate(el => [...el.querySelectorAll('button, input:not([type=hidden]), select, textarea, [role=treeitem], .scan-mode, .scan-log a')]
		.filter(e => e.offsetParent)
		.map(e => [e.textContent.trim() || e.getAttribute('aria-label') || e.name || e.tagName,
			(e.type === 'checkbox' || e.type === 'radio' ? e.closest('label, .check, tr') || e : e).getBoundingClientRect()])
		.filter(([, r]) => r.height < 40 || r.width < 40).map(([n, r]) => `${n.slice(0, 30)} ${Math.round(r.width)}x${Math.round(r.height)}`));
	if (small.length) throw new Error(`tap targets under 40 px in ${what}: ` + small.join(', '));
}

async function checkScanDialog(page, width) {
	await checkPhoneDialog(page, page.getByRole('dialog', { name: /^Scan/ }), width, 'the scanner');
}

/* Scanning: the fake camera plays a QR label of an item's InvenTree
   barcode and the item opens; on a location's page the camera moves the
   item there; a keyboard-wedge scanner (a fast burst ending in Enter)
   anywhere but in a field; a code typed in the dialog; no match. */
async function scanScenario(ctx) {
	const PHONE_BIG = { width: 390, height: 844 }, LAPTOP = { width: 1366, height: 768 };
	// The data first, in the ordinary browser (no camera there).
	let page = await open(ctx);
	await signIn(ctx, page, ctx.admin);
	await page.setViewportSize(PHONE_BIG);
	const ids = await scanData(page);

	// Manual entry: no camera in this browser, the dialog says so; a code
	// typed in the field opens its part.
	await page.getByRole('button', { name: 'Scan', exact: true }).click();
	let d = await dialog(page, 'Scan');
	await expectText(d.locator('.scan-msg'), /camera/i, 'no camera');
	await page.waitForFunction(() => document.activeElement?.id && document.activeElement.closest('.scan-manual'), null, { timeout: 5000 });
	ctx.expectError(/\/api\/barcode\/$/);
	await d.getByLabel('Type a code').fill('NO-SUCH-LABEL-42');
	await d.getByRole('button', { name: 'Look up' }).click();
	await expectText(d.getByRole('alert'), /Nothing matches “NO-SUCH-LABEL-42”/, 'no match in the dialog');
	await checkScanDialog(page, PHONE_BIG.width);
	await d.getByLabel('Type a code').fill('INV-PA' + ids.part);
	await d.getByRole('button', { name: 'Look up' }).click();
	await closed(page);
	await page.getByRole('heading', { level: 1, name: new RegExp(ids.partName) }).waitFor();
	if (!page.url().endsWith('/part/' + ids.part)) throw new Error('manual entry opened ' + page.url());

	// A scanner that types: InvenTree's JSON of the item, fast, then Enter.
	await page.locator('h1').click();	// focus on the page, not in a field
	await wedge(page, `{"stockitem": ${ids.item}}`);
	await page.waitForURL(new RegExp('/stock/' + ids.item + '$'));
	await page.getByRole('heading', { level: 1, name: /item/ }).waitFor();
	// The short form of a location.
	await page.locator('h1').click();
	await wedge(page, 'INV-SL' + ids.b);
	await page.waitForURL(new RegExp('/locations/' + ids.b + '$'));
	await page.getByRole('heading', { level: 1, name: ids.bName }).waitFor();
	// A purchase order's short form opens the order.
	await page.locator('h1').click();
	await wedge(page, 'INV-PO' + ids.po);
	await page.waitForURL(new RegExp('/order/' + ids.po + '$'));
	await page.getByRole('heading', { level: 1, name: new RegExp(ids.poRef) }).waitFor();
	// Typed slowly (a person), it is not a scan; typed in a field, it is text.
	await page.locator('h1').click();
	await page.keyboard.type('INV-SI' + ids.item, { delay: 120 });
	await page.keyboard.press('Enter');
	await page.waitForTimeout(400);
	if (!page.url().endsWith('/order/' + ids.po)) throw new Error('slow typing was taken as a scan: ' + page.url());
	await goto(ctx, page, '/parts');
	const search = page.getByRole('searchbox').first();
	await search.click();
	await wedge(page, 'INV-SI' + ids.item);
	await page.waitForTimeout(400);
	if (!/\/parts/.test(page.url())) throw new Error('typing in a field was taken as a scan: ' + page.url());
	// No match: a clear message.
	await page.locator('h1').click();
	ctx.expectError(/\/api\/barcode\/$/);
	await wedge(page, '{"stockitem": 99999999}');
	await expectText(page.locator('.toasts'), /Nothing matches “\{"stockitem": 99999999\}”/, 'no match toast');

	// Move by scanning in the dialog: the location, then an item.
	await page.getByRole('button', { name: 'Scan', exact: true }).click();
	d = await dialog(page, 'Scan');
	await d.getByText('Move scanned items to a location').click();
	await d.locator('.scan-view').focus();
	// The item's code comes right behind the location's, before its
	// answer: it waits its turn, and is not lost.
	await wedge(page, 'INV-SL' + ids.b, 'INV-SI' + ids.item2);
	await expectText(d.locator('.scan-target'), new RegExp('To ' + ids.bName), 'the target');
	await expectText(d.locator('.scan-log'), new RegExp(`Moved K-SCAN-\\w+ \\| Scanned relay \\w+ #${ids.item2} \\(7\\) to ${ids.bName}`), 'moved by a typed scan');
	if ((await itemLocation(page, ids.item2)) !== ids.b) throw new Error('item 2 was not moved');
	await d.getByRole('button', { name: 'Done' }).click();
	await closed(page);
	clean(ctx);

	// The camera: a QR label of the item plays in Chromium's fake camera.
	const video = path.join(ctx.work, `scan-item-${ids.item}.y4m`);
	qrVideo(video, JSON.stringify({ stockitem: ids.item }));
	const cam = await ctx.launch(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
		`--use-file-for-fake-video-capture=${video}`]);
	const saved = ctx.browser;
	ctx.browser = cam;
	try {
		page = await open(ctx);
		await signIn(ctx, page, ctx.admin);
		await page.setViewportSize(PHONE_BIG);
		await page.getByRole('button', { name: 'Scan', exact: true }).click();
		await dialog(page, 'Scan');
		await page.waitForURL(new RegExp('/stock/' + ids.item + '$'), { timeout: 20000 });
		await page.getByRole('heading', { level: 1, name: /item/ }).waitFor();
		await expectNone(page.getByRole('dialog'), 'the scanner after a match');
		// The decoder came from our own assets, on demand.
		const loaded = await page.evaluate(() => performance.getEntriesByType('resource').map(e => e.name).filter(n => /scan-decoder|zxing_reader/.test(n)));
		if (loaded.length < 2) throw new Error('decoder not loaded from assets: ' + loaded.join(' '));
		// The same decoder reads DataMatrix (supplier bags) and Code 128.
		const codes = [`INV-SI${ids.item2}`, `INV-SL${ids.b}`];
		const images = [...await barcodeSvgs('DataMatrix', codes), ...await barcodeSvgs('Code128', codes)];
		const read = await page.evaluate(async ({ images, url }) => {
			const d = await (await import(url)).createDecoder();
			const out = [];
			for (const svg of images) {
				const img = new Image();
				img.src = 'data:image/svg+xml;base64,' + btoa(svg);
				await img.decode();
				const c = document.createElement('canvas');
				c.width = img.width + 80; c.height = img.height + 80;
				const g = c.getContext('2d');
				g.fillStyle = '#fff'; g.fillRect(0, 0, c.width, c.height); g.drawImage(img, 40, 40);
				out.push((await d.detect(g.getImageData(0, 0, c.width, c.height))).join('|'));
			}
			return out;
		}, { images, url: loaded.find(n => /scan-decoder/.test(n)) });
		if (read.join(' ') !== [...codes, ...codes].join(' ')) throw new Error('DataMatrix, Code 128 read as ' + JSON.stringify(read));

		// On the location's page, scanned items move there.
		await settled(page);
		await goto(ctx, page, '/locations/' + ids.b);
		await page.getByRole('heading', { level: 1, name: ids.bName }).waitFor();
		await page.getByRole('button', { name: 'Scan items here' }).click();
		d = await dialog(page, 'Scan to move stock');
		await expectText(d.locator('.scan-log'), new RegExp(`Moved K-SCAN-\\w+ \\| Scanned relay \\w+ #${ids.item} \\(25\\) to ${ids.bName}`), 'moved by the camera');
		if ((await itemLocation(page, ids.item)) !== ids.b) throw new Error('item 1 was not moved');
		await checkScanDialog(page, PHONE_BIG.width);
		await shot(ctx, page, '50-scan-phone', { full: false });
		await page.setViewportSize({ width: 360, height: 740 });
		await checkScanDialog(page, 360);
		await d.getByRole('button', { name: 'Done' }).click();
		await closed(page);
		await expectText(page.getByRole('table', { name: 'Stock items' }), new RegExp(`#${ids.item}\\b`), 'the moved item in the table');
		await page.setViewportSize(LAPTOP);
		await page.getByRole('button', { name: 'Scan', exact: true }).click();
		d = await dialog(page, 'Scan');
		await page.waitForURL(new RegExp('/stock/' + ids.item + '$'), { timeout: 20000 });
		await page.getByRole('heading', { level: 1, name: /item/ }).waitFor();
		await settled(page);
		await goto(ctx, page, '/locations/' + ids.b);
		await page.getByRole('button', { name: 'Scan items here' }).click();
		d = await dialog(page, 'Scan to move stock');
		await expectText(d.locator('.scan-log'), /is already in/, 'already there');
		await shot(ctx, page, '51-scan-desktop', { full: false });
		clean(ctx);
	} finally {
		ctx.browser = saved;
		for (const c of ctx.contexts || []) await c.close().catch(() => {});
		ctx.contexts = [];
		await cam.close().catch(() => {});
	}
}


/* The import dialog from the parts list: upload a distributor-style CSV
   (semicolons, a BOM), check the suggested mapping and change one, check
   the rows, see the refused row, import the rest; phone width. */
async function importScenario(ctx) {
	const page = await open(ctx, { viewport: { width: 1366, height: 768 } });
	await signIn(ctx, page, ctx.admin);
	// The dashboard's requests end before the page moves on.
	await page.waitForLoadState('networkidle').catch(() => {});
	await settled(page).catch(() => {});
	await page.evaluate(async () => {
		const token = localStorage.getItem('stockroom.csrf') || '';
		const r = await fetch('api/part/category/', { method: 'POST', credentials: 'same-origin',
			headers: { 'Content-Type': 'application/json', 'X-CSRFToken': token }, body: JSON.stringify({ name: 'Fuses' }) });
		if (!r.ok) throw new Error('category: ' + r.status);
		await r.text();
	});
	const csv = '\ufeffPart name;IPN;Description;Category;Minimum stock\n'
		+ 'Fuse 5A;F-5A;Glass fuse, 5x20 mm;Fuses;10\n'
		+ 'Fuse 10A;F-10A;"Glass fuse; slow";Fuses;5\n'
		+ 'Fuse 15A;F-15A;=1+1;Nowhere;x\n'
		+ 'Holder;H-1;Panel fuse holder;Fuses;0\n';
	await goto(ctx, page, 'parts');
	await page.getByRole('button', { name: 'Import', exact: true }).click();
	let d = await dialog(page, 'Import parts');
	await d.getByLabel('File').setInputFiles({ name: 'mouser-order.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
	await shot(ctx, page, '50-import-upload', { full: false });
	await d.getByRole('button', { name: 'Upload' }).click();
	d = await dialog(page, 'Match the columns');
	const nameSel = d.getByLabel('Column for Name');
	if (await nameSel.inputValue() !== '') throw new Error('"Part name" should not be suggested for name');
	if (await d.getByLabel('Column for IPN').inputValue() !== 'IPN') throw new Error('IPN not suggested');
	await nameSel.selectOption('Part name');
	await expectText(d.getByRole('table', { name: 'Column mapping' }), /Fuse 5A/, 'the preview');
	await shot(ctx, page, '51-import-mapping', { full: false });
	await d.getByRole('button', { name: 'Check rows' }).click();
	d = await dialog(page, 'Check the rows');
	await expectText(d, /3 ready.*1 with errors/, 'the rows checked');
	await expectText(d.getByRole('table', { name: 'Rows with errors' }), /No PartCategory matches "Nowhere"/, 'the refused row');
	await shot(ctx, page, '52-import-review', { full: false });
	await d.getByRole('button', { name: 'Import 3 rows' }).click();
	d = await dialog(page, 'Import finished');
	await expectText(d, /3 parts imported/, 'the result');
	await d.getByRole('button', { name: 'Close', exact: true }).last().click();
	await closed(page);
	await expectText(page.getByRole('table', { name: /Parts/ }), /Fuse 10A.*Fuse 5A.*Holder/, 'the imported parts');

	// The same dialog on the companies list.
	await goto(ctx, page, 'companies');
	await page.getByRole('button', { name: 'Import', exact: true }).click();
	d = await dialog(page, 'Import companies');
	await d.getByLabel('File').setInputFiles({ name: 'suppliers.csv', mimeType: 'text/csv',
		buffer: Buffer.from('Name,Website,Description\nFuse World,https://fuses.example,Fuses\nLamp Shop,https://lamps.example,Lamps\n', 'utf8') });
	await d.getByRole('button', { name: 'Upload' }).click();
	d = await dialog(page, 'Match the columns');
	await d.getByRole('button', { name: 'Check rows' }).click();
	d = await dialog(page, 'Check the rows');
	await d.getByRole('button', { name: 'Import 2 rows' }).click();
	d = await dialog(page, 'Import finished');
	await expectText(d, /2 companies imported/, 'the companies imported');
	await d.getByRole('button', { name: 'Close', exact: true }).last().click();
	await closed(page);
	await expectText(page.getByRole('main'), /Fuse World.*Lamp Shop/, 'the imported companies');

	await page.setViewportSize({ width: 390, height: 844 });
	await goto(ctx, page, 'parts');
	await page.getByRole('button', { name: 'Import', exact: true }).click();
	d = await dialog(page, 'Import parts');
	await d.getByLabel('File').setInputFiles({ name: 'more.csv', mimeType: 'text/csv', buffer: Buffer.from('name,IPN,description\nLamp,L-1,12 V lamp\n', 'utf8') });
	await d.getByRole('button', { name: 'Upload' }).click();
	d = await dialog(page, 'Match the columns');
	const box = await d.boundingBox();
	if (!box || box.x < 0 || box.x + box.width > 390) throw new Error('the dialog leaves the screen: ' + JSON.stringify(box));
	await shot(ctx, page, '53-import-mapping-phone', { full: false });
	await d.getByRole('button', { name: 'Check rows' }).click();
	d = await dialog(page, 'Check the rows');
	await expectText(d, /1 ready/, 'the row checked at phone width');
	await shot(ctx, page, '54-import-review-phone', { full: false });
	clean(ctx);
}

/* A distributor's order export of 200 parts (Mouser-style columns, a
   category path per part) through the import dialog at 1366x768: the
   name mapped from the manufacturer's number, the missing categories made
   from their paths, every row imported in one go. */
async function importDistributorScenario(ctx) {
	const page = await open(ctx, { viewport: { width: 1366, height: 768 } });
	await signIn(ctx, page, ctx.admin);
	await page.waitForLoadState('networkidle').catch(() => {});
	await settled(page).catch(() => {});
	const cats = ['Passive Components/Resistors/Chip Resistor - Surface Mount',
		'Passive Components/Capacitors/Ceramic Capacitors',
		'Semiconductors/Discrete Semiconductors/Diodes',
		'Connectors/Headers & Wire Housings'];
	let csv = 'Mouser No:,Mfr. No:,Manufacturer:,Description,Category,Order Qty.,Price (EUR)\r\n';
	for (let i = 1; i <= 200; i++) {
		const n = String(i).padStart(3, '0');
		csv += `603-RC0603FR-07${n}L,RC0603-${n},YAGEO,"Thick Film Resistors - SMD ${i} kOhms, 1%",${cats[i % 4]},${i * 10},"0,0${i % 10}"\r\n`;
	}
	await goto(ctx, page, 'parts');
	await page.getByRole('button', { name: 'Import', exact: true }).click();
	let d = await dialog(page, 'Import parts');
	await d.getByLabel('File').setInputFiles({ name: 'mouser-cart.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
	await d.getByLabel(/Create missing categories/).check();
	await d.getByRole('button', { name: 'Upload' }).click();
	d = await dialog(page, 'Match the columns');
	await expectText(d, /200 rows, 7 columns/, 'the file read');
	if (await d.getByLabel('Column for Category').inputValue() !== 'Category') throw new Error('Category not suggested');
	await d.getByLabel('Column for Name').selectOption('Mfr. No:');
	await d.getByLabel('Column for IPN').selectOption('Mouser No:');
	await expectText(d.getByRole('table', { name: 'Column mapping' }), /RC0603-001/, 'the preview');
	await shot(ctx, page, '55-import-distributor-mapping', { full: false });
	await d.getByRole('button', { name: 'Check rows' }).click();
	d = await dialog(page, 'Check the rows');
	await expectText(d, /200 ready/, 'every row checked');
	await shot(ctx, page, '56-import-distributor-review', { full: false });
	await d.getByRole('button', { name: 'Import 200 rows' }).click();
	d = await dialog(page, 'Import finished');
	await expectText(d, /200 parts imported/, 'the result');
	await d.getByRole('button', { name: 'Close', exact: true }).last().click();
	await closed(page);
	const got = await page.evaluate(async () => {
		const j = async u => (await fetch(u, { credentials: 'same-origin' })).json();
		const parts = await j('api/part/?search=RC0603&limit=1');
		const c = (await j('api/part/category/?limit=1000')).results;
		const leaf = c.find(x => x.pathstring === 'Passive Components/Capacitors/Ceramic Capacitors');
		return { parts: parts.count, leaf: leaf ? leaf.part_count : null,
			top: c.filter(x => x.pathstring === 'Passive Components').length };
	});
	if (got.parts !== 200 || got.leaf !== 50 || got.top !== 1) throw new Error('after the import: ' + JSON.stringify(got));
	// Searched: other scenarios' parts may come first on the server.
	await goto(ctx, page, 'parts?search=RC0603');
	await expectText(page.getByRole('table', { name: /Parts/ }), /RC0603-/, 'the imported parts listed');
	await shot(ctx, page, '57-import-distributor-parts', { full: false });
	clean(ctx);
}

/* A BOM file imported from an assembly's BOM tab: the assembly is the
   dialog's default, the components found by IPN and by name. */
async function importBomScenario(ctx) {
	const page = await open(ctx, { viewport: { width: 1366, height: 768 } });
	await signIn(ctx, page, ctx.admin);
	await page.waitForLoadState('networkidle').catch(() => {});
	await settled(page).catch(() => {});
	const amp = await page.evaluate(async () => {
		const token = localStorage.getItem('stockroom.csrf') || '';
		const post = async (path, body) => {
			const r = await fetch('api/' + path, { method: 'POST', credentials: 'same-origin',
				headers: { 'Content-Type': 'application/json', 'X-CSRFToken': token }, body: JSON.stringify(body) });
			if (!r.ok) throw new Error(path + ': ' + r.status + ' ' + await r.text());
			return r.json();
		};
		await post('part/', { name: 'HPA op-amp TL072', IPN: 'HPA-U1', component: true });
		await post('part/', { name: 'HPA resistor 4k7', IPN: 'HPA-R1', component: true });
		return (await post('part/', { name: 'Headphone amp', IPN: 'HPA-01', assembly: true })).pk;
	});
	await goto(ctx, page, '/part/' + amp);
	const bom = page.locator('#bom');
	await bom.getByRole('heading', { name: 'Bill of materials' }).waitFor();
	await bom.getByRole('button', { name: 'Import' }).click();
	let d = await dialog(page, 'Import BOM lines');
	await d.getByLabel('File').setInputFiles({ name: 'amp-bom.csv', mimeType: 'text/csv',
		buffer: Buffer.from('Component;Quantity;Reference\nHPA-U1;2;U1, U2\nHPA resistor 4k7;8;R1-R8\nR-NOPE;1;R9\n', 'utf8') });
	await d.getByRole('button', { name: 'Upload' }).click();
	d = await dialog(page, 'Match the columns');
	if (await d.getByLabel('Column for Component').inputValue() !== 'Component') throw new Error('Component not suggested');
	if (await d.getByLabel('Column for Assembly').inputValue() !== '') throw new Error('the assembly is the default, no column');
	await d.getByRole('button', { name: 'Check rows' }).click();
	d = await dialog(page, 'Check the rows');
	await expectText(d, /2 ready.*1 with errors/, 'the lines checked');
	await expectText(d.getByRole('table', { name: 'Rows with errors' }), /No Part matches "R-NOPE"/, 'the unknown component');
	await shot(ctx, page, '58-import-bom-review', { full: false });
	await d.getByRole('button', { name: 'Import 2 rows' }).click();
	d = await dialog(page, 'Import finished');
	await expectText(d, /2 BOM lines imported/, 'the result');
	await d.getByRole('button', { name: 'Close', exact: true }).last().click();
	await closed(page);
	await expectText(page.getByRole('table', { name: 'Bill of materials of Headphone amp' }),
		/HPA op-amp TL072.*U1, U2.*2.*HPA resistor 4k7.*R1-R8.*8/, 'the imported lines');
	clean(ctx);
}

/* Stock from a file on the stock page: parts by IPN, the missing
   locations made from their paths. */
async function importStockScenario(ctx) {
	const page = await open(ctx, { viewport: { width: 1366, height: 768 } });
	await signIn(ctx, page, ctx.admin);
	await page.waitForLoadState('networkidle').catch(() => {});
	await settled(page).catch(() => {});
	await page.evaluate(async () => {
		const token = localStorage.getItem('stockroom.csrf') || '';
		for (const [name, IPN] of [['Hex nut M4', 'NUT-M4'], ['Washer M4', 'WASH-M4']]) {
			const r = await fetch('api/part/', { method: 'POST', credentials: 'same-origin',
				headers: { 'Content-Type': 'application/json', 'X-CSRFToken': token }, body: JSON.stringify({ name, IPN }) });
			if (!r.ok) throw new Error('part: ' + r.status);
			await r.text();
		}
	});
	await goto(ctx, page, 'locations');
	await page.getByRole('button', { name: 'Import', exact: true }).click();
	let d = await dialog(page, 'Import stock items');
	await d.getByLabel('File').setInputFiles({ name: 'count.csv', mimeType: 'text/csv',
		buffer: Buffer.from('Part,Location,Quantity,Batch\nNUT-M4,Workshop/Drawer A/Bin 3,250,N-1\nWASH-M4,Workshop/Drawer A/Bin 4,500,\n', 'utf8') });
	await d.getByLabel(/Create missing locations/).check();
	await d.getByRole('button', { name: 'Upload' }).click();
	d = await dialog(page, 'Match the columns');
	await d.getByRole('button', { name: 'Check rows' }).click();
	d = await dialog(page, 'Check the rows');
	await expectText(d, /2 ready/, 'the rows checked');
	await d.getByRole('button', { name: 'Import 2 rows' }).click();
	d = await dialog(page, 'Import finished');
	await expectText(d, /2 stock items imported/, 'the result');
	await d.getByRole('button', { name: 'Close', exact: true }).last().click();
	await closed(page);
	const got = await page.evaluate(async () => {
		const j = async u => (await fetch(u, { credentials: 'same-origin' })).json();
		const locs = (await j('api/stock/location/?limit=1000')).results;
		const bin = locs.find(l => l.pathstring === 'Workshop/Drawer A/Bin 3');
		if (!bin) return null;
		return (await j(`api/stock/?location=${bin.pk}`)).map(i => [i.quantity, i.batch]);
	});
	if (JSON.stringify(got) !== JSON.stringify([[250, 'N-1']])) throw new Error('the imported items: ' + JSON.stringify(got));
	await expectText(page.getByRole('main'), /Workshop/, 'the location made');
	await shot(ctx, page, '59-import-stock', { full: false });
	clean(ctx);
}


/* The import dialog from every list with an import target besides parts,
   stock, companies and the BOM tab: categories (the parts page's side
   panel), locations, a company's supplier and manufacturer parts, a
   part's parameters -- opened and looked at on a desktop and on a phone;
   a file of supplier parts imported from a supplier's page (the supplier
   a default, the file names only part and SKU). */
async function importListsScenario(ctx) {
	const page = await open(ctx, { viewport: { width: 1366, height: 768 } });
	await signIn(ctx, page, ctx.admin);
	await page.waitForLoadState('networkidle').catch(() => {});
	await settled(page).catch(() => {});
	const call = pageApi(page);
	const co = await call('POST', 'company/', { name: 'Volt Parts', is_supplier: true, is_manufacturer: true });
	const part = await call('POST', 'part/', { name: 'Relay 12V', IPN: 'RLY-12', purchaseable: true });
	const lists = [
		['parts', 'Import categories', 'Import categories'],
		['locations', 'Import locations', 'Import locations'],
		['company/' + co.pk, 'Import supplier parts', 'Import supplier parts'],
		['company/' + co.pk, 'Import manufacturer parts', 'Import manufacturer parts'],
		['part/' + part.pk, 'Import parameters', 'Import parameters'],
	];
	for (const [vw, vh, tag] of [[1366, 768, 'desktop'], [390, 844, 'phone']]) {
		await page.setViewportSize({ width: vw, height: vh });
		for (const [where, button, title] of lists) {
			await goto(ctx, page, where);
			await page.getByRole('button', { name: button }).click();
			const d = await dialog(page, title);
			await d.getByLabel('File').waitFor();
			await shot(ctx, page, `60-import-${tag}-${title.slice(7).replace(/ /g, '-')}`, { full: false });
			const fits = await d.evaluate(el => { const r = el.getBoundingClientRect(); return r.left >= 0 && r.right <= window.innerWidth + 1; });
			if (!fits) throw new Error(`${title}: the dialog is wider than the ${tag} screen`);
			await d.getByRole('button', { name: 'Close', exact: true }).first().click();
			await closed(page);
		}
	}
	await page.setViewportSize({ width: 1366, height: 768 });
	await goto(ctx, page, 'company/' + co.pk);
	await page.getByRole('button', { name: 'Import supplier parts' }).click();
	let d = await dialog(page, 'Import supplier parts');
	await d.getByLabel('File').setInputFiles({ name: 'volt.csv', mimeType: 'text/csv',
		buffer: Buffer.from('Part,SKU,Description\nRLY-12,VP-RLY-12,Relay 12 V coil\nRLY-99,VP-RLY-99,Unknown relay\n', 'utf8') });
	await d.getByRole('button', { name: 'Upload' }).click();
	d = await dialog(page, 'Match the columns');
	await d.getByRole('button', { name: 'Check rows' }).click();
	d = await dialog(page, 'Check the rows');
	await expectText(d, /1 ready.*1 with errors/, 'the rows checked');
	await expectText(d.getByRole('table', { name: 'Rows with errors' }), /RLY-99/, 'the refused row');
	await d.getByRole('button', { name: 'Import 1 row' }).click();
	d = await dialog(page, 'Import finished');
	await expectText(d, /1 supplier parts imported/, 'the result');
	await d.getByRole('button', { name: 'Close', exact: true }).last().click();
	await closed(page);
	await expectText(page.getByRole('table', { name: 'Supplied parts' }), /VP-RLY-12/, 'the imported supplier part');
	const sp = await call('GET', 'company/part/?SKU=VP-RLY-12');
	if (sp.length !== 1 || sp[0].supplier !== co.pk || sp[0].part !== part.pk) throw new Error('the supplier part: ' + JSON.stringify(sp));
	clean(ctx);
}

/* Locations from a CSV file through the locations page's dialog at a
   phone's width: under the location shown (its pk the default parent),
   a parent path that does not exist made with "Create missing parent
   locations", a row naming a location made by the row before. */
async function importLocationsScenario(ctx) {
	const page = await open(ctx, { viewport: { width: 1366, height: 768 } });
	await signIn(ctx, page, ctx.admin);
	await page.waitForLoadState('networkidle').catch(() => {});
	await settled(page).catch(() => {});
	await page.setViewportSize({ width: 390, height: 844 });
	const call = pageApi(page);
	const store = await call('POST', 'stock/location/', { name: 'Basement' });
	await goto(ctx, page, 'locations/' + store.pk);
	await page.getByRole('button', { name: 'Import locations' }).click();
	let d = await dialog(page, 'Import locations');
	await d.getByLabel('File').setInputFiles({ name: 'racks.csv', mimeType: 'text/csv',
		buffer: Buffer.from('Name,Description,Parent\nRack A,Steel rack,\nRack B,Wooden rack,\nTray 1,Top tray,Basement/Rack A\nBin 7,,Basement/Rack C/Level 2\n', 'utf8') });
	await d.getByLabel(/Create missing parent locations/).check();
	await shot(ctx, page, '61-import-locations-upload', { full: false });
	await d.getByRole('button', { name: 'Upload' }).click();
	d = await dialog(page, 'Match the columns');
	if (await d.getByLabel(/^Column for Parent/).inputValue() !== 'Parent') throw new Error('Parent not suggested');
	await shot(ctx, page, '62-import-locations-mapping', { full: false });
	await d.getByRole('button', { name: 'Check rows' }).click();
	d = await dialog(page, 'Check the rows');
	await expectText(d, /4 ready/, 'the rows checked');
	await d.getByRole('button', { name: 'Import 4 rows' }).click();
	d = await dialog(page, 'Import finished');
	await expectText(d, /4 locations imported/, 'the result');
	await shot(ctx, page, '63-import-locations-done', { full: false });
	await d.getByRole('button', { name: 'Close', exact: true }).last().click();
	await closed(page);
	const paths = (await call('GET', 'stock/location/?limit=1000')).results.map(l => l.pathstring).sort();
	const want = ['Basement', 'Basement/Rack A', 'Basement/Rack A/Tray 1', 'Basement/Rack B', 'Basement/Rack C',
		'Basement/Rack C/Level 2', 'Basement/Rack C/Level 2/Bin 7'];
	for (const w of want) if (!paths.includes(w)) throw new Error('the locations: ' + JSON.stringify(paths));
	// The tree (the side panel opened), refreshed: the location shown has
	// children now.
	await page.getByRole('complementary', { name: 'Locations' }).getByRole('button', { name: 'Locations', exact: true }).click();
	await page.getByRole('tree', { name: 'Stock locations' }).getByRole('treeitem', { name: /Basement/ }).click();
	await expectText(page.getByRole('tree', { name: 'Stock locations' }), /Rack A.*Rack B.*Rack C/, 'the tree');
	await shot(ctx, page, '64-import-locations-tree', { full: false });
	clean(ctx);
}

/* Webhooks (Administration → Webhooks): a new endpoint with one event,
   its secret shown once, a test delivery that the worker sends to a
   receiver here which checks the signature, the delivery log, an edit,
   the phone layout, a delete. */
/* Every stock dialog and the forms of a location at 360 px: each fits the
   screen with its controls at least 40 px, and the dialogs on several items
   name each item's part and location. */
async function phoneDialogsScenario(ctx) {
	const page = await open(ctx);
	await signIn(ctx, page, ctx.admin);
	await page.setViewportSize({ width: 360, height: 740 });
	const call = pageApi(page);
	const tag = Math.random().toString(36).slice(2, 7);
	const loc = await call('POST', 'stock/location/', { name: 'Phone shelf ' + tag });
	const p1 = await call('POST', 'part/', { name: 'Hex nut M3 ' + tag });
	const p2 = await call('POST', 'part/', { name: 'Spring washer M3 ' + tag });
	await call('POST', 'stock/', { part: p1.pk, location: loc.pk, quantity: '100' });
	await call('POST', 'stock/', { part: p2.pk, location: loc.pk, quantity: '250', batch: 'W-' + tag });
	await goto(ctx, page, `locations/${loc.pk}`);
	const table = page.getByRole('table', { name: 'Stock items' });
	await expectText(table, /Hex nut[\s\S]*Spring washer|Spring washer[\s\S]*Hex nut/, 'the two items');
	const cancel = async d => { await d.getByRole('button', { name: 'Cancel' }).click(); await closed(page); };
	for (const [label, title] of [['Count', 'Count stock'], ['Add', 'Add stock'], ['Remove', 'Remove stock'],
		['Transfer', 'Transfer stock'], ['Status', 'Change status']]) {
		await table.getByRole('checkbox', { name: 'Select all on this page' }).check();
		await page.getByRole('toolbar', { name: /Stock actions|selected/ }).getByRole('button', { name: label }).click();
		const d = await dialog(page, title);
		await settled(page);
		await checkPhoneDialog(page, d, 360, `“${title}”`);
		if (label !== 'Status') await expectText(d, new RegExp(`(Hex nut M3 ${tag}[\\s\\S]*Spring washer M3 ${tag}|Spring washer M3 ${tag}[\\s\\S]*Hex nut M3 ${tag})`), `${title} names both parts`);
		if (label === 'Count') {
			await expectText(d, new RegExp(`Phone shelf ${tag}`), 'the items\' location');
			await shot(ctx, page, '76-phone-count-dialog', { full: false });
		}
		await cancel(d);
		await table.getByRole('checkbox', { name: 'Select all on this page' }).uncheck().catch(() => {});
	}
	for (const [button, title] of [['Add stock', 'New stock item'], ['Edit', 'Edit location'], ['Move', /^Move/], ['Sub-location', /location/i]]) {
		await page.getByRole('main').getByRole('button', { name: button, exact: true }).first().click();
		const d = await dialog(page, title);
		await settled(page);
		await checkPhoneDialog(page, d, 360, `“${button}”`);
		await cancel(d);
	}
	clean(ctx);
}

/* Administration -> Parameters: a template (a unit the server does not
   know refused at the field), a category's default (a value that does not
   fit refused), and a new part in the category starting with it. */
async function parameterAdminScenario(ctx) {
	const page = await open(ctx, { viewport: { width: 1366, height: 768 } });
	await signIn(ctx, page, ctx.admin);
	const call = pageApi(page);
	const tag = Math.random().toString(36).slice(2, 7);
	const cat = await call('POST', 'part/category/', { name: 'Electrolytics ' + tag });
	await goto(ctx, page, 'admin/parameters');
	await page.getByRole('heading', { name: 'Parameter templates' }).waitFor();
	await page.getByRole('button', { name: 'New template' }).click();
	let d = await dialog(page, 'New parameter template');
	await d.getByLabel('Name').fill('Rated voltage ' + tag);
	await d.getByLabel('Units', { exact: true }).fill('furlongz');
	ctx.expectError(/\/api\/parameter\/template\/$/);
	await d.getByRole('button', { name: 'Add template' }).click();
	await expectText(d.locator('.field-invalid').first(), /furlongz|unit/i, 'the unknown unit refused at its field');
	await d.getByLabel('Units', { exact: true }).fill('V');
	await d.getByRole('button', { name: 'Add template' }).click();
	await closed(page);
	const tpls = page.getByRole('table', { name: 'Parameter templates' });
	await expectText(tpls, new RegExp(`Rated voltage ${tag}\\s*in V`), 'the new template');

	await page.getByLabel('Category', { exact: true }).selectOption({ label: 'Electrolytics ' + tag });
	await page.getByText('No defaults here').waitFor();
	await page.getByRole('button', { name: 'Add default' }).click();
	d = await dialog(page, 'New category default');
	await d.getByLabel('Template').selectOption({ label: `Rated voltage ${tag} (V)` });
	await d.getByLabel('Default value').fill('sixteen');
	ctx.expectError(/\/api\/part\/category\/parameters\/$/);
	await d.getByRole('button', { name: 'Save' }).click();
	await expectText(d.locator('.field-invalid, .note-error').first(), /\S/, 'a default that is no voltage refused');
	await d.getByLabel('Default value').fill('16');
	await d.getByRole('button', { name: 'Save' }).click();
	await closed(page);
	await expectText(page.getByRole('table', { name: 'Category defaults' }), new RegExp(`Rated voltage ${tag}[\\s\\S]*16`), 'the default');
	await shot(ctx, page, '78-parameter-admin');
	const part = await call('POST', 'part/', { name: 'Cap 100u ' + tag, category: cat.pk });
	const got = await call('GET', `parameter/?model_type=part&model_id=${part.pk}`);
	const rows = got.results || got;
	if (rows.length !== 1 || rows[0].data !== '16' || rows[0].template_detail?.name !== 'Rated voltage ' + tag)
		throw new Error('the new part\'s parameters: ' + JSON.stringify(rows));
	await page.setViewportSize(PHONE);
	await settled(page);
	const over = await page.evaluate(() => document.documentElement.scrollWidth);
	if (over > PHONE.width + 1) throw new Error(`the parameters page is ${over}px wide on a phone`);
	await shot(ctx, page, '79-parameter-admin-phone');
	clean(ctx);
}

/* Plugins (docs/plugins.md): the shipped IPN validator activated and set
   from Administration -> Plugins, then a validator that crashes: its
   failure is seen on the page and it is switched off there, no shell. */
async function pluginsScenario(ctx) {
	const root = ctx.server.plugins_dir;
	const made = ['ipn_pattern', 'crashes'];
	fs.cpSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'contrib', 'plugins', 'ipn_pattern'), path.join(root, 'ipn_pattern'), { recursive: true });
	fs.mkdirSync(path.join(root, 'crashes'));
	fs.writeFileSync(path.join(root, 'crashes', 'plugin.json'), JSON.stringify({
		slug: 'crashes', name: 'Crashing check', version: '0.1', author: 'tests',
		description: 'A validator that always crashes.', kinds: ['validation'], models: ['part'], program: 'run.sh' }));
	fs.writeFileSync(path.join(root, 'crashes', 'run.sh'), '#!/bin/sh\nkill -SEGV $$\n', { mode: 0o755 });
	const page = await open(ctx, { viewport: { width: 1366, height: 768 } });
	const call = pageApi(page);
	try {
		await signIn(ctx, page, ctx.admin);
		await page.waitForLoadState('networkidle').catch(() => {});
		await goto(ctx, page, 'admin/plugins');
		await page.getByRole('heading', { name: 'Plugins' }).waitFor();
		const row = name => page.getByRole('row').filter({ hasText: name });
		await expectText(row('IPN pattern'), /Inactive/, 'the validator not active yet');
		await page.getByRole('button', { name: 'Activate IPN pattern' }).click();
		await expectText(row('IPN pattern'), /Active/, 'activated');
		await page.getByRole('button', { name: 'Settings of IPN pattern' }).click();
		const d = await dialog(page, 'Settings of IPN pattern');
		await d.getByLabel('IPN pattern').fill('^BRW-[0-9]{3}$');
		await d.getByRole('button', { name: 'Save settings' }).click();
		await d.waitFor({ state: 'detached' });
		const refused = await call('POST', 'part/', { name: 'Plugin scenario part', IPN: 'XYZ-1' }).catch(e => e.message);
		if (!/400/.test(refused) || !/\^BRW-\[0-9\]\{3\}\$/.test(refused)) throw new Error('the new pattern did not veto: ' + refused);
		await call('POST', 'part/', { name: 'Plugin scenario part', IPN: 'BRW-123' });
		await shot(ctx, page, '70-plugins');

		await page.getByRole('button', { name: 'Activate Crashing check' }).click();
		await expectText(row('Crashing check'), /Active/, 'the crashing one active');
		const failed = await call('POST', 'part/', { name: 'Plugin scenario part 2', IPN: 'BRW-124' }).catch(e => e.message);
		if (!/503/.test(failed)) throw new Error('a crashing validator did not fail the write: ' + failed);
		await page.reload();
		await expectText(row('Crashing check'), /Active, failed/, 'its failure shown');
		await row('Crashing check').getByRole('button', { name: 'Crashing check', exact: true }).click();
		const det = await dialog(page, 'Crashing check');
		await expectText(det, /Last failure.*signal/s, 'the failure told');
		await shot(ctx, page, '71-plugin-failure');
		await det.getByRole('button', { name: 'Done' }).click();
		await page.getByRole('button', { name: 'Deactivate Crashing check' }).click();
		await expectText(row('Crashing check'), /Inactive/, 'switched off');
		await call('POST', 'part/', { name: 'Plugin scenario part 2', IPN: 'BRW-124' });
		await page.setViewportSize(PHONE);
		await settled(page);
		const over = await page.evaluate(() => document.documentElement.scrollWidth);
		if (over > PHONE.width + 1) throw new Error(`the plugins page is ${over}px wide on a phone`);
		await shot(ctx, page, '72-plugins-phone');
		ctx.problems = ctx.problems.filter(p => !(/\/api\/part\//.test(p) && /\b(400|503)\b/.test(p)));
		clean(ctx);
	} finally {
		for (const slug of made) {
			await call('PATCH', `plugins/${slug}/activate/`, { active: false }).catch(() => {});
			fs.rmSync(path.join(root, slug), { recursive: true, force: true });
		}
	}
}

async function webhooksScenario(ctx) {
	let secret = '';
	const got = [];
	const receiver = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', c => chunks.push(c));
		req.on('end', () => {
			const body = Buffer.concat(chunks);
			const ts = req.headers['x-stockroom-timestamp'] || '';
			const mac = 'sha256=' + crypto.createHmac('sha256', secret).update(ts + '.').update(body).digest('hex');
			got.push({ event: req.headers['x-stockroom-event'], signed: mac === req.headers['x-stockroom-signature'] });
			res.writeHead(200, { 'Content-Type': 'text/plain' });
			res.end('ok');
		});
	});
	await new Promise(r => receiver.listen(0, '127.0.0.1', r));
	const url = `http://127.0.0.1:${receiver.address().port}/hook`;
	try {
		const page = await open(ctx, { viewport: { width: 1366, height: 768 } });
		await signIn(ctx, page, ctx.admin);
		await page.waitForLoadState('networkidle').catch(() => {});
		await settled(page).catch(() => {});
		await goto(ctx, page, 'admin/webhooks');
		await page.getByRole('heading', { name: 'Webhooks' }).waitFor();
		await page.getByRole('button', { name: 'New webhook' }).click();
		let d = await dialog(page, 'New webhook');
		await d.getByLabel('URL').fill(url);
		await d.getByLabel('Description').fill('stock channel');
		await d.getByRole('checkbox', { name: /Stock changed/ }).check();
		await d.getByRole('button', { name: 'Create webhook' }).click();
		d = await dialog(page, 'Webhook created');
		secret = (await d.getByTestId('webhook-secret').innerText()).trim();
		if (!/^[0-9a-f]{64}$/.test(secret)) throw new Error('the secret shown: ' + secret);
		await shot(ctx, page, '70-webhook-secret', { full: false });
		await d.getByRole('button', { name: 'Done' }).click();
		const table = page.getByRole('table', { name: 'Webhooks' });
		await expectText(table, new RegExp(`${url.replace(/[.]/g, '\\.')}[\\s\\S]*stock\\.changed[\\s\\S]*Active`), 'the new webhook');
		// A test delivery, sent by the worker (run without blocking this
		// process, whose receiver answers it).
		await page.getByRole('button', { name: 'Send a test to ' + url }).click();
		await page.getByText('Test delivery queued').waitFor();
		const site = path.join(ctx.work, 'lighttpd-site');
		await new Promise((resolve, reject) => execFile(path.join(site, 'bin', 'worker'), ['--once'], {
			env: { PATH: '/usr/bin:/bin', STOCKROOM_DATA_DIR: path.join(site, 'data') }, timeout: 60000,
		}, e => (e ? reject(e) : resolve())));
		if (!got.some(g => g.event === 'ping' && g.signed)) throw new Error('no signed ping arrived: ' + JSON.stringify(got));
		await page.getByRole('button', { name: 'Deliveries to ' + url }).click();
		d = await dialog(page, 'Deliveries to ' + url);
		await expectText(d.getByRole('table', { name: 'Deliveries' }), /ping[\s\S]*delivered[\s\S]*1 attempt[\s\S]*HTTP 200/, 'the delivery log');
		await shot(ctx, page, '71-webhook-log', { full: false });
		await d.getByRole('button', { name: 'Done' }).click();
		// Edit: every event, inactive.
		await table.getByRole('button', { name: url, exact: true }).click();
		d = await dialog(page, 'Edit webhook');
		await d.getByRole('checkbox', { name: /Stock changed/ }).uncheck();
		await d.getByRole('checkbox', { name: /^Active/ }).uncheck();
		await d.getByRole('button', { name: 'Save webhook' }).click();
		await expectText(table, /every event[\s\S]*Inactive/, 'the edited webhook');
		// At a phone's width the page and the log fit the screen.
		await page.setViewportSize({ width: 390, height: 844 });
		await page.getByRole('button', { name: 'Deliveries to ' + url }).click();
		d = await dialog(page, 'Deliveries to ' + url);
		const box = await d.boundingBox();
		if (!box || box.x < 0 || box.x + box.width > 390) throw new Error('the log leaves the screen: ' + JSON.stringify(box));
		const wide = await page.evaluate(() => document.documentElement.scrollWidth);
		if (wide > 390) throw new Error('the page is wider than the phone: ' + wide);
		await shot(ctx, page, '72-webhook-log-phone', { full: false });
		await d.getByRole('button', { name: 'Done' }).click();
		await page.getByRole('button', { name: 'Delete ' + url }).click();
		d = await dialog(page, 'Delete this webhook?');
		await d.getByRole('button', { name: 'Delete' }).click();
		await page.getByText('No webhooks yet').waitFor();
		clean(ctx);
	} finally {
		receiver.close();
	}
}

/* Counts made offline: with the server out of reach (every API request
   fails as a dropped connection would), two items are counted; both wait
   in the queue with the quantity the page showed.  Meanwhile another
   client changes the second item.  Back online, the queue is sent: the
   first count is applied, the second refused as changed meanwhile and
   shown in the queue, where it is applied anyway. */
/* The server stopped (SIGUSR1 to servers.py) and started again on the
   same port (SIGUSR2); each waits until the port says so. */
async function serverUp(ctx, up) {
	process.kill(ctx.server.control_pid, up ? 'SIGUSR2' : 'SIGUSR1');
	for (let i = 0; i < 200; i++) {
		const ok = await fetch(ctx.server.base + 'api/', { signal: AbortSignal.timeout(1000) }).then(() => true, () => false);
		if (ok === up) return;
		await new Promise(r => setTimeout(r, 100));
	}
	throw new Error(`the server did not ${up ? 'start' : 'stop'}`);
}

async function offlineQueueScenario(ctx) {
	// The server is stopped on purpose: the failed requests (and the
	// refused count's 400) are what the page must live with.
	const page = await open(ctx, { viewport: { width: 1366, height: 768 }, allow: [/\/api\//] });
	await signIn(ctx, page, ctx.admin);
	await page.waitForLoadState('networkidle').catch(() => {});
	await settled(page).catch(() => {});
	const call = pageApi(page);
	const tag = Math.random().toString(36).slice(2, 7);
	const loc = await call('POST', 'stock/location/', { name: 'Basement ' + tag });
	const part = await call('POST', 'part/', { name: 'Cable tie ' + tag });
	const a = await call('POST', 'stock/', { part: part.pk, location: loc.pk, quantity: '10', batch: 'A-' + tag });
	const b = await call('POST', 'stock/', { part: part.pk, location: loc.pk, quantity: '20', batch: 'B-' + tag });
	await goto(ctx, page, `locations/${loc.pk}`);
	const table = page.getByRole('table', { name: 'Stock items' });
	await expectText(table, /A-[a-z0-9]+[\s\S]*OK 10[\s\S]*B-[a-z0-9]+[\s\S]*OK 20/, 'the two items');

	// The server stops (and is started again whatever happens below).
	await serverUp(ctx, false);
	try {
		await offlineCounts(ctx, page, table, call, tag, a, b);
	} finally {
		await serverUp(ctx, true);
	}
	clean(ctx);
}

async function offlineCounts(ctx, page, table, call, tag, a, b) {
	const count = async (batch, n) => {
		await table.getByRole('row', { name: new RegExp(batch) }).getByRole('checkbox').check();
		await page.getByRole('toolbar').getByRole('button', { name: 'Count' }).click();
		const d = await dialog(page, 'Count stock');
		await d.getByRole('textbox', { name: /Counted quantity/ }).fill(String(n));
		await d.getByRole('button', { name: 'Count stock' }).click();
		await closed(page);
		await page.getByText('Offline: kept').last().waitFor();
		await table.getByRole('row', { name: new RegExp(batch) }).getByRole('checkbox').uncheck();
	};
	await count('A-' + tag, 7);
	await count('B-' + tag, 12);
	const waiting = page.getByRole('button', { name: 'Waiting: 2 to send' }).first();
	await waiting.waitFor();

	// It starts again, and before the page sends its queue someone else
	// takes 5 from the second item (another client: this test's own
	// request, outside the page).
	await serverUp(ctx, true);
	const other = await fetch(ctx.server.base + 'api/stock/remove/', {
		method: 'POST', headers: { 'Content-Type': 'application/json',
			Authorization: 'Basic ' + Buffer.from(ctx.admin.join(':')).toString('base64') },
		body: JSON.stringify({ items: [{ pk: b.pk, quantity: '5' }], notes: 'taken meanwhile' }) });
	if (!other.ok) throw new Error('the other client: ' + other.status + ' ' + await other.text());

	// Back online: the queue is sent.
	await page.evaluate(() => window.dispatchEvent(new Event('online')));
	const refused = page.getByRole('button', { name: 'Waiting: 1, 1 refused' }).first();
	await refused.waitFor();
	const item = async pk => (await call('GET', `stock/${pk}/`)).quantity;
	if (Number(await item(a.pk)) !== 7) throw new Error('the first count was not applied: ' + await item(a.pk));
	// 20 less the 5 taken meanwhile; the queued count (12) not applied.
	if (Number(await item(b.pk)) !== 15) throw new Error('the refused count was applied: ' + await item(b.pk));
	await refused.click();
	let d = await dialog(page, 'Waiting to be sent');
	await expectText(d, /Changed meanwhile[\s\S]*holds 15[\s\S]*not 20/, 'the conflict, with the quantities');
	await shot(ctx, page, '74-offline-conflict', { full: false });
	// The queue at a phone's width: the dialog fits the screen.
	await page.setViewportSize({ width: 390, height: 844 });
	const box = await d.boundingBox();
	if (!box || box.x < 0 || box.x + box.width > 390) throw new Error('the queue leaves the screen: ' + JSON.stringify(box));
	await shot(ctx, page, '75-offline-conflict-phone', { full: false });
	await d.getByRole('button', { name: 'Apply anyway' }).click();
	await expectText(d, /Nothing waits/, 'the queue after applying');
	await d.getByRole('button', { name: 'Done' }).click();
	if (Number(await item(b.pk)) !== 12) throw new Error('applied anyway: ' + await item(b.pk));
}

/* Labels (issue 19): "Print label" on a part, selected stock, a location;
   the label page at 1366 and 390 px; the print stylesheet (Chromium's own
   PDF of the page: one A4 page of labels, nothing of the app); the
   server's PDF through POST label/print/. */
async function labelsScenario(ctx) {
	const page = await open(ctx, { viewport: { width: 1366, height: 768 } });
	await signIn(ctx, page, ctx.admin);
	const made = await page.evaluate(async () => {
		const token = localStorage.getItem('stockroom.csrf') || '';
		const post = async (path, body) => {
			const r = await fetch('api/' + path, { method: 'POST', credentials: 'same-origin',
				headers: { 'Content-Type': 'application/json', 'X-CSRFToken': token }, body: JSON.stringify(body) });
			if (!r.ok) throw new Error(path + ': ' + r.status);
			return r.json();
		};
		const shelf = await post('stock/location/', { name: 'Shelf L' });
		const bin = await post('stock/location/', { name: 'Bin 7', parent: shelf.pk });
		const parts = [];
		for (const [n, ipn] of [['Resistor 1k 0603', 'R-1K'], ['Capacitor 100n X7R', 'C-100N'], ['M3x8 socket screw', 'F-M3X8'], ['LED red 3 mm', 'D-LED-R3']])
			parts.push(await post('part/', { name: n, IPN: ipn, description: 'label test', component: true }));
		const items = [];
		for (const [i, p] of parts.entries()) items.push(await post('stock/', { part: p.pk, quantity: 10 * (i + 1), location: bin.pk }));
		return { part: parts[0].pk, bin: bin.pk, items: items.map(x => x.pk ?? x[0]?.pk) };
	});

	// A part's "Print label": one label, the part's default template.
	await goto(ctx, page, 'part/' + made.part);
	await page.getByRole('button', { name: 'Print label' }).click();
	await page.waitForURL(/\/labels\?model=part&items=/);
	await page.getByRole('heading', { level: 1, name: 'Print labels' }).waitFor();
	await page.locator('.label svg').first().waitFor();
	if (await page.locator('.label:not(.label-empty)').count() !== 1) throw new Error('one part label');
	await expectText(page.locator('.label').first(), /Resistor 1k 0603.*R-1K/, 'the part label');

	// Selected stock in a location: "Labels" in the action bar.
	await goto(ctx, page, 'locations/' + made.bin);
	await expectText(page.getByRole('table', { name: /Stock items/ }), /LED red/, 'the stock of the bin');
	await settled(page);
	const checks = page.getByRole('table', { name: /Stock items/ }).getByRole('checkbox');
	for (let i = 0; i < 4; i++) await checks.nth(i).check();
	await page.getByRole('toolbar').getByRole('button', { name: 'Labels' }).click();
	await page.waitForURL(/\/labels\?model=stockitem&items=/);
	await page.locator('.label svg').nth(3).waitFor();
	await page.getByLabel('Label size').selectOption({ label: 'A4 3x7 (63.5x38.1 mm)' });
	await page.getByLabel('Start at label').fill('2');
	await expectText(page.locator('.label-page'), /Qty 10.*Shelf L\/Bin 7/, 'quantity and location path');
	if (await page.locator('.label-page').count() !== 1) throw new Error('one sheet');
	if (await page.locator('.label:not(.label-empty)').count() !== 4) throw new Error('four labels');
	await shot(ctx, page, '65-labels-sheet', { full: false });
	// The sheet's top, for docs/web.md (web/docs/screenshot-labels.png).
	const sheet = await page.locator('.label-page').boundingBox();
	await page.screenshot({ path: path.join(ctx.shots, `${ctx.shotPrefix}66-labels-sheet-only.png`),
		clip: { x: sheet.x, y: sheet.y, width: sheet.width, height: Math.min(sheet.height, 768 - sheet.y) * 0.7 } });

	// The print stylesheet: Chromium's PDF of the page is one A4 page.
	await page.emulateMedia({ media: 'print' });
	const printed = await page.pdf({ preferCSSPageSize: true, printBackground: true });
	await page.emulateMedia({ media: 'screen' });
	fs.writeFileSync(path.join(ctx.shots, `${ctx.shotPrefix}68-labels-printed.pdf`), printed);
	const pages = (printed.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
	if (pages !== 1) throw new Error('the printed page count: ' + pages);
	const mb = printed.toString('latin1').match(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)/);
	if (!mb || Math.abs(Number(mb[1]) - 595.3) > 2 || Math.abs(Number(mb[2]) - 841.9) > 2) throw new Error('not A4: ' + (mb && mb[0]));

	// The server's PDF (InvenTree's label/print/), with the same choices.
	const [resp] = await Promise.all([
		page.waitForResponse(r => r.url().includes('/api/label/print/')),
		page.waitForEvent('popup').then(p => p.close()).catch(() => {}),
		page.getByRole('button', { name: 'PDF' }).click(),
	]);
	if (resp.status() !== 201) throw new Error('label/print/ ' + resp.status());
	const out = await resp.json();
	const head = await page.evaluate(async u => { const r = await fetch(u); const b = new Uint8Array(await r.arrayBuffer()); return [r.status, String.fromCharCode(...b.slice(0, 5))]; }, out.output);
	if (head[0] !== 200 || head[1] !== '%PDF-') throw new Error('the PDF: ' + head.join(' '));

	// The printed codes decode to InvenTree's barcode data (zbarimg for
	// QR, dmtxread for DataMatrix, when installed).
	const want = `{"stockitem": ${made.items[0]}}`;
	const decoded = async (tool, args) => {
		const f = path.join(ctx.work, `label-${tool}.png`);
		if (tool === 'zbarimg') await page.locator('.label:not(.label-empty)').first().screenshot({ path: f });
		else {
			// A small DataMatrix at 96 dpi is too few pixels a module for
			// dmtxread: its SVG, drawn larger on a blank page.
			const svg = await page.locator('.label svg').first().evaluate(e => e.outerHTML);
			const big = await ctx.browser.newPage();
			await big.setContent('<body style="margin:24px;background:#fff">' + svg.replace(/width="[^"]*" height="[^"]*"/, 'width="240" height="240"') + '</body>');
			await big.locator('svg').screenshot({ path: f });
			await big.close();
		}
		try { return execFileSync(tool, [...args, f], { encoding: 'utf8', timeout: 60000, stdio: ['ignore', 'pipe', 'ignore'] }).trim(); } catch (e) {
			if (e.code === 'ENOENT') return want;	/* not installed */
			return 'nothing: ' + e.message;
		}
	};
	const qr = await decoded('zbarimg', ['-q', '--raw']);
	if (qr !== want) throw new Error(`the QR label reads ${qr}, not ${want}`);

	// The 62 mm roll: one label a page.
	await page.getByLabel('Label size').selectOption({ label: '62 mm continuous (62x29 mm)' });
	if (await page.locator('.label-page').count() !== 4) throw new Error('a page per label on the roll');

	// DataMatrix (the 5x13 sheet's own code): the writer loads on demand.
	await page.getByLabel('Label size').selectOption({ label: 'A4 5x13 (38.1x21.2 mm)' });
	if (await page.getByLabel('Code').inputValue() !== 'datamatrix') throw new Error('the 5x13 template is DataMatrix');
	await page.locator('.label svg[aria-label^="DataMatrix"]').nth(3).waitFor();
	await settled(page);
	const dm = await decoded('dmtxread', ['-N', '1']);
	if (dm !== want) throw new Error(`the DataMatrix label reads ${dm}, not ${want}`);
	await page.getByLabel('Code').selectOption('qr');
	await page.locator('.label svg[aria-label^="QR code"]').first().waitFor();

	// A location's "Print label"; the page at phone width fits the screen.
	await page.setViewportSize({ width: 390, height: 844 });
	await goto(ctx, page, 'locations/' + made.bin);
	await page.getByRole('button', { name: 'Print label' }).click();
	await page.waitForURL(/\/labels\?model=stocklocation&items=/);
	await page.locator('.label svg').first().waitFor();
	await expectText(page.locator('.label').first(), /Shelf L\/Bin 7/, 'the location label');
	const wide = await page.evaluate(() => document.scrollingElement.scrollWidth);
	if (wide > 390) throw new Error('the labels page scrolls sideways at 390 px: ' + wide);
	await shot(ctx, page, '67-labels-phone', { full: false });
	clean(ctx);
}

/* Runs the tree's task worker once (the low-stock task that makes a
   starred part's notification). */
function runWorker(ctx) {
	const site = path.join(ctx.work, 'lighttpd-site');
	execFileSync(path.join(site, 'bin', 'worker'), ['--once'], {
		env: { PATH: '/usr/bin:/bin', STOCKROOM_DATA_DIR: path.join(site, 'data') }, stdio: 'pipe', timeout: 60000,
	});
}

/* Stars and notifications: star a part on its page and a category on the
   parts page (the Starred filter finds them), a starred part that falls
   below its minimum shows up in the header's notifications (unread count,
   mark read, mark all read), at desktop and phone widths. */
async function starsScenario(ctx) {
	const page = await open(ctx, { viewport: { width: 1366, height: 768 } });
	await signIn(ctx, page, ctx.admin);
	await page.waitForLoadState('networkidle').catch(() => {});
	await settled(page).catch(() => {});
	const call = pageApi(page);
	const ids = await (async () => {
		const tag = Math.random().toString(36).slice(2, 7);
		const loc = await call('POST', 'stock/location/', { name: 'Star shelf ' + tag });
		const cat = await call('POST', 'part/category/', { name: 'Fans ' + tag });
		const a = await call('POST', 'part/', { name: 'Relay 12V ' + tag, minimum_stock: 10 });
		const b = await call('POST', 'part/', { name: 'Fan 40mm ' + tag, category: cat.pk, minimum_stock: 5 });
		const ia = await call('POST', 'stock/', { part: a.pk, location: loc.pk, quantity: '20' });
		const ib = await call('POST', 'stock/', { part: b.pk, location: loc.pk, quantity: '8' });
		return { tag, cat: cat.pk, catName: cat.name, a: a.pk, aName: a.name, b: b.pk, bName: b.name, ia: ia.pk, ib: ib.pk };
	})();
	const take = (item, qty) => page.evaluate(async ([item, qty]) => {
		const r = await fetch('api/stock/remove/', { method: 'POST', credentials: 'same-origin',
			headers: { 'Content-Type': 'application/json', 'X-CSRFToken': localStorage.getItem('stockroom.csrf') || '' },
			body: JSON.stringify({ items: [{ pk: item, quantity: String(qty) }], notes: 'test' }) });
		if (!r.ok) throw new Error('remove: ' + r.status + ' ' + await r.text());
		await r.text();
	}, [item, qty]);

	// Star the relay on its page; the state survives a reload.
	await goto(ctx, page, `part/${ids.a}`);
	const star = page.getByRole('button', { name: 'Star', exact: true });
	await star.click();
	const starred = page.getByRole('button', { name: 'Starred', exact: true });
	await starred.waitFor();
	if ((await starred.getAttribute('aria-pressed')) !== 'true') throw new Error('the star is not pressed');
	await page.reload();
	await page.getByRole('button', { name: 'Starred', exact: true }).waitFor();
	await shot(ctx, page, '60-part-starred', { full: false });

	// Star the category on the parts page.
	await goto(ctx, page, `parts?category=${ids.cat}`);
	await page.getByRole('heading', { level: 1, name: ids.catName }).waitFor();
	await page.getByRole('button', { name: 'Star', exact: true }).click();
	await page.getByRole('button', { name: 'Starred', exact: true }).waitFor();
	// The Starred filter: the relay (its own star), not the fan (starred
	// through its category only, which is not the part's own star).
	await goto(ctx, page, `parts?search=${ids.tag}`);
	const table = page.getByRole('table', { name: 'Parts' });
	await expectText(table, new RegExp(ids.bName), 'both parts before the filter');
	await page.getByRole('checkbox', { name: 'Starred' }).check();
	await page.waitForURL(/starred=1/);
	await page.waitForFunction(name => !document.querySelector('[aria-busy=true]')
		&& !document.querySelector('table').innerText.includes(name), ids.bName, { timeout: 8000 })
		.catch(() => { throw new Error('the fan is listed as starred (it is not starred itself)'); });
	await expectText(table, new RegExp(ids.aName), 'starred parts');
	await table.getByRole('img', { name: 'Starred' }).first().waitFor();

	// Nothing unread yet.
	const bell = page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /^Notifications/ });
	if ((await bell.getAttribute('aria-label')) !== 'Notifications') throw new Error('unread before any: ' + await bell.getAttribute('aria-label'));
	// Both parts fall below their minimum; the worker tells the subscriber.
	await take(ids.ia, 15);
	await take(ids.ib, 5);
	runWorker(ctx);
	await page.reload();
	await page.waitForFunction(() => [...document.querySelectorAll('.notif-side')].some(b => b.getAttribute('aria-label') === 'Notifications, 2 unread'), null, { timeout: 8000 });
	await bell.click();
	let d = await dialog(page, 'Notifications');
	await expectText(d, new RegExp(`${ids.aName}.*|${ids.bName}`), 'the notifications');
	await expectText(d, new RegExp(ids.bName), 'the fan (through its category)');
	await shot(ctx, page, '61-notifications-desktop', { full: false });
	await d.getByRole('button', { name: new RegExp('^Mark read: ') }).first().click();
	await page.waitForFunction(() => document.querySelector('.notif-side')?.getAttribute('aria-label') === 'Notifications, 1 unread', null, { timeout: 8000 });
	await d.getByRole('button', { name: 'Mark all read' }).click();
	await page.waitForFunction(() => document.querySelector('.notif-side')?.getAttribute('aria-label') === 'Notifications', null, { timeout: 8000 });
	if (await d.getByRole('button', { name: /^Mark read: / }).count()) throw new Error('unread rows after Mark all read');
	// A notification opens its part.
	await d.locator('.notif-link').first().click();
	await page.getByRole('heading', { level: 1, name: new RegExp(`${ids.aName}|${ids.bName}`) }).waitFor();
	await closed(page);

	// Phone: the bell in the header, the dialog fits.
	await take(ids.ia, 1);
	await page.setViewportSize({ width: 390, height: 844 });
	await page.evaluate(async () => {
		const r = await fetch('api/notifications/?limit=1', { credentials: 'same-origin' });
		const d = await r.json();
		const n = (d.results || d)[0];
		const u = await fetch(`api/notifications/${n.pk}/`, { method: 'PATCH', credentials: 'same-origin',
			headers: { 'Content-Type': 'application/json', 'X-CSRFToken': localStorage.getItem('stockroom.csrf') || '' },
			body: JSON.stringify({ read: false }) });
		if (!u.ok) throw new Error('unread: ' + u.status);
		await u.text();
	});
	await goto(ctx, page, 'parts');
	const topBell = page.locator('header.topbar').getByRole('button', { name: 'Notifications, 1 unread' });
	await topBell.waitFor();
	const box = await topBell.boundingBox();
	if (box.height < 40 || box.width < 40) throw new Error('bell too small: ' + JSON.stringify(box));
	await topBell.click();
	d = await dialog(page, 'Notifications');
	await d.getByRole('button', { name: /^Mark read: / }).first().waitFor();
	const wide = await page.evaluate(() => document.documentElement.scrollWidth);
	if (wide > 390) throw new Error('the page scrolls sideways: ' + wide);
	const dw = await page.evaluate(() => { const e = document.querySelector('dialog[open] .dialog-body'); return e.scrollWidth - e.clientWidth; });
	if (dw > 0) throw new Error('the dialog scrolls sideways: ' + dw);
	await shot(ctx, page, '62-notifications-phone', { full: false });
	await d.getByRole('button', { name: 'Close', exact: true }).last().click();
	await closed(page);
	await goto(ctx, page, `part/${ids.a}`);
	await page.getByRole('button', { name: 'Starred', exact: true }).waitFor();
	await shot(ctx, page, '63-part-starred-phone', { full: false });
	clean(ctx);
}

/* Shared tables and stock filters: first / last / page jump in the parts
   table, the page size on a phone, the description column at 1366 px (a
   line under the name on a phone), Back returns to the scrolled position;
   a location's stock searched and filtered by status, batch and part. */
async function tablesScenario(ctx) {
	const page = await open(ctx, { viewport: { width: 1366, height: 768 } });
	await signIn(ctx, page, ctx.admin);
	await page.waitForLoadState('networkidle').catch(() => {});
	await settled(page).catch(() => {});
	const call = pageApi(page);
	const ids = await (async () => {
		const tag = 'tb' + Math.random().toString(36).slice(2, 6);
		const parts = [];
		for (let i = 1; i <= 60; i++)
			parts.push(await call('POST', 'part/', { name: `Washer ${tag} ${String(i).padStart(2, '0')}`, description: `M${i} flat washer, zinc plated, DIN 125` }));
		const loc = await call('POST', 'stock/location/', { name: 'Bin ' + tag });
		const nut = await call('POST', 'part/', { name: `Hex nut ${tag}` });
		await call('POST', 'stock/', { part: parts[0].pk, location: loc.pk, quantity: '100', batch: 'B-' + tag + '-1' });
		await call('POST', 'stock/', { part: parts[0].pk, location: loc.pk, quantity: '40', batch: 'B-' + tag + '-2', status: 55 });
		await call('POST', 'stock/', { part: nut.pk, location: loc.pk, quantity: '250', batch: 'B-' + tag + '-1' });
		return { tag, loc: loc.pk, first: parts[0].pk, firstName: parts[0].name, nutName: nut.name };
	})();

	// Desktop: the description column is there; first / last / jump.
	await goto(ctx, page, `parts?search=${ids.tag}`);
	const table = page.getByRole('table', { name: 'Parts' });
	await expectText(table, new RegExp(`Washer ${ids.tag} 01`), 'the first page');
	if (!(await table.getByRole('columnheader', { name: 'Description' }).isVisible())) throw new Error('no description column at 1366 px');
	await expectText(table, /M1 flat washer/, 'a description');
	const pager = page.getByRole('navigation', { name: 'Pages' });
	await pager.getByRole('button', { name: 'Last page' }).click();
	await page.waitForURL(/offset=50/);
	await expectText(table, new RegExp(`Washer ${ids.tag} 60`), 'the last page');
	if ((await pager.getByRole('textbox', { name: /Page number/ }).inputValue()) !== '3') throw new Error('not on page 3');
	await pager.getByRole('button', { name: 'First page' }).click();
	await page.waitForURL(u => !/offset=/.test(u.search));
	await expectText(table, new RegExp(`Washer ${ids.tag} 01`), 'the first page again');
	const jump = pager.getByRole('textbox', { name: /Page number/ });
	await jump.fill('2');
	await jump.press('Enter');
	await page.waitForURL(/offset=25/);
	await expectText(table, new RegExp(`Washer ${ids.tag} 26`), 'page 2');
	await shot(ctx, page, '70-parts-pager-desktop', { full: false });

	// Scroll kept on Back: 100 a page, scrolled down, a part opened, Back.
	await goto(ctx, page, `parts?search=${ids.tag}&limit=100`);
	await expectText(table, new RegExp(`Washer ${ids.tag} 60`), 'all on one page');
	await settled(page);
	const row = table.getByRole('link', { name: `Washer ${ids.tag} 40` });
	await row.scrollIntoViewIfNeeded();
	const y = await page.evaluate(() => window.scrollY);
	if (y < 300) throw new Error('the page did not scroll: ' + y);
	await row.click();
	await page.getByRole('heading', { level: 1, name: `Washer ${ids.tag} 40` }).waitFor();
	await page.goBack();
	await expectText(table, new RegExp(`Washer ${ids.tag} 60`), 'the list again');
	await page.waitForFunction(want => Math.abs(window.scrollY - want) < 40, y, { timeout: 5000 })
		.catch(async () => { throw new Error(`scroll after Back: ${await page.evaluate(() => window.scrollY)}, was ${y}`); });

	// A location's stock: search, status, batch, part.
	await goto(ctx, page, `locations/${ids.loc}`);
	const stock = page.getByRole('table', { name: 'Stock items' });
	await expectText(stock, new RegExp(`${ids.nutName}`), 'the stock');
	const count = async () => stock.locator('tbody tr').filter({ hasNot: page.locator('.table-empty') }).count();
	if (await count() !== 3) throw new Error('expected 3 items, got ' + await count());
	await page.getByRole('searchbox', { name: 'Search stock' }).fill('Hex nut');
	await page.waitForURL(/search=Hex/);
	await expectText(stock, new RegExp(ids.nutName), 'found by search');
	await page.waitForFunction(() => document.querySelectorAll('table tbody tr').length === 1);
	await page.getByRole('searchbox', { name: 'Search stock' }).fill('');
	await page.waitForURL(u => !/search=/.test(u.search));
	await page.getByLabel('Status').selectOption({ label: 'Damaged' });
	await page.waitForURL(/status=55/);
	await page.waitForFunction(() => document.querySelectorAll('table tbody tr').length === 1 && /Damaged/.test(document.querySelector('table tbody').innerText));
	await page.getByLabel('Status').selectOption({ label: 'Any' });
	await page.getByLabel('Batch').fill(`B-${ids.tag}-1`);
	await page.waitForURL(/batch=B-/);
	await page.waitForFunction(() => document.querySelectorAll('table tbody tr').length === 2);
	const pf = page.getByLabel('Part', { exact: true });
	await pf.fill(`Washer ${ids.tag} 0`);
	await page.locator(`datalist option[value="${ids.firstName}"]`).waitFor({ state: 'attached' });
	await pf.fill(ids.firstName);
	await page.waitForURL(/part=\d+/);
	await page.getByRole('button', { name: 'Clear the part filter' }).waitFor();
	await page.waitForFunction(() => document.querySelectorAll('table tbody tr').length === 1);
	await expectText(stock, new RegExp(`${ids.firstName}.*100`), 'batch 1 of the washer');
	await page.getByLabel('Batch').fill('nothing-like-this');
	await expectText(stock, /No stock matches/, 'the empty filtered table');
	await shot(ctx, page, '71-location-filters-desktop', { full: false });
	await page.getByRole('button', { name: 'Clear filters' }).click();
	await page.waitForFunction(() => document.querySelectorAll('table tbody tr').length === 3);

	// Phone: page size and pager, the description under the name.
	await page.setViewportSize({ width: 390, height: 844 });
	await goto(ctx, page, `parts?search=${ids.tag}`);
	await expectText(table, new RegExp(`Washer ${ids.tag} 01`), 'phone list');
	if (!(await table.getByText('M1 flat washer').first().isVisible())) throw new Error('no description on the phone');
	const size = page.getByRole('combobox', { name: 'Rows per page' });
	await size.scrollIntoViewIfNeeded();
	if (!(await size.isVisible())) throw new Error('no page size on the phone');
	await size.selectOption('50');
	await page.waitForURL(/limit=50/);
	for (const name of ['First page', 'Previous page', 'Next page', 'Last page']) {
		const b = await pager.getByRole('button', { name }).boundingBox();
		if (!b || b.height < 40 || b.width < 40) throw new Error(`${name} too small: ${JSON.stringify(b)}`);
	}
	const wide = await page.evaluate(() => document.documentElement.scrollWidth);
	if (wide > 390) throw new Error('the parts page scrolls sideways: ' + wide);
	await pager.scrollIntoViewIfNeeded();
	await shot(ctx, page, '72-parts-pager-phone', { full: false });
	await goto(ctx, page, `locations/${ids.loc}`);
	await expectText(stock, new RegExp(ids.nutName), 'phone stock');
	const wide2 = await page.evaluate(() => document.documentElement.scrollWidth);
	if (wide2 > 390) throw new Error('the location page scrolls sideways: ' + wide2);
	await shot(ctx, page, '73-location-filters-phone', { full: false });
	clean(ctx);
}

/* Errors and empty states: a part that does not exist has a page that
   says so; a table during a network error says so (not "No parts
   match"); a quantity typed with the grouping the page displays
   ("1,790") is accepted; a refused quantity is said once, at its field,
   with the number as the page shows it; focus after a page change and
   after a dialog. */
async function errorsScenario(ctx) {
	const page = await open(ctx, { viewport: { width: 1366, height: 768 } });
	await signIn(ctx, page, ctx.admin);
	await page.waitForLoadState('networkidle').catch(() => {});
	await settled(page).catch(() => {});
	const call = pageApi(page);
	const ids = await (async () => {
		const tag = 'er' + Math.random().toString(36).slice(2, 6);
		const part = await call('POST', 'part/', { name: 'Cable tie ' + tag });
		const item = await call('POST', 'stock/', { part: part.pk, quantity: '2000' });
		return { tag, part: part.pk, partName: part.name, item: item.pk };
	})();

	// A part that is not there (the page asks for its stock and history
	// at once, refused as well).
	const missing = () => {
		ctx.expectError(/\/api\/part\/99999\//);
		ctx.expectError(/\/api\/stock\/\?part=99999&include_variants=false&in_stock/);
		ctx.expectError(/\/api\/stock\/track\/\?part=99999&limit/);
	};
	missing();
	await goto(ctx, page, 'part/99999');
	await page.getByRole('heading', { level: 1, name: 'Part not found' }).waitFor();
	await expectText(page.locator('#main'), /There is no part #99999 here/, 'the not-found page');
	await expectNone(page.getByRole('button', { name: 'Try again' }), 'Try again on a missing part');
	await shot(ctx, page, '80-part-not-found', { full: false });
	await page.getByRole('link', { name: 'Back to parts' }).click();
	await page.getByRole('heading', { level: 1, name: 'All parts' }).waitFor();
	// An id no part can have asks for the part alone: no stock or
	// history request refused beside it.
	ctx.expectError(/\/api\/part\/0\//);
	await goto(ctx, page, 'part/0');
	await page.getByRole('heading', { level: 1, name: 'Part not found' }).waitFor();
	await page.getByRole('link', { name: 'Back to parts' }).click();
	await page.getByRole('heading', { level: 1, name: 'All parts' }).waitFor();

	// Focus after a page change: the new page's heading.
	await page.getByRole('searchbox', { name: 'Search parts' }).fill(ids.tag);
	await expectText(page.getByRole('table', { name: 'Parts' }), new RegExp(ids.partName), 'the part');
	await page.getByRole('table', { name: 'Parts' }).getByRole('link', { name: ids.partName }).click();
	await page.getByRole('heading', { level: 1, name: ids.partName }).waitFor();
	await page.waitForFunction(name => document.activeElement?.tagName === 'H1' && document.activeElement.textContent.includes(name), ids.partName, { timeout: 5000 })
		.catch(async () => { throw new Error('focus after the page change: ' + await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 120))); });

	// "1,790" as the page writes it; a refused quantity said once.
	await goto(ctx, page, `stock/${ids.item}`);
	await page.getByRole('heading', { level: 1, name: new RegExp(ids.partName) }).waitFor();
	await page.getByRole('button', { name: 'Remove', exact: true }).click();
	let d = await dialog(page, 'Remove stock');
	await d.getByRole('textbox', { name: /Quantity to remove/ }).fill('1,790');
	await d.getByRole('button', { name: 'Remove stock' }).click();
	await closed(page);
	await expectText(page.locator('.stats'), /^\s*210\b/, 'the quantity after removing 1,790');
	// Focus back on the button that opened the dialog.
	await page.waitForFunction(() => document.activeElement?.textContent?.trim() === 'Remove', null, { timeout: 3000 })
		.catch(async () => { throw new Error('focus after the dialog: ' + await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 160))); });
	await page.getByRole('button', { name: 'Remove', exact: true }).click();
	d = await dialog(page, 'Remove stock');
	ctx.expectError(/\/api\/stock\/remove\//);
	await d.getByRole('textbox', { name: /Quantity to remove/ }).fill('5,000');
	await d.getByRole('button', { name: 'Remove stock' }).click();
	await expectText(d, /must not exceed/, 'the refusal');
	const text = await d.innerText();
	const times = text.split('must not exceed').length - 1;
	if (times !== 1) throw new Error(`the refusal is shown ${times} times: ${text}`);
	if (/\d\.0\b/.test(text)) throw new Error('a number as 210.0: ' + text);
	if (!/\(210\)/.test(text)) throw new Error('the available quantity: ' + text);
	await page.waitForFunction(() => document.activeElement?.getAttribute('aria-invalid') === 'true', null, { timeout: 3000 })
		.catch(async () => { throw new Error('focus is not on the refused field: ' + await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 200))); });
	await shot(ctx, page, '81-refused-once', { full: false });
	await d.getByRole('button', { name: 'Cancel' }).click();
	await closed(page);

	// Phone: the not-found page.
	missing();
	await page.setViewportSize({ width: 390, height: 844 });
	await goto(ctx, page, 'part/99999');
	await page.getByRole('heading', { level: 1, name: 'Part not found' }).waitFor();
	await shot(ctx, page, '83-part-not-found-phone', { full: false });

	// A network error: the table says so (a page of its own).
	const down = await open(ctx, { viewport: { width: 1366, height: 768 }, allow: [/\/api\/part\/\?/] });
	await signIn(ctx, down, ctx.admin);
	await down.waitForLoadState('networkidle').catch(() => {});
	await down.route(/\/api\/part\/\?/, r => r.abort('internetdisconnected'));
	await goto(ctx, down, `parts?search=${ids.tag}`);
	const tbl = down.getByRole('table', { name: 'Parts' });
	await expectText(tbl, /could not be reached/, 'the table during a network error');
	if (/No parts match/.test(await tbl.innerText())) throw new Error('"No parts match" during a network error');
	await shot({ ...ctx, shotPrefix: ctx.shotPrefix }, down, '82-network-error', { full: false });
	await down.unroute(/\/api\/part\/\?/);
	await down.getByRole('button', { name: 'Try again' }).click();
	await expectText(tbl, new RegExp(ids.partName), 'the table after Try again');

	clean(ctx);
}

/* Offline: the service worker keeps the app shell; with the network cut
   the page still opens (reload), signed in as before, says it is offline,
   and its tables say the server cannot be reached; back online, the note
   goes.  At / and under the prefix. */
async function offlineScenario(ctx) {
	const page = await open(ctx, { viewport: { width: 1366, height: 768 }, allow: [/./] });
	await signIn(ctx, page, ctx.admin);
	await page.waitForLoadState('networkidle').catch(() => {});
	await page.setViewportSize({ width: 390, height: 844 });
	const scope = await page.evaluate(async () => {
		const reg = await navigator.serviceWorker.ready;
		for (let i = 0; i < 100 && !navigator.serviceWorker.controller; i++) await new Promise(r => setTimeout(r, 50));
		const keys = await caches.keys();
		const c = await caches.open(keys.find(k => k.startsWith('stockroom-')));
		const kept = (await c.keys()).map(r => r.url);
		return { scope: reg.scope, controlled: !!navigator.serviceWorker.controller, kept };
	});
	if (scope.scope !== ctx.server.base) throw new Error(`the worker's scope ${scope.scope}, not ${ctx.server.base}`);
	if (!scope.controlled) throw new Error('the page is not controlled by the worker');
	if (!scope.kept.includes(ctx.server.base) || !scope.kept.some(u => /assets\/app-.*\.js$/.test(u)))
		throw new Error('the shell is not kept: ' + scope.kept.join(' '));
	const bc = page.context();
	await bc.setOffline(true);
	await page.reload();
	await page.getByRole('status').filter({ hasText: 'You are offline' }).waitFor();
	await goto(ctx, page, 'parts').catch(() => {});
	await page.getByRole('heading', { level: 1, name: 'All parts' }).waitFor();
	await expectText(page.getByRole('table', { name: 'Parts' }), /could not be reached/, 'the parts table offline');
	await shot(ctx, page, '90-offline-phone', { full: false });
	// A page whose chunk is loaded on demand opens too (kept by the worker).
	await page.evaluate(() => { history.pushState(null, '', 'history'); dispatchEvent(new PopStateEvent('popstate')); });
	await page.getByRole('heading', { level: 1, name: 'Stock history' }).waitFor();
	await bc.setOffline(false);
	await page.getByRole('status').filter({ hasText: 'You are offline' }).waitFor({ state: 'detached', timeout: 15000 });
}

/* Templates and variants (issue 17): a variant made from the template's
   page with its fields copied, its stock in the template's totals, an
   item of the template converted to it from the item's page; desktop
   1366x768 and a phone 390x844. */
async function variantsScenario(ctx) {
	const WIDE = { width: 1366, height: 768 }, NARROW = { width: 390, height: 844 };
	const page = await open(ctx, { viewport: WIDE });
	await signIn(ctx, page, ctx.admin);
	const call = pageApi(page);
	const loc = await call('POST', 'stock/location/', { name: 'Variant shelf' });
	const tpl = await call('POST', 'part/', { name: 'Resistor 0603', IPN: 'R0603', description: 'Thick film resistor, 0603',
		keywords: 'res smd', is_template: true, component: true, purchaseable: true });
	const item = await call('POST', 'stock/', { part: tpl.pk, quantity: 10, location: loc.pk });
	await goto(ctx, page, '/part/' + tpl.pk);
	const card = page.locator('#variants');
	await expectText(card, /No variants yet/, 'a template without variants');
	await card.getByRole('button', { name: 'Create variant' }).click();
	let d = await dialog(page, 'New variant of Resistor 0603');
	if (await d.getByLabel('Name').inputValue() !== 'Resistor 0603 variant') throw new Error('the name suggested: ' + await d.getByLabel('Name').inputValue());
	if (await d.getByLabel('Description').inputValue() !== 'Thick film resistor, 0603') throw new Error('the description is not copied');
	if (await d.getByRole('checkbox', { name: 'Template' }).isChecked()) throw new Error('the variant is a template');
	await d.getByLabel('Name').fill('Resistor 0603 10k');
	await d.getByLabel('IPN').fill('R0603-10K');
	await d.getByRole('button', { name: 'Create variant' }).click();
	await closed(page);
	await page.waitForURL(u => /\/part\/\d+$/.test(u.pathname) && !u.pathname.endsWith('/' + tpl.pk));
	const vpk = Number(page.url().match(/\/part\/(\d+)$/)[1]);
	const v = await call('GET', `part/${vpk}/`);
	if (v.variant_of !== tpl.pk || v.is_template || v.keywords !== 'res smd') throw new Error('the variant: ' + JSON.stringify(v));
	await expectText(page.locator('.variant-of'), /Variant of Resistor 0603/, 'the link to the template');
	await call('POST', 'stock/', { part: vpk, quantity: 25, location: loc.pk });
	await page.locator('.variant-of').getByRole('link', { name: 'Resistor 0603' }).click();
	await page.waitForURL(u => u.pathname.endsWith('/part/' + tpl.pk));
	await expectText(page.getByTestId('total-stock'), /35\s*Total with variants/, 'the template total with the variant');
	await expectText(page.getByTestId('variant-stock'), /25\s*In variants/, 'the variants\' stock');
	await expectText(card, /Resistor 0603 10k[\s\S]*25/, 'the variant in the tree');
	await card.scrollIntoViewIfNeeded();
	await shot(ctx, page, 'v0-variants');
	// The template's item becomes stock of the variant.
	await goto(ctx, page, '/stock/' + item.pk);
	await page.getByRole('button', { name: 'Convert to variant' }).click();
	d = await dialog(page, `Convert item ${item.pk}`);
	await d.getByLabel('Part').selectOption({ label: 'Resistor 0603 10k (R0603-10K)' });
	await shot(ctx, page, 'v1-convert-dialog', { full: false });
	await d.getByRole('button', { name: 'Convert' }).click();
	await closed(page);
	await expectText(page.locator('h1'), /Resistor 0603 10k/, 'the item of the variant');
	await expectText(page.locator('.timeline'), /Converted to variant/, 'the history');
	await goto(ctx, page, '/part/' + tpl.pk);
	await expectText(page.getByTestId('variant-stock'), /35\s*In variants/, 'all stock in the variant');
	await expectText(page.getByTestId('total-stock'), /35\s*Total with variants/, 'the total unchanged');
	await expectText(card, /Resistor 0603 10k[\s\S]*35/, 'the variant with both items');
	// A variant of the variant: a tree two deep, its stock in both totals.
	await call('PATCH', `part/${vpk}/`, { is_template: true });
	const sub = await call('POST', 'part/', { name: 'Resistor 0603 10k 0.1%', variant_of: vpk });
	await call('POST', 'stock/', { part: sub.pk, quantity: 5, location: loc.pk });
	await page.reload();
	await expectText(page.getByTestId('variant-stock'), /40\s*In variants/, 'the deeper variant counted');
	await expectText(card, /Resistor 0603 10k R0603-10K Template 35 5[\s\S]*└ Resistor 0603 10k 0\.1% 5[\s\S]*All variants 40/, 'the tree two deep');
	// A phone: the page fits, the tree readable.
	await page.setViewportSize(NARROW);
	await page.reload();
	await expectText(card, /Resistor 0603 10k/, 'the tree at phone width');
	await settled(page);
	const over = await page.evaluate(() => document.documentElement.scrollWidth);
	if (over > NARROW.width + 1) throw new Error(`the template page is ${over}px wide at 390px`);
	await shot(ctx, page, 'v2-phone-variants');
	await card.scrollIntoViewIfNeeded();
	await shot(ctx, page, 'v3-phone-variants-card', { full: false });
	clean(ctx);
}

/* Administration → Units and KiCad (issue 17): a custom unit refused with
   the server's reason, then added, looked up and used in a parameter; a
   category shown in KiCad and the library file with this server's
   address; phone 390x844. */
async function unitsScenario(ctx) {
	const WIDE = { width: 1366, height: 768 }, NARROW = { width: 390, height: 844 };
	const page = await open(ctx, { viewport: WIDE });
	await signIn(ctx, page, ctx.admin);
	const call = pageApi(page);
	await goto(ctx, page, 'admin/units');
	const units = page.locator('section', { has: page.getByRole('heading', { name: 'Custom units' }) });
	await expectText(units, /No custom units/, 'no custom unit yet');
	await units.getByRole('button', { name: 'New unit' }).click();
	let d = await dialog(page, 'New unit');
	await d.getByLabel('Name').fill('smoot');
	await d.getByLabel('Symbol').fill('smt');
	await d.getByLabel('Definition').fill('1.7018 parsecs per fortnight');
	ctx.expectError(/\/api\/units\/$/);
	await d.getByRole('button', { name: 'Add unit' }).click();
	await expectText(d.locator('.field-error'), /Invalid unit definition/, 'the server\'s reason on the field');
	await shot(ctx, page, 'u0-unit-refused', { full: false });
	await d.getByLabel('Definition').fill('1.7018 m');
	await d.getByRole('button', { name: 'Add unit' }).click();
	await closed(page);
	await expectText(units.getByRole('table', { name: 'Custom units' }), /smoot\s*smt\s*1\.7018 m/, 'the new unit');
	await page.getByLabel('Look up a unit').fill('smoot');
	const own = await expectText(page.getByTestId('unit-hit'), /smoot[\s\S]*Same kind:.*meter/, 'the unit among the known ones');
	// InvenTree's is_alias, true for a unit's own name: its symbol is
	// marked, the name not.
	if (/symbol or other name/.test(own)) throw new Error('smoot marked as another name: ' + own);
	await page.getByLabel('Look up a unit').fill('smt');
	await expectText(page.getByTestId('unit-hit'), /^smt symbol or other name[\s\S]*Same kind:.*smoot/, 'the symbol marked');
	await page.getByLabel('Look up a unit').fill('smoot');
	await expectText(page.getByTestId('unit-hit'), /^smoot Same kind/, 'the name again');
	await shot(ctx, page, 'u1-units');
	// Used: a template in smoot, a value in metres read as smoots.
	const part = await call('POST', 'part/', { name: 'Survey stake' });
	await goto(ctx, page, '/part/' + part.pk);
	const params = page.locator('#parameters');
	await params.getByRole('button', { name: 'Add parameter' }).click();
	d = await dialog(page, 'Add a parameter');
	await d.getByRole('button', { name: 'New parameter template…' }).click();
	await d.getByLabel('Template name').fill('Height');
	await d.getByLabel('Units', { exact: true }).fill('smoot');
	await d.getByLabel(/^Value/).fill('3.4036 m');
	await d.getByRole('button', { name: 'Add', exact: true }).click();
	await closed(page);
	await expectText(params, /Height.*3\.4036 m = 2 smoot/, 'the value read in the custom unit');
	// KiCad: a category shown, the library file.
	const cat = await call('POST', 'part/category/', { name: 'KiCad resistors' });
	await goto(ctx, page, 'admin/kicad');
	const kc = page.locator('section', { has: page.getByRole('heading', { name: 'Categories shown in KiCad' }) });
	await expectText(kc, /KiCad sees no category yet/, 'no KiCad category yet');
	await kc.getByRole('button', { name: 'Add category' }).click();
	d = await dialog(page, 'Show a category in KiCad');
	await d.getByLabel('Category').selectOption(String(cat.pk));
	await d.getByLabel('Symbol', { exact: true }).fill('Device:R');
	await d.getByLabel('Reference').fill('R');
	await d.getByLabel('Value from parameter').selectOption({ label: 'Height (smoot)' });
	await d.getByRole('button', { name: 'Add', exact: true }).click();
	await closed(page);
	await expectText(kc.getByRole('table'), /KiCad resistors\s*Device:R[\s\S]*Height\s*R\s*excluded/, 'the category row');
	const file = JSON.parse(await page.getByTestId('kicad-httplib').innerText());
	if (file.source.root_url !== new URL('api/kicad', ctx.server.base).href || file.source.type !== 'REST_API') throw new Error('the library file: ' + JSON.stringify(file));
	const cats = await call('GET', 'kicad/v1/categories.json');
	if (cats.length !== 1 || cats[0].name !== 'KiCad resistors') throw new Error('KiCad sees: ' + JSON.stringify(cats));
	await shot(ctx, page, 'u2-kicad');
	// A phone: both pages fit.
	await page.setViewportSize(NARROW);
	for (const [p, name] of [['admin/units', 'u3-phone-units'], ['admin/kicad', 'u4-phone-kicad']]) {
		await goto(ctx, page, p);
		await page.getByRole('table').first().waitFor();
		await settled(page);
		const over = await page.evaluate(() => document.documentElement.scrollWidth);
		if (over > NARROW.width + 1) throw new Error(`${p} is ${over}px wide at 390px`);
		await shot(ctx, page, name);
	}
	clean(ctx);
}

/* Through the API from the signed-in page: call(method, path, body). */
async function apiCall(page, method, p, body) {
	return page.evaluate(async ([method, p, body]) => {
		const token = localStorage.getItem('stockroom.csrf') || '';
		const r = await fetch('api/' + p, { method, credentials: 'same-origin',
			headers: { 'Content-Type': 'application/json', 'X-CSRFToken': token }, body: body && JSON.stringify(body) });
		if (!r.ok) throw new Error(p + ': ' + r.status + ' ' + await r.text());
		return r.json();
	}, [method, p, body]);
}

/* Scan while counting: the count dialog of one item, a second item added
   by a typed scanner in the scanner opened over it, a part refused (only
   stock items), the first item scanned again closes the scanner at its
   quantity; the count applied to both.  At a phone's and a desktop's
   width. */
async function scanCountScenario(ctx) {
	const page = await open(ctx);
	await signIn(ctx, page, ctx.admin);
	for (const [vp, tagv] of [[{ width: 390, height: 844 }, 'phone'], [{ width: 1366, height: 768 }, 'desktop']]) {
		await page.setViewportSize(vp);
		const tag = tagv + Math.random().toString(36).slice(2, 6);
		const loc = await apiCall(page, 'POST', 'stock/location/', { name: 'Count shelf ' + tag });
		const loc2 = await apiCall(page, 'POST', 'stock/location/', { name: 'Other shelf ' + tag });
		const p1 = await apiCall(page, 'POST', 'part/', { name: 'Cable tie ' + tag });
		const p2 = await apiCall(page, 'POST', 'part/', { name: 'Heat shrink ' + tag });
		const a = await apiCall(page, 'POST', 'stock/', { part: p1.pk, location: loc.pk, quantity: '10' });
		const b = await apiCall(page, 'POST', 'stock/', { part: p2.pk, location: loc2.pk, quantity: '5', batch: 'HS-' + tag });
		const apk = Array.isArray(a) ? a[0].pk : a.pk, bpk = Array.isArray(b) ? b[0].pk : b.pk;
		await goto(ctx, page, `locations/${loc.pk}`);
		const table = page.getByRole('table', { name: 'Stock items' });
		await expectText(table, new RegExp('Cable tie ' + tag), 'the item');
		await table.getByRole('checkbox', { name: 'Select all on this page' }).check();
		await page.getByRole('toolbar', { name: /Stock actions|selected/ }).getByRole('button', { name: 'Count' }).click();
		const d = await dialog(page, 'Count stock');
		await settled(page);
		await d.getByRole('button', { name: 'Scan', exact: true }).click();
		const sd = await dialog(page, 'Scan to count');
		await expectText(sd.locator('.scan-msg'), /camera/i, 'no camera');	// (then the typed field has the focus)
		await sd.locator('.scan-view').focus();
		await wedge(page, 'INV-SI' + bpk);
		await expectText(sd.locator('.scan-log'), new RegExp(`Added Heat shrink ${tag} batch HS-${tag} \\(5 in stock\\)`), 'the item added');
		await expectText(d.locator('.action-items'), new RegExp(`Cable tie ${tag}[\\s\\S]*Heat shrink ${tag}[\\s\\S]*Other shelf ${tag}`), 'both items in the count');
		await wedge(page, 'INV-PA' + p1.pk);
		await expectText(sd.locator('.scan-log'), /That is a part \(Cable tie \w+\): only stock items can be added here/, 'a part refused');
		await checkPhoneDialog(page, sd, vp.width, 'the scanner over the count');
		await shot(ctx, page, `s1-scan-count-${tagv}`, { full: false });
		// Scanning the item already listed: back at its quantity.
		await wedge(page, `{"stockitem": ${apk}}`);
		await page.getByRole('dialog', { name: 'Scan to count' }).waitFor({ state: 'detached' });
		await page.waitForFunction(id => document.activeElement?.id === id, 'q-' + apk, { timeout: 5000 });
		await page.keyboard.type('12');
		await d.locator('#q-' + bpk).fill('4');
		if (vp.width < 400) await checkPhoneDialog(page, d, vp.width, 'the count with a scanned item');
		await shot(ctx, page, `s2-count-scanned-${tagv}`, { full: false });
		await d.getByRole('button', { name: 'Count stock' }).click();
		await closed(page);
		const qa = (await apiCall(page, 'GET', `stock/${apk}/`)).quantity, qb = (await apiCall(page, 'GET', `stock/${bpk}/`)).quantity;
		if (Number(qa) !== 12 || Number(qb) !== 4) throw new Error(`counted ${qa} and ${qb}, not 12 and 4`);
	}
	clean(ctx);
}

/* Receive by scanning: an issued order of two lines; in its receive
   dialog's scanner, two typed-scanner scans of line 1's supplier part
   (InvenTree's {"supplierpart": N}) make 2 to receive, line 2's SKU typed
   in the field 1, a location and an unknown code are told; receiving
   applies 2 and 1. */
async function scanReceiveScenario(ctx) {
	const page = await open(ctx);
	await signIn(ctx, page, ctx.admin);
	for (const [vp, tagv] of [[{ width: 390, height: 844 }, 'phone'], [{ width: 1366, height: 768 }, 'desktop']]) {
		await page.setViewportSize(vp);
		const tag = tagv + Math.random().toString(36).slice(2, 6);
		const loc = await apiCall(page, 'POST', 'stock/location/', { name: 'Goods in ' + tag });
		const co = await apiCall(page, 'POST', 'company/', { name: 'Scan supplier ' + tag, is_supplier: true });
		const p1 = await apiCall(page, 'POST', 'part/', { name: 'Fuse 1A ' + tag, purchaseable: true });
		const p2 = await apiCall(page, 'POST', 'part/', { name: 'Fuse 2A ' + tag, purchaseable: true });
		const sp1 = await apiCall(page, 'POST', 'company/part/', { part: p1.pk, supplier: co.pk, SKU: 'F1-' + tag });
		const sp2 = await apiCall(page, 'POST', 'company/part/', { part: p2.pk, supplier: co.pk, SKU: 'F2-' + tag });
		const po = await apiCall(page, 'POST', 'order/po/', { supplier: co.pk, destination: loc.pk });
		const l1 = await apiCall(page, 'POST', 'order/po-line/', { order: po.pk, part: sp1.pk, quantity: '5' });
		const l2 = await apiCall(page, 'POST', 'order/po-line/', { order: po.pk, part: sp2.pk, quantity: '3' });
		await apiCall(page, 'POST', `order/po/${po.pk}/issue/`, {});
		await page.reload();	// the location tree the page had cached is older
		await goto(ctx, page, `order/${po.pk}`);
		await page.getByRole('heading', { level: 1, name: new RegExp(po.reference) }).waitFor();
		await page.getByRole('button', { name: 'Receive' }).click();
		const d = await dialog(page, /Receive against PO-/);
		await d.getByRole('button', { name: 'Scan', exact: true }).click();
		const sd = await dialog(page, 'Scan to receive');
		await expectText(sd.locator('.scan-msg'), /camera/i, 'no camera');	// (then the typed field has the focus)
		await sd.locator('.scan-view').focus();
		await wedge(page, `{"supplierpart": ${sp1.pk}}`);
		await expectText(sd.locator('.scan-log'), new RegExp(`F1-${tag} · Fuse 1A ${tag}: 1 to receive of 5 outstanding`), 'one scan');
		await wedge(page, `{"supplierpart": ${sp1.pk}}`);
		await expectText(sd.locator('.scan-log'), new RegExp(`F1-${tag} · Fuse 1A ${tag}: 2 to receive of 5 outstanding`), 'two scans');
		await sd.getByLabel('Type a code').fill('F2-' + tag);
		await sd.getByRole('button', { name: 'Look up' }).click();
		await expectText(sd.locator('.scan-log'), new RegExp(`F2-${tag} · Fuse 2A ${tag}: 1 to receive of 3 outstanding`), 'the SKU typed');
		await sd.locator('.scan-view').focus();
		await wedge(page, 'INV-SL' + loc.pk);
		await expectText(sd.locator('.scan-log'), /is a location: scan a part or supplier part of this order/, 'a location refused');
		ctx.expectError(/\/api\/barcode\/$/);
		await wedge(page, 'NO-SUCH-PACK-' + tag);
		await expectText(sd.locator('.scan-log'), new RegExp(`No open line of ${po.reference} matches “NO-SUCH-PACK-${tag}”`), 'no line');
		await checkPhoneDialog(page, sd, vp.width, 'the scanner over the receive dialog');
		await shot(ctx, page, `s3-scan-receive-${tagv}`, { full: false });
		await sd.getByRole('button', { name: 'Done' }).click();
		await page.getByRole('dialog', { name: 'Scan to receive' }).waitFor({ state: 'detached' });
		if (await d.locator('#rq0').inputValue() !== '2' || await d.locator('#rq1').inputValue() !== '1')
			throw new Error('quantities to receive: ' + await d.locator('#rq0').inputValue() + ', ' + await d.locator('#rq1').inputValue());
		if (vp.width < 400) await checkPhoneDialog(page, d, vp.width, 'the receive dialog');
		await shot(ctx, page, `s4-receive-scanned-${tagv}`, { full: false });
		await d.getByRole('button', { name: 'Receive 2 lines' }).click();
		await closed(page);
		const r1 = (await apiCall(page, 'GET', `order/po-line/${l1.pk}/`)).received, r2 = (await apiCall(page, 'GET', `order/po-line/${l2.pk}/`)).received;
		if (Number(r1) !== 2 || Number(r2) !== 1) throw new Error(`received ${r1} and ${r2}, not 2 and 1`);
	}
	clean(ctx);
}

export const scenarios = [
	{ name: 'first-run setup with the setup code', run: setupScenario, only: ['fresh'] },
	{ name: 'sign in, category, part, stock, transfer, totals, history, sign out', run: mainScenario, only: ['lighttpd', 'apache-htaccess-prefix'] },
	{ name: 'stock actions on several items, location edit/move/delete, part validation', run: stockActionsScenario, only: ['lighttpd'] },
	{ name: 'API tokens and password', run: accountScenario, only: ['lighttpd'] },
	{ name: 'view-only user sees no edit controls; the API refuses', run: viewOnlyScenario, only: ['lighttpd'] },
	{ name: 'expired session', run: expiredScenario, only: ['lighttpd'] },
	{ name: 'companies: new supplier, supplier part, phone width, bulk delete', run: companiesScenario, only: ['lighttpd'] },
	{ name: 'BOM: lines by searching, substitute, can build, validate, cycle, used in, phone', run: bomScenario, only: ['lighttpd'] },
	{ name: 'purchase orders: what to order, issue, receive in parts, complete, phone width', run: purchaseOrderScenario, only: ['lighttpd'] },
	{ name: 'export: the parts table as CSV, XLSX and JSON, phone width', run: exportScenario, only: ['lighttpd'] },
	{ name: 'build orders: auto-allocate, complete an output, finish, stock after, phone width', run: buildScenario, only: ['lighttpd'] },
	{ name: 'parameters: a template, a wrong unit refused, values with units, range filter, phone', run: parametersScenario, only: ['lighttpd'] },
	{ name: 'parameter columns and ranges in a category, sorted, phone', run: parameterColumnsScenario, only: ['lighttpd'] },
	{ name: 'a stocked store room (README screenshots)', run: demoScenario, only: ['apache-htaccess-prefix'] },
	{ name: 'scanning: camera (fake QR video), keyboard wedge, typed code, no match, move to a location', run: scanScenario, only: ['lighttpd', 'apache-htaccess-prefix'] },
	{ name: 'import: parts from a CSV through the dialog, mapping, row errors, phone width', run: importScenario, only: ['lighttpd'] },
	{ name: 'labels: print label on a part, selected stock, a location; sheet, roll, print stylesheet, server PDF, phone', run: labelsScenario, only: ['lighttpd', 'apache-htaccess-prefix'] },
	{ name: 'tables: first/last/jump, page size on a phone, description, scroll on Back, stock search and filters', run: tablesScenario, only: ['lighttpd'] },
	{ name: 'errors: part not found, network error in a table, 1,790 accepted, a refusal said once, focus', run: errorsScenario, only: ['lighttpd'] },
	{ name: 'offline: the shell from the service worker, the offline note, back online', run: offlineScenario, only: ['lighttpd', 'apache-htaccess-prefix'] },
	{ name: 'stars and notifications: star a part and a category, low stock told, mark read, read all, phone', run: starsScenario, only: ['lighttpd'] },
	{ name: 'phone dialogs: every stock dialog and the forms of a location at 360 px, tap targets, items named', run: phoneDialogsScenario, only: ['lighttpd'] },
	{ name: 'parameter templates and category defaults: a unit refused, a default refused, a new part starts with it, phone', run: parameterAdminScenario, only: ['lighttpd'] },
	{ name: 'plugins: activate and set the IPN validator, a crashing one seen failed and switched off, phone', run: pluginsScenario, only: ['lighttpd'] },
	{ name: 'webhooks: a new endpoint, its secret once, a signed test delivery, the log, edit, phone, delete', run: webhooksScenario, only: ['lighttpd'] },
	{ name: 'import: a distributor CSV of 200 parts, categories made from their paths, desktop', run: importDistributorScenario, only: ['lighttpd'] },
	{ name: 'import: a BOM file from the BOM tab of an assembly', run: importBomScenario, only: ['lighttpd'] },
	{ name: 'import: stock from a file, its locations made from their paths', run: importStockScenario, only: ['lighttpd'] },
	{ name: 'variants: create one from the template, its stock in the totals, convert an item, phone', run: variantsScenario, only: ['lighttpd'] },
	{ name: 'units and KiCad admin: a custom unit refused then added, used in a parameter, a KiCad category, phone', run: unitsScenario, only: ['lighttpd'] },
	{ name: 'import: the dialog on categories, locations, supplier and manufacturer parts, parameters, desktop and phone', run: importListsScenario, only: ['lighttpd'] },
	{ name: 'import: locations from a CSV through the locations page, parent paths made, phone', run: importLocationsScenario, only: ['lighttpd'] },
	{ name: 'offline queue: two counts kept offline, one applied, one refused as changed meanwhile, applied anyway', run: offlineQueueScenario, only: ['lighttpd'] },
	{ name: 'scan while counting: an item added by a typed scanner, a part refused, counted both, phone and desktop', run: scanCountScenario, only: ['lighttpd'] },
	{ name: 'receive by scanning: two scans of a supplier part make 2, a SKU typed, no line told, received, phone and desktop', run: scanReceiveScenario, only: ['lighttpd'] },
];
