// portal_flow.js: the whole way of a case in the browser: a Färgelanda
// employee reports a problem with an attachment and gets the receipt, finds
// it in "Mina ärenden"; a first-line technician finds it in the queue,
// takes it, replies and resolves it; the employee sees the answer and rates
// the help; the chief sees the figures move.  axe and a screenshot on every page.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { base, ok, diag, person, check, login, main } = require('./lib.js');

main(async (browser) => {
	const elin = await person(browser);
	await elin.goto(`${base}/`);
	await check(elin, 'login', 'Logga in');

	// A wrong password says so, in words.
	await login(elin, 'FAR', 'elin.frisk', 'fel-lösenord');
	await elin.waitForSelector('.form-alert:not([hidden])');
	ok(/stämmer inte/.test(await elin.textContent('.form-alert')), 'a wrong password is explained');
	await check(elin, 'login-wrong-password', 'Logga in');

	await login(elin, 'FAR', 'elin.frisk');
	await elin.waitForURL(/#\/$/);
	await check(elin, 'portal-start', 'Hur kan vi hjälpa dig?');
	ok(await elin.isVisible('a[href="#/report"] >> text=Anmäl ett fel'), '"Anmäl ett fel" one click away');
	ok(await elin.isVisible('.tiles a[href="#/order"]'), '"Beställ" one click away');

	await elin.fill('input[name="q"]', 'lösenord');
	await elin.click('form.search button');
	await elin.waitForSelector('.search-results h2');
	ok(/Konto, lösenord/.test(await elin.textContent('.search-results')), 'search finds the account category');
	await check(elin, 'portal-search', 'Hur kan vi hjälpa dig?');

	await elin.click('nav a[href="#/order"]');
	await check(elin, 'portal-order', 'Beställ');

	await elin.click('nav a[href="#/report"]');
	await check(elin, 'report-form', 'Anmäl ett fel');
	// Sending an empty form names what is missing.
	await elin.click('form button[type="submit"]');
	ok(await elin.isVisible('#' + (await elin.getAttribute('input[name="subject"]', 'id')) + '-error'), 'empty subject: a message at the field');
	await check(elin, 'report-form-error', 'Anmäl ett fel');
	const shotFile = path.join(os.tmpdir(), `sdesk-${process.pid}.png`);
	fs.writeFileSync(shotFile, Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64'));
	await elin.fill('input[name="subject"]', 'Skrivaren i hemtjänstens kontor skriver inte ut');
	await elin.fill('textarea[name="description"]', 'Det blinkar orange och står "Papperstrassel" fast inget papper sitter fast.');
	await elin.selectOption('select[name="category"]', 'computer');
	await elin.check('input[name="urgency"][value="2"]');
	await elin.setInputFiles('input[name="files"]', shotFile);
	await elin.click('form button[type="submit"]');
	await elin.waitForURL(/#\/receipt\//);
	await check(elin, 'receipt', 'Tack!');
	const number = (await elin.textContent('#case-number')).trim();
	ok(/^FAR-\d{4}-\d{6}$/.test(number), `the receipt shows the case number (${number})`);
	ok(/1 fil/.test(await elin.textContent('main')), 'the attachment is mentioned');

	await elin.click('nav a[href="#/cases"]');
	await check(elin, 'my-cases', 'Mina ärenden');
	ok(await elin.isVisible(`a[href="#/cases/${number}"]`), 'the case is in my cases');
	await elin.click(`a[href="#/cases/${number}"]`);
	await check(elin, 'case-new', 'Skrivaren');
	ok(/Mottaget/.test(await elin.textContent('.status-box')), 'status in words: Mottaget');
	ok(await elin.isVisible('a[download$=".png"]'), 'the attachment is listed');

	// The technician.
	const sara = await person(browser);
	await login(sara, 'AMA', 'sara.ek');
	await sara.waitForURL(/#\/desk$/);
	await check(sara, 'desk-queues', 'Arbetsyta');
	await sara.click('a[href="#/desk/queue/first_line"]');
	await check(sara, 'desk-queue', 'Kö:');
	const row = sara.locator(`tr[data-key="${number}"]`);
	ok(await row.isVisible(), 'the new case is in the first-line queue');
	ok(/kvar|Försenat/.test(await row.locator('.sla').textContent()), 'time left as text');
	await row.locator('a.row-link').click();
	await check(sara, 'desk-ticket', number);
	ok(/Elin Frisk/.test(await sara.textContent('.facts')), 'requester shown');
	const clocks = await sara.locator('.sla-box tbody tr').evaluateAll((rs) => rs.map((r) => r.dataset.clock));
	ok(clocks.includes('first_response') && clocks.includes('resolution'), `every clock listed (${clocks.join(', ')})`);
	ok(/(kvar|Försenat)/.test(await sara.textContent('.sla-box tr[data-clock="resolution"]')),
		'with the business time left in words');
	await sara.click('#take-button');
	await sara.waitForSelector('.flash');
	ok(/tilldelat dig/.test(await sara.textContent('.flash')), 'taken: assigned to me');
	await sara.fill('#reply-body', 'Hej Elin! Vi har återställt skrivaren på distans. Prova att skriva ut igen.');
	await sara.fill('input[name="minutes"]', '10');
	await sara.click('#reply-h + form button[type="submit"]');
	await sara.waitForSelector('.flash >> text=sparat');
	ok(await sara.isVisible('.entry-reply >> text=återställt skrivaren'), 'the reply is in the conversation');
	await sara.selectOption('select[name="status"]', 'resolved');
	await sara.fill('textarea[name="resolution_text"]', 'Skrivarkön rensad och skrivaren omstartad.');
	await sara.click('#status-h + form button[type="submit"]');
	await sara.waitForSelector('.summary >> text=Löst');
	await check(sara, 'desk-ticket-resolved', number);

	// Register a call for a Bengtsfors employee, quickly.
	const t0 = Date.now();
	await sara.keyboard.press('n');
	await sara.waitForSelector('input[name="person"]:focus');
	await sara.keyboard.type('lisa');
	await sara.waitForSelector('button.pick');
	await sara.keyboard.press('Enter');
	await sara.waitForSelector('input[name="subject"]:focus');
	await sara.keyboard.type('Ringer: kommer inte åt lärplattformen');
	await sara.keyboard.press('Enter');
	await sara.waitForSelector('.flash >> text=registrerat');
	ok(Date.now() - t0 < 30000, `a call registered in ${((Date.now() - t0) / 1000).toFixed(1)} s (under 30 s)`);
	ok(/BEN-\d{4}-\d{6}/.test(await sara.textContent('.flash')), 'for the caller\'s municipality');
	await check(sara, 'desk-register-done', 'Registrera');
	await sara.click('.flash button');
	await check(sara, 'desk-register', 'Registrera');
	await sara.locator('h1').click();
	await sara.keyboard.press('?');
	await sara.waitForSelector('dialog.help-dialog[open]');
	ok(/g q/.test(await sara.textContent('dialog.help-dialog')), 'the shortcut help lists "g q"');
	await check(sara, 'desk-shortcuts-help', 'Registrera');
	await sara.keyboard.press('Escape');
	await sara.keyboard.press('g');
	await sara.keyboard.press('q');
	await sara.waitForURL(/#\/desk$/);
	ok(true, '"g q" goes to the queues');

	// The employee sees the answer and rates the help.
	await elin.reload();
	await elin.waitForSelector('main:not([aria-busy]) .status-box');
	ok(/Löst/.test(await elin.textContent('.status-box')), 'the employee sees it solved');
	ok(/återställt skrivaren/.test(await elin.textContent('main')), 'and the reply');
	await check(elin, 'case-resolved', 'Skrivaren');
	await elin.check('input[name="score"][value="4"]');
	await elin.fill('textarea[name="comment"]', 'Snabb hjälp, tack!');
	await elin.click('#rate-h ~ form button[type="submit"]');
	await elin.waitForSelector('.flash >> text=Tack för ditt betyg');
	ok(/4 av 5/.test(await elin.textContent('main')), 'the rating is shown');
	await check(elin, 'case-rated', 'Skrivaren');

	// English, at the click of a button.
	await elin.click('button[lang="en"]');
	await elin.waitForSelector('html[lang="en"]');
	await check(elin, 'case-english', 'Skrivaren');
	ok(/Solved/.test(await elin.textContent('.status-box')), 'English: status in words');
	await elin.click('button[lang="sv"]');

	// Done: the employee closes the case; its clocks get their verdict.
	await elin.click('text=Det är löst – avsluta ärendet');
	await elin.waitForSelector('.flash >> text=Ärendet är avslutat');
	ok(/Avslutat/.test(await elin.textContent('.status-box')), 'the employee closes the case');

	// The chief sees the figures move.
	const maria = await person(browser);
	await login(maria, 'AMA', 'maria.falk');
	await maria.waitForURL(/#\/chief/);
	await check(maria, 'chief-dashboard', 'Översikt');
	const [download] = await Promise.all([maria.waitForEvent('download'), maria.click('text=Ladda ner CSV')]);
	const csv = fs.readFileSync(await download.path(), 'utf8');
	ok(/^\ufefftenant;month;created/.test(csv) && /FAR;\d{4}-\d\d;1;1;0;1;1;1,000;1;4,00/.test(csv), 'CSV download with the figures of each municipality');
	await maria.selectOption('select[name="tenant"]', 'FAR');
	await maria.click('form.filters button');
	await maria.waitForURL(/tenant=FAR/);
	await check(maria, 'chief-dashboard-far', 'Översikt');
	const cells = await maria.locator('table.figures tbody tr').last().locator('td').allTextContents();
	ok(cells[0] === '1' && cells[1] === '1', `Färgelanda this month: 1 in, 1 solved (${cells.join(' | ')})`);
	ok(/1 av 1/.test(cells[3]), 'first-contact resolution 1 of 1');
	ok(cells[5] === '4,0', 'satisfaction 4,0 from the rating');
	const sla = await maria.locator('table.sla-figures tbody tr').last().locator('td').allTextContents();
	ok(sla.length >= 3 && sla.every((c) => /^1 av 1 \(100,0 %\)$/.test(c)),
		`SLA compliance per clock of the closed case (${sla.join(' | ')})`);

	// Auto-refresh keeps the technician's place: focus in the queue, and a
	// half-written reply in the ticket, while others' changes come in.
	const lena = await person(browser, { refreshMs: 1000 });
	await login(lena, 'AMA', 'sara.ek');
	await lena.waitForURL(/#\/desk$/);
	await lena.goto(`${base}/#/desk/queue/first_line`);
	const firstRow = lena.locator('table.tickets tbody tr a.row-link').first();
	await firstRow.waitFor();
	const focusedNumber = await firstRow.textContent();
	await firstRow.focus();
	await elin.click('nav a[href="#/report"]');
	await elin.fill('input[name="subject"]', 'Wifi i matsalen fungerar inte');
	await elin.click('form button[type="submit"]');
	await elin.waitForURL(/#\/receipt\//);
	const second = (await elin.textContent('#case-number')).trim();
	await lena.waitForSelector(`tr[data-key="${second}"]`, { timeout: 5000 });
	ok(true, 'the queue shows a new case by itself');
	ok(await lena.evaluate((n) => document.activeElement.textContent === n, focusedNumber), 'focus stays on the same case');
	await lena.click(`tr[data-key="${second}"] a.row-link`);
	await lena.waitForSelector('#reply-body');
	await lena.fill('#reply-body', 'Halvfärdigt svar som inte får försvinna');
	await elin.goto(`${base}/#/cases/${second}`);
	await elin.waitForSelector('textarea[name="body"]');
	await elin.fill('textarea[name="body"]', 'Det gäller hela östra flygeln.');
	await elin.click('#reply-h + form button[type="submit"]');
	await lena.waitForSelector('.entries >> text=östra flygeln', { timeout: 5000 });
	ok(true, 'the ticket shows the requester\'s new reply by itself');
	ok(await lena.inputValue('#reply-body') === 'Halvfärdigt svar som inte får försvinna', 'the half-written reply is still there');
	ok(await lena.evaluate(() => document.activeElement.id === 'reply-body'), 'and still has the focus');
	diag(`case ${number}`);
});
