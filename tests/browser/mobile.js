// mobile.js: every page at 360 px wide (a small phone): nothing wider than
// the screen, axe clean, a screenshot each; an employee reports a problem and
// a technician works it, the chief reads the figures.
'use strict';
const { base, person, login, main, fits } = require('./lib.js');

const viewport = { width: 360, height: 740 };

main(async (browser) => {
	const elin = await person(browser, { viewport });
	await elin.goto(`${base}/`);
	await fits(elin, 'login');
	await login(elin, 'FAR', 'elin.frisk');
	await elin.waitForURL(/#\/$/);
	await fits(elin, 'start');
	await elin.click('.tiles a[href="#/report"]');
	await elin.waitForSelector('input[name="subject"]');
	await fits(elin, 'report');
	await elin.fill('input[name="subject"]', 'Telefonen laddar inte');
	await elin.click('form button[type="submit"]');
	await elin.waitForURL(/#\/receipt\//);
	await fits(elin, 'receipt');
	const number = (await elin.textContent('#case-number')).trim();
	await elin.click(`a[href="#/cases/${number}"]`);
	await elin.waitForSelector('.status-box');
	await fits(elin, 'case');
	await elin.click('nav a[href="#/cases"]');
	await elin.waitForSelector('table');
	await fits(elin, 'cases');
	await elin.click('nav a[href="#/order"]');
	await fits(elin, 'order');

	const sara = await person(browser, { viewport });
	await login(sara, 'AMA', 'sara.ek');
	await sara.waitForURL(/#\/desk$/);
	await fits(sara, 'desk');
	await sara.goto(`${base}/#/desk/queue/first_line`);
	await sara.waitForSelector(`tr[data-key="${number}"]`);
	await fits(sara, 'queue');
	await sara.click(`tr[data-key="${number}"] a.row-link`);
	await sara.waitForSelector('#reply-body');
	await fits(sara, 'ticket');
	await sara.goto(`${base}/#/desk/new`);
	await sara.waitForSelector('input[name="person"]');
	await sara.fill('input[name="person"]', 'goran');
	await sara.waitForSelector('button.pick');
	await fits(sara, 'register');

	const maria = await person(browser, { viewport });
	await login(maria, 'AMA', 'maria.falk');
	await maria.waitForURL(/#\/chief/);
	await maria.waitForSelector('svg.chart');
	await fits(maria, 'chief');
});
