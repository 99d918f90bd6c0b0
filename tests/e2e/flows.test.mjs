// flows.test.mjs - the browser end-to-end test of the main user flows, from
// the first administrator to an introduced partnership, with an
// accessibility check by axe-core on every page visited.
//
// Run by tests/e2e/run.sh after directory.test.mjs, against the same server
// on a fresh database (nothing but the imported directory, no account).  The
// flows build on each other, in this order:
//
//   1. the first administrator opens the set-up link `natverk serve` printed,
//      chooses a password and is signed in; signs out and in again;
//   2. creates a network (CommonMark descriptions, Kenya and Tanzania) and
//      opens it for interest; the public list and page show it;
//   3. a Swedish municipality registers interest (first with mistakes: the
//      error summary links to the fields and keeps what was typed);
//   4. a municipality in Kenya declares interest in English, consenting to
//      publication; the administrator approves it and assigns it to the
//      network; the partner board shows it without any e-mail address;
//   5. the administrator accepts the registration into the network;
//   6. the matching page proposes the pair with reasons; the proposal is
//      saved and confirmed, both sides accept through the links mailed to
//      them, and the network page lists the partnership.
//
// Every flow runs with JavaScript turned off: the pages are plain HTML
// forms and links.  axe needs JavaScript, so each page is checked in a
// separate JavaScript-enabled tab that loads the very document the flow saw
// (its HTML and headers, replayed at the same address, so the stylesheet and
// the CSP are the real ones), at desktop width and at 320 px.  A page reached
// by GET is also fetched in the other language, with the same cookies, and
// checked too.
//
// Environment (see lib.mjs for the rest):
//   NATVERK_E2E_URL        base URL of the running server (required)
//   NATVERK_E2E_SERVE_OUT  the server's standard output, with the set-up link
//   NATVERK_E2E_MAIL       the mail file the server appends every mail to
//                          (mail.out next to the SQLite database)

import { existsSync, readFileSync } from 'node:fs';
import {
	BASE, stats, Failure, test, assert, assertEqual, assertMatch,
	pageProblems, watch, htmlLang, h1, navigating, assertUrl,
	assertAccessible, axeSelfCheck, launch, finish,
} from './lib.mjs';

const SERVE_OUT = process.env.NATVERK_E2E_SERVE_OUT || '';
const MAIL_FILE = process.env.NATVERK_E2E_MAIL || '';

// The people and things the flows create.
const ADMIN = { name: 'Astrid Admin', email: 'astrid.admin@e2e.example', password: 'fem gröna elefanter dansar' };
const NETWORK = {
	slug: 'klimat-e2e',
	name_sv: 'Klimatnätverket E2E',
	name_en: 'Climate network E2E',
	theme: 'Klimat',
	description_sv: 'Kommuner som arbetar **tillsammans** med klimatanpassning.\n\n- vatten\n- energi\n',
	description_en: 'Municipalities working **together** on climate adaptation.\n\n- water\n- energy\n',
	start: `${new Date().getUTCFullYear() + 1}-01-01`,
	countries: ['Kenya', 'Tanzania'],
};
const SWEDISH = {
	organisation: 'Göteborg',
	contact_name: 'Anna Svensson',
	contact_email: 'anna.svensson@goteborg.e2e.example',
	contact_phone: '031-123 45 67',
	country: 'Kenya',
	decision_body: 'Kommunstyrelsen',
	decision_date: '2025-03-14',
	message: 'Vi vill arbeta med klimatanpassning.\nGärna i Östafrika.',
};
const INTERNATIONAL = {
	municipality: 'Kisumu E2E',
	country: 'Kenya',
	province: 'Kisumu County',
	population: '610 000',
	contact_name: 'Wanjiru Otieno',
	contact_email: 'wanjiru.otieno@kisumu.e2e.example',
	topic: 'Climate action',
	language: 'English',
	motivation: 'We want to learn climate adaptation from a Swedish municipality.',
};

// ---------------------------------------------------------------------------
// Pages, documents and the accessibility check

const lastDoc = new WeakMap(); // page -> its main frame's latest document response

// watch(), and remembers each document the page loads in its main frame.
function track(page) {
	watch(page);
	page.on('response', (r) => {
		const req = r.request();
		if (req.isNavigationRequest() && req.frame() === page.mainFrame())
			lastDoc.set(page, r);
	});
	return page;
}

// The HTTP status of the document the page shows.
function status(page) {
	const r = lastDoc.get(page);
	return r ? r.status() : 0;
}

async function open(page, path, expectStatus = 200) {
	const resp = await page.goto(BASE + path);
	assert(resp !== null, `no response for ${path}`);
	assertEqual(resp.status(), expectStatus, `HTTP status of ${path}`);
	return resp;
}

// Clicks and waits for the next document; checks its status.
async function submit(page, locator, expectStatus = 200) {
	await navigating(page, () => locator.click());
	assertEqual(status(page), expectStatus, `HTTP status after submitting (${page.url()})`);
}

function button(page, name) {
	return page.getByRole('button', { name, exact: true });
}

function link(scope, name) {
	return scope.getByRole('link', { name, exact: true });
}

function text(s) {
	return (s ?? '').replace(/\s+/g, ' ').trim();
}

async function textOf(locator) {
	return text(await locator.textContent());
}

// A definition list as { term: first description }.
async function facts(page, list = page.locator('dl.facts').first()) {
	return list.evaluate((dl) => {
		const out = {};
		let term = null;
		for (const el of dl.children) {
			if (el.tagName === 'DT')
				term = el.textContent.trim();
			else if (el.tagName === 'DD' && term !== null && !(term in out))
				out[term] = el.textContent.replace(/\s+/g, ' ').trim();
		}
		return out;
	});
}

// The JavaScript-enabled tab where axe runs, and the documents waiting for it.
let axeCtx;
let axePage;
const pending = [];

function other(lang) {
	return lang === 'sv' ? 'en' : 'sv';
}

