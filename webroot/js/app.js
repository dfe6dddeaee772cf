// app.js: the shell of every page: who is signed in, the menu, the language
// switch, and the router.  Pages are addressed by the part after "#" (for
// example #/cases/FAR-2026-000001), so every page has its own link and the
// server only ever serves this one document.
import { api, setCsrf, whenSignedOut } from './api.js';
import { h, clear } from './dom.js';
import { t, lang, setLang } from './i18n.js';
import { installShortcuts } from './keys.js';
import * as login from './pages/login.js';
import * as portal from './pages/portal.js';
import * as cases from './pages/cases.js';
import * as desk from './pages/desk.js';
import * as ticket from './pages/ticket.js';
import * as chief from './pages/chief.js';
import * as order from './pages/order.js';
import * as orders from './pages/orders.js';

export const state = { session: null, approvals: null };
let leave = null;
let firstRender = true;
let renders = 0;

// True when the session holds perm anywhere ("perm" or "perm:<tenant>").
export function can(perm) {
	const ps = (state.session && state.session.permissions) || [];
	return ps.some((p) => p === perm || p.startsWith(`${perm}:`));
}

export function setSession(s) {
	state.session = s;
	state.approvals = null;
	setCsrf(s ? s.csrf_token : '');
}

export function go(hash) {
	if (location.hash === hash) render();
	else location.hash = hash;
}

// Where someone lands after logging in.
export function home() {
	if (can('ticket.work')) return '#/desk';
	const roles = (state.session && state.session.roles) || [];
	if (roles.some((r) => r.role === 'chief' || r.role === 'finance')) return '#/chief';
	return '#/';
}

// Pattern → page; {x} is one path segment.
const routes = [
	['/login', login.loginPage, { open: true }],
	['/mfa', login.mfaPage, { mfa: true }],
	['/', portal.startPage],
	['/report', portal.reportPage],
	['/order', order.cataloguePage],
	['/order/{code}', order.servicePage],
	['/orders', orders.listPage],
	['/orders/{n}', orders.orderPage],
	['/approvals', orders.approvalsPage, { approver: true }],
	['/receipt/{n}', portal.receiptPage],
	['/cases', cases.listPage],
	['/cases/{n}', cases.casePage],
	['/desk', desk.queuesPage, { perm: 'ticket.work' }],
	['/desk/queue/{code}', desk.queuePage, { perm: 'ticket.work' }],
	['/desk/search', desk.searchPage, { perm: 'ticket.work' }],
	['/desk/new', desk.registerPage, { perm: 'ticket.work' }],
	['/desk/ticket/{n}', ticket.ticketPage, { perm: 'ticket.work' }],
	['/chief', chief.dashboardPage, { perm: 'report.read' }],
];

