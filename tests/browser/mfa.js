// mfa.js: logging in when it does not simply work: the municipality's
// directory is down (a clear message, not a wrong-password one), and an
// administrator's two-step verification: enrolment with the QR code and the
// key, the recovery codes shown once, the challenge with a wrong code, and a
// recovery code instead of the phone.  axe and a screenshot on every page.
'use strict';
const { base, ok, person, check, login, totp, main } = require('./lib.js');

main(async (browser) => {
	const karl = await person(browser);
	await login(karl, 'MEL', 'karl.ostlund');
	await karl.waitForSelector('.form-alert:not([hidden])');
	ok(/inloggningstjänst svarar inte/.test(await karl.textContent('.form-alert')),
		'directory down: says the login service is not answering');
	ok(!/stämmer inte/.test(await karl.textContent('.form-alert')), 'and does not blame the password');
	await check(karl, 'login-directory-down', 'Logga in');

	const adm = await person(browser);
	await login(adm, 'AMA', 'adm-test');
	await adm.waitForURL(/#\/mfa$/);
	await adm.waitForSelector('img.qr');
	await check(adm, 'mfa-enrol', 'Aktivera tvåstegsverifiering');
	const src = await adm.getAttribute('img.qr', 'src');
	ok(/^data:image\/svg\+xml;base64,/.test(src), 'the QR code is an image');
	ok(await adm.evaluate(() => document.querySelector('img.qr').naturalWidth > 0), 'and it renders under the CSP');
	const secret = (await adm.textContent('code.secret')).replace(/\s+/g, '');
	ok(/^[A-Z2-7]{16,}$/.test(secret), 'the key is shown too');
	await adm.fill('input[name="code"]', '12345');
	await adm.click('main form button[type="submit"]');
	ok(/6 siffror/.test(await adm.textContent('.field-error:not([hidden])')), 'a short code: says six digits');
	await adm.fill('input[name="code"]', totp(secret));
	await adm.click('main form button[type="submit"]');
	await adm.waitForSelector('ul.recovery li');
	const codes = await adm.locator('ul.recovery code').allTextContents();
	ok(codes.length === 10, 'ten recovery codes, shown once');
	await check(adm, 'mfa-recovery-codes', 'Spara dina reservkoder');
	await adm.click('text=Jag har sparat koderna');
	await adm.waitForURL(/#\/$/);
	await check(adm, 'start-after-mfa', 'Hur kan vi hjälpa dig?');
	await adm.click('text=Logga ut');
	await adm.waitForURL(/#\/login$/);

	await login(adm, 'AMA', 'adm-test');
	await adm.waitForURL(/#\/mfa$/);
	await adm.waitForSelector('input[name="code"]');
	await check(adm, 'mfa-challenge', 'Ange kod');
	await adm.fill('input[name="code"]', '000000');
	await adm.click('main form button[type="submit"]');
	await adm.waitForSelector('.field-error:not([hidden])');
	ok(/stämmer inte/.test(await adm.textContent('.field-error:not([hidden])')), 'a wrong code: says so at the field');
	await check(adm, 'mfa-challenge-wrong', 'Ange kod');
	await adm.click('text=använd en reservkod');
	await adm.fill('input[name="recovery_code"]', codes[0]);
	await adm.click('main form button[type="submit"]');
	await adm.waitForURL(/#\/$/);
	ok(true, 'a recovery code lets the administrator in');
	await adm.goto(`${base}/#/login`);
	await adm.waitForURL(/#\/$/);
	ok(true, 'a signed-in user is sent on from the login page');
});
