// directory.test.mjs - the browser end-to-end test of the public directory
// (organisations and countries), with an accessibility check by axe-core on
// every page visited, in Swedish and in English.
//
// Run by tests/e2e/run.sh, which starts a server on a fresh database and
// passes its address in NATVERK_E2E_URL; it runs before flows.test.mjs, on
// the directory as imported.  Plain node, no test framework (the harness and
// the axe check are in lib.mjs): every check prints "ok - NAME" or
// "not ok - NAME: REASON" (details follow on lines starting with "#"), and
// run.sh counts those lines.  The exit code is 1 when anything failed.
//
// Environment:
//   NATVERK_E2E_URL  base URL of a running natverk server (required)
//   CHROMIUM         browser binary (default /usr/bin/chromium, Debian's);
//                    playwright-core never downloads a browser of its own
//   E2E_TIMING       set to add each check's time in ms to its "ok" line

import {
	BASE, stats, Failure, test, assert, assertEqual, assertMatch,
	pageProblems, watch, goto, htmlLang, h1, navigating, assertUrl,
	assertAccessible, axeSelfCheck, launch, finish,
} from './lib.mjs';

// ---------------------------------------------------------------------------
// Page helpers

// Every URL loaded in a JavaScript-enabled context, per language, for the
// accessibility pass at the end.
const visited = { sv: new Set(), en: new Set() };

async function remember(page) {
	const lang = await htmlLang(page);
	const url = new URL(page.url());
	if (lang in visited && url.origin === new URL(BASE).origin)
		visited[lang].add(url.pathname + url.search);
}

async function summary(page) {
	return (await page.locator('p.summary').textContent()).trim();
}

// The texts of the first column (the names) of the results table.
async function firstColumn(page) {
	const cells = await page.locator('table.list tbody tr td:first-child').allTextContents();
	return cells.map((c) => c.trim());
}

// The definition list of a record page as { term: description }.
async function facts(page) {
	const dts = await page.locator('dl.facts > dt').allTextContents();
	const dds = await page.locator('dl.facts > dd').allTextContents();
	const out = {};
	dts.forEach((t, i) => { out[t.trim()] = (dds[i] ?? '').replace(/\s+/g, ' ').trim(); });
	return out;
}

// Fills the name box of the filter form and submits it, by the button or by
// Enter, and waits for the results page.
async function searchByName(page, text, { submit = 'button', label = 'Namn', button = 'Sök' } = {}) {
	const box = page.getByRole('searchbox', { name: label, exact: true });
	await box.fill(text);
	if (submit === 'enter')
		await navigating(page, () => box.press('Enter'));
	else
		await navigating(page, () => page.getByRole('button', { name: button, exact: true }).click());
	assertEqual(new URL(page.url()).searchParams.get('q'), text, 'q in the URL');
}

// ---------------------------------------------------------------------------
// The tests

const browser = await launch();

// Chromium always sends Accept-Language; German names neither of the site's
// languages, so this context sees the site's default (Swedish).
const sv = await browser.newContext({ locale: 'de-DE' });
const page = watch(await sv.newPage());

