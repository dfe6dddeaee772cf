// pages/desk.js: the technician's workspace: queues with counts, a queue's
// tickets as the API sorts them (most urgent first) with the time left as
// text, shape and colour, refreshed every 30 seconds without losing the
// user's place; search; and registering a call or visit in a few keystrokes.
import { api } from '../api.js';
import { h, clear, field, formAlert, busy, showError, select, id, announce } from '../dom.js';
import { t, dateTime, duration } from '../i18n.js';
import { go } from '../app.js';
import { statusText, person, slaCell } from './common.js';
import { showHelp } from '../keys.js';

// Every 30 s; a test may ask for less (localStorage sdesk.refresh_ms).
export const REFRESH_MS = Number(localStorage.getItem('sdesk.refresh_ms')) || 30000;

// The bar above every workspace page: queues, new ticket, search, shortcuts.
export function deskBar(q = '') {
	const input = h('input', { type: 'search', name: 'q', id: 'desk-search', value: q, autocomplete: 'off' });
	const form = h('form', { class: 'desk-search', role: 'search' },
		h('label', { for: 'desk-search' }, t('desk.search.label')), input,
		h('button', { type: 'submit' }, t('desk.search.button')));
	form.addEventListener('submit', (ev) => {
		ev.preventDefault();
		if (input.value.trim()) go(`#/desk/search?q=${encodeURIComponent(input.value.trim())}`);
	});
	return h('div', { class: 'desk-bar' },
		h('ul', { class: 'desk-links' },
			h('li', null, h('a', { href: '#/desk' }, t('desk.queues'))),
			h('li', null, h('a', { href: '#/desk/new', class: 'button primary' }, t('desk.new')))),
		form,
		h('button', { type: 'button', class: 'link-button', onclick: showHelp, 'aria-haspopup': 'dialog' },
			`${t('desk.shortcuts')} (?)`));
}

function ticketRow(x) {
	const age = (Date.now() - Date.parse(x.created_at)) / 1000;
	return h('tr', { dataset: { key: x.number } },
		h('td', { 'data-label': t('desk.col.sla') }, slaCell(x)),
		h('td', { 'data-label': t('desk.col.number') }, h('a', { href: `#/desk/ticket/${x.number}`, class: 'row-link' }, x.number)),
		h('td', { 'data-label': t('desk.col.subject') }, x.subject),
		h('td', { 'data-label': t('desk.col.requester') }, person(x.requester), ` (${x.tenant})`),
		h('td', { 'data-label': t('desk.col.priority') }, h('abbr', { title: t('prio.long', { n: x.priority }) }, t('prio', { n: x.priority }))),
		h('td', { 'data-label': t('desk.col.status') }, statusText(x.status)),
		h('td', { 'data-label': t('desk.col.assignee') }, person(x.assignee)),
		h('td', { 'data-label': t('desk.col.age') }, duration(age)));
}

export function ticketTable(list, caption) {
	return h('table', { class: 'list tickets' },
		h('caption', null, caption),
		h('thead', null, h('tr', null, ['sla', 'number', 'subject', 'requester', 'priority', 'status', 'assignee', 'age']
			.map((c) => h('th', { scope: 'col' }, t(`desk.col.${c}`))))),
		h('tbody', null, list.map(ticketRow)));
}

// Replaces a table's rows; focus and scroll position stay where they were.
function refreshRows(table, list) {
	const active = document.activeElement;
	const row = active && table.contains(active) ? active.closest('tr') : null;
	const key = row ? row.dataset.key : null;
	const col = row ? [...row.querySelectorAll('a, button')].indexOf(active) : -1;
	const y = window.scrollY;
	table.tBodies[0].replaceChildren(...list.map(ticketRow));
	if (key) {
		const again = table.querySelector(`tr[data-key="${CSS.escape(key)}"]`);
		const target = again ? again.querySelectorAll('a, button')[col] : null;
		if (target) target.focus({ preventScroll: true });
	}
	window.scrollTo(0, y);
}

// Runs fn every 30 s while the page is shown (and the tab is visible).
function every(ctx, fn) {
	const timer = setInterval(() => { if (!document.hidden) fn().catch(() => {}); }, REFRESH_MS);
	ctx.onLeave(() => clearInterval(timer));
}

function stamp() {
	return h('p', { class: 'muted refreshed', role: 'status' },
		t('desk.refreshed', { time: dateTime(new Date().toISOString()) }), ' ', t('desk.refresh.auto'));
}

function openCount(q) {
	return Object.values(q.counts || {}).reduce((a, b) => a + b, 0);
}