// Queues the document the page shows for the accessibility check, under
// label (a path with its variable parts named, and the page's state).  A page
// reached by GET (get: true) is fetched again in the other language, now,
// with the page's cookies (so signed in where the page was), and queued too.
async function seen(page, label, { get = true } = {}) {
	const lang = await htmlLang(page);
	const url = page.url().replace(/#.*$/, '');
	const resp = lastDoc.get(page);
	const headers = resp ? await resp.allHeaders() : {};
	pending.push({ label, lang, url, status: resp ? resp.status() : 200, headers, html: await page.content() });
	if (!get)
		return;
	const lang2 = other(lang);
	try {
		await axeCtx.clearCookies();
		const cookies = (await page.context().cookies()).filter((c) => c.name !== 'lang');
		await axeCtx.addCookies([...cookies, { name: 'lang', value: lang2, url: BASE }]);
		const r = await axeCtx.request.get(url, { maxRedirects: 0 });
		pending.push({ label, lang: lang2, url, status: r.status(), headers: r.headers(), html: await r.text(), expect: resp?.status() });
	} catch (e) {
		pending.push({ label, lang: lang2, url, error: e });
	}
}

// Loads a queued document into the axe tab at its own address (the request
// for the document is answered with the stored one; the stylesheet and the
// icon come from the server).
async function replay(doc) {
	const keep = {};
	for (const k of ['content-type', 'content-security-policy'])
		if (doc.headers[k])
			keep[k] = doc.headers[k];
	const match = (u) => u.href === doc.url;
	const handler = (route) => route.fulfill({ status: doc.status, headers: keep, body: doc.html });
	await axePage.route(match, handler);
	try {
		const r = await axePage.goto(doc.url);
		assert(r !== null, 'no response');
		assertEqual(r.status(), doc.status, 'replayed status');
	} finally {
		await axePage.unroute(match, handler);
	}
}

// Runs the accessibility check on every queued document.
async function checkPending() {
	while (pending.length > 0) {
		const doc = pending.shift();
		await test(`axe WCAG 2.1 AA (${doc.lang}) ${doc.label}`, async () => {
			if (doc.error)
				throw doc.error;
			assert([200, 401, 404, 410, 422].includes(doc.status), `HTTP status ${doc.status}`);
			if (doc.expect !== undefined)
				assertEqual(doc.status, doc.expect, 'HTTP status in the other language');
			await replay(doc);
			assertEqual(await htmlLang(axePage), doc.lang, 'html lang');
			await assertAccessible(axePage);
		});
	}
}

// A step of a flow: one check, then the accessibility checks of the pages
// it visited.  A step that needs an earlier one fails at once, naming it,
// when that one failed.
const done = new Set();

async function step(name, { needs = [] } = {}, fn) {
	const ok = await test(name, async () => {
		const missing = needs.filter((n) => !done.has(n));
		if (missing.length > 0)
			throw new Failure(`not run: it needs the step(s) that failed before: ${missing.join(', ')}`);
		await fn();
	});
	if (ok)
		done.add(name);
	await checkPending();
	return ok;
}

// ---------------------------------------------------------------------------
// The mail file (mbox: a "From " line, the message with LF line ends, an
// empty line; the body quoted-printable, a non-ASCII subject as RFC 2047
// encoded-words)

function qpBytes(s) {
	const out = [];
	const src = s.replace(/=\r?\n/g, '');
	for (let i = 0; i < src.length; i++) {
		if (src[i] === '=' && /^[0-9A-F]{2}$/i.test(src.slice(i + 1, i + 3))) {
			out.push(parseInt(src.slice(i + 1, i + 3), 16));
			i += 2;
		} else {
			out.push(...Buffer.from(src[i], 'utf8'));
		}
	}
	return Buffer.from(out);
}

function decodeWords(value) {
	// Whitespace between two encoded-words is not part of the text.
	const joined = value.replace(/\?=\s+=\?/g, '?==?');
	return joined.replace(/(=\?UTF-8\?[QB]\?[^?]*\?=)+/gi, (run) => {
		const bytes = [];
		for (const [, enc, data] of run.matchAll(/=\?UTF-8\?([QB])\?([^?]*)\?=/gi)) {
			if (enc.toUpperCase() === 'B')
				bytes.push(...Buffer.from(data, 'base64'));
			else
				bytes.push(...qpBytes(data.replace(/_/g, ' ')));
		}
		return Buffer.from(bytes).toString('utf8');
	});
}

function readMails() {
	if (!MAIL_FILE || !existsSync(MAIL_FILE))
		return [];
	const raw = readFileSync(MAIL_FILE, 'utf8');
	return raw.split(/^From \S+ .*\n/m).filter((e) => e.trim() !== '').map((entry) => {
		const cut = entry.indexOf('\n\n');
		const head = (cut < 0 ? entry : entry.slice(0, cut)).replace(/\n[ \t]+/g, ' ');
		const headers = {};
		for (const line of head.split('\n')) {
			const m = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
			if (m)
				headers[m[1].toLowerCase()] = m[2];
		}
		return {
			to: headers.to ?? '',
			subject: decodeWords(headers.subject ?? ''),
			lang: headers['content-language'] ?? '',
			body: qpBytes(cut < 0 ? '' : entry.slice(cut + 2)).toString('utf8'),
		};
	});
}

// Waits until at least n mails match pred (the sender thread writes them a
// moment after the request that queued them); returns them.
async function waitForMails(pred, n, what) {
	const until = Date.now() + 20000;
	for (;;) {
		const found = readMails().filter(pred);
		if (found.length >= n)
			return found;
		if (Date.now() > until)
			throw new Failure(`${what}: ${found.length} of ${n} mail(s) in ${MAIL_FILE}`,
				readMails().map((m) => `to ${m.to}: ${m.subject}`));
		await new Promise((r) => setTimeout(r, 200));
	}
}

// ---------------------------------------------------------------------------
// The tests

const browser = await launch();

// Chromium always sends Accept-Language; German names neither of the site's
// languages, so these contexts see the site's default (Swedish).  The flows
// run with JavaScript off.
const admin = await browser.newContext({ locale: 'de-DE', javaScriptEnabled: false });
const visitor = await browser.newContext({ locale: 'de-DE', javaScriptEnabled: false });
const abroad = await browser.newContext({ locale: 'en-GB', javaScriptEnabled: false });
axeCtx = await browser.newContext({ locale: 'de-DE' });
axePage = watch(await axeCtx.newPage());
const a = track(await admin.newPage());
const v = track(await visitor.newPage());
const w = track(await abroad.newPage());

// What the steps find out and later steps use.
const found = {};

try {
	await test('axe-core finds a known violation (self-check)', () => axeSelfCheck(axeCtx));

	await test('the flows run with JavaScript off', async () => {
		const p = await admin.newPage();
		try {
			await p.setContent('<p id="x">off</p><script>document.getElementById("x").textContent = "on";</script>');
			assertEqual(await p.locator('#x').textContent(), 'off', 'script result');
		} finally {
			await p.close();
		}
	});

	// -----------------------------------------------------------------------
	// 1. The first administrator

	await step('set-up link: natverk serve printed one', {}, async () => {
		assert(SERVE_OUT !== '' && existsSync(SERVE_OUT), `no server output at "${SERVE_OUT}" (NATVERK_E2E_SERVE_OUT)`);
		const out = readFileSync(SERVE_OUT, 'utf8');
		assertMatch(out, /No administrator yet/, 'server output');
		const m = /^(https?:\/\/\S+\/setup\/[A-Za-z0-9_-]+)\s*$/m.exec(out);
		assert(m !== null, `no set-up link in the server output: ${JSON.stringify(out)}`);
		found.setup = new URL(m[1]);
		assertEqual(found.setup.origin, new URL(BASE).origin, 'the link points at the server');
	});

	await step('set-up: the form for the first administrator', { needs: ['set-up link: natverk serve printed one'] }, async () => {
		await open(a, found.setup.pathname);
		assertEqual(await htmlLang(a), 'sv', 'html lang');
		assertEqual(await h1(a), 'Kom igång med natverk', 'h1');
		await seen(a, '/setup/{token}');
	});

	await step('set-up: a password too short is refused, what was typed is kept', { needs: ['set-up: the form for the first administrator'] }, async () => {
		await a.getByLabel('Namn', { exact: true }).fill(ADMIN.name);
		await a.getByLabel('E-postadress', { exact: true }).fill(ADMIN.email);
		await a.getByLabel('Nytt lösenord', { exact: true }).fill('kort');
		await a.getByLabel('Samma lösenord igen', { exact: true }).fill('kort');
		await submit(a, button(a, 'Skapa kontot'), 422);
		const summary = a.getByRole('alert');
		assertEqual(await textOf(summary.getByRole('heading')), 'Rätta följande', 'error summary heading');
		assertEqual(await summary.getByRole('link').first().getAttribute('href'), '#password', 'summary link');
		assertEqual(await a.locator('#password').getAttribute('aria-invalid'), 'true', 'password marked');
		assertEqual(await a.getByLabel('Namn', { exact: true }).inputValue(), ADMIN.name, 'name kept');
		assertEqual(await a.getByLabel('E-postadress', { exact: true }).inputValue(), ADMIN.email, 'e-mail kept');
		assertEqual(await a.getByLabel('Nytt lösenord', { exact: true }).inputValue(), '', 'password not sent back');
		await seen(a, '/setup/{token} (errors)', { get: false });
	});

	await step('set-up: choosing a password signs the administrator in', { needs: ['set-up: the form for the first administrator'] }, async () => {
		await a.getByLabel('Nytt lösenord', { exact: true }).fill(ADMIN.password);
		await a.getByLabel('Samma lösenord igen', { exact: true }).fill(ADMIN.password);
		await a.getByLabel('Språk', { exact: true }).selectOption('sv');
		await submit(a, button(a, 'Skapa kontot'));
		assertUrl(a, (u) => u.pathname === '/profile');
		assertEqual(await h1(a), 'Din profil', 'h1');
		const header = a.locator('header.site-header');
		assertEqual(await textOf(header.getByRole('link', { name: ADMIN.name })), ADMIN.name, 'name in the header');
		assertEqual(await button(a, 'Logga ut').count(), 1, 'sign-out buttons');
		const menu = (await a.locator('.site-nav a').allTextContents()).map(text);
		assert(menu.includes('Administration'), `no Administration in the menu ${JSON.stringify(menu)}`);
		await seen(a, '/profile');
	});

	await step('set-up: the link works only once', { needs: ['set-up: choosing a password signs the administrator in'] }, async () => {
		const ctx = await browser.newContext({ locale: 'de-DE', javaScriptEnabled: false });
		try {
			const p = track(await ctx.newPage());
			const r = await p.goto(found.setup.href);
			assert([404, 410].includes(r.status()), `HTTP status ${r.status()}`);
			assertEqual(await p.locator('form input[type=password]').count(), 0, 'password fields');
			await seen(p, '/setup/{token} (used)');
		} finally {
			await ctx.close();
		}
	});

	await step('sign out', { needs: ['set-up: choosing a password signs the administrator in'] }, async () => {
		await submit(a, button(a, 'Logga ut'));
		assertUrl(a, (u) => u.pathname === '/');
		assertEqual(await button(a, 'Logga ut').count(), 0, 'sign-out buttons');
		assertEqual(await link(a.locator('header.site-header'), 'Logga in').count(), 1, 'sign-in link');
		await seen(a, '/ (signed out)');
		// Administration asks to sign in again, and comes back after.
		await open(a, '/admin');
		assertUrl(a, (u) => u.pathname === '/signin' && u.searchParams.get('next') === '/admin');
		await seen(a, '/signin?next=/admin');
	});

	await step('sign in: a wrong password is refused', { needs: ['sign out'] }, async () => {
		await open(a, '/');
		await navigating(a, () => link(a.locator('header.site-header'), 'Logga in').click());
		assertUrl(a, (u) => u.pathname === '/signin');
		assertEqual(await h1(a), 'Logga in', 'h1');
		await seen(a, '/signin');
		await a.getByLabel('E-postadress', { exact: true }).fill(ADMIN.email);
		await a.getByLabel('Lösenord', { exact: true }).fill('not the password');
		await submit(a, a.locator('main').getByRole('button', { name: 'Logga in', exact: true }), 422);
		assertEqual(await textOf(a.getByRole('alert').getByRole('link')), 'E-postadressen eller lösenordet är fel.', 'error');
		assertEqual(await a.getByLabel('E-postadress', { exact: true }).inputValue(), ADMIN.email, 'e-mail kept');
		await seen(a, '/signin (wrong password)', { get: false });
	});

	await step('sign in through /signin', { needs: ['sign out'] }, async () => {
		await a.getByLabel('E-postadress', { exact: true }).fill(ADMIN.email);
		await a.getByLabel('Lösenord', { exact: true }).fill(ADMIN.password);
		await submit(a, a.locator('main').getByRole('button', { name: 'Logga in', exact: true }));
		assertUrl(a, (u) => u.pathname === '/');
		assertEqual(await button(a, 'Logga ut').count(), 1, 'sign-out buttons');
		await seen(a, '/ (signed in)');
		await navigating(a, () => link(a.getByRole('navigation', { name: 'Huvudmeny' }), 'Administration').click());
		assertUrl(a, (u) => u.pathname === '/admin');
		assertEqual(await h1(a), 'Administration', 'h1');
		await seen(a, '/admin');
	});

	const signedIn = 'sign in through /signin';

	// -----------------------------------------------------------------------
	// 2. A network

	await step('admin: the form for a new network', { needs: [signedIn] }, async () => {
		await navigating(a, () => a.locator('main').getByRole('link', { name: /^Nätverk/ }).click());
		assertUrl(a, (u) => u.pathname === '/admin/networks');
		await seen(a, '/admin/networks (none)');
		await navigating(a, () => link(a.locator('main'), 'Nytt nätverk').click());
		assertUrl(a, (u) => u.pathname === '/admin/networks/new');
		assertEqual(await h1(a), 'Nytt nätverk', 'h1');
		for (const c of NETWORK.countries)
			assertEqual(await a.getByRole('checkbox', { name: c, exact: true }).count(), 1, `checkbox ${c}`);
		await seen(a, '/admin/networks/new');
	});

	await step('admin: create the network', { needs: ['admin: the form for a new network'] }, async () => {
		await a.getByLabel('Namn på svenska', { exact: true }).fill(NETWORK.name_sv);
		await a.getByLabel('Namn på engelska', { exact: true }).fill(NETWORK.name_en);
		await a.getByLabel('Namn i webbadressen', { exact: true }).fill(NETWORK.slug);
		await a.getByLabel('Tema', { exact: true }).selectOption({ label: NETWORK.theme });
		await a.getByLabel('Beskrivning på svenska', { exact: true }).fill(NETWORK.description_sv);
		await a.getByLabel('Beskrivning på engelska', { exact: true }).fill(NETWORK.description_en);
		await a.getByLabel('Startdatum', { exact: true }).fill(NETWORK.start);
		assertEqual(await a.getByLabel('År i förberedelsefas', { exact: true }).inputValue(), '1', 'inception years filled in');
		assertEqual(await a.getByLabel('Projektår', { exact: true }).inputValue(), '3', 'project years filled in');
		for (const c of NETWORK.countries)
			await a.getByRole('checkbox', { name: c, exact: true }).check();
		await submit(a, button(a, 'Skapa nätverket'));
		assertUrl(a, (u) => /^\/admin\/networks\/\d+\/edit$/.test(u.pathname));
		found.networkId = new URL(a.url()).pathname.split('/')[3];
		assertEqual(await h1(a), NETWORK.name_sv, 'h1');
		assertEqual(await textOf(a.locator('p.notice')), 'Nätverket är skapat.', 'notice');
		assertEqual(await textOf(a.locator('ol.steps [aria-current="step"]')), 'Planerat', 'current status');
		for (const c of NETWORK.countries)
			assert(await a.getByRole('checkbox', { name: c, exact: true }).isChecked(), `${c} is not ticked`);
		await seen(a, '/admin/networks/{id}/edit (created)');
	});

	await step('admin: open the network for interest', { needs: ['admin: create the network'] }, async () => {
		await submit(a, button(a, 'Gå vidare till: Öppet för intresseanmälan'));
		assertUrl(a, (u) => u.pathname === `/admin/networks/${found.networkId}/edit`);
		assertEqual(await textOf(a.locator('p.notice')), 'Nätverkets status är ändrad.', 'notice');
		assertEqual(await textOf(a.locator('ol.steps [aria-current="step"]')), 'Öppet för intresseanmälan', 'current status');
		await seen(a, '/admin/networks/{id}/edit (moved)');
	});

	const networkOpen = 'admin: open the network for interest';

	await step('public: /networks lists the network', { needs: [networkOpen] }, async () => {
		await open(v, '/networks');
		const table = v.getByRole('table', { name: 'Pågående nätverk' });
		const row = table.locator('tbody tr').filter({ has: link(v, NETWORK.name_sv) });
		assertEqual(await row.count(), 1, 'rows of the network');
		const cells = (await row.locator('td').allTextContents()).map(text);
		const year = Number(NETWORK.start.slice(0, 4));
		assertEqual(cells[1], NETWORK.theme, 'theme');
		assertEqual(cells[2], `${year}–${year + 3}`, 'years');
		assertEqual(cells[3], 'Öppet för intresseanmälan', 'status');
		assertEqual(cells[4], '2', 'partner countries');
		await seen(v, '/networks');
	});

	await step('public: the network page', { needs: [networkOpen] }, async () => {
		await navigating(v, () => link(v.locator('table'), NETWORK.name_sv).click());
		assertUrl(v, (u) => u.pathname === `/networks/${NETWORK.slug}`);
		assertEqual(await h1(v), NETWORK.name_sv, 'h1');
		const f = await facts(v);
		assertEqual(f['Status'], 'Öppet för intresseanmälan', 'status');
		assertEqual(f['Tema'], NETWORK.theme, 'theme');
		const countries = (await v.locator('dl.facts ul li').allTextContents()).map(text);
		assertEqual(JSON.stringify(countries), JSON.stringify(NETWORK.countries), 'partner countries');
		const prose = v.locator('.prose');
		assertEqual(await textOf(prose.locator('strong')), 'tillsammans', 'CommonMark bold');
		assertEqual(JSON.stringify((await prose.locator('li').allTextContents()).map(text)), '["vatten","energi"]', 'CommonMark list');
		assertEqual(await link(v, 'Redigera nätverket').count(), 0, 'edit link for a visitor');
		await seen(v, '/networks/{slug}');
		// The administrator sees the links for staff.
		await open(a, `/networks/${NETWORK.slug}`);
		assertEqual(await link(a.locator('main'), 'Matchning').count(), 1, 'matching link for staff');
		await seen(a, '/networks/{slug} (staff)', { get: false });
	});

	// -----------------------------------------------------------------------
	// 3. A Swedish registration of interest

	await step('interest: the form from the network page', { needs: ['public: the network page'] }, async () => {
		await navigating(v, () => link(v.locator('main'), 'Anmäl intresse för nätverket').click());
		assertUrl(v, (u) => u.pathname === '/interest' && u.searchParams.get('network') === NETWORK.slug);
		assertEqual(await h1(v), 'Anmäl intresse för ett nätverk', 'h1');
		assertEqual(await v.getByLabel('Nätverk', { exact: true }).inputValue(), NETWORK.slug, 'network chosen');
		await seen(v, '/interest?network={slug}');
	});

	await step('interest: mistakes are listed and linked, what was typed is kept', { needs: ['interest: the form from the network page'] }, async () => {
		await v.getByLabel('Organisation', { exact: true }).selectOption({ label: SWEDISH.organisation });
		await v.getByLabel('Namn', { exact: true }).fill(SWEDISH.contact_name);
		await v.getByLabel('E-postadress', { exact: true }).fill(SWEDISH.contact_email);
		await v.getByLabel('Telefon (frivilligt)', { exact: true }).fill('12');
		await v.getByRole('group', { name: 'Önskade samarbetsländer (frivilligt)' }).getByRole('checkbox', { name: SWEDISH.country, exact: true }).check();
		await v.getByRole('radio', { name: 'Beslutat', exact: true }).check();
		await v.getByLabel('Meddelande (frivilligt)', { exact: true }).fill(SWEDISH.message);
		await submit(v, button(v, 'Skicka intresseanmälan'), 422);
		assertUrl(v, (u) => u.pathname === '/interest');
		const summary = v.getByRole('alert');
		assertEqual(await textOf(summary.getByRole('heading')), 'Rätta följande', 'summary heading');
		const links = summary.getByRole('link');
		const hrefs = [];
		for (let i = 0; i < await links.count(); i++)
			hrefs.push(await links.nth(i).getAttribute('href'));
		assertEqual(JSON.stringify([...hrefs].sort()), JSON.stringify(['#contact_phone', '#decision_body', '#decision_date']), 'summary links');
		for (const href of hrefs) {
			const field = v.locator(href);
			assertEqual(await field.count(), 1, `element ${href}`);
			assertEqual(await field.getAttribute('aria-invalid'), 'true', `${href} marked invalid`);
			const described = (await field.getAttribute('aria-describedby')) ?? '';
			assert(described.split(' ').includes(`${href.slice(1)}-error`), `${href} is not described by its error`);
			assertEqual(await textOf(v.locator(`${href}-error`)),
				await textOf(summary.locator(`a[href="${href}"]`)), `message at ${href}`);
		}
		assertMatch(await textOf(summary), /Ange vilket organ som fattade beslutet/, 'decision body message');
		// Following a link of the summary goes to its field.
		await summary.locator('a[href="#decision_body"]').click();
		assertEqual(new URL(v.url()).hash, '#decision_body', 'fragment');
		// Everything typed is still there.
		assertEqual(await v.getByLabel('Organisation', { exact: true }).locator('option:checked').textContent(), SWEDISH.organisation, 'organisation kept');
		assertEqual(await v.getByLabel('Nätverk', { exact: true }).inputValue(), NETWORK.slug, 'network kept');
		assertEqual(await v.getByLabel('Namn', { exact: true }).inputValue(), SWEDISH.contact_name, 'name kept');
		assertEqual(await v.getByLabel('E-postadress', { exact: true }).inputValue(), SWEDISH.contact_email, 'e-mail kept');
		assertEqual(await v.getByLabel('Telefon (frivilligt)', { exact: true }).inputValue(), '12', 'phone kept');
		assert(await v.getByRole('checkbox', { name: SWEDISH.country, exact: true }).isChecked(), 'country kept');
		assert(await v.getByRole('radio', { name: 'Beslutat', exact: true }).isChecked(), 'support kept');
		assertEqual(await v.getByLabel('Meddelande (frivilligt)', { exact: true }).inputValue(), SWEDISH.message, 'message kept');
		await seen(v, '/interest (errors)', { get: false });
	});

	await step('interest: a valid registration is thanked for', { needs: ['interest: mistakes are listed and linked, what was typed is kept'] }, async () => {
		await v.getByLabel('Telefon (frivilligt)', { exact: true }).fill(SWEDISH.contact_phone);
		await v.getByLabel('Beslutat av (om beslut finns)', { exact: true }).fill(SWEDISH.decision_body);
		await v.getByLabel('Datum för beslutet (om beslut finns)', { exact: true }).fill(SWEDISH.decision_date);
		await submit(v, button(v, 'Skicka intresseanmälan'));
		assertEqual(await h1(v), 'Tack för din intresseanmälan', 'h1');
		assertEqual(await textOf(v.locator('main p').first()),
			`Vi har tagit emot intresseanmälan från ${SWEDISH.organisation} för ${NETWORK.name_sv}.`, 'what was received');
		await seen(v, '/interest (thanks)', { get: false });
		const [m] = await waitForMails((m) => m.to === SWEDISH.contact_email && /\/interest\/withdraw\//.test(m.body), 1, 'the confirmation');
		assertEqual(m.lang, 'sv', 'language of the confirmation');
	});

	// -----------------------------------------------------------------------
	// 4. An international declaration of interest

	await step('declaration: the form in English', { needs: [networkOpen] }, async () => {
		await open(w, `/networks/${NETWORK.slug}`);
		assertEqual(await htmlLang(w), 'en', 'html lang');
		assertEqual(await h1(w), NETWORK.name_en, 'h1 in English');
		await seen(w, '/networks/{slug} (English visitor)', { get: false });
		await navigating(w, () => link(w.locator('main'), 'Declare interest').click());
		assertUrl(w, (u) => u.pathname === '/declarations/new');
		assertEqual(await h1(w), 'Declaration of interest', 'h1');
		await seen(w, '/declarations/new');
	});

	await step('declaration: sent with consent to publish', { needs: ['declaration: the form in English'] }, async () => {
		await w.getByLabel('Name of the municipality', { exact: true }).fill(INTERNATIONAL.municipality);
		await w.getByLabel('Country', { exact: true }).selectOption({ label: INTERNATIONAL.country });
		await w.getByLabel('Province or region', { exact: true }).fill(INTERNATIONAL.province);
		await w.getByLabel('Population (optional)', { exact: true }).fill(INTERNATIONAL.population);
		await w.getByLabel('Name', { exact: true }).fill(INTERNATIONAL.contact_name);
		await w.getByLabel('E-mail address', { exact: true }).fill(INTERNATIONAL.contact_email);
		await w.getByRole('checkbox', { name: INTERNATIONAL.topic, exact: true }).check();
		await w.getByLabel('Why does your municipality seek a Swedish partner?', { exact: true }).fill(INTERNATIONAL.motivation);
		await w.getByRole('group', { name: /^Working languages/ }).getByRole('checkbox', { name: INTERNATIONAL.language, exact: true }).check();
		await w.getByRole('checkbox', { name: /^Show our declaration on the partner-seeking board/ }).check();
		await submit(w, button(w, 'Send the declaration'));
		assertEqual(await h1(w), 'Thank you for your declaration of interest', 'h1');
		assertMatch(await textOf(w.getByRole('status')), new RegExp(`sent a confirmation to ${INTERNATIONAL.contact_email.replace(/\./g, '\\.')}`), 'confirmation');
		await seen(w, '/declarations/new (thanks)', { get: false });
		const [m] = await waitForMails((m) => m.to === INTERNATIONAL.contact_email, 1, 'the acknowledgement');
		assertEqual(m.lang, 'en', 'language of the acknowledgement');
	});

	await step('admin: approve the declaration and assign it to the network', { needs: ['declaration: sent with consent to publish', signedIn] }, async () => {
		await open(a, '/admin');
		await navigating(a, () => a.locator('main').getByRole('link', { name: /^Intresseförklaringar/ }).click());
		assertUrl(a, (u) => u.pathname === '/admin/declarations');
		await seen(a, '/admin/declarations');
		await navigating(a, () => link(a.locator('table'), INTERNATIONAL.municipality).click());
		assertUrl(a, (u) => /^\/admin\/declarations\/\d+$/.test(u.pathname));
		found.declarationPath = new URL(a.url()).pathname;
		assertEqual(await h1(a), INTERNATIONAL.municipality, 'h1');
		assertEqual((await facts(a))['Samtycke till publicering'], 'Ja', 'consent');
		await seen(a, '/admin/declarations/{id}');
		await a.getByLabel('Ny status', { exact: true }).selectOption({ label: 'Godkänd' });
		await submit(a, button(a, 'Ändra status'));
		assertUrl(a, (u) => u.pathname === found.declarationPath);
		assertMatch((await facts(a))['Status'], /^Godkänd/, 'status');
		await seen(a, '/admin/declarations/{id} (approved)');
		await a.getByLabel('Placera i ett nätverk', { exact: true }).selectOption({ label: NETWORK.name_sv });
		await submit(a, a.locator('form').filter({ has: a.getByLabel('Placera i ett nätverk', { exact: true }) }).getByRole('button', { name: 'Tilldela', exact: true }));
		assertUrl(a, (u) => u.pathname === found.declarationPath);
		assertEqual((await facts(a))['Nätverk'], NETWORK.name_sv, 'network');
		await seen(a, '/admin/declarations/{id} (assigned)');
	});

	await step('partner board: the declaration is shown, without any e-mail address', { needs: ['admin: approve the declaration and assign it to the network'] }, async () => {
		await open(w, '/partners');
		assertEqual(await h1(w), 'Partners seeking a Swedish partner', 'h1');
		const card = w.locator('article').filter({ has: w.getByRole('heading', { name: INTERNATIONAL.municipality }) });
		assertEqual(await card.count(), 1, 'cards of the municipality');
		const f = await facts(w, card.locator('dl.facts'));
		assertMatch(f['Country'], /^Kenya/, 'country');
		assertEqual(f['Province or region'], INTERNATIONAL.province, 'province');
		assertEqual(f['Population'], '610,000', 'population');
		assertMatch(f['Topics'], new RegExp(INTERNATIONAL.topic), 'topics');
		assertMatch(await textOf(card), new RegExp(INTERNATIONAL.motivation.replace(/\./g, '\\.')), 'motivation');
		const html = await w.content();
		assert(!html.includes(INTERNATIONAL.contact_email), 'the contact\'s e-mail address is on the page');
		assert(!html.includes(INTERNATIONAL.contact_name), 'the contact\'s name is on the page');
		const addresses = (await w.locator('body').innerText()).match(/[^\s@<>"]+@[^\s@<>"]+\.[a-z]{2,}/gi) ?? [];
		assertEqual(JSON.stringify(addresses), '[]', 'e-mail addresses in the text');
		assertEqual(await w.locator('a[href^="mailto:"]').count(), 0, 'mailto links');
		await seen(w, '/partners');
		await navigating(w, () => link(card, INTERNATIONAL.municipality).click());
		assertUrl(w, (u) => /^\/partners\/\d+$/.test(u.pathname));
		assert(!(await w.content()).includes(INTERNATIONAL.contact_email), 'the contact\'s e-mail address is on the page');
		assertEqual(await w.locator('a[href^="mailto:"]').count(), 0, 'mailto links');
		await seen(w, '/partners/{id}');
	});

	// -----------------------------------------------------------------------
	// 5. The registration accepted into the network

	await step('admin: accept the registration into the network', { needs: ['interest: a valid registration is thanked for', signedIn] }, async () => {
		await open(a, '/admin');
		await navigating(a, () => a.locator('main').getByRole('link', { name: /^Intresseanmälningar/ }).click());
		assertUrl(a, (u) => u.pathname === '/admin/registrations');
		await seen(a, '/admin/registrations');
		await navigating(a, () => link(a.locator('table'), SWEDISH.organisation).click());
		assertUrl(a, (u) => /^\/admin\/registrations\/\d+$/.test(u.pathname));
		found.registrationPath = new URL(a.url()).pathname;
		assertEqual(await h1(a), SWEDISH.organisation, 'h1');
		const f = await facts(a);
		assertEqual(f['Önskat nätverk'], NETWORK.name_sv, 'network asked for');
		assertEqual(f['Tilldelat nätverk'], 'Inte tilldelat ännu', 'assigned network');
		assertMatch(f['Politiskt stöd'], new RegExp(`${SWEDISH.decision_body}, ${SWEDISH.decision_date}`), 'political support');
		assertEqual(f['Önskade samarbetsländer'], SWEDISH.country, 'preferred countries');
		assertEqual(f['E-postadress'], SWEDISH.contact_email, 'contact');
		await seen(a, '/admin/registrations/{id}');
		const assign = a.locator('form').filter({ has: a.getByRole('combobox', { name: 'Nätverk', exact: true }) });
		await assign.getByRole('combobox', { name: 'Nätverk', exact: true }).selectOption({ label: NETWORK.name_sv });
		await submit(a, assign.getByRole('button', { name: 'Tilldela', exact: true }));
		assertUrl(a, (u) => u.pathname === found.registrationPath);
		assertEqual((await facts(a))['Tilldelat nätverk'], NETWORK.name_sv, 'assigned network');
		await seen(a, '/admin/registrations/{id} (assigned)');
		await a.getByRole('radio', { name: 'Antagen till ett nätverk', exact: true }).check();
		await submit(a, button(a, 'Ändra status'));
		assertUrl(a, (u) => u.pathname === found.registrationPath);
		assertEqual((await facts(a))['Status'], 'Antagen till ett nätverk', 'state');
		await seen(a, '/admin/registrations/{id} (accepted)');
	});

	// -----------------------------------------------------------------------
	// 6. Matching and introduction

	const bothSides = ['admin: accept the registration into the network', 'admin: approve the declaration and assign it to the network'];

	await step('matching: the pair is proposed with its reasons', { needs: bothSides }, async () => {
		await open(a, `/networks/${NETWORK.slug}`);
		await navigating(a, () => link(a.locator('main'), 'Matchning').click());
		assertUrl(a, (u) => u.pathname === `/networks/${NETWORK.slug}/matching`);
		const pairs = a.getByRole('table', { name: 'Föreslagna par och varför' });
		const row = pairs.locator('tbody tr');
		assertEqual(await row.count(), 1, 'proposed pairs');
		assertEqual(await textOf(row.locator('th')), SWEDISH.organisation, 'Swedish participant');
		assertEqual(await textOf(row.locator('td').first()), INTERNATIONAL.municipality, 'international candidate');
		// The network's theme is the registration's, and climate the
		// declaration's topic; the registration prefers Kenya.
		const reasons = (await row.locator('ul.reasons li').allTextContents()).map(text);
		for (const want of [`båda arbetar med ${NETWORK.theme}`, `${SWEDISH.organisation} önskar ${INTERNATIONAL.country}`])
			assert(reasons.includes(want), `"${want}" not among the reasons ${JSON.stringify(reasons)}`);
		await seen(a, '/networks/{slug}/matching');
	});

	await step('matching: save the proposal and confirm it', { needs: ['matching: the pair is proposed with its reasons'] }, async () => {
		await submit(a, button(a, 'Spara förslaget'));
		assertUrl(a, (u) => u.pathname === `/networks/${NETWORK.slug}/matching`);
		const runs = a.getByRole('table', { name: 'Sparade förslag, nyaste först' });
		assertEqual(await runs.locator('tbody tr').count(), 1, 'saved proposals');
		await seen(a, '/networks/{slug}/matching (saved)');
		await submit(a, runs.getByRole('button', { name: 'Bekräfta och fråga båda parter', exact: true }));
		assertUrl(a, (u) => u.pathname === `/networks/${NETWORK.slug}/matching`);
		const partnerships = a.getByRole('table', { name: 'Partnerskap från bekräftade förslag' });
		const cells = (await partnerships.locator('tbody tr').first().locator('th, td').allTextContents()).map(text);
		assertEqual(cells[0], SWEDISH.organisation, 'Swedish participant');
		assertEqual(cells[1], INTERNATIONAL.municipality, 'international partner');
		assertEqual(cells[2], 'föreslagen, väntar på båda parter', 'status');
		await seen(a, '/networks/{slug}/matching (confirmed)');
	});

	await step('introduction: both sides are mailed a link', { needs: ['matching: save the proposal and confirm it'] }, async () => {
		const mails = await waitForMails((m) => /\/introductions\/[A-Za-z0-9_-]+/.test(m.body), 2, 'introduction requests');
		const to = (who) => mails.find((m) => m.to === who);
		const sv = to(SWEDISH.contact_email), en = to(INTERNATIONAL.contact_email);
		assert(sv && en, `introduction requests went to ${JSON.stringify(mails.map((m) => m.to))}`);
		assertEqual(sv.subject, `En föreslagen partner till ${SWEDISH.organisation}`, 'Swedish subject');
		assertEqual(en.subject, `A proposed partner for ${INTERNATIONAL.municipality}`, 'English subject');
		// Nobody's contact details before both agree.
		assert(!sv.body.includes(INTERNATIONAL.contact_email) && !en.body.includes(SWEDISH.contact_email), 'a request gives away contact details');
		found.requests = { sv, en };
		found.introSv = new URL(/https?:\/\/\S+\/introductions\/[A-Za-z0-9_-]+/.exec(sv.body)[0]);
		found.introEn = new URL(/https?:\/\/\S+\/introductions\/[A-Za-z0-9_-]+/.exec(en.body)[0]);
		assertEqual(found.introSv.origin, new URL(BASE).origin, 'the link points at the server');
	});

	// Each request speaks its reader's language (the Swedish contact chose
	// Swedish, the international one English), the network's name included.
	// (Fails while the confirmation mails every side the network's name in
	// the language of the page of the person who confirms.)
	await step('introduction: each request names the network in its reader\'s language', { needs: ['introduction: both sides are mailed a link'] }, async () => {
		const { sv, en } = found.requests;
		const svLine = /^I nätverket .*$/m.exec(sv.body)?.[0] ?? '';
		const enLine = /^In the network .*$/m.exec(en.body)?.[0] ?? '';
		assertEqual(svLine, `I nätverket ${NETWORK.name_sv} föreslår samordnaren ${INTERNATIONAL.municipality} som partner till ${SWEDISH.organisation}.`, 'the Swedish request');
		assertEqual(enLine, `In the network ${NETWORK.name_en}, the coordinator proposes ${SWEDISH.organisation} as the partner of ${INTERNATIONAL.municipality}.`, 'the English request');
	});

	await step('introduction: the Swedish side accepts', { needs: ['introduction: both sides are mailed a link'] }, async () => {
		await open(v, found.introSv.pathname);
		assertEqual(await h1(v), 'En föreslagen partner', 'h1');
		assertEqual(await textOf(v.locator('main p').first()),
			`Nätverket ${NETWORK.name_sv} föreslår ${INTERNATIONAL.municipality} som partner till ${SWEDISH.organisation}.`, 'the proposal');
		await seen(v, '/introductions/{token} (Swedish side)');
		await submit(v, button(v, 'Ja, presentera oss'));
		assertEqual(await h1(v), 'Tack, ditt svar är registrerat', 'h1');
		await seen(v, '/introductions/{token} (answered)', { get: false });
		// The link works once.
		const r = await v.goto(found.introSv.href);
		assert([404, 410].includes(r.status()), `the link again: HTTP status ${r.status()}`);
		await seen(v, '/introductions/{token} (used)');
	});

	await step('introduction: the international side accepts, in English', { needs: ['introduction: both sides are mailed a link'] }, async () => {
		await open(w, found.introEn.pathname);
		assertEqual(await h1(w), 'A proposed partner', 'h1');
		assertEqual(await textOf(w.locator('main p').first()),
			`The network ${NETWORK.name_en} proposes ${SWEDISH.organisation} as the partner of ${INTERNATIONAL.municipality}.`, 'the proposal');
		await seen(w, '/introductions/{token} (international side)');
		await submit(w, button(w, 'Yes, introduce us'));
		assertEqual(await h1(w), 'Thank you, your answer is recorded', 'h1');
		await seen(w, '/introductions/{token} (answered, en)', { get: false });
	});

	const introduced = ['introduction: the Swedish side accepts', 'introduction: the international side accepts, in English'];

	await step('introduction: both sides get the other\'s contact', { needs: introduced }, async () => {
		const mails = await waitForMails((m) => /^(Presentation|Introduction): /.test(m.subject), 2, 'introduction_done mails');
		const sv = mails.find((m) => m.to === SWEDISH.contact_email);
		const en = mails.find((m) => m.to === INTERNATIONAL.contact_email);
		assert(sv && en, `introductions went to ${JSON.stringify(mails.map((m) => m.to))}`);
		assertEqual(sv.subject, `Presentation: ${SWEDISH.organisation} och ${INTERNATIONAL.municipality}`, 'Swedish subject');
		assertEqual(en.subject, `Introduction: ${INTERNATIONAL.municipality} and ${SWEDISH.organisation}`, 'English subject');
		assert(sv.body.includes(`${INTERNATIONAL.contact_name} <${INTERNATIONAL.contact_email}>`), 'the Swedish side is not given the international contact');
		assert(en.body.includes(`${SWEDISH.contact_name} <${SWEDISH.contact_email}>`), 'the international side is not given the Swedish contact');
	});

	await step('the network page lists the partnership', { needs: introduced }, async () => {
		await open(v, `/networks/${NETWORK.slug}`);
		const list = v.getByRole('heading', { name: 'Partnerskap', exact: true }).locator('xpath=following-sibling::ul[1]');
		assertEqual(JSON.stringify((await list.locator('li').allTextContents()).map(text)),
			JSON.stringify([`${SWEDISH.organisation} – ${INTERNATIONAL.municipality}`]), 'partnerships');
		assertEqual(await link(list, SWEDISH.organisation).count(), 1, 'link to the Swedish organisation');
		assertEqual(await link(list, INTERNATIONAL.municipality).count(), 1, 'link to the international one');
		await seen(v, '/networks/{slug} (partnership)');
		// The international partner is in the directory now.
		await navigating(v, () => link(list, INTERNATIONAL.municipality).click());
		assertUrl(v, (u) => /^\/organisations\/\d+$/.test(u.pathname));
		assertEqual(status(v), 200, 'HTTP status');
		assertEqual(await h1(v), INTERNATIONAL.municipality, 'h1');
		assertEqual((await facts(v))['Land'], INTERNATIONAL.country, 'country');
		await seen(v, '/organisations/{id} (international partner)');
		await open(a, `/networks/${NETWORK.slug}/matching`);
		const cells = (await a.getByRole('table', { name: 'Partnerskap från bekräftade förslag' }).locator('tbody tr').first().locator('th, td').allTextContents()).map(text);
		assertEqual(cells[2], 'presenterade för varandra', 'status on the matching page');
		await seen(a, '/networks/{slug}/matching (introduced)');
	});

	await step('after the introduction, the registration and the declaration are matched', { needs: introduced }, async () => {
		await open(a, found.registrationPath);
		assertEqual((await facts(a))['Status'], 'Matchad med en partner', 'registration');
		await seen(a, '/admin/registrations/{id} (matched)');
		await open(a, found.declarationPath);
		assertMatch((await facts(a))['Status'], /^Matchad med en partner/, 'declaration');
		await seen(a, '/admin/declarations/{id} (matched)');
	});

	await test('no Content-Security-Policy violations or script errors', async () => {
		if (pageProblems.length > 0)
			throw new Failure(`${pageProblems.length} problem(s)`, pageProblems.slice(0, 10));
	});
} catch (e) {
	stats.failed++;
	console.log(`not ok - test script: ${e && e.stack ? e.stack.split('\n').slice(0, 3).join(' | ') : e}`);
} finally {
	await browser.close();
}

finish();
