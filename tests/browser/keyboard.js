// keyboard.js: the employee path with the keyboard alone (Tab, Enter and
// Space to move and act; typing only into fields): log in, report a problem,
// read the receipt, open the case from "Mina ärenden".  Every focus stop
// must show a visible focus indicator.
'use strict';
const { base, password, ok, person, check, main, focused, tabTo, allVisible } = require('./lib.js');

main(async (browser) => {
	const page = await person(browser);
	const stops = [];
	await page.goto(`${base}/`);
	await page.waitForSelector('main:not([aria-busy]) h1');
	const skip = await tabTo(page, (f) => f.href === '#main', 'the skip link', stops);
	ok(/Hoppa till innehållet/.test(skip.text), 'the first Tab reaches "Hoppa till innehållet"');
	await tabTo(page, (f) => f.name === 'tenant', 'the municipality', stops);
	await page.keyboard.type('Färgelanda');
	await tabTo(page, (f) => f.name === 'login', 'the user name', stops);
	await page.keyboard.type('elin.frisk');
	await tabTo(page, (f) => f.name === 'password', 'the password', stops);
	await page.keyboard.type(password);
	await tabTo(page, (f) => f.tag === 'button' && f.type === 'submit', 'the login button', stops);
	await page.keyboard.press('Enter');
	await page.waitForURL(/#\/$/);
	allVisible(stops, 'login');
	await check(page, 'kbd-start', 'Hur kan vi hjälpa dig?');

	await tabTo(page, (f) => f.href === '#/report' && /Något fungerar/.test(f.text), 'the "Anmäl ett fel" tile', stops);
	await page.keyboard.press('Enter');
	await page.waitForURL(/#\/report$/);
	await page.waitForSelector('main:not([aria-busy]) input[name="subject"]');
	allVisible(stops, 'start page');
	ok((await focused(page)).tag === 'h1', 'after the move, focus is on the new page\'s heading');
	await tabTo(page, (f) => f.name === 'subject', 'the subject', stops);
	await page.keyboard.type('Datorn startar inte efter uppdateringen');
	await tabTo(page, (f) => f.name === 'description', 'the description', stops);
	await page.keyboard.type('Svart skärm med en blinkande markör.');
	await tabTo(page, (f) => f.name === 'urgency', 'the urgency choice', stops);
	await page.keyboard.press('Space');
	await tabTo(page, (f) => f.tag === 'button' && f.type === 'submit', 'the send button', stops);
	await page.keyboard.press('Space');
	await page.waitForURL(/#\/receipt\//);
	allVisible(stops, 'report form');
	await check(page, 'kbd-receipt', 'Tack!');
	const number = (await page.textContent('#case-number')).trim();

	await tabTo(page, (f) => f.href === `#/cases/${number}`, 'the "Visa ärendet" link', stops);
	await page.keyboard.press('Enter');
	await page.waitForSelector('main:not([aria-busy]) .status-box');
	allVisible(stops, 'receipt');
	await check(page, 'kbd-case', 'Datorn startar inte');
	await tabTo(page, (f) => f.href === '#/cases' && f.text === 'Mina ärenden', 'the menu\'s "Mina ärenden"', stops);
	await page.keyboard.press('Enter');
	await page.waitForSelector('main:not([aria-busy]) table');
	await tabTo(page, (f) => f.href === `#/cases/${number}`, 'the case in the list', stops);
	await page.keyboard.press('Enter');
	await page.waitForSelector('main:not([aria-busy]) .status-box');
	allVisible(stops, 'my cases');
	ok(/Mottaget/.test(await page.textContent('.status-box')), 'the case opens from the list by keyboard');
	// The reply form, by keyboard too.
	await tabTo(page, (f) => f.name === 'body', 'the reply box', stops);
	await page.keyboard.type('Den startar nu, men är långsam.');
	await tabTo(page, (f) => f.tag === 'button' && /Skicka/.test(f.text), 'the send button', stops);
	await page.keyboard.press('Enter');
	await page.waitForSelector('.flash');
	allVisible(stops, 'case page');
	ok(/långsam/.test(await page.textContent('.entries')), 'the reply is in the conversation');
	await check(page, 'kbd-case-replied', 'Datorn startar inte');
});
