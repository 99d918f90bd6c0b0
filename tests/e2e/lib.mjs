// lib.mjs - what the browser tests share: a tiny test harness, page helpers,
// the accessibility check by axe-core, and launching Debian's chromium.
//
// Imported by directory.test.mjs and flows.test.mjs, which run.sh starts one
// after the other against the same server.  Plain node, no test framework:
// every check prints "ok - NAME" or "not ok - NAME: REASON" (details follow
// on lines starting with "#"), and run.sh counts those lines.
//
// Environment:
//   NATVERK_E2E_URL  base URL of a running natverk server (required)
//   CHROMIUM         browser binary (default /usr/bin/chromium, Debian's);
//                    playwright-core never downloads a browser of its own
//   E2E_TIMING       set to add each check's time in ms to its "ok" line

import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export const BASE = (process.env.NATVERK_E2E_URL || '').replace(/\/+$/, '');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
if (!BASE) {
	console.log('not ok - setup: NATVERK_E2E_URL is not set');
	process.exit(1);
}

// The site's Content-Security-Policy (script-src 'self') blocks inline
// scripts, and page.addScriptTag({path}) injects axe as an inline script, so
// it is refused.  We evaluate axe's source with page.evaluate instead: that
// goes through the DevTools protocol, which CSP does not govern, so the pages
// are tested with their real CSP in force (no bypassCSP).
const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

// Flags that keep Chromium quiet on a machine without a network (without
// them it keeps trying to reach Google's services and gets slow and flaky).
// playwright's launch adds a fresh --user-data-dir and --headless itself.
const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

// Finding an element or acting on it takes well under a second, but a machine
// busy with other work (two cores, a parallel build) can stall the browser
// for seconds.  Loading a page gets longer still.
export const TIMEOUT = 10000;
export const NAV_TIMEOUT = 30000;

// ---------------------------------------------------------------------------
// A tiny harness

// How many checks passed and failed so far (finish() exits with them).
export const stats = { passed: 0, failed: 0 };

export function oneLine(s) {
	return String(s).split('\n')[0].trim();
}

export class Failure extends Error {
	constructor(message, details = []) {
		super(message);
		this.details = details;
	}
}