function parse() {
	const raw = location.hash.replace(/^#/, '') || '/';
	const [path, qs] = raw.split('?');
	const query = new URLSearchParams(qs || '');
	const segs = path.split('/');
	for (const [pattern, page, opts] of routes) {
		const ps = pattern.split('/');
		if (ps.length !== segs.length) continue;
		const params = {};
		if (ps.every((p, i) => (p.startsWith('{') ? (params[p.slice(1, -1)] = decodeURIComponent(segs[i])) !== '' : p === segs[i]))) {
			return { page, opts: opts || {}, params, query, path };
		}
	}
	return null;
}

function navItem(href, key, path, extra) {
	const here = path === href.slice(1) || (href !== '#/' && path.startsWith(href.slice(1) + '/'));
	return h('li', null, h('a', { href, 'aria-current': here ? 'page' : null }, t(key), extra));
}

// Managers (for their cost centres) and IT architects decide on orders.
export function approver() {
	return can('order.approve') || can('order.approve_architect');
}

// The count on "Att godkänna", shown only when something waits.
function approvalBadge() {
	const n = state.approvals;
	if (!n) return null;
	return h('span', { class: 'badge nav-badge', id: 'approvals-badge' }, String(n),
		h('span', { class: 'visually-hidden' }, ` ${t('nav.approvals.waiting', { n })}`));
}

export function setApprovalCount(n) {
	state.approvals = n;
	const a = document.querySelector('#nav a[href="#/approvals"]');
	if (!a) return;
	const old = a.querySelector('.badge');
	if (old) old.remove();
	const b = approvalBadge();
	if (b) a.append(' ', b);
}

// Asks how many orders wait for the signed-in approver (not on every page
// view of the inbox itself, which counts them as it lists them).
async function refreshApprovals(path) {
	if (!approver() || path === '/approvals') return;
	try {
		const r = await api('GET', '/api/v1/approvals', undefined, { quiet: true });
		setApprovalCount(r.orders.length);
	} catch (e) {
		// The badge is a help; the inbox itself shows the truth.
	}
}

function renderChrome(path) {
	document.getElementById('skip').textContent = t('skip');
	document.getElementById('brand').textContent = t('app.name');
	const nav = document.getElementById('nav');
	nav.setAttribute('aria-label', t('nav.label'));
	const s = state.session;
	const signedIn = s && s.mfa === 'ok';
	const items = [];
	if (signedIn) {
		items.push(navItem('#/', 'nav.start', path));
		if (can('ticket.create')) {
			items.push(navItem('#/report', 'nav.report', path), navItem('#/order', 'nav.order', path));
		}
		items.push(navItem('#/cases', 'nav.cases', path), navItem('#/orders', 'nav.orders', path));
		if (approver()) items.push(navItem('#/approvals', 'nav.approvals', path, state.approvals ? [' ', approvalBadge()] : null));
		if (can('ticket.work')) items.push(navItem('#/desk', 'nav.desk', path));
		if (can('report.read')) items.push(navItem('#/chief', 'nav.chief', path));
	}
	clear(nav, items.length ? h('ul', null, items) : null);
	const other = lang() === 'sv' ? 'en' : 'sv';
	clear(document.getElementById('tools'),
		signedIn ? h('span', { class: 'who' }, t('nav.signedin', { name: s.person.name })) : null,
		h('button', {
			type: 'button', class: 'link-button', lang: other, 'aria-label': t('lang.switch.label'),
			onclick: () => { setLang(other); render(); },
		}, t('lang.switch')),
		s ? h('button', { type: 'button', class: 'link-button', onclick: logout }, t('nav.logout')) : null);
}

async function logout() {
	try {
		await api('DELETE', '/api/v1/session', undefined, { quiet: true });
	} catch (e) {
		// Gone already: the page forgets it either way.
	}
	setSession(null);
	go('#/login');
}

export async function render() {
	const gen = ++renders;
	if (leave) {
		leave();
		leave = null;
	}
	const route = parse();
	const main = document.getElementById('main');
	const path = route ? route.path : '';
	const s = state.session;
	if (route && !route.opts.open) {
		if (!s) return go('#/login');
		if (s.mfa !== 'ok' && !route.opts.mfa) return go('#/mfa');
	}
	renderChrome(path);
	if (s && s.mfa === 'ok') refreshApprovals(path);
	// Each page is built in a view of its own: one that finishes after a
	// newer one has started (a slow answer, a quick click) is left out of
	// the document instead of covering the newer page.
	const view = h('div', { class: 'view' });
	main.replaceChildren(view);
	main.setAttribute('aria-busy', 'true');
	let title;
	try {
		if (!route) title = notice(view, t('err.notfound'));
		else if ((route.opts.perm && !can(route.opts.perm)) || (route.opts.approver && !approver())) {
			title = notice(view, t('err.forbidden'));
		}
		else {
			const ctx = {
				params: route.params, query: route.query,
				onLeave: (fn) => { if (gen === renders) leave = fn; else fn(); },
			};
			title = await route.page(view, ctx);
		}
	} catch (err) {
		title = notice(view, err.message || t('err.generic'));
	}
	if (gen !== renders) return;
	main.removeAttribute('aria-busy');
	document.title = `${title || t('app.name')} – ${t('app.name')}`;
	// After a move within the app, reading starts at the new page's heading
	// (unless the page put focus where the work starts, as a form does).
	const placed = document.activeElement && document.activeElement !== main && main.contains(document.activeElement)
		&& document.activeElement.matches('input, textarea, select');
	if (!firstRender && !placed) {
		const h1 = main.querySelector('h1');
		if (h1) {
			h1.setAttribute('tabindex', '-1');
			h1.focus();
		}
	}
	firstRender = false;
}

function notice(main, text) {
	clear(main, h('h1', null, text), h('p', null, h('a', { href: '#/' }, t('nav.start'))));
	return text;
}

async function boot() {
	whenSignedOut(() => {
		setSession(null);
		go('#/login');
	});
	try {
		setSession(await api('GET', '/api/v1/session', undefined, { quiet: true }));
	} catch (e) {
		setSession(null);
	}
	installShortcuts();
	window.addEventListener('hashchange', render);
	await render();
}

boot();
