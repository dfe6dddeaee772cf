// lib.js: what the browser scripts share: Debian's chromium through
// playwright-core (headless, no sandbox as root, a fresh profile per launch),
// axe-core on every page (WCAG 2.1 A and AA, no violations allowed), a
// screenshot of every page under tests/artifacts/, and "ok"/"not ok" lines
// that tests/browser/World.pm turns into TAP.
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const { chromium } = require('playwright-core');

const base = process.env.SDESK_URL;
const password = process.env.SDESK_PASSWORD;
const artifacts = process.env.SDESK_ARTIFACTS || '/tmp';
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
let failed = 0;

function ok(cond, desc) {
	if (!cond) failed += 1;
	console.log(`${cond ? 'ok' : 'not ok'} - ${desc}`);
	return !!cond;
}

function diag(text) {
	for (const l of String(text).split('\n')) console.log(`# ${l}`);
}

async function launch() {
	return chromium.launch({
		executablePath: process.env.SDESK_CHROMIUM || '/usr/bin/chromium',
		headless: true,
		args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
			'--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
	});
}

// A context per person (own cookies); every console error or CSP report fails.
async function person(browser, opts = {}) {
	const ctx = await browser.newContext({
		viewport: opts.viewport || { width: 1280, height: 900 }, locale: 'sv-SE', timezoneId: 'Europe/Stockholm',
		acceptDownloads: true,
	});
	// A shorter auto-refresh, to see it happen (the pages read it at load).
	if (opts.refreshMs) await ctx.addInitScript((ms) => localStorage.setItem('sdesk.refresh_ms', String(ms)), opts.refreshMs);
	const page = await ctx.newPage();
	page.setDefaultTimeout(10000);
	page.errors = [];
	page.on('console', (m) => {
		if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) page.errors.push(m.text());
	});
	page.on('pageerror', (e) => page.errors.push(String(e)));
	return page;
}

// axe-core runs in the page through the DevTools protocol, which the
// page's Content-Security-Policy does not govern, so the policy stays on.
async function axe(page, name) {
	await page.evaluate(axeSource);
	const r = await page.evaluate(() => window.axe.run(document, {
		runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
		resultTypes: ['violations'],
	}));
	ok(r.violations.length === 0, `axe: ${name} has no WCAG 2.1 A/AA violations`);
	for (const v of r.violations) {
		diag(`${v.id} (${v.impact}): ${v.help}`);
		for (const n of v.nodes.slice(0, 5)) diag(`  ${n.target.join(' ')}: ${n.failureSummary.replace(/\n/g, ' ')}`);
	}
}

let shots = 0;
async function shot(page, name) {
	shots += 1;
	const file = path.join(artifacts, `${String(shots).padStart(2, '0')}-${name}.png`);
	await page.screenshot({ path: file, fullPage: true });
}

// Checks a page the same way every time: heading, no script errors, axe, picture.
async function check(page, name, h1) {
	await page.waitForSelector('main:not([aria-busy]) h1');
	if (h1) ok((await page.textContent('main h1')).includes(h1), `${name}: heading "${h1}"`);
	ok(page.errors.length === 0, `${name}: no script errors or CSP reports`);
	if (page.errors.length) diag(page.errors.join('\n'));
	page.errors.length = 0;
	await axe(page, name);
	await shot(page, name);
}

async function login(page, tenant, user, pw = password) {
	await page.goto(`${base}/#/login`);
	await page.waitForSelector('select[name="tenant"] option[value="FAR"]', { state: 'attached' });
	await page.selectOption('select[name="tenant"]', tenant);
	await page.fill('input[name="login"]', user);
	await page.fill('input[name="password"]', pw);
	await page.click('form button[type="submit"]');
}

function totp(secret) {
	return execFileSync('oathtool', ['--totp', '-b', secret]).toString().trim();
}

// What has the focus, and whether it shows a visible focus indicator.
async function focused(page) {
	return page.evaluate(() => {
		const e = document.activeElement;
		const s = getComputedStyle(e);
		return {
			tag: e.tagName.toLowerCase(), name: e.getAttribute('name') || '', type: e.getAttribute('type') || '',
			href: e.getAttribute('href') || '', text: (e.textContent || '').trim().slice(0, 60),
			visible: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
		};
	});
}

// Presses Tab until want(focused) holds; every stop on the way must show focus.
async function tabTo(page, want, label, stops) {
	for (let i = 0; i < 60; i += 1) {
		await page.keyboard.press('Tab');
		const f = await focused(page);
		if (f.tag !== 'body') stops.push(f);
		if (want(f)) return f;
	}
	throw new Error(`Tab never reached ${label}`);
}

function allVisible(stops, where) {
	const bad = stops.filter((s) => !s.visible);
	ok(stops.length > 0 && bad.length === 0, `${where}: all ${stops.length} focus stops show a visible focus`);
	for (const b of bad) diag(`no visible focus: <${b.tag} name="${b.name}" href="${b.href}"> ${b.text}`);
	stops.length = 0;
}

// Nothing on the page is wider than the window (360 px on a small phone),
// then the usual checks.
async function fits(page, name) {
	await page.waitForSelector('main:not([aria-busy]) h1');
	const w = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth,
		[...document.querySelectorAll('main *')].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
			.slice(0, 3).map((e) => `${e.tagName.toLowerCase()}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)]);
	if (!ok(w[0] <= w[1], `${name}: fits 360 px (content ${w[0]} px wide)`)) diag(w[2].join('\n'));
	await check(page, `360-${name}`);
}

function done() {
	process.exitCode = failed ? 1 : 0;
}

async function main(fn) {
	let browser;
	try {
		browser = await launch();
		await fn(browser);
	} catch (e) {
		ok(false, `script ran to the end: ${e.message}`);
		diag(e.stack);
	} finally {
		if (browser) await browser.close();
		done();
	}
}

module.exports = { base, password, ok, diag, launch, person, axe, shot, check, login, totp, main, focused, tabTo, allVisible, fits };