// Runs one check; true when it passed.
export async function test(name, fn) {
	const t0 = Date.now();
	try {
		await fn();
		stats.passed++;
		console.log(`ok - ${name}` + (process.env.E2E_TIMING ? ` # ${Date.now() - t0} ms` : ''));
		return true;
	} catch (e) {
		stats.failed++;
		const reason = e instanceof Error ? e.message : e;
		console.log(`not ok - ${name}: ${oneLine(reason)}`);
		// Our own failures carry their details; playwright's errors carry a
		// call log after the first line.
		const details = e instanceof Failure ? e.details
			: String(e && e.message ? e.message : '').replace(/\x1b\[[0-9;]*m/g, '').split('\n').slice(1)
				.filter((l) => l.trim() && !/^=+/.test(l.trim())).slice(0, 8);
		for (const d of details)
			console.log(`#   ${d.trim()}`);
		return false;
	}
}

export function assert(cond, message) {
	if (!cond)
		throw new Failure(message);
}

export function assertEqual(actual, expected, what) {
	if (actual !== expected)
		throw new Failure(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

export function assertMatch(actual, re, what) {
	if (!re.test(actual ?? ''))
		throw new Failure(`${what}: ${JSON.stringify(actual)} does not match ${re}`);
}

// A promise that nobody awaited must not end the run without a word.
process.on('unhandledRejection', (e) => {
	stats.failed++;
	console.log(`not ok - unhandled rejection: ${oneLine(e && e.message ? e.message : e)}`);
});

// ---------------------------------------------------------------------------
// Page helpers

// Content-Security-Policy violations and uncaught page errors, for one check.
export const pageProblems = [];

export function watch(page) {
	page.setDefaultTimeout(TIMEOUT);
	page.setDefaultNavigationTimeout(NAV_TIMEOUT);
	page.on('console', (msg) => {
		if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text()))
			pageProblems.push(`${page.url()}: ${oneLine(msg.text())}`);
	});
	page.on('pageerror', (err) => pageProblems.push(`${page.url()}: ${oneLine(err.message)}`));
	return page;
}

export async function goto(page, path, expectStatus = 200) {
	const resp = await page.goto(BASE + path);
	assert(resp !== null, `no response for ${path}`);
	assertEqual(resp.status(), expectStatus, `HTTP status of ${path}`);
	return resp;
}

export async function htmlLang(page) {
	return page.locator('html').getAttribute('lang');
}

export async function h1(page) {
	return (await page.locator('h1').first().textContent()).trim();
}

// Runs an action that loads a new document in the main frame (a click on a
// link, a form submission, a redirect) and waits until that document is
// parsed.  Waiting for the URL is not enough: the language switch redirects
// back to the URL the page already had.
export async function navigating(page, action) {
	const nav = page.waitForEvent('framenavigated', {
		predicate: (f) => f === page.mainFrame(),
		timeout: NAV_TIMEOUT,
	});
	try {
		await action();
	} catch (e) {
		nav.catch(() => {});
		throw e;
	}
	await nav;
	await page.waitForLoadState('domcontentloaded', { timeout: NAV_TIMEOUT });
}

export function assertUrl(page, pred) {
	if (!pred(new URL(page.url())))
		throw new Failure(`unexpected URL ${page.url()}`);
}

// ---------------------------------------------------------------------------
// axe-core

export async function runAxe(page) {
	const loaded = await page.evaluate(() => typeof window.axe === 'object');
	if (!loaded)
		await page.evaluate(AXE_SOURCE);
	return page.evaluate(async (tags) => {
		// Only the violations need their nodes listed; that saves time.
		const r = await window.axe.run(document, {
			runOnly: { type: 'tag', values: tags },
			resultTypes: ['violations'],
		});
		const brief = (list) => list.map((v) => ({
			id: v.id,
			impact: v.impact,
			help: v.help,
			target: v.nodes.length ? v.nodes[0].target.join(' ') : '',
			count: v.nodes.length,
		}));
		return { violations: brief(r.violations), passes: r.passes.length };
	}, AXE_TAGS);
}

// Runs axe at the context's desktop viewport and again at 320 CSS pixels wide
// (WCAG 1.4.10 Reflow: what a 1280 px screen shows at 400 % zoom), where
// tables start to scroll sideways and other rules can fail.  axe runs in the
// page's own JavaScript, so the page's context must have JavaScript on.
export const NARROW = { width: 320, height: 640 };

export async function assertAccessible(page) {
	const wide = page.viewportSize();
	const results = [['', await runAxe(page)]];
	await page.setViewportSize(NARROW);
	try {
		results.push([` at ${NARROW.width} px`, await runAxe(page)]);
	} finally {
		await page.setViewportSize(wide);
	}
	const found = results.flatMap(([where, r]) => r.violations.map((v) => ({ ...v, where })));
	if (found.length > 0) {
		throw new Failure(
			`${found.length} axe violation(s): ${found.map((v) => v.id + v.where).join(', ')}`,
			found.map((v) => `${v.id} (${v.impact}${v.where ? "," + v.where : ""}) at ${v.target}${v.count > 1 ? ` and ${v.count - 1} more` : ''}: ${v.help}`),
		);
	}
	assert(results.every(([, r]) => r.passes > 0), 'axe ran no rule at all');
}

// A self-check: axe reports a violation it must find.
export async function axeSelfCheck(context) {
	const p = watch(await context.newPage());
	let r;
	try {
		await p.setContent('<!DOCTYPE html><html lang="en"><head><title>t</title></head><body><main><img src="data:,"></main></body></html>');
		r = await runAxe(p);
	} finally {
		await p.close();
	}
	assert(r.violations.some((v) => v.id === 'image-alt'), `expected image-alt, got ${JSON.stringify(r.violations.map((v) => v.id))}`);
}

// ---------------------------------------------------------------------------
// The browser

// Launches Debian's chromium; on failure prints "not ok" and exits.
export async function launch() {
	try {
		return await chromium.launch({
			executablePath: CHROMIUM,
			headless: true,
			args: CHROMIUM_ARGS,
			timeout: 30000,
		});
	} catch (e) {
		console.log(`not ok - launch ${CHROMIUM}: ${oneLine(e.message)}`);
		process.exit(1);
	}
}

// Exits with status 1 when any check failed.
export function finish() {
	process.exit(stats.failed > 0 ? 1 : 0);
}