export async function queuesPage(main, ctx) {
	const [queues, mine] = await Promise.all([api('GET', '/api/v1/queues'), api('GET', '/api/v1/me/tickets')]);
	const list = h('ul', { class: 'queues' });
	const fill = (qs) => list.replaceChildren(...qs.map((q) => h('li', null,
		h('a', { href: `#/desk/queue/${q.code}` }, h('span', { class: 'q-name' }, q.name),
			h('span', { class: 'q-count' }, t('desk.open', { n: openCount(q) }))))));
	fill(queues.queues);
	const mineTable = ticketTable(mine.assigned, t('desk.mine'));
	const none = h('p', null, t('desk.mine.none'));
	const show = (n) => { mineTable.hidden = n === 0; none.hidden = n > 0; };
	show(mine.assigned.length);
	let note = stamp();
	clear(main, deskBar(), h('h1', null, t('desk.title')),
		h('section', { 'aria-labelledby': 'q-h' }, h('h2', { id: 'q-h' }, t('desk.queues')), list),
		h('section', null, mineTable, none), note);
	every(ctx, async () => {
		const [q2, m2] = await Promise.all([api('GET', '/api/v1/queues'), api('GET', '/api/v1/me/tickets')]);
		fill(q2.queues);
		refreshRows(mineTable, m2.assigned);
		show(m2.assigned.length);
		const fresh = stamp();
		note.replaceWith(fresh);
		note = fresh;
	});
	return t('desk.title');
}

export async function queuePage(main, ctx) {
	const code = ctx.params.code;
	const queues = (await api('GET', '/api/v1/queues')).queues;
	const q = queues.find((x) => x.code === code);
	if (!q) throw new Error(t('err.notfound'));
	let shown = [];
	let next = null;
	const fetchPage = (after, limit = 50) => api('GET',
		`/api/v1/queues/${code}/tickets?limit=${limit}${after ? `&after=${encodeURIComponent(after)}` : ''}`);
	const first = await fetchPage(null);
	shown = first.tickets;
	next = first.next;
	const title = t('desk.queue.title', { name: q.name });
	const table = ticketTable(shown, t('desk.open', { n: openCount(q) }));
	const more = h('button', { type: 'button' }, t('desk.queue.more'));
	more.addEventListener('click', async () => {
		const p = await fetchPage(next);
		shown = shown.concat(p.tickets);
		next = p.next;
		refreshRows(table, shown);
		more.hidden = !next;
	});
	more.hidden = !next;
	const none = h('p', null, t('desk.queue.none'));
	const show = () => { table.hidden = !shown.length; none.hidden = !!shown.length; };
	show();
	let note = stamp();
	clear(main, deskBar(), h('h1', null, title), table, none, more, note);
	every(ctx, async () => {
		const p = await fetchPage(null, Math.min(100, Math.max(50, shown.length)));
		shown = p.tickets;
		refreshRows(table, shown);
		show();
		table.caption.textContent = t('desk.open', { n: shown.length });
		const fresh = stamp();
		note.replaceWith(fresh);
		note = fresh;
	});
	return title;
}

const numberRe = /^[A-Za-z]{3}-\d{4}-\d{6,}$/;

export async function searchPage(main, ctx) {
	const q = ctx.query.get('q') || '';
	if (numberRe.test(q)) {
		go(`#/desk/ticket/${q.toUpperCase()}`);
		return '';
	}
	const r = await api('GET', `/api/v1/tickets?limit=50&q=${encodeURIComponent(q)}`);
	const title = t('desk.search.title', { q });
	clear(main, deskBar(q), h('h1', null, title),
		r.tickets.length ? ticketTable(r.tickets, title) : h('p', null, t('desk.search.none')));
	return title;
}

// A small search-as-you-type over the directories of the tenants served.
function personPicker(onPick) {
	const input = h('input', { type: 'search', name: 'person', autocomplete: 'off', required: true });
	const status = h('p', { class: 'muted', role: 'status' });
	const results = h('ul', { class: 'people', 'aria-label': t('new.person.results') });
	let timer = null;
	let seq = 0;
	const run = async () => {
		const q = input.value.trim();
		const mine = ++seq;
		if (q.length < 2) {
			results.replaceChildren();
			status.textContent = '';
			return;
		}
		const r = await api('GET', `/api/v1/people?limit=10&q=${encodeURIComponent(q)}`);
		if (mine !== seq) return;
		results.replaceChildren(...r.people.map((p) => h('li', null, h('button', {
			type: 'button', class: 'pick', 'aria-label': t('new.person.choose', { name: `${p.name}, ${p.tenant}` }),
			onclick: () => onPick(p),
		}, h('strong', null, p.name), ` ${p.tenant}`, p.department ? ` · ${p.department.name}` : '',
		p.email ? h('span', { class: 'muted' }, ` · ${p.email}`) : null))));
		status.textContent = r.people.length ? t('new.person.found', { n: r.people.length }) : t('new.person.none');
	};
	input.addEventListener('input', () => {
		clearTimeout(timer);
		timer = setTimeout(run, 200);
	});
	// Enter picks the only match, or searches now.
	input.addEventListener('keydown', (ev) => {
		if (ev.key !== 'Enter') return;
		ev.preventDefault();
		const picks = results.querySelectorAll('button.pick');
		if (picks.length === 1) picks[0].click();
		else {
			clearTimeout(timer);
			run().then(() => {
				const again = results.querySelectorAll('button.pick');
				if (again.length) again[0].focus();
			});
		}
	});
	return { input, box: h('div', { class: 'picker' }, field(t('new.person'), input, t('new.person.hint')), status, results) };
}

