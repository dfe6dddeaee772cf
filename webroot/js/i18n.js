// i18n.js: the language of the pages.  Swedish first; English when the user
// picks it (remembered in this browser).  Every string lives in lang/sv.js
// and lang/en.js, under the same keys.
import sv from './lang/sv.js';
import en from './lang/en.js';

const tables = { sv, en };
let current = localStorage.getItem('sdesk.lang') === 'en' ? 'en' : 'sv';
document.documentElement.lang = current;

export function lang() {
	return current;
}

export function setLang(l) {
	current = l === 'en' ? 'en' : 'sv';
	localStorage.setItem('sdesk.lang', current);
	document.documentElement.lang = current;
}

// t('key', {n: 3}) replaces {n}; a missing key shows itself, so it is seen.
export function t(key, vars) {
	let s = tables[current][key] ?? tables.sv[key] ?? key;
	if (vars) for (const [k, v] of Object.entries(vars)) s = s.split(`{${k}}`).join(String(v));
	return s;
}

const dateFormats = {};
function fmt(kind) {
	const key = current + kind;
	if (!dateFormats[key]) {
		const opts = { timeZone: 'Europe/Stockholm' };
		if (kind === 'dt') Object.assign(opts, { dateStyle: 'medium', timeStyle: 'short' });
		else Object.assign(opts, { dateStyle: 'medium' });
		dateFormats[key] = new Intl.DateTimeFormat(current === 'en' ? 'en-GB' : 'sv-SE', opts);
	}
	return dateFormats[key];
}

// Times are UTC in the API and Stockholm time on the page.
export function dateTime(iso) {
	return iso ? fmt('dt').format(new Date(iso)) : '';
}

export function date(iso) {
	return iso ? fmt('d').format(new Date(iso)) : '';
}

// "2 h 5 min", "3 d 4 h": a duration in words a person reads at a glance.
export function duration(seconds) {
	const s = Math.abs(Math.round(seconds));
	const d = Math.floor(s / 86400), hrs = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
	if (d > 0) return t('dur.dh', { d, h: hrs });
	if (hrs > 0) return t('dur.hm', { h: hrs, m });
	return t('dur.m', { m });
}

// Business time ("45 h 0 min"): in opening hours a day is no 24 hours, so
// never counted in days.
export function workTime(seconds) {
	const s = Math.abs(Math.round(seconds));
	const hrs = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
	return hrs > 0 ? t('dur.hm', { h: hrs, m }) : t('dur.m', { m });
}

export function number(n, digits = 0) {
	return new Intl.NumberFormat(current === 'en' ? 'en-GB' : 'sv-SE', {
		minimumFractionDigits: digits, maximumFractionDigits: digits,
	}).format(n);
}

// An amount in öre as kronor: "1 234,50 kr" (Swedish grouping and comma).
export function money(ore) {
	return t('money', { amount: number(ore / 100, 2) });
}