try {
	await test('axe-core finds a known violation (self-check)', () => axeSelfCheck(sv));

	await test('home page is Swedish by default', async () => {
		await goto(page, '/');
		assertEqual(await htmlLang(page), 'sv', 'html lang');
		// The main menu of a visitor, in Swedish (Networks and the partner
		// board came before the directory's two items).
		const menu = (await page.locator('.site-nav a').allTextContents()).map((t) => t.trim());
		assertEqual(JSON.stringify(menu), JSON.stringify(['Nätverk', 'Partnerbörsen', 'Organisationer', 'Länder']), 'menu items');
		await remember(page);
	});

	await test('home page links to the organisations', async () => {
		await navigating(page, () => page.locator('.cards').getByRole('link', { name: /Organisationer/ }).click());
		assertUrl(page, (u) => u.pathname === '/organisations');
		assertEqual(await h1(page), 'Organisationer', 'h1');
		assertEqual(await htmlLang(page), 'sv', 'html lang');
		assertMatch(await summary(page), /^Visar 1–50 av 311 organisationer$/, 'summary');
		await remember(page);
	});

	const nameSearches = [
		['goteborg', 'Göteborg', 'button'],
		['GÖTEBORG', 'Göteborg', 'enter'],
		['malmo', 'Malmö', 'button'],
		['are', 'Åre', 'enter'],
	];
	for (const [q, want, submit] of nameSearches) {
		await test(`search "${q}" finds ${want}`, async () => {
			await goto(page, '/organisations');
			await searchByName(page, q, { submit });
			const names = await firstColumn(page);
			assert(names.includes(want), `${want} not in the results ${JSON.stringify(names)}`);
			assertEqual(await page.getByRole('searchbox', { name: 'Namn', exact: true }).inputValue(), q, 'search box keeps the query');
			await remember(page);
		});
	}

	await test('search with no match says so', async () => {
		await goto(page, '/organisations');
		await searchByName(page, 'zzxxqq');
		assertEqual(await page.locator('table.list').count(), 0, 'number of result tables');
		assertEqual(await summary(page), 'Inga organisationer matchar.', 'summary');
		await remember(page);
	});

	await test('kind filter: regions', async () => {
		await goto(page, '/organisations');
		await page.getByLabel('Typ', { exact: true }).selectOption('region');
		await navigating(page, () => page.getByRole('button', { name: 'Sök', exact: true }).click());
		assertUrl(page, (u) => u.searchParams.get('kind') === 'region');
		assertMatch(await summary(page), /\b21 organisationer$/, 'summary');
		assertEqual(await page.locator('table.list tbody tr').count(), 21, 'rows');
		const kinds = await page.locator('table.list tbody tr td:nth-child(2)').allTextContents();
		assert(kinds.every((k) => k.trim() === 'Region'), `every kind should be Region: ${JSON.stringify([...new Set(kinds)])}`);
		assertEqual(await page.getByLabel('Typ', { exact: true }).inputValue(), 'region', 'selected kind kept');
		await remember(page);
	});

	await test('pager: second page of the unfiltered list', async () => {
		await goto(page, '/organisations');
		const first = await firstColumn(page);
		const pager = page.getByRole('navigation', { name: 'Sidor' });
		assertEqual(await pager.getByRole('link', { name: 'Föregående sida' }).count(), 0, 'previous link on page 1');
		await navigating(page, () => pager.getByRole('link', { name: 'Nästa sida' }).click());
		assertUrl(page, (u) => u.searchParams.get('page') === '2');
		assertMatch(await summary(page), /^Visar 51–100 av 311 organisationer$/, 'summary');
		const second = await firstColumn(page);
		assertEqual(second.length, 50, 'rows on page 2');
		assert(!second.some((n) => first.includes(n)), 'page 2 repeats names of page 1');
		assertMatch((await pager.locator('[aria-current="page"]').textContent()).trim(), /^Sida 2 av 7$/, 'current page');
		assertEqual(await pager.getByRole('link', { name: 'Föregående sida' }).count(), 1, 'previous link on page 2');
		await remember(page);
	});

	await test('organisation page from the list shows county and population', async () => {
		await goto(page, '/organisations');
		await searchByName(page, 'goteborg');
		await navigating(page, () => page.locator('table.list').getByRole('link', { name: 'Göteborg', exact: true }).click());
		assertUrl(page, (u) => /^\/organisations\/\d+$/.test(u.pathname));
		assertEqual(await h1(page), 'Göteborg', 'h1');
		const f = await facts(page);
		assertEqual(f['Län'], 'Västra Götalands län (14)', 'county');
		assertMatch(f['Folkmängd'], /^\d{1,3}(\s\d{3})+ \(31 december \d{4}\)$/, 'population');
		assertEqual(f['Typ'], 'Kommun', 'kind');
		await remember(page);
	});

	await test('region link on an organisation page', async () => {
		await navigating(page, () => page.locator('dl.facts').getByRole('link', { name: 'Västra Götalandsregionen' }).click());
		assertUrl(page, (u) => /^\/organisations\/\d+$/.test(u.pathname));
		assertEqual(await h1(page), 'Västra Götalandsregionen', 'h1');
		assertEqual((await facts(page))['Typ'], 'Region', 'kind');
		await remember(page);
	});

	await test('country link on an organisation page: Sweden, never a partner country', async () => {
		await navigating(page, () => page.locator('dl.facts').getByRole('link', { name: 'Sverige', exact: true }).click());
		assertUrl(page, (u) => u.pathname === '/countries/SE');
		assertEqual(await h1(page), 'Sverige', 'h1');
		assertEqual(await page.locator('table.list').count(), 0, 'eligibility tables');
		assertEqual((await page.locator('main > p').last().textContent()).trim(),
			'Landet har aldrig varit partnerland i programmet.', 'no eligibility text');
		await remember(page);
	});

	await test('countries list', async () => {
		await navigating(page, () => page.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link', { name: 'Länder' }).click());
		assertUrl(page, (u) => u.pathname === '/countries');
		assertEqual(await h1(page), 'Länder', 'h1');
		assertMatch(await summary(page), /^250 länder$/, 'summary');
		assertEqual(await page.locator('table.list tbody tr').count(), 50, 'rows on page 1');
		await remember(page);
	});

	await test('country search and Kenya page with its eligibility history', async () => {
		await searchByName(page, 'kenya');
		await navigating(page, () => page.locator('table.list').getByRole('link', { name: 'Kenya', exact: true }).click());
		assertUrl(page, (u) => u.pathname === '/countries/KE');
		assertEqual(await h1(page), 'Kenya', 'h1');
		const table = page.getByRole('table', { name: 'Perioder som partnerland' });
		const rows = table.locator('tbody tr');
		assert(await rows.count() >= 2, 'expected several eligibility periods');
		const current = table.locator('tbody tr.current');
		assertEqual(await current.count(), 1, 'current periods');
		const cells = (await current.locator('td').allTextContents()).map((c) => c.trim());
		assertMatch(cells[0], /^Östafrika \(gäller nu\)$/, 'cluster of the current period');
		assertMatch(cells[1], /^\d{4}-\d{2}-\d{2}$/, 'valid from');
		assertEqual(cells[2], 'tills vidare', 'valid to');
		assertMatch((await facts(page))['Partnerland i dag'], /^Ja, i klustret Östafrika$/, 'partner country today');
		await remember(page);
	});

	await test('country filter with an impossible date shows the error at the field', async () => {
		await goto(page, '/countries');
		// 2019-02-30 passes the field's pattern, so the browser submits it.
		const field = page.getByLabel('Stödberättigade den (ÅÅÅÅ-MM-DD)', { exact: true });
		await field.fill('2019-02-30');
		await navigating(page, () => page.getByRole('button', { name: 'Sök', exact: true }).click());
		assertUrl(page, (u) => u.pathname === '/countries' && u.searchParams.get('date') === '2019-02-30');
		// The same page again: the form refilled, the problem in a summary and at the field.
		assertEqual(await h1(page), 'Länder', 'h1');
		const alert = page.getByRole('alert');
		assertMatch((await alert.textContent()).replace(/\s+/g, ' '), /date: .*ÅÅÅÅ-MM-DD/, 'summary message');
		assertEqual(await field.inputValue(), '2019-02-30', 'what was typed is kept');
		assertEqual(await field.getAttribute('aria-invalid'), 'true', 'the field is marked');
		assertMatch(await page.locator('#date-error').textContent(), /ÅÅÅÅ-MM-DD/, 'message at the field');
		await remember(page);
	});

	await test('unknown page answers 404 with an error page', async () => {
		await goto(page, '/no-such-page', 404);
		assertEqual(await htmlLang(page), 'sv', 'html lang');
		assertEqual(await h1(page), 'Sidan finns inte', 'h1');
		assertMatch(await page.locator('main p.muted').textContent(), /Fel 404/, 'reference line');
		await remember(page);
	});

	await test('unknown organisation and country answer 404', async () => {
		await goto(page, '/organisations/999999', 404);
		assertEqual(await h1(page), 'Sidan finns inte', 'h1');
		await remember(page);
		await goto(page, '/countries/XX', 404);
		assertEqual(await h1(page), 'Sidan finns inte', 'h1');
		await remember(page);
	});

	await test('language switch to English keeps the page', async () => {
		await goto(page, '/organisations?kind=region');
		assertEqual(await htmlLang(page), 'sv', 'html lang before');
		assertEqual(await h1(page), 'Organisationer', 'h1 before');
		const link = page.locator('a.lang-switch');
		assertEqual(await link.textContent(), 'English', 'switch label');
		assertEqual(await link.getAttribute('lang'), 'en', 'lang of the switch link');
		await navigating(page, () => link.click());
		const u = new URL(page.url());
		assertEqual(u.pathname + u.search, '/organisations?kind=region', 'back on the same page');
		assertEqual(await htmlLang(page), 'en', 'html lang after');
		assertEqual(await h1(page), 'Organisations', 'h1 after');
		assertMatch(await summary(page), /^Showing 1–21 of 21 organisations$/, 'summary');
		assertEqual(await page.locator('a.lang-switch').textContent(), 'Svenska', 'switch label after');
		await remember(page);
	});

	await test('language choice is remembered in a cookie', async () => {
		const cookies = await sv.cookies(BASE);
		const lang = cookies.find((c) => c.name === 'lang');
		assert(lang !== undefined, 'no lang cookie');
		assertEqual(lang.value, 'en', 'cookie value');
		await goto(page, '/countries');
		assertEqual(await htmlLang(page), 'en', 'html lang on the next load');
		assertEqual(await h1(page), 'Countries', 'h1');
		await remember(page);
	});

	await test('English pages: search, organisation, country, 404', async () => {
		await goto(page, '/organisations');
		await searchByName(page, 'malmo', { label: 'Name', button: 'Search' });
		assert((await firstColumn(page)).includes('Malmö'), 'Malmö not found');
		await navigating(page, () => page.locator('table.list').getByRole('link', { name: 'Malmö', exact: true }).click());
		assertUrl(page, (u) => /^\/organisations\/\d+$/.test(u.pathname));
		const f = await facts(page);
		assertEqual(f['County'], 'Skåne län (12)', 'county');
		assertMatch(f['Population'], /^\d{1,3}(,\d{3})+ \(31 December \d{4}\)$/, 'population');
		await remember(page);
		await goto(page, '/countries/KE');
		const current = page.getByRole('table', { name: 'Eligibility periods' }).locator('tbody tr.current');
		assertEqual(await current.count(), 1, 'current periods');
		assertMatch((await current.locator('td').first().textContent()).trim(), /^East Africa \(in force\)$/, 'current cluster');
		await remember(page);
		await goto(page, '/no-such-page', 404);
		assertEqual(await h1(page), 'Page not found', 'h1 of 404');
		await remember(page);
	});

	await test('English pager and home page', async () => {
		await goto(page, '/organisations');
		await navigating(page, () => page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Next page' }).click());
		assertUrl(page, (u) => u.searchParams.get('page') === '2');
		assertMatch(await summary(page), /^Showing 51–100 of 311 organisations$/, 'summary');
		await remember(page);
		await goto(page, '/');
		assertEqual(await htmlLang(page), 'en', 'html lang');
		await remember(page);
	});

	await test('language switch back to Swedish', async () => {
		await goto(page, '/countries');
		await navigating(page, () => page.locator('a.lang-switch').click());
		assertEqual(new URL(page.url()).pathname, '/countries', 'back on the same page');
		assertEqual(await htmlLang(page), 'sv', 'html lang');
		assertEqual(await h1(page), 'Länder', 'h1');
		assertEqual((await sv.cookies(BASE)).find((c) => c.name === 'lang')?.value, 'sv', 'cookie value');
	});

	await test('Accept-Language: en without a cookie gives English', async () => {
		const ctx = await browser.newContext({ extraHTTPHeaders: { 'Accept-Language': 'en' } });
		try {
			const p = watch(await ctx.newPage());
			await goto(p, '/organisations');
			assertEqual(await htmlLang(p), 'en', 'html lang');
			assertEqual(await h1(p), 'Organisations', 'h1');
			assertEqual(await p.locator('a.lang-switch').textContent(), 'Svenska', 'switch label');
			// The cookie wins over the header.
			await navigating(p, () => p.locator('a.lang-switch').click());
			assertEqual(await htmlLang(p), 'sv', 'html lang after choosing Swedish');
			await goto(p, '/countries');
			assertEqual(await htmlLang(p), 'sv', 'html lang on the next load');
		} finally {
			await ctx.close();
		}
	});

	await test('Accept-Language: sv-SE gives Swedish', async () => {
		const ctx = await browser.newContext({ locale: 'sv-SE' });
		try {
			const p = watch(await ctx.newPage());
			await goto(p, '/countries');
			assertEqual(await htmlLang(p), 'sv', 'html lang');
			assertEqual(await h1(p), 'Länder', 'h1');
		} finally {
			await ctx.close();
		}
	});

	// -----------------------------------------------------------------------
	// Without JavaScript: the pages are plain HTML forms and links.
	const nojs = await browser.newContext({ locale: 'de-DE', javaScriptEnabled: false });
	try {
		const p = watch(await nojs.newPage());
		await test('no-JS context really has JavaScript off', async () => {
			await p.setContent('<p id="x">off</p><script>document.getElementById("x").textContent = "on";</script>');
			assertEqual(await p.locator('#x').textContent(), 'off', 'script result');
		});

		await test('without JavaScript: name search', async () => {
			await goto(p, '/organisations');
			await searchByName(p, 'malmo');
			assert((await firstColumn(p)).includes('Malmö'), 'Malmö not found');
			await searchByName(p, 'goteborg', { submit: 'enter' });
			assert((await firstColumn(p)).includes('Göteborg'), 'Göteborg not found');
		});

		await test('without JavaScript: kind filter, pager and organisation page', async () => {
			await goto(p, '/organisations');
			await p.getByLabel('Typ', { exact: true }).selectOption('region');
			await navigating(p, () => p.getByRole('button', { name: 'Sök', exact: true }).click());
			assertUrl(p, (u) => u.searchParams.get('kind') === 'region');
			assertMatch(await summary(p), /\b21 organisationer$/, 'summary');
			await goto(p, '/organisations');
			await navigating(p, () => p.getByRole('link', { name: 'Nästa sida' }).click());
			assertUrl(p, (u) => u.searchParams.get('page') === '2');
			assertMatch(await summary(p), /^Visar 51–100/, 'summary');
			await navigating(p, () => p.locator('table.list tbody a').first().click());
			assertUrl(p, (u) => /^\/organisations\/\d+$/.test(u.pathname));
			assert('Län' in await facts(p), 'no county on the organisation page');
		});

		await test('without JavaScript: language switch', async () => {
			await goto(p, '/countries/KE');
			await navigating(p, () => p.locator('a.lang-switch').click());
			assertUrl(p, (u) => u.pathname === '/countries/KE');
			assertEqual(await htmlLang(p), 'en', 'html lang');
			assertEqual(await p.locator('tbody tr.current').count(), 1, 'current periods');
		});
	} finally {
		await nojs.close();
	}

	// -----------------------------------------------------------------------
	// Accessibility: every page visited above, in both languages, with the
	// language chosen by the cookie.  The two languages run side by side, in
	// two contexts, to halve the time.
	const all = [...new Set([...visited.sv, ...visited.en])].sort();
	await Promise.all(['sv', 'en'].map(async (lang) => {
		const ctx = await browser.newContext({ locale: 'de-DE' });
		try {
			await ctx.addCookies([{ name: 'lang', value: lang, url: BASE }]);
			const p = watch(await ctx.newPage());
			for (const path of all) {
				await test(`axe WCAG 2.1 AA (${lang}) ${path}`, async () => {
					const resp = await p.goto(BASE + path);
					assert(resp !== null, 'no response');
					assert([200, 400, 404].includes(resp.status()), `HTTP status ${resp.status()}`);
					assertEqual(await htmlLang(p), lang, 'html lang');
					await assertAccessible(p);
				});
			}
		} finally {
			await ctx.close();
		}
	}));

	await test('no Content-Security-Policy violations or script errors', async () => {
		if (pageProblems.length > 0)
			throw new Failure(`${pageProblems.length} problem(s)`, pageProblems.slice(0, 10));
	});

	await test('the axe pass covered pages visited in both languages', async () => {
		assert(visited.sv.size >= 8 && visited.en.size >= 6,
			`pages visited: sv ${visited.sv.size}, en ${visited.en.size}`);
	});
} catch (e) {
	stats.failed++;
	console.log(`not ok - test script: ${oneLine(e && e.stack ? e.stack : e)}`);
} finally {
	await browser.close();
}

finish();