const channels = ['phone', 'visit', 'email', 'chat'];

export async function registerPage(main) {
	const cats = (await api('GET', '/api/v1/categories')).categories;
	let chosen = null;
	const chosenBox = h('div', { class: 'chosen', hidden: true });
	const subject = h('input', { name: 'subject', required: true, maxlength: '200', autocomplete: 'off' });
	const picker = personPicker((p) => {
		chosen = p;
		picker.box.hidden = true;
		chosenBox.replaceChildren(h('p', null, t('new.person.chosen', { name: p.name, tenant: p.tenant })),
			h('button', {
				type: 'button', class: 'link-button',
				onclick: () => { chosen = null; chosenBox.hidden = true; picker.box.hidden = false; picker.input.focus(); },
			}, t('new.person.change')));
		chosenBox.hidden = false;
		subject.focus();
	});
	const last = localStorage.getItem('sdesk.channel') || 'phone';
	const channelSet = h('fieldset', { class: 'radios inline' }, h('legend', null, t('new.channel')),
		channels.map((c) => {
			const rid = id('ch');
			return h('div', { class: 'radio' }, h('input', { type: 'radio', name: 'channel', id: rid, value: c, checked: c === last }),
				h('label', { for: rid }, t(`channel.${c}`)));
		}));
	const description = h('textarea', { name: 'description', rows: '4', maxlength: '20000' });
	const category = select('category', [['', t('report.category.none')], ...cats.map((c) => [c.code, c.name])], '');
	const type = select('type', ['incident', 'request', 'question', 'security_incident'].map((x) => [x, t(`type.${x}`)]), 'incident');
	const impact = select('impact', [1, 2, 3].map((n) => [n, t(`level.${n}`)]), 3);
	const urgency = select('urgency', [1, 2, 3].map((n) => [n, t(`level.${n}`)]), 2);
	const done = h('div', { class: 'flash', role: 'status', hidden: true });
	const form = h('form', { class: 'card', novalidate: true },
		formAlert(), picker.box, chosenBox, channelSet,
		field(t('new.subject'), subject), field(t('ticket.description'), description),
		h('div', { class: 'row' }, field(t('ticket.type'), type), field(t('ticket.category'), category),
			field(t('ticket.impact'), impact), field(t('ticket.urgency'), urgency)),
		h('button', { type: 'submit', class: 'primary' }, t('new.submit')));
	form.addEventListener('submit', (ev) => {
		ev.preventDefault();
		if (!chosen) return showError(form, { field: 'person', message: t('new.person.err') });
		if (!subject.value.trim()) return showError(form, { field: 'subject', message: t('report.err.subject') });
		return busy(form, async () => {
			const channel = form.querySelector('input[name="channel"]:checked').value;
			localStorage.setItem('sdesk.channel', channel);
			const body = {
				type: type.value, subject: subject.value.trim(), requester: chosen.id, channel,
				impact: Number(impact.value), urgency: Number(urgency.value),
			};
			if (description.value.trim()) body.description = description.value.trim();
			if (category.value) body.category = category.value;
			const tk = await api('POST', '/api/v1/tickets', body);
			done.replaceChildren(h('p', null, t('new.done', { n: tk.number })),
				h('p', { class: 'actions' }, h('a', { class: 'button primary', href: `#/desk/ticket/${tk.number}` }, t('new.open')),
					h('button', { type: 'button', onclick: () => registerPage(main) }, t('new.next'))));
			done.hidden = false;
			form.hidden = true;
			done.querySelector('a').focus();
		});
	});
	clear(main, deskBar(), h('h1', null, t('new.title')), h('p', { class: 'lead' }, t('new.intro')), done, form);
	picker.input.focus();
	return t('new.title');
}
