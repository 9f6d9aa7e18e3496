// The browser level: Stockroom's page in a real (headless) Chromium,
// driven by playwright-core, against servers started by servers.py.
// Prints "N passed, N failed" as its last line.
//
//   BUILD=build node tests/browser/run.mjs [name-filter]
import { createRequire } from 'node:module';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { scenarios } from './scenarios.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const require = createRequire(path.join(root, 'web', 'package.json'));
const { chromium } = require('playwright-core');

const BUILD = process.env.BUILD || 'build';
const buildDir = path.resolve(root, BUILD);
const outDir = process.env.BROWSER_OUT || path.join(buildDir, 'test-results');
const shots = path.join(outDir, 'screenshots');
fs.rmSync(shots, { recursive: true, force: true });
fs.mkdirSync(shots, { recursive: true });
const filter = process.argv[2] || '';

function startServers(work) {
	return new Promise((resolve, reject) => {
		const p = spawn(process.env.PYTHON || '/usr/bin/python3', [path.join(here, 'servers.py'), work], {
			cwd: root, env: { ...process.env, BUILD }, stdio: ['pipe', 'pipe', 'inherit'],
		});
		const rl = readline.createInterface({ input: p.stdout });
		rl.once('line', line => {
			try { resolve({ proc: p, info: JSON.parse(line) }); } catch (e) { reject(e); }
		});
		p.once('exit', code => reject(new Error(`servers.py exited with ${code}`)));
	});
}

async function main() {
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'stockroom-browser-'));
	let passed = 0, failed = 0;
	const { proc, info } = await startServers(work);
	const stop = () => { try { proc.stdin.end(); } catch { /* gone */ } };
	process.on('exit', stop);
	if (info.error) {
		console.log(`# servers: ${info.error}`);
		failed++;
	}
	// launch(extra): a Chromium of its own, with more arguments (the fake
	// camera of the scanning scenario); the scenario closes it.
	const launch = (extra = []) => chromium.launch({
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		headless: true,
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
			'--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage', ...extra],
	});
	const browser = await launch();
	try {
		for (const server of info.servers) {
			for (const sc of scenarios) {
				if (sc.only && !sc.only.includes(server.name)) continue;
				const name = `${server.name}: ${sc.name}`;
				if (filter && !name.includes(filter)) continue;
				const t0 = Date.now();
				const ctx = { browser, launch, work, server, admin: info.admin, shots, shotPrefix: server.name === 'lighttpd' ? '' : server.name + '-' };
				try {
					await sc.run(ctx);
					passed++;
					console.log(`ok - ${name} (${((Date.now() - t0) / 1000).toFixed(1)}s)`);
				} catch (e) {
					failed++;
					console.log(`not ok - ${name}\n  ${String(e.stack || e).split('\n').slice(0, 8).join('\n  ')}`);
					if (ctx.page) {
						const f = path.join(shots, `FAILED-${server.name}-${sc.name.replace(/\W+/g, '-')}.png`);
						await ctx.page.screenshot({ path: f, fullPage: true }).catch(() => {});
						console.log(`  screenshot: ${f}`);
					}
					if (ctx.problems?.length) console.log('  page problems:\n    ' + ctx.problems.join('\n    '));
					try {	// what the server said about refused requests
						const lines = fs.readFileSync(server.log, 'utf8').split('\n').filter(l => / (40[0-9]|5[0-9][0-9]) /.test(l));
						if (lines.length) console.log('  server log (4xx/5xx):\n    ' + lines.slice(-12).join('\n    '));
					} catch { /* no log */ }
				} finally {
					for (const c of ctx.contexts || []) await c.close().catch(() => {});
				}
			}
		}
	} finally {
		await browser.close();
		stop();
		fs.rmSync(work, { recursive: true, force: true, maxRetries: 3 });
	}
	console.log(`(screenshots in ${shots}/)`);
	console.log(`${passed} passed, ${failed} failed`);
	process.exitCode = failed ? 1 : 0;
}

main().catch(e => {
	console.log(`not ok - harness: ${e.stack || e}`);
	console.log('0 passed, 1 failed');
	process.exit(1);
});
