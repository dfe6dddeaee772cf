// orders.js: ordering from the catalogue in the browser.  Lisa Nord
// (Bengtsfors, BUF, cost centre 3100) finds the extra screen from the start
// page (ordered by managers only), filters the catalogue, orders a headset
// (anyone may; the manager approves): first without the required model,
// which the server refuses on that field, then three times properly, and
// withdraws the third.  Anders By, manager of 3100, sees the count in the
// menu, rejects one with a reason (first trying without) and approves the
// other, and orders a screen himself (the server refusing a short name and
// an unknown person first); Lisa sees the reason, and the ticket that
// fulfils the approved one.  axe, a screenshot, and 360 px on every page.
'use strict';
const { base, ok, diag, person, check, login, main, fits, tabTo, allVisible } = require('./lib.js');

const ORDER = /^BEN-B\d{4}-\d{6}$/;

function text(s) {
	return String(s || '').replace(/\s+/g, ' ').trim();
}

async function signIn(page, user) {
	await login(page, 'BEN', user);
	await page.waitForURL(/#\/$/);
	await page.waitForSelector('main:not([aria-busy]) h1');
}

// Orders a headset of the given model; returns the order number.
async function orderHeadset(page, model) {
	await page.goto(`${base}/#/order/headset`);
	await page.waitForSelector('main:not([aria-busy]) form.card');
	await page.check(`input[name="answers.model"][value="${model}"]`);
	await page.click('form.card button[type="submit"]');
	await page.waitForURL(/#\/orders\/BEN-B/);
	await page.waitForSelector('main:not([aria-busy]) #order-number');
	return text(await page.textContent('#order-number'));
}

async function badge(page) {
	const b = page.locator('#nav a[href="#/approvals"] .badge');
	return (await b.count()) ? (text(await b.textContent()).match(/^\d+/) || ['?'])[0] : '';
}

main(async (browser) => {
	const lisa = await person(browser);
	await signIn(lisa, 'lisa.nord');

	// The start page's search finds catalogue services.
	await lisa.fill('input[name="q"]', 'skärm');
	await lisa.click('form.search button');
	await lisa.waitForSelector('.search-results h2');
	const hit = lisa.locator('.search-results a[href="#/order/screen-extra"]');
	ok(await hit.count() === 1 && /Extra skärm/.test(await hit.textContent()),
		'searching "skärm" on the start page finds the extra screen');
	ok(/beställs av chef/.test(await lisa.textContent('.search-results')), 'marked as ordered by a manager');
	ok(!(await lisa.isVisible('#nav a[href="#/approvals"]')), 'an employee has no approval inbox in the menu');

	// The catalogue, by area, with prices and approvals.
	await lisa.click('nav a[href="#/order"]');
	await check(lisa, 'order-catalogue', 'Beställ');
	const areas = await lisa.$$eval('main section.area h2', (hs) => hs.map((e) => e.textContent));
	ok(areas.includes('IT-arbetsplats') && areas.includes('Identitet'), `grouped by service area (${areas.join(', ')})`);
	const screen = lisa.locator('li.service[data-code="screen-extra"]');
	ok(text(await screen.locator('.price').textContent()) === '2 150,00 kr (engångskostnad)',
		`price in Swedish format (${text(await screen.locator('.price').textContent())})`);
	ok(/Beställs av din chef/.test(await screen.textContent()), 'the screen: ordered by the manager');
	const headset = lisa.locator('li.service[data-code="headset"]');
	ok(/Godkänns av chefen för kostnadsstället/.test(await headset.locator('.approval').textContent()),
		'the headset: approved by the manager');
	ok(await lisa.locator('li.service[data-code="m365-frontline"]').count() === 0, 'not what is only for care and social services');
	const all = await lisa.locator('li.service:visible').count();
	await lisa.fill('input[name="filter"]', 'headset');
	const shown = await lisa.locator('li.service:visible').count();
	ok(shown === 1 && await headset.isVisible(), `the filter narrows ${all} services to the headset`);
	ok(/: 1\./.test(await lisa.textContent('main')), 'and says how many are shown');
	await lisa.fill('input[name="filter"]', '');
	await lisa.check('input[name="orderable"]');
	const mine = await lisa.locator('li.service:visible').count();
	ok(mine > 0 && mine < all && await lisa.locator('li.service:visible .not-orderable').count() === 0
		&& await headset.isVisible() && !(await screen.isVisible()), `only what she may order herself: ${mine}`);
	await lisa.uncheck('input[name="orderable"]');
	await lisa.focus('input[name="filter"]');
	const stops = [];
	await tabTo(lisa, (f) => f.href.startsWith('#/order/'), 'a service link', stops);
	allVisible(stops, 'catalogue');

	// The service's form; the server judges a missing required field.
	await headset.locator('h3 a').click();
	await check(lisa, 'order-form', 'Headset');
	ok(await lisa.locator('fieldset[data-field="answers.model"] legend').count() === 1, 'a choice is a fieldset with a legend');
	const posted = lisa.waitForResponse((r) => r.url().endsWith('/api/v1/orders') && r.request().method() === 'POST');
	await lisa.click('form.card button[type="submit"]');
	const res = await posted;
	ok(res.status() === 400 && res.request().headers()['x-csrf-token'], 'the server answered 400 to a POST with the CSRF token');
	const err = lisa.locator('fieldset[data-field="answers.model"] .field-error');
	await err.waitFor();
	ok(/Modell: fältet måste fyllas i/.test(await err.textContent()), `the error is on the model field (${text(await err.textContent())})`);
	const f = await lisa.evaluate(() => {
		const e = document.activeElement;
		const err = document.querySelector('fieldset[data-field="answers.model"] .field-error');
		return { name: e.name, invalid: e.getAttribute('aria-invalid'), desc: (e.getAttribute('aria-describedby') || '').split(' ').includes(err.id) };
	});
	ok(f.name === 'answers.model' && f.invalid === 'true' && f.desc, 'focus is on the field, marked invalid and linked to the message');
	await check(lisa, 'order-form-error', 'Headset');

	await lisa.check('input[name="answers.model"][value="Trådlöst"]');
	await lisa.click('form.card button[type="submit"]');
	await lisa.waitForURL(/#\/orders\/BEN-B/);
	await check(lisa, 'order-receipt', 'Tack!');
	const n1 = text(await lisa.textContent('#order-number'));
	ok(ORDER.test(n1), `the receipt shows the order number (${n1})`);
	ok(/Väntar på godkännande/.test(await lisa.textContent('.status-box')), 'pending approval, in words');
	ok(/Chef: väntar på beslut/.test(await lisa.textContent('.steps-list')), 'the manager\'s step waits');

	const n2 = await orderHeadset(lisa, 'Med sladd (USB)');
	const n3 = await orderHeadset(lisa, 'Trådlöst');
	ok(ORDER.test(n2) && ORDER.test(n3) && new Set([n1, n2, n3]).size === 3, 'two more orders');
	await lisa.click('button:has-text("Återkalla beställningen")');
	await lisa.waitForSelector('.flash');
	ok(/Återkallad/.test(await lisa.textContent('.status-box')), 'the third is withdrawn');
	ok(await lisa.locator('button:has-text("Återkalla beställningen")').count() === 0, 'and can no longer be withdrawn');

	await lisa.click('nav a[href="#/orders"]');
	await check(lisa, 'orders-mine', 'Mina beställningar');
	for (const [n, s] of [[n1, 'Väntar på godkännande'], [n2, 'Väntar på godkännande'], [n3, 'Återkallad']]) {
		const row = lisa.locator('tr', { has: lisa.locator(`a[href="#/orders/${n}"]`) });
		ok(new RegExp(s).test(await row.textContent()), `${n} is listed: ${s}`);
	}

	// The manager: a count in the menu, the inbox, reject and approve.
	const anders = await person(browser);
	await signIn(anders, 'anders.by');
	await anders.waitForSelector('#nav a[href="#/approvals"] .badge');
	ok(await badge(anders) === '2', `the manager sees 2 in the menu (${await badge(anders)})`);
	await anders.click('#nav a[href="#/approvals"]');
	await check(anders, 'approvals', 'Att godkänna');
	const c1 = anders.locator(`li.approval[data-order="${n1}"]`), c2 = anders.locator(`li.approval[data-order="${n2}"]`);
	ok(await c1.count() === 1 && await c2.count() === 1, 'both orders are in the inbox');
	ok(/Lisa Nord/.test(await c1.textContent()) && /Modell: Trådlöst/.test(await c1.textContent()), 'with who ordered and the answers');
	ok(await anders.locator(`li.approval[data-order="${n3}"]`).count() === 0, 'not the withdrawn one');

	await anders.goto(`${base}/#/orders/${n1}`);
	await check(anders, 'order-pending-manager', 'Beställning');
	ok(await anders.locator('main a[href="#/approvals"]').count() === 1
		&& await anders.locator('button:has-text("Återkalla")').count() === 0,
		'the manager reading the order: a way to the inbox, no withdrawing someone else\'s order');
	await anders.click('main a[href="#/approvals"]');
	await anders.waitForSelector(`main:not([aria-busy]) li.approval[data-order="${n1}"]`);
	await c1.locator('button[value="reject"]').click();
	const rerr = c1.locator('.field-error:not([hidden])');
	await rerr.waitFor();
	ok(/motivering/.test(await rerr.textContent()), `rejecting needs a reason (${text(await rerr.textContent())})`);
	ok(await anders.evaluate(() => document.activeElement.name) === 'reason', 'focus on the reason');
	await check(anders, 'approvals-reason-missing', 'Att godkänna');
	const reason = 'Det finns headset i förrådet – hämta ett hos IT-disken.';
	await c1.locator('textarea[name="reason"]').fill(reason);
	await c1.locator('button[value="reject"]').click();
	await anders.waitForSelector('.flash');
	ok(new RegExp(`${n1} är avslagen`).test(await anders.textContent('.flash')), 'rejected');
	ok(await badge(anders) === '1', 'the count goes down to 1');
	await anders.locator(`li.approval[data-order="${n2}"] button[value="approve"]`).click();
	await anders.waitForSelector(`.flash:has-text("${n2} är godkänd")`);
	ok(await badge(anders) === '', 'nothing left: no count');
	ok(/Inga beställningar väntar/.test(await anders.textContent('main')), 'the inbox is empty');
	await check(anders, 'approvals-empty', 'Att godkänna');

	// The manager orders a screen himself: a text too short and a person
	// who does not exist are refused by the server, each on its field; his
	// own approval is all it needs.
	await anders.click('nav a[href="#/order"]');
	await anders.waitForSelector('main:not([aria-busy]) li.service[data-code="screen-extra"]');
	await anders.click('li.service[data-code="screen-extra"] h3 a');
	await check(anders, 'order-screen-manager', 'Extra skärm');
	await anders.fill('input[name="answers.user_name"]', 'N');
	await anders.check('input[name="answers.size"][value="27 tum"]');
	await anders.fill('input[name="answers.user"]', 'finns.inte');
	const fieldError = async (name) => anders.evaluate((n) => {
		const e = document.activeElement;
		const msg = document.getElementById(`${e.id}-error`);
		return e.name === n && e.getAttribute('aria-invalid') === 'true' && msg && !msg.hidden ? msg.textContent : '';
	}, name);
	await anders.click('form.card button[type="submit"]');
	await anders.waitForSelector('.field-error:not([hidden])');
	const e1 = await fieldError('answers.user_name');
	ok(/minst 2 tecken/.test(e1), `too short: on the name field, focused (${e1})`);
	await anders.fill('input[name="answers.user_name"]', 'Nora Nyberg');
	await anders.click('form.card button[type="submit"]');
	await anders.waitForFunction(() => document.activeElement && document.activeElement.name === 'answers.user');
	const e2 = await fieldError('answers.user');
	ok(/Ingen aktiv person/.test(e2), `unknown person: on the login field, focused (${e2})`);
	await check(anders, 'order-screen-error', 'Extra skärm');
	await anders.fill('input[name="answers.user"]', 'lisa.nord');
	await anders.click('form.card button[type="submit"]');
	await anders.waitForURL(/#\/orders\/BEN-B/);
	await check(anders, 'order-screen-receipt', 'Tack!');
	ok(/Godkänd – vi levererar/.test(await anders.textContent('.status-box')), 'the manager\'s screen goes straight to delivery');
	ok(/Lisa Nord \(lisa\.nord\)/.test(await anders.textContent('main')), 'the person in the answers by name');

	// Lisa sees the outcome.
	await lisa.goto(`${base}/#/orders/${n1}`);
	await check(lisa, 'order-rejected', 'Beställning');
	const box1 = text(await lisa.textContent('.status-box'));
	ok(/Avslagen/.test(box1) && box1.includes(reason) && /Anders By/.test(box1), `rejected with the reason and who (${box1})`);
	await lisa.goto(`${base}/#/orders/${n2}`);
	await check(lisa, 'order-approved', 'Beställning');
	ok(/Godkänd – vi levererar/.test(await lisa.textContent('.status-box')), 'in fulfilment');
	ok(/Chef: godkänd av Anders By/.test(text(await lisa.textContent('.steps-list'))), 'the step says who approved');
	const link = lisa.locator('.status-box a.ticket-link');
	const tn = text(await link.textContent());
	ok(/^BEN-\d{4}-\d{6}$/.test(tn) && await link.getAttribute('href') === `#/cases/${tn}`,
		`with the ticket number linked to the case (${tn})`);
	await link.click();
	await check(lisa, 'order-ticket');
	ok(lisa.url().endsWith(`#/cases/${tn}`), 'the case page opens');

	// In English too.
	await lisa.goto(`${base}/#/orders/${n1}`);
	await lisa.waitForSelector('main:not([aria-busy]) h1');
	await lisa.click('#tools button[lang="en"]');
	await lisa.waitForSelector('main:not([aria-busy]) .status-box');
	ok(/Rejected/.test(await lisa.textContent('.status-box')), 'the order page in English');
	await lisa.goto(`${base}/#/order/headset`);
	await check(lisa, 'order-form-en', 'Headset (bought)');
	ok(await lisa.locator('legend:has-text("Model")').count() === 1, 'the form\'s English labels');
	await lisa.click('#tools button[lang="sv"]');
	await lisa.waitForSelector('main:not([aria-busy]) h1');

	// A problem with a service: reported from its page, filed in its queue.
	await lisa.goto(`${base}/#/order/headset`);
	await lisa.waitForSelector('main:not([aria-busy]) form.card');
	await lisa.click('main a[href="#/report?service=headset"]');
	await lisa.waitForURL(/#\/report\?service=headset/);
	await check(lisa, 'report-service', 'Anmäl ett fel');
	ok(await lisa.inputValue('select[name="service"]') === 'headset', 'the report form has the service chosen');
	ok(await lisa.locator('select[name="service"] optgroup[label="IT-arbetsplats"]').count() === 1,
		'services grouped by area in the choice');
	await lisa.fill('input[name="subject"]', 'Headsetet hörs inte i Teams');
	await lisa.click('form.card button[type="submit"]');
	await lisa.waitForURL(/#\/receipt\/BEN-\d{4}-\d{6}/);
	const caseNo = text(await lisa.textContent('#case-number'));
	await lisa.goto(`${base}/#/cases/${caseNo}`);
	await lisa.waitForSelector('main:not([aria-busy]) .status-box');
	const filed = await lisa.evaluate(async (n) => (await (await fetch(`/api/v1/tickets/${n}`)).json()), caseNo);
	ok(filed.service && filed.service.code === 'headset', `the case is about the headset service (${caseNo})`);

	// A small phone.
	const small = await person(browser, { viewport: { width: 360, height: 740 } });
	await signIn(small, 'lisa.nord');
	for (const [hash, name] of [['#/order', 'order-catalogue'], ['#/order/screen-extra', 'order-screen'],
		['#/order/headset', 'order-form'], ['#/order/keyboard-mouse', 'order-yes-no'], ['#/orders', 'orders-mine'], [`#/orders/${n2}`, 'order-approved']]) {
		await small.goto(`${base}/${hash}`);
		await fits(small, name);
	}
	const small2 = await person(browser, { viewport: { width: 360, height: 740 } });
	await signIn(small2, 'anders.by');
	for (const [hash, name] of [['#/approvals', 'approvals'], ['#/order/laptop-standard', 'order-date'],
		['#/order/server-virtual', 'order-number']]) {
		await small2.goto(`${base}/${hash}`);
		await fits(small2, name);
	}

	// A technician sees her own municipality's offer and may order from it.
	const sara = await person(browser);
	await login(sara, 'AMA', 'sara.ek');
	await sara.waitForURL(/#\/desk$/);
	await sara.goto(`${base}/#/order`);
	await sara.waitForSelector('main:not([aria-busy]) li.service[data-code="headset"]');
	ok(await sara.locator('li.service[data-code="headset"] .not-orderable').count() === 0
		&& await sara.locator('li.service[data-code="screen-extra"] .not-orderable').count() === 1,
		'staff: their own municipality\'s offer, the headset orderable');
	if (lisa.errors.length) diag(lisa.errors.join('\n'));
});
